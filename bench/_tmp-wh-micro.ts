import { BODIES, NO_MATCH, PSS_RESTRICTED } from './_webhook-load.js';
import { buildPolicySet, createMetrics, handleReview } from '../src/webhook/index.js';
import { defaultKyvernoConfig } from '../src/kyverno/config/resource-filters.js';
const metrics = createMetrics();
for (const [name, paths] of [['none', NO_MATCH], ['pss17', PSS_RESTRICTED]] as const) {
  const set = await buildPolicySet(paths);
  const config = defaultKyvernoConfig();
  const N = 4000;
  const t = { parse: 0, handle: 0, encode: 0, metrics: 0 };
  for (let i = 0; i < N + 500; i++) {
    const body = BODIES[i % BODIES.length]!;
    const a = performance.now();
    const parsed = JSON.parse(body);
    const b = performance.now();
    const h = handleReview(parsed, set.engine, { mode: 'enforce', config });
    const c = performance.now();
    const text = JSON.stringify(h.kind === 'review' ? h.review : {});
    const d = performance.now();
    if (h.kind === 'review') for (const v of h.results) for (const r of v.rules) metrics.verdicts.inc({ policy: v.policy.name, rule: r.rule, result: r.status });
    const e = performance.now();
    if (i >= 500) { t.parse += b - a; t.handle += c - b; t.encode += d - c; t.metrics += e - d; }
    void text;
  }
  console.log(name, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, `${((v / N) * 1000).toFixed(1)}µs`])));
}
