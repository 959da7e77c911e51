import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../../test/helpers/fc.js';
import type { KubeObject } from '../../kube/index.js';
import { loadPolicy, type Policy, type Rule } from '../model/index.js';
import { evaluatePolicy } from './evaluate.js';
import { mutatePolicy } from '../mutate/mutate-policy.js';
import { compilePolicySet, ruleKinds, ruleNamespaces, ruleOperations } from './policy-set.js';

const kindsCases: { name: string; match: Rule['match']; want: string[] | undefined }[] = [
  { name: 'any: the union of the filters’ kinds', match: { any: [{ resources: { kinds: ['Pod'] } }, { resources: { kinds: ['apps/v1/Deployment', 'v1/Service'] } }] }, want: ['Deployment', 'Pod', 'Service'] },
  { name: 'any: a filter without kinds selects every kind', match: { any: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['a'] } }] }, want: undefined },
  { name: 'all: one filter with kinds bounds the rule', match: { all: [{ resources: { namespaces: ['a'] } }, { resources: { kinds: ['Pod'] } }] }, want: ['Pod'] },
  { name: 'legacy resources.kinds', match: { resources: { kinds: ['Pod', 'Namespace'] } }, want: ['Namespace', 'Pod'] },
  { name: 'a wildcard kind is checked in full', match: { any: [{ resources: { kinds: ['Po*'] } }] }, want: undefined },
  { name: '`*` is checked in full', match: { any: [{ resources: { kinds: ['*'] } }] }, want: undefined },
  { name: 'a subresource is checked in full', match: { any: [{ resources: { kinds: ['Pod/exec'] } }] }, want: undefined },
  { name: 'Kind.subresource is checked in full', match: { any: [{ resources: { kinds: ['Pod.status'] } }] }, want: undefined },
  { name: 'user info only is checked in full', match: { any: [{ subjects: [{ kind: 'User', name: 'u' }] }] }, want: undefined },
];
for (const c of kindsCases) {
  test(`ruleKinds: ${c.name}`, () => {
    const got = ruleKinds({ match: c.match });
    assert.deepEqual(got === undefined ? undefined : [...got].sort(), c.want);
  });
}

function policy(name: string, rules: object[]): Policy {
  const r = loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name, annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } }, spec: { rules } });
  assert.deepEqual(r.errors, []);
  assert.ok(r.policy);
  return r.policy;
}

const deny = { message: 'no', deny: {} };
const set = compilePolicySet([
  policy('pods', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: deny }]),
  policy('services', [{ name: 'r', match: { any: [{ resources: { kinds: ['Service'] } }] }, validate: deny }]),
  policy('anything', [{ name: 'r', match: { any: [{ resources: { kinds: ['*'] } }] }, validate: deny }]),
  policy('label-pods', [{ name: 'm', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } }]),
  policy('exec', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod/exec'] } }] }, validate: deny }]),
]);
const names = (ps: readonly { policy: Policy }[]) => ps.map((p) => p.policy.name);

const candidateCases: { name: string; kind: string; subresource?: string; validate: string[]; mutate: string[] }[] = [
  { name: 'a Pod: the Pod policies and those checked in full, in set order', kind: 'Pod', validate: ['pods', 'anything', 'exec'], mutate: ['label-pods'] },
  { name: 'a Service: no Pod policy', kind: 'Service', validate: ['services', 'anything', 'exec'], mutate: [] },
  { name: 'a kind no policy names: only those checked in full', kind: 'ConfigMap', validate: ['anything', 'exec'], mutate: [] },
  { name: 'a subresource request: every policy', kind: 'PodExecOptions', subresource: 'exec', validate: ['pods', 'services', 'anything', 'exec'], mutate: ['label-pods'] },
];
for (const c of candidateCases) {
  test(`compilePolicySet: ${c.name}`, () => {
    const got = set.candidates(c.kind, c.subresource);
    assert.deepEqual(names(got.validate), c.validate);
    assert.deepEqual(names(got.mutate), c.mutate);
  });
}

// Operation and namespace indexes: narrowed lists, still in set order.
const scopedSet = compilePolicySet([
  policy('pods', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: deny }]),
  policy('on-delete', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], operations: ['DELETE'] } }] }, validate: deny }]),
  policy('in-gpu', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['gpu-operator', 'network-operator'] } }] }, validate: deny }]),
  policy('in-user-wildcard', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['*-restricted'] } }] }, validate: deny }]),
  policy('all-bounded', [{ name: 'r', match: { all: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['monitoring'], operations: ['UPDATE'] } }] }, validate: deny }]),
  policy('any-unbounded', [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['a'] } }, { resources: { kinds: ['Pod'] } }] }, validate: deny }]),
  policy('label-gpu', [{ name: 'm', match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['gpu-operator'], operations: ['CREATE'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { a: 'b' } } } } }]),
  policy('namespaces', [{ name: 'r', match: { any: [{ resources: { kinds: ['Namespace'], namespaces: ['kube-system'] } }] }, validate: deny }]),
  (() => {
    const r = loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'Policy', metadata: { name: 'ns-policy', namespace: 'team-a' }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: deny }] } });
    assert.ok(r.policy);
    return r.policy;
  })(),
]);
const obj = (kind: string, namespace?: string, name = 'x') => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace !== undefined ? { namespace } : {}) } });

const scopedCases: { name: string; kind: string; scope: Parameters<typeof scopedSet.candidates>[2]; validate: string[]; mutate: string[] }[] = [
  { name: 'no scope: every Pod policy', kind: 'Pod', scope: undefined, validate: ['pods', 'on-delete', 'in-gpu', 'in-user-wildcard', 'all-bounded', 'any-unbounded', 'namespaces', 'ns-policy'].filter((n) => n !== 'namespaces'), mutate: ['label-gpu'] },
  { name: 'CREATE in default', kind: 'Pod', scope: { operation: 'CREATE', objects: [obj('Pod', 'default')] }, validate: ['pods', 'in-user-wildcard', 'any-unbounded'], mutate: [] },
  { name: 'CREATE in gpu-operator', kind: 'Pod', scope: { operation: 'CREATE', objects: [obj('Pod', 'gpu-operator')] }, validate: ['pods', 'in-gpu', 'in-user-wildcard', 'any-unbounded'], mutate: ['label-gpu'] },
  { name: 'DELETE in default', kind: 'Pod', scope: { operation: 'DELETE', objects: [obj('Pod', 'default')] }, validate: ['pods', 'on-delete', 'in-user-wildcard', 'any-unbounded'], mutate: [] },
  { name: 'UPDATE in monitoring', kind: 'Pod', scope: { operation: 'UPDATE', objects: [obj('Pod', 'monitoring')] }, validate: ['pods', 'in-user-wildcard', 'all-bounded', 'any-unbounded'], mutate: [] },
  { name: 'UPDATE: the old object’s namespace counts too', kind: 'Pod', scope: { operation: 'UPDATE', objects: [obj('Pod', 'default'), obj('Pod', 'team-a')] }, validate: ['pods', 'in-user-wildcard', 'any-unbounded', 'ns-policy'], mutate: [] },
  { name: 'a namespaced Policy in its namespace', kind: 'Pod', scope: { operation: 'CREATE', objects: [obj('Pod', 'team-a')] }, validate: ['pods', 'in-user-wildcard', 'any-unbounded', 'ns-policy'], mutate: [] },
  { name: 'operation only (a mutation chain): no namespace narrowing', kind: 'Pod', scope: { operation: 'CREATE' }, validate: ['pods', 'in-gpu', 'in-user-wildcard', 'any-unbounded', 'ns-policy'], mutate: ['label-gpu'] },
  { name: 'a Namespace is matched by its own name', kind: 'Namespace', scope: { operation: 'CREATE', objects: [obj('Namespace', undefined, 'kube-system')] }, validate: ['namespaces'], mutate: [] },
  { name: 'another Namespace', kind: 'Namespace', scope: { operation: 'CREATE', objects: [obj('Namespace', undefined, 'default')] }, validate: [], mutate: [] },
  {
    name: 'an object without metadata is not narrowed by namespace',
    kind: 'Pod',
    scope: { operation: 'CREATE', objects: [{ apiVersion: 'v1', kind: 'Pod' } as never] },
    validate: ['pods', 'in-gpu', 'in-user-wildcard', 'any-unbounded', 'ns-policy'],
    mutate: ['label-gpu'],
  },
];
for (const c of scopedCases) {
  test(`compilePolicySet scope: ${c.name}`, () => {
    const got = scopedSet.candidates(c.kind, undefined, c.scope);
    assert.deepEqual(names(got.validate), c.validate);
    assert.deepEqual(names(got.mutate), c.mutate);
    // Asked again (a cached list), the same answer.
    assert.deepEqual(names(scopedSet.candidates(c.kind, undefined, c.scope).validate), c.validate);
  });
}

test('ruleOperations and ruleNamespaces: unions, bounds of `all`, wildcards unbounded', () => {
  const cases: { match: Rule['match']; ops: string[] | undefined; ns: string[] | undefined }[] = [
    { match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE'], namespaces: ['a'] } }, { resources: { kinds: ['Pod'], operations: ['UPDATE'], namespaces: ['b'] } }] }, ops: ['CREATE', 'UPDATE'], ns: ['a', 'b'] },
    { match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE'] } }, { resources: { kinds: ['Pod'] } }] }, ops: undefined, ns: undefined },
    { match: { all: [{ resources: { kinds: ['Pod'] } }, { resources: { operations: ['DELETE'], namespaces: ['x'] } }] }, ops: ['DELETE'], ns: ['x'] },
    { match: { resources: { kinds: ['Pod'], namespaces: ['kube-*'] } }, ops: undefined, ns: undefined },
    { match: { resources: { kinds: ['Pod'], namespaces: ['kube-?'] } }, ops: undefined, ns: undefined },
    { match: { resources: { kinds: ['Pod'], namespaces: ['kube-system'], operations: ['CONNECT'] } }, ops: ['CONNECT'], ns: ['kube-system'] },
    // Not schema-checked (a library caller): lists that are not lists of strings are not indexed.
    { match: { resources: { kinds: ['Pod'], namespaces: [1, 'a'], operations: 'CREATE' } } as never, ops: undefined, ns: undefined },
    { match: { resources: { kinds: ['Pod'], namespaces: [null], operations: [['CREATE']] } } as never, ops: undefined, ns: undefined },
  ];
  for (const c of cases) {
    const ops = ruleOperations({ match: c.match });
    const ns = ruleNamespaces({ match: c.match });
    assert.deepEqual(ops === undefined ? undefined : [...ops].sort(), c.ops, JSON.stringify(c.match));
    assert.deepEqual(ns === undefined ? undefined : [...ns].sort(), c.ns, JSON.stringify(c.match));
  }
});

// Soundness: a policy the indexes leave out never answers for the request, whatever its match says.
const nsName = fc.constantFrom('default', 'gpu-operator', 'kube-system', 'alice-restricted', '');
const nsPattern = fc.oneof(nsName, fc.constantFrom('*-restricted', 'kube-*', 'gpu-operato?', '*'));
const op = fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT');
const filterArb = fc.record(
  {
    resources: fc.record(
      {
        kinds: fc.array(fc.constantFrom('Pod', 'Namespace', 'ConfigMap', 'v1/Pod', 'Po*'), { minLength: 1, maxLength: 2 }),
        operations: fc.array(op, { maxLength: 2 }),
        namespaces: fc.array(nsPattern, { maxLength: 2 }),
        selector: fc.constant({ matchLabels: { app: 'a' } }),
      },
      { requiredKeys: [] },
    ),
    subjects: fc.constant([{ kind: 'User', name: 'alice' }]),
  },
  { requiredKeys: [] },
);
const matchArb = fc.oneof(
  fc.record({ any: fc.array(filterArb, { minLength: 1, maxLength: 3 }) }),
  fc.record({ all: fc.array(filterArb, { minLength: 1, maxLength: 3 }) }),
  filterArb.map((f) => ({ ...f })),
);
const policyArb = fc.record({
  namespaced: fc.option(nsName, { nil: undefined }),
  rules: fc.array(fc.record({ match: matchArb, exclude: fc.option(fc.record({ any: fc.array(filterArb, { minLength: 1, maxLength: 1 }) }), { nil: undefined }), mutate: fc.boolean() }), { minLength: 1, maxLength: 2 }),
});
const objectArb = fc.record({
  kind: fc.constantFrom('Pod', 'Namespace', 'ConfigMap'),
  name: nsName,
  namespace: fc.option(nsName, { nil: undefined }),
  labels: fc.constantFrom({}, { app: 'a' }),
});

test('the operation and namespace indexes never leave out a policy that answers for the request', () => {
  fc.assert(
    fc.property(fc.array(policyArb, { minLength: 1, maxLength: 4 }), objectArb, fc.option(objectArb, { nil: undefined }), op, (specs, o, old, operation) => {
      const policies = specs.map((spec, i) => {
        const rules = spec.rules.map((r, j) => ({
          name: `r${j}`,
          match: r.match,
          ...(r.exclude ? { exclude: r.exclude } : {}),
          ...(r.mutate ? { mutate: { patchStrategicMerge: { metadata: { labels: { m: 'x' } } } } } : { validate: deny }),
        }));
        const doc = {
          apiVersion: 'kyverno.io/v1',
          kind: spec.namespaced === undefined ? 'ClusterPolicy' : 'Policy',
          metadata: { name: `p${i}`, ...(spec.namespaced !== undefined ? { namespace: spec.namespaced } : {}), annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
          spec: { rules },
        };
        const loaded = loadPolicy(doc);
        assert.ok(loaded.policy, JSON.stringify(loaded.errors));
        return loaded.policy;
      });
      const set = compilePolicySet(policies);
      const make = (x: typeof o) => ({ apiVersion: 'v1', kind: x.kind, metadata: { name: x.name, labels: x.labels, ...(x.namespace !== undefined ? { namespace: x.namespace } : {}) } }) as KubeObject;
      const resource = make(o);
      const oldObject = old && operation === 'UPDATE' ? make({ ...old, kind: o.kind }) : undefined;
      const ctx = { operation, ...(oldObject ? { oldObject } : {}), requestInfo: { userInfo: { username: 'alice' } }, namespaceLabels: { 'kubernetes.io/metadata.name': o.namespace ?? '' } } as const;
      const validate = new Set(set.candidates(o.kind, '', { operation, objects: [resource, oldObject] }).validate);
      const mutate = new Set(set.candidates(o.kind, '', { operation }).mutate);
      for (const p of set.policies) {
        if (!validate.has(p)) assert.deepEqual(evaluatePolicy(p, resource, ctx).rules, [], `${p.policy.name} validates a request it was not a candidate for`);
        if (!mutate.has(p)) assert.deepEqual(mutatePolicy(p, resource, ctx).rules, [], `${p.policy.name} mutates a request it was not a candidate for`);
      }
    }),
    fcParams(300),
  );
});
