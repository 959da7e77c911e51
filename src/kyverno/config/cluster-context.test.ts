// The admission context from cluster objects: which PolicyExceptions are in effect under the kyverno
// chart's features.policyExceptions (3.0.9 defaults: disabled, any namespace), namespace labels with the
// API server's automatic label, ConfigMaps by namespace/name, and the ConfigMaps policies read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.js';
import { loadPolicy, type Policy } from '../model/index.js';
import { buildClusterContext, configMapRefs, DEFAULT_EXCEPTION_FEATURES, exceptionFeaturesFromValues, policiesUseRoles, requesterRoles } from './cluster-context.js';

const exception = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'kyverno.io/v2alpha1',
  kind: 'PolicyException',
  metadata: { name, namespace },
  spec: { exceptions: [{ policyName: 'p', ruleNames: ['r'] }], match: { any: [{ resources: { kinds: ['Pod'] } }] } },
});

const featureCases: { name: string; values: unknown; want: { enabled: boolean; namespace: string } | RegExp }[] = [
  { name: 'no values: the chart 3.0.9 defaults', values: undefined, want: { enabled: false, namespace: '' } },
  { name: 'values without features', values: { config: {} }, want: { enabled: false, namespace: '' } },
  { name: 'enabled', values: { features: { policyExceptions: { enabled: true } } }, want: { enabled: true, namespace: '' } },
  { name: 'enabled in one namespace', values: { features: { policyExceptions: { enabled: true, namespace: 'kyverno' } } }, want: { enabled: true, namespace: 'kyverno' } },
  { name: 'a string "true" is an error (helm would pass a string)', values: { features: { policyExceptions: { enabled: 'true' } } }, want: /enabled: must be true or false/ },
  { name: 'a non-string namespace is an error', values: { features: { policyExceptions: { namespace: 3 } } }, want: /namespace: must be a string/ },
];
for (const c of featureCases) {
  test(`features: ${c.name}`, () => {
    const r = exceptionFeaturesFromValues(c.values);
    if (c.want instanceof RegExp) assert.match(r.errors.join('\n'), c.want);
    else {
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.features, c.want);
    }
  });
}

const gateCases: { name: string; features: { enabled: boolean; namespace: string }; inEffect: string[]; warned: RegExp[] }[] = [
  { name: 'disabled: none in effect, each one warned about', features: DEFAULT_EXCEPTION_FEATURES, inEffect: [], warned: [/kyverno\/a: policy exceptions are disabled/, /team\/b: policy exceptions are disabled/] },
  { name: 'enabled everywhere: all in effect', features: { enabled: true, namespace: '' }, inEffect: ['kyverno/a', 'team/b'], warned: [] },
  { name: 'enabled in kyverno: the other one is ignored', features: { enabled: true, namespace: 'kyverno' }, inEffect: ['kyverno/a'], warned: [/team\/b: outside the exception namespace kyverno/] },
];
for (const c of gateCases) {
  test(`exceptions in effect: ${c.name}`, () => {
    const r = buildClusterContext([exception('a', 'kyverno'), exception('b', 'team')], c.features);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.context.exceptions.map((e) => `${e.namespace}/${e.name}`),
      c.inEffect,
    );
    assert.equal(r.warnings.length, c.warned.length);
    for (const [i, w] of c.warned.entries()) assert.match(r.warnings[i] ?? "", w);
  });
}

test('namespaces get the automatic name label; ConfigMaps are keyed namespace/name without managedFields', () => {
  const r = buildClusterContext([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tier: 'user' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'kyverno', managedFields: [{}], labels: { a: 'b' } }, data: { k: 'v' } } as KubeObject,
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' } },
  ]);
  assert.deepEqual({ ...r.context.namespaces }, { 'team-a': { tier: 'user', 'kubernetes.io/metadata.name': 'team-a' } });
  assert.deepEqual({ ...r.context.configMaps }, { 'kyverno/cm': { data: { k: 'v' }, metadata: { name: 'cm', namespace: 'kyverno', labels: { a: 'b' } } } });
});

test('an invalid exception is a problem naming where it came from and the field', () => {
  const bad = { ...exception('x', 'kyverno'), spec: { exceptions: [{ ruleNames: ['r'] }], match: { any: [{ resources: { kinds: ['Pod'] } }] } } } as KubeObject;
  const r = buildClusterContext([bad], { enabled: true, namespace: '' }, () => 'ex.yaml: document 1');
  assert.deepEqual(r.context.exceptions, []);
  assert.match(r.problems[0] ?? '', /^ex.yaml: document 1: PolicyException kyverno\/x: spec.exceptions\[0\].policyName: Required value/);
});

test('the ConfigMaps policies read: static names, `default` for an empty namespace, `*` where templated', () => {
  const p = (context: object[], foreach = false): Policy =>
    loadPolicy({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p' },
      spec: {
        rules: [
          {
            name: 'r',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            ...(foreach ? {} : { context }),
            validate: foreach ? { foreach: [{ list: 'request.object.spec.containers', context, deny: {} }] } : { deny: {} },
          },
        ],
      },
    }).policy!;
  const refs = configMapRefs([
    p([{ name: 'a', configMap: { name: 'allowed', namespace: 'kyverno' } }]),
    p([{ name: 'b', configMap: { name: 'defaults' } }]),
    p([{ name: 'c', configMap: { name: 'per-ns', namespace: '{{ request.namespace }}' } }], true),
  ]);
  assert.deepEqual(refs, [
    { namespace: 'kyverno', name: 'allowed' },
    { namespace: 'default', name: 'defaults' },
    { namespace: '*', name: 'per-ns' },
  ]);
});

test('requester roles: RoleBindings of every namespace, then ClusterRoleBindings; service accounts default to the binding namespace', () => {
  const rb = (namespace: string, name: string, kind: string, role: string, subjects: unknown[]): KubeObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { kind, name: role }, subjects }) as unknown as KubeObject;
  const crb = (name: string, role: string, subjects: unknown[]): KubeObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { kind: 'ClusterRole', name: role }, subjects }) as unknown as KubeObject;
  const { context } = buildClusterContext([
    crb('view-all', 'view', [{ kind: 'Group', name: 'devs' }]),
    rb('team-b', 'ci', 'Role', 'deployer', [{ kind: 'ServiceAccount', name: 'ci' }]),
    rb('team-a', 'edit', 'ClusterRole', 'edit', [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'team-b' }]),
    crb('sa-without-namespace', 'never', [{ kind: 'ServiceAccount', name: 'ci' }]),
  ]);
  const bindings = context.bindings ?? [];
  assert.deepEqual(requesterRoles(bindings, { username: 'system:serviceaccount:team-b:ci', groups: ['devs'] }), { roles: ['team-b:deployer'], clusterRoles: ['edit', 'view'] });
  assert.deepEqual(requesterRoles(bindings, { username: 'alice' }), { roles: [], clusterRoles: ['edit'] });
  assert.deepEqual(requesterRoles(bindings, { username: 'devs' }), { roles: [], clusterRoles: [] });
});

test('policiesUseRoles: roles or clusterRoles in match/exclude (any, all, legacy) or request.roles/clusterRoles variables', () => {
  const policy = (rule: Record<string, unknown>): Policy =>
    loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { spec: {} } }, ...rule }] } } as unknown as KubeObject).policy!;
  assert.equal(policiesUseRoles([policy({})]), false);
  assert.equal(policiesUseRoles([policy({ exclude: { any: [{ clusterRoles: ['cluster-admin'] }] } })]), true);
  assert.equal(policiesUseRoles([policy({ match: { all: [{ resources: { kinds: ['Pod'] }, roles: ['ns:r'] }] } })]), true);
  assert.equal(policiesUseRoles([policy({ match: { resources: { kinds: ['Pod'] }, clusterRoles: ['x'] } })]), true);
  assert.equal(policiesUseRoles([policy({ preconditions: { all: [{ key: '{{ request.clusterRoles }}', operator: 'AnyIn', value: ['x'] }] } })]), true);
});
