// A tiny loop timing validatePattern on the KB hostPath pattern; run by hand, never by `npm test`:
// node --import tsx src/kyverno/validate/validate.bench.ts

import { validatePattern } from './index.js';

const pattern = { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }], containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } };
const pod = {
  metadata: { name: 'p', labels: { app: 'x' } },
  spec: {
    volumes: Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, configMap: { name: 'c' } })),
    containers: Array.from({ length: 5 }, (_, i) => ({ name: `c${i}`, image: 'nginx', securityContext: { privileged: false } })),
  },
};

const rounds = 50_000;
const start = performance.now();
for (let i = 0; i < rounds; i++) validatePattern(pod, pattern);
const ms = performance.now() - start;
process.stdout.write(`validatePattern: ${Math.round((rounds / ms) * 1000)} ops/s (node ${process.version})\n`);
