// Benchmark: every Pod Security Admission fixture evaluated in one process at its level and
// version (parsing done once, up front); prints fixtures/second, p50/p99 per round, Node and CPU.
// Run: npm run bench -- pss
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseObjects } from '../src/kube/index.js';
import { evaluatePod, type PssLevel, type PssPod } from '../src/pss/index.js';
import { isObject } from '../src/util/index.js';

const testdata = fileURLToPath(new URL('../../shared/conformance/pod-security-admission/testdata/', import.meta.url));
const fixtures: { pod: PssPod; level: PssLevel; version: string }[] = [];
for (const level of ['baseline', 'restricted'] as const) {
  for (const version of readdirSync(join(testdata, level))) {
    for (const expect of ['pass', 'fail']) {
      const dir = join(testdata, level, version, expect);
      for (const f of readdirSync(dir)) {
        const o = parseObjects(readFileSync(join(dir, f), 'utf8'), f).objects[0]?.object;
        if (o && isObject(o.spec)) fixtures.push({ pod: { metadata: o.metadata, spec: o.spec }, level, version });
      }
    }
  }
}

const rounds = Number(process.env.ROUNDS ?? 20);
const times: number[] = [];
let denied = 0;
for (let r = 0; r < rounds + 2; r++) {
  const t0 = process.hrtime.bigint();
  denied = 0;
  for (const f of fixtures) if (!evaluatePod(f.pod, f.level, f.version).allowed) denied++;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r >= 2) times.push(ms); // the first two rounds warm up the JIT
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
const total = times.reduce((a, b) => a + b, 0);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`${fixtures.length} fixtures (${denied} denied) x ${rounds} rounds`);
console.log(`round p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`);
console.log(`${Math.round((fixtures.length * times.length) / (total / 1000))} fixtures/second`);
