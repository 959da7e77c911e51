import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicy, type Policy, type Rule } from '../model/index.js';
import { compilePolicySet, ruleKinds } from './policy-set.js';

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
