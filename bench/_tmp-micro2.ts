import { readFileSync } from 'node:fs';
import { parseObjects } from '../src/kube/index.js';
import { evaluatePolicy, compilePolicy, loadPolicy } from '../src/kyverno/index.js';
import { renderChart } from '../src/chart/index.js';
const o = parseObjects(readFileSync(new URL('testdata/pod.yaml', import.meta.url), 'utf8'), 'p').objects[0]!.object;
const ps = renderChart({ version: '3.0.7', values: [{ podSecurityStandard: 'restricted' }], set: [] }).policies.map((x) => compilePolicy(loadPolicy(x).policy!));
const cs = ps.find((p) => p.policy.name === (process.env.ONLY ?? 'disallow-capabilities-strict'))!;
for (let i = 0; i < 20000; i++) evaluatePolicy(cs, o, { operation: 'CREATE' });
