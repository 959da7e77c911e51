// A namespace handed to a human group (an LDAP/OIDC group in a RoleBinding) is a user namespace: its
// people create pods there, so it is never exempted from the chart's policies. Groups of service accounts
// and other `system:` groups are not people.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const privilegedPod = (ns: string, name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
  containers:
  - name: c
    image: busybox
    securityContext: {privileged: true}
`;

const binding = (ns: string, name: string, subject: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ${name}, namespace: ${ns}}
subjects:
- ${subject}
roleRef: {kind: ClusterRole, apiGroup: rbac.authorization.k8s.io, name: edit}
`;

const dir = mkdtempSync(join(tmpdir(), 'podgate-groupns-'));
const cluster = join(dir, 'cluster.yaml');
writeFileSync(
  cluster,
  [
    ...['hpc-team', 'ops', 'lab'].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`),
    binding('hpc-team', 'hpc-edit', '{kind: Group, apiGroup: rbac.authorization.k8s.io, name: hpc-users}'),
    binding('ops', 'ops-sa', "{kind: Group, apiGroup: rbac.authorization.k8s.io, name: 'system:serviceaccounts:ops'}"),
    binding('lab', 'lab-runner', '{kind: ServiceAccount, name: runner, namespace: lab}'),
    privilegedPod('hpc-team', 'sim'),
    privilegedPod('ops', 'agent'),
    privilegedPod('lab', 'job'),
    // PSP in place, so that migrate diff runs: every authenticated user may use a privileged one (so
    // nothing is refused today and the exemptions are needed).
    `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted-psp}
spec:
  privileged: true
  seLinux: {rule: RunAsAny}
  runAsUser: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: ['*']
`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: psp-restricted}
rules:
- {apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [restricted-psp]}
`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: psp-restricted-all}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: 'system:authenticated'}
roleRef: {kind: ClusterRole, apiGroup: rbac.authorization.k8s.io, name: psp-restricted}
`,
  ].join('---\n'),
);
const values = join(dir, 'values.yaml');
writeFileSync(values, 'podSecurityStandard: baseline\nvalidationFailureAction: Enforce\n');

interface ExceptionsJson {
  exceptions: Record<string, string[]>;
  userViolations: { namespace: string; name: string }[];
}

test('migrate exceptions never exempts a namespace bound to a human group, and exempts service-account and system groups', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'exceptions', '--cluster', cluster, '--values', values]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as ExceptionsJson;
  assert.deepEqual(out.exceptions, { 'disallow-privileged-containers': ['ops', 'lab'] });
  assert.deepEqual(
    out.userViolations.map((v) => `${v.namespace}/${v.name}`),
    ['hpc-team/sim'],
  );
});

test('migrate audit names the group as the owner of its namespace', async () => {
  const r = await runCli(['migrate', 'audit', '--cluster', cluster, '--values', values]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^namespace hpc-team \(group hpc-users: RoleBinding hpc-team\/hpc-edit binds Group hpc-users; never exempted\)$/m);
  assert.match(r.stdout, /^namespace ops$/m);
});

test('migrate diff checks PSP for a member of the group (its bindings), not for a cluster administrator', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', cluster, '--values', values]);
  const out = JSON.parse(r.stdout) as { entries: { namespace: string; creator: { user: string; groups: string[]; via: string } }[] };
  const creator = out.entries.find((e) => e.namespace === 'hpc-team')?.creator;
  assert.deepEqual(creator, { user: '(a member of hpc-users)', groups: ['hpc-users', 'system:authenticated'], via: 'namespace group hpc-users' });
});
