// `npm run bench -- convert`: the differential check of `migrate convert` at a larger scale than the
// test (same generators, fixed seeds): agreement rate of the converted policies with the PSP engine,
// cases the converter lists as unexpressible (by reason), and the converted sample's size and longest
// JMESPath expression. Prints numbers; asserts nothing (the test does).
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  convertWorld,
  GEN_NAMESPACES,
  GEN_SERVICE_ACCOUNTS,
  genRequesters,
  podArbitrary,
  runWorld,
  SAMPLE_NAMESPACES,
  SAMPLE_SERVICE_ACCOUNTS,
  sampleObjects,
  sampleRequesters,
  unionGrant,
  worldArbitrary,
} from '../test/helpers/convert-differential.js';

const seed = Number(process.env.SEED ?? 16);
const scale = Number(process.env.SCALE ?? 1);
const rows: { name: string; agree: number; listed: number; listedVerdict: number; disagree: number; admitted: number }[] = [];
const reasons = new Map<string, number>();
const examples: string[] = [];
const add = (name: string, t: ReturnType<typeof runWorld>) => {
  rows.push({ name, agree: t.agree, listed: t.listed, listedVerdict: t.listedVerdict, disagree: t.disagree, admitted: t.admitted });
  for (const [k, v] of t.listedWhy) reasons.set(k.replace(/^[^:]*: /, ''), (reasons.get(k.replace(/^[^:]*: /, '')) ?? 0) + v);
  examples.push(...t.examples);
};

const { psps, rbac } = sampleObjects();
const sample = convertWorld('sample', psps, rbac);
add('sample', runWorld(sample, podArbitrary(SAMPLE_NAMESPACES, SAMPLE_SERVICE_ACCOUNTS), sampleRequesters, 2000 * scale, seed));
add('sample + union grant', runWorld(convertWorld('sample+union', psps, [...rbac, unionGrant()]), podArbitrary(['ray-restricted', 'local-path-storage'], ['gpu-runner', 'default']), sampleRequesters, 1000 * scale, seed));
const gen = { agree: 0, listed: 0, listedVerdict: 0, disagree: 0, admitted: 0, examples: [] as string[], listedWhy: new Map<string, number>() };
let worlds = 0;
let unexpressibleEntries = 0;
fc.assert(
  fc.property(worldArbitrary, fc.integer({ min: 0, max: 1_000_000 }), ({ psps: p, rbac: r }, s) => {
    const w = convertWorld('generated', p, r);
    worlds++;
    unexpressibleEntries += w.conversion.unexpressible.length;
    const t = runWorld(w, podArbitrary(GEN_NAMESPACES, GEN_SERVICE_ACCOUNTS), genRequesters, 40, s);
    gen.agree += t.agree;
    gen.listed += t.listed;
    gen.listedVerdict += t.listedVerdict;
    gen.disagree += t.disagree;
    gen.admitted += t.admitted;
    for (const [k, v] of t.listedWhy) gen.listedWhy.set(k, (gen.listedWhy.get(k) ?? 0) + v);
    gen.examples.push(...t.examples);
    return true;
  }),
  { seed, numRuns: 100 * scale },
);
add(`generated (${worlds} PSP sets)`, gen);

const yaml = sample.conversion.policies.map((p) => stringify(p, { lineWidth: 0 })).join('---\n');
const longest = Math.max(...[...yaml.matchAll(/\{\{(.*?)\}\}/g)].map((m) => m[1]!.trim().length));
console.log(`migrate convert, differential check (seed ${seed}; machine shared, timings not measured)`);
for (const r of rows) {
  const n = r.agree + r.listed + r.disagree;
  console.log(`  ${r.name.padEnd(28)} cases ${String(n).padStart(5)}  PSP admits ${String(r.admitted).padStart(5)}  agree ${((100 * r.agree) / n).toFixed(2)}%  unexpressible (listed) ${r.listed} (verdict differs in ${r.listedVerdict})  disagree ${r.disagree}`);
}
const all = rows.reduce((a, r) => ({ agree: a.agree + r.agree, n: a.n + r.agree + r.listed + r.disagree, listed: a.listed + r.listed, disagree: a.disagree + r.disagree }), { agree: 0, n: 0, listed: 0, disagree: 0 });
console.log(`  total: ${all.n} cases, agreement ${((100 * all.agree) / all.n).toFixed(2)}%, unexpressible ${all.listed}, disagreements ${all.disagree}`);
console.log(`  unexpressible entries reported by the converter over the generated sets: ${unexpressibleEntries}`);
for (const [k, v] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`    ${String(v).padStart(5)}  ${k}`);
console.log(`  sample output: ${Buffer.byteLength(yaml)} bytes, ${sample.conversion.policies.length} policies, longest JMESPath expression ${longest} characters`);
for (const e of examples.slice(0, 3)) console.log(`  disagreement: ${e}`);
