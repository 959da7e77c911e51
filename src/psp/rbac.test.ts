import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSnapshot, type KubeObject } from '../kube/index.js';
import { canUsePsp, ruleAllowsPspUse, serviceAccountIdentity, whoCanUsePsp } from './rbac.js';

const psp = (name: string): KubeObject => ({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name }, spec: {} });
const rule = (names: string[] = [], group = 'policy', verb = 'use', resource = 'podsecuritypolicies') => ({
  apiGroups: [group],
  resources: [resource],
  verbs: [verb],
  ...(names.length > 0 ? { resourceNames: names } : {}),
});
const clusterRole = (name: string, rules: unknown[], extra: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  rules,
  ...extra,
});
const role = (ns: string, name: string, rules: unknown[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules });
const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, roleKind: string, roleName: string, subjects: unknown[], ns?: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});
const snapOf = (objs: KubeObject[]) => buildSnapshot(objs.map((object, document) => ({ object, source: { file: 't', document, line: 1 } })));

const user = (name: string, ...groups: string[]) => ({ user: name, groups });

const cluster = snapOf([
  psp('restricted'),
  psp('privileged'),
  psp('ray-psp'),
  clusterRole('use-restricted', [rule(['restricted'])]),
  clusterRole('use-all-ext', [rule([], 'extensions')]),
  clusterRole('wild', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
  clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'psp/agg': 'true' } }] } }),
  clusterRole('agg-part', [rule(['privileged'])], {}, { 'psp/agg': 'true' }),
  clusterRole('get-only', [rule([], 'policy', 'get')]),
  role('ray-restricted', 'ray-psp', [rule(['ray-psp'])]),
  binding('ClusterRoleBinding', 'all-restricted', 'ClusterRole', 'use-restricted', [{ kind: 'Group', name: 'system:authenticated' }]),
  binding('ClusterRoleBinding', 'admins', 'ClusterRole', 'wild', [{ kind: 'User', name: 'alice' }]),
  binding('ClusterRoleBinding', 'ext', 'ClusterRole', 'use-all-ext', [{ kind: 'User', name: 'eve' }]),
  binding('ClusterRoleBinding', 'sa-no-ns', 'ClusterRole', 'wild', [{ kind: 'ServiceAccount', name: 'ghost' }]),
  binding('ClusterRoleBinding', 'aggregated', 'ClusterRole', 'agg', [{ kind: 'User', name: 'bob' }]),
  binding('ClusterRoleBinding', 'getter', 'ClusterRole', 'get-only', [{ kind: 'User', name: 'mallory' }]),
  binding('RoleBinding', 'ray', 'Role', 'ray-psp', [{ kind: 'User', name: 'ray' }, { kind: 'ServiceAccount', name: 'default' }], 'ray-restricted'),
  binding('RoleBinding', 'kube-sys', 'ClusterRole', 'wild', [{ kind: 'Group', name: 'system:serviceaccounts:kube-system' }], 'kube-system'),
]);

const cases: { name: string; psp: string; who: { user: string; groups: string[] }; ns: string; want: boolean }[] = [
  { name: 'a group binding to system:authenticated grants the named PSP', psp: 'restricted', who: user('ray', 'system:authenticated'), ns: 'x', want: true },
  { name: 'resourceNames limit the grant to the named PSP', psp: 'privileged', who: user('ray', 'system:authenticated'), ns: 'x', want: false },
  { name: 'a RoleBinding grants in its own namespace', psp: 'ray-psp', who: user('ray'), ns: 'ray-restricted', want: true },
  { name: 'a RoleBinding does not grant in another namespace', psp: 'ray-psp', who: user('ray'), ns: 'default', want: false },
  { name: 'a RoleBinding does not grant cluster-scoped (empty namespace) requests', psp: 'ray-psp', who: user('ray'), ns: '', want: false },
  { name: 'a ServiceAccount subject without namespace defaults to the RoleBinding namespace', psp: 'ray-psp', who: serviceAccountIdentity('ray-restricted', 'default'), ns: 'ray-restricted', want: true },
  { name: 'an SA of another namespace does not match the defaulted subject', psp: 'ray-psp', who: serviceAccountIdentity('other', 'default'), ns: 'ray-restricted', want: false },
  { name: 'an SA subject without namespace in a ClusterRoleBinding matches nobody', psp: 'privileged', who: user('system:serviceaccount::ghost'), ns: 'x', want: false },
  { name: 'wildcards in verbs, groups and resources grant every PSP', psp: 'privileged', who: user('alice'), ns: 'x', want: true },
  { name: 'a grant in the extensions group is honoured', psp: 'privileged', who: user('eve'), ns: 'x', want: true },
  { name: 'aggregated ClusterRoles collect the rules of labelled roles', psp: 'privileged', who: user('bob'), ns: 'x', want: true },
  { name: 'aggregation does not widen resourceNames of the parts', psp: 'restricted', who: user('bob'), ns: 'x', want: false },
  { name: 'the get verb does not grant use', psp: 'privileged', who: user('mallory'), ns: 'x', want: false },
  { name: 'an SA namespace group via RoleBinding grants in that namespace', psp: 'privileged', who: serviceAccountIdentity('kube-system', 'foo'), ns: 'kube-system', want: true },
  { name: 'system:masters may use every PSP', psp: 'privileged', who: user('root', 'system:masters'), ns: 'x', want: true },
  { name: 'the SA identity does not carry system:authenticated', psp: 'restricted', who: serviceAccountIdentity('x', 'default'), ns: 'x', want: false },
];

for (const c of cases) {
  test(c.name, () => {
    assert.equal(canUsePsp(cluster, c.psp, c.who, c.ns), c.want);
  });
}

const ruleCases: { name: string; rule: Record<string, unknown>; want: boolean }[] = [
  { name: 'a rule naming another resource does not grant', rule: rule([], 'policy', 'use', 'pods'), want: false },
  { name: 'a rule with resourceNames containing the PSP grants', rule: rule(['a', 'p']), want: true },
  { name: 'a rule in the core group does not grant', rule: rule([], ''), want: false },
  { name: 'a rule with verb * grants', rule: rule([], 'policy', '*'), want: true },
];
for (const c of ruleCases) {
  test(c.name, () => {
    assert.equal(ruleAllowsPspUse(c.rule as never, 'p', 'policy'), c.want);
  });
}

test('whoCanUsePsp lists every grant with binding, role and scope', () => {
  const who = whoCanUsePsp(cluster);
  assert.deepEqual([...who.keys()], ['privileged', 'ray-psp', 'restricted']);
  const ray = who.get('ray-psp')!;
  assert.deepEqual(
    ray.map((g) => `${g.subjectKind}:${g.subject}@${g.namespace ?? '*'} via ${g.binding} -> ${g.role}`),
    [
      'User:alice@* via ClusterRoleBinding/admins -> ClusterRole/wild',
      'User:eve@* via ClusterRoleBinding/ext -> ClusterRole/use-all-ext',
      'Group:system:serviceaccounts:kube-system@kube-system via RoleBinding/kube-system/kube-sys -> ClusterRole/wild',
      'User:ray@ray-restricted via RoleBinding/ray-restricted/ray -> Role/ray-restricted/ray-psp',
      'ServiceAccount:default@ray-restricted via RoleBinding/ray-restricted/ray -> Role/ray-restricted/ray-psp',
    ],
  );
  const priv = who.get('privileged')!;
  assert.ok(priv.some((g) => g.subject === 'bob' && g.role === 'ClusterRole/agg' && g.clusterWide));
  assert.ok(!priv.some((g) => g.subject === 'ghost'), 'SA without namespace in a ClusterRoleBinding is dropped');
});
