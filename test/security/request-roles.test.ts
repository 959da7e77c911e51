// `match`/`exclude` by `roles` and `clusterRoles`: Kyverno 1.10.7 gives every admission request the roles
// and cluster roles the requester is bound to (pkg/userinfo/roles.go, GetRoleRef: RoleBindings of every
// namespace as `ns:role` or a ClusterRole name, ClusterRoleBindings; subjects matched by user name, group
// or service account). podgate gave none, so a rule that matched `clusterRoles: [tenant]` never applied and
// a tenant's privileged pod was admitted.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-roles-'));
const policy = join(dir, 'tenants.yaml');
writeFileSync(
  policy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: tenants-unprivileged
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: tenant-cluster-role
      match:
        any:
          - resources:
              kinds: [Pod]
            clusterRoles: [tenant]
      validate:
        message: tenants may not run privileged containers
        pattern:
          spec:
            containers:
              - =(securityContext):
                  =(privileged): false
    - name: team-role
      match:
        any:
          - resources:
              kinds: [Pod]
            roles: ["team-b:deployer"]
      validate:
        message: deployers may not share the host network
        pattern:
          spec:
            =(hostNetwork): false
    - name: not-for-admins
      match:
        any:
          - resources:
              kinds: [Pod]
      exclude:
        any:
          - clusterRoles: [cluster-admin]
      validate:
        message: pods need a team label
        pattern:
          metadata:
            labels:
              team: "?*"
`,
);
const cluster = join(dir, 'cluster.yaml');
writeFileSync(
  cluster,
  `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: tenants}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tenant}
subjects:
  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: tenants}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
  - {kind: ServiceAccount, name: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admins, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: root-alice}
`,
);

function review(user: { username: string; groups?: string[] }, spec: Record<string, unknown>, labels: Record<string, string> = { team: 'a' }): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a', labels }, spec };
  const request = { uid: 'roles-1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'team-a', operation: 'CREATE', userInfo: user, object: pod };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  return f;
}

const privileged = { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] };
const hostNetwork = { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] };
const plain = { containers: [{ name: 'c', image: 'nginx' }] };

const cases: { name: string; user: { username: string; groups?: string[] }; spec: Record<string, unknown>; labels?: Record<string, string>; denied?: RegExp }[] = [
  { name: 'a member of the tenants group (bound to ClusterRole tenant) with a privileged pod', user: { username: 'mallory', groups: ['tenants', 'system:authenticated'] }, spec: privileged, denied: /tenant-cluster-role: 'validation error: tenants may not run privileged containers/ },
  { name: 'a user bound to no role with a privileged pod', user: { username: 'bob', groups: ['system:authenticated'] }, spec: privileged },
  { name: 'the service account team-b:ci (bound to Role team-b:deployer) with hostNetwork', user: { username: 'system:serviceaccount:team-b:ci', groups: ['system:serviceaccounts'] }, spec: hostNetwork, denied: /team-role: 'validation error: deployers may not share the host network/ },
  { name: 'a cluster-admin (through a RoleBinding) without a team label', user: { username: 'root-alice' }, spec: plain, labels: {} },
  { name: 'another user without a team label', user: { username: 'bob' }, spec: plain, labels: {}, denied: /not-for-admins: 'validation error: pods need a team label/ },
];

for (const c of cases) {
  test(`admit --cluster with RBAC bindings: ${c.name} is ${c.denied ? 'denied' : 'allowed'}`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--policy', policy, '--cluster', cluster, '--request', review(c.user, c.spec, c.labels)]);
    assert.equal(r.stderr.replace(/denied by webhook .*\n/, ''), '');
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    if (!c.denied) {
      assert.equal(response.allowed, true, response.status?.message);
      return;
    }
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', c.denied);
  });
}

// kyverno@v1.10.7 puts the requester's roles into the context by marshalling kyverno.io/v1beta1 RequestInfo
// (AddUserInfo), whose `roles` and `clusterRoles` are `omitempty`: a requester bound to no Role has no
// `request.roles` at all, so `{{request.roles}}` cannot be resolved and the rule errors (as for any missing
// key). podgate gave `[]`, so such a rule passed or failed on an empty list instead.
const rolesPolicy = join(dir, 'roles-variable.yaml');
writeFileSync(
  rolesPolicy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: deployers-only
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: deployer-role
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "deployers may not run pods here ({{ request.roles }})"
        deny:
          conditions:
            any:
              - key: "{{ request.roles }}"
                operator: AnyIn
                value: ["team-b:deployer"]
`,
);

const variableCases: { name: string; user: { username: string; groups?: string[] }; allowed: boolean; message?: RegExp }[] = [
  { name: 'the service account team-b:ci (Role team-b:deployer)', user: { username: 'system:serviceaccount:team-b:ci' }, allowed: false, message: /deployer-role: deployers may not run pods here \(\["team-b:deployer"\]\)/ },
  { name: 'a user bound to no Role (request.roles is absent)', user: { username: 'bob', groups: ['system:authenticated'] }, allowed: false, message: /deployer-role: 'failed to check deny preconditions: failed to substitute variables.*request\.roles/s },
];

for (const c of variableCases) {
  test(`admit --cluster: {{request.roles}} for ${c.name}`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--policy', rolesPolicy, '--cluster', cluster, '--request', review(c.user, plain)]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, c.allowed, response.status?.message);
    if (c.message) assert.match(response.status?.message ?? '', c.message);
  });
}
