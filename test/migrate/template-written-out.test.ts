// A controller's pods are made from its template as stored: the API server wrote the template out
// (omitempty), so a hand-written `supplementalGroups: []` is gone and PSP (MutatePod: only a nil list is
// filled in) fills in the groups of a MustRunAs PSP. A Pod written with the empty list reaches PSP with a
// non-nil empty slice, which MustRunAs refuses. `migrate diff` must judge each as the cluster would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const cluster = `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: p0}
spec:
  fsGroup: {rule: RunAsAny}
  runAsUser: {rule: RunAsAny}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: MustRunAs, ranges: [{min: 100, max: 200}]}
  volumes: ['*']
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: use-all}
rules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: use-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-all}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}]
`;

const podSpec = (indent: string) =>
  [`securityContext: {supplementalGroups: []}`, 'automountServiceAccountToken: false', 'containers: [{name: c, image: busybox}]'].map((l) => `${indent}${l}`).join('\n');

const cases: { name: string; manifest: string; allowed: boolean }[] = [
  { name: 'a Pod written with supplementalGroups: [] is refused', manifest: `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n${podSpec('  ')}\n`, allowed: false },
  {
    name: "a Deployment's template with supplementalGroups: [] gets the groups filled in",
    manifest: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n${podSpec('      ')}\n`,
    allowed: true,
  },
  {
    name: "a CronJob's template with supplementalGroups: [] gets the groups filled in",
    manifest: `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: default}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n${podSpec('          ')}\n`,
    allowed: true,
  },
];

for (const c of cases) {
  test(`migrate diff: ${c.name}`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-written-out-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'objs.yaml'), cluster);
    writeFileSync(join(dir, 'workload.yaml'), c.manifest);
    const r = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', dir]);
    const d = JSON.parse(r.stdout) as { entries: { psp: { allowed: boolean; message: string | null } }[] };
    assert.equal(d.entries.length, 1, r.stdout + r.stderr);
    assert.equal(d.entries[0]!.psp.allowed, c.allowed, r.stdout);
    if (!c.allowed) assert.match(d.entries[0]!.psp.message ?? '', /unable to validate empty groups against required ranges/);
  });
}
