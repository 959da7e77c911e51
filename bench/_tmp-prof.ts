import { readFileSync } from 'node:fs';
import { renderChart } from '../src/chart/index.js';
import { parseObjects } from '../src/kube/index.js';
import { compilePolicy, evaluatePolicy, loadPolicy } from '../src/kyverno/index.js';
const ps = renderChart({ version: '3.0.7', values: [{ podSecurityStandard: 'restricted' }], set: [] }).policies.map((o) => compilePolicy(loadPolicy(o).policy!));
const file = process.env.RES ?? 'pod.yaml';
const o = parseObjects(readFileSync(new URL(`testdata/${file}`, import.meta.url), 'utf8'), file).objects[0]!.object;
const ctx = { operation: 'CREATE' as const, namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' }, requestInfo: { userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['a'] }, roles: [], clusterRoles: [] } };
const only = process.env.ONLY;
const sel = only ? ps.filter((p) => p.policy.name === only) : ps;
let n = 0;
const N = Number(process.env.N ?? 3000);
for (let i = 0; i < 300; i++) for (const p of sel) n += evaluatePolicy(p, o, ctx).rules.length;
const t0 = performance.now();
for (let i = 0; i < N; i++) for (const p of sel) n += evaluatePolicy(p, o, ctx).rules.length;
const us = ((performance.now() - t0) * 1000) / N;
console.log(`${file} ${only ?? 'all'}: ${us.toFixed(1)} µs per evaluation of ${sel.length} policies (${n})`);
if (process.env.PER) { let tot = 0; for (const p of ps) { let best = 1e9; for (let r = 0; r < 7; r++) { const t = performance.now(); for (let i = 0; i < 300; i++) evaluatePolicy(p, o, ctx); best = Math.min(best, ((performance.now() - t) * 1000) / 300); } tot += best; console.log(p.policy.name.padEnd(34), best.toFixed(2), 'µs'); }
let bp = 1e9; const js = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', object: o, operation: 'CREATE' } }); for (let r = 0; r < 7; r++) { const t = performance.now(); for (let i = 0; i < 300; i++) n += JSON.parse(js).kind.length; bp = Math.min(bp, ((performance.now() - t) * 1000) / 300); }
console.log('sum of best', tot.toFixed(1), 'µs; JSON.parse best', bp.toFixed(1), 'µs; ratio', (tot / bp).toFixed(2)); }
