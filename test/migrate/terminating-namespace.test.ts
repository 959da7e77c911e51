// A namespace being deleted gets no exclusion: it would outlive the namespace and exempt whatever anyone
// with namespace-create rights later creates under the same name. Its workloads are still audited and listed.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = join(sample, 'inputs', 'kyverno-policies-values.minimal.yaml');

const dying = (meta: string, status: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: old-app
${meta}spec: {finalizers: [kubernetes]}
status: {phase: ${status}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: psp:privileged:old-app, namespace: old-app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: psp:privileged}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts:old-app"}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: old-app}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: "busybox:1.36"}]
`;

const cases = [
  { name: 'deletionTimestamp set', text: dying('  deletionTimestamp: "2024-09-25T08:44:47Z"\n', 'Terminating') },
  { name: 'status.phase Terminating only', text: dying('', 'Terminating') },
];

function cluster(extra: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-dying-'));
  cpSync(join(sample, 'cluster'), dir, { recursive: true });
  writeFileSync(join(dir, 'zz-dying.yaml'), extra);
  return dir;
}

interface Summary {
  ready: boolean;
  blockers: string[];
  warnings: string[];
}

for (const c of cases) {
  test(`migrate run: a namespace being deleted (${c.name}) gets no exclusion; its workload is listed and warned about`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'podgate-dying-run-')), 'out');
    const r = await runCli(['migrate', 'run', '--cluster', cluster(c.text), '--values', minimal, '--out-dir', out]);
    const values = parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')) as { policyExclude?: Record<string, unknown> };
    assert.doesNotMatch(JSON.stringify(values.policyExclude ?? {}), /old-app/, r.stdout);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { violations: { namespace: string; name: string }[] };
    assert.ok(audit.violations.some((v) => v.namespace === 'old-app' && v.name === 'agent'), 'the workload is still audited');
    const ex = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { warnings: string[] };
    assert.ok(ex.warnings.some((w) => /old-app is being deleted.*DaemonSet\/old-app\/agent/.test(w)), ex.warnings.join('\n'));
    // No pod can be created in a namespace being deleted (NamespaceLifecycle): nothing breaks at the switch.
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    assert.deepEqual(s.blockers, [], r.stdout);
    assert.equal(r.code, 0);
    assert.ok(s.warnings.some((w) => /DaemonSet\/old-app\/agent.*being deleted/.test(w)), s.warnings.join('\n'));
  });
}

test('migrate exceptions --style policyexception: no PolicyException for a workload of a namespace being deleted', async () => {
  const r = await runCli(['migrate', 'exceptions', '--cluster', cluster(cases[0]!.text), '--values', minimal, '--style', 'policyexception']);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { metadata: { name: string } });
  assert.ok(docs.length > 0);
  assert.ok(!docs.some((d) => JSON.stringify(d).includes('old-app')), r.stdout);
  assert.match(r.stderr, /old-app is being deleted/);
});
