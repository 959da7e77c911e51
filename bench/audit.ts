// `npm run bench -- audit [N]`: a generated N-workload dump (default 10,000) audited against the 11
// baseline + 6 restricted policies of the kyverno-policies chart, reported as the time of the whole
// audit (parse + snapshot + evaluation) ÷ the time to parse the dump alone, measured in one run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadObjects } from '../src/cluster/index.js';
import { defaultKyvernoConfig } from '../src/kyverno/config/index.js';
import { buildSnapshot } from '../src/kube/index.js';
import { runAudit } from '../src/migrate/audit.js';
import { buildTargetPolicies } from '../src/migrate/target.js';
import { generateDump } from './gen-dump.js';

const n = Number(process.argv[2] ?? 10000);
const file = join(mkdtempSync(join(tmpdir(), 'podgate-bench-')), `dump-${n}.yaml`);
writeFileSync(file, stringify(generateDump(n), { lineWidth: 0 }));

function time<T>(f: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const v = f();
  return [v, Number(process.hrtime.bigint() - t) / 1e6];
}

// Parse alone (twice; the second, warm run is the reference).
time(() => loadObjects([file]));
const [, parseMs] = time(() => loadObjects([file]));

const [target] = time(() => buildTargetPolicies({ chartVersion: '3.0.7', values: [{ podSecurityStandard: 'restricted' }], users: [], extra: [] }));
const [result, auditMs] = time(() => {
  const loaded = loadObjects([file]);
  const snapshot = buildSnapshot(loaded.objects);
  return runAudit({ snapshot, policies: target.policies, kyvernoConfig: defaultKyvernoConfig(), userNamespaces: new Map() });
});
const mem = process.memoryUsage();
const row = (k: string, v: string) => console.log(`${k.padEnd(28)}${v}`);
row('workloads', String(n));
row('policies', String(target.policies.length));
row('violations', String(result.summary.violations));
row('parse only (ms)', parseMs.toFixed(0));
row('parse + audit (ms)', auditMs.toFixed(0));
row('rss (MiB)', (mem.rss / 2 ** 20).toFixed(0));
row('heap used (MiB)', (mem.heapUsed / 2 ** 20).toFixed(0));
console.log(
  JSON.stringify({
    bench: 'audit',
    workloads: n,
    policies: target.policies.length,
    parse_ms: Math.round(parseMs),
    audit_ms: Math.round(auditMs),
    ratio_vs_parse: Number((auditMs / parseMs).toFixed(2)),
    target: 1.5,
    rss_mib: Math.round(mem.rss / 2 ** 20),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  }),
);
