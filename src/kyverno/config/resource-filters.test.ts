import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKyvernoConfig, excludedRequester, filteredBy, kyvernoConfigFromValues } from './resource-filters.js';

const cfg = defaultKyvernoConfig();
const cases: { name: string; kind: string; ns: string; name_: string; filtered: boolean }[] = [
  { name: 'everything in kube-system is filtered', kind: 'DaemonSet', ns: 'kube-system', name_: 'calico-node', filtered: true },
  { name: 'ReplicaSets are filtered everywhere', kind: 'ReplicaSet', ns: 'default', name_: 'web-123', filtered: true },
  { name: 'Events are filtered', kind: 'Event', ns: 'default', name_: 'x', filtered: true },
  { name: "Kyverno's own admission controller pods are filtered", kind: 'Pod', ns: 'kyverno', name_: 'kyverno-admission-controller-abc', filtered: true },
  { name: 'a DaemonSet in gpu-operator is seen', kind: 'DaemonSet', ns: 'gpu-operator', name_: 'nfd-worker', filtered: false },
  { name: 'a Pod in a user namespace is seen', kind: 'Pod', ns: 'ray-restricted', name_: 'p', filtered: false },
];
for (const c of cases) {
  test(c.name, () => {
    assert.equal(filteredBy(cfg, c.kind, c.ns, c.name_) !== undefined, c.filtered);
  });
}

test('the kyverno chart values replace the filters and groups', () => {
  const { config, errors } = kyvernoConfigFromValues({ config: { resourceFilters: ['[Event,*,*]', '[*,prometheus,*]'], excludeGroups: ['system:nodes', 'ops'] } });
  assert.deepEqual(errors, []);
  assert.ok(filteredBy(config, 'DaemonSet', 'prometheus', 'node-exporter'));
  assert.equal(filteredBy(config, 'DaemonSet', 'kube-system', 'x'), undefined);
  assert.equal(excludedRequester(config, 'bob', ['ops']), true);
});

test('malformed values are reported, not thrown', () => {
  assert.deepEqual(kyvernoConfigFromValues({ config: { resourceFilters: 'oops' } }).errors, ['config.resourceFilters: must be a list of strings']);
});
