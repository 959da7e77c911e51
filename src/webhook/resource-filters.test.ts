import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionRequest } from '../kube/index.js';
import { DEFAULT_RESOURCE_FILTERS, isFilteredResource, parseResourceFilters } from './resource-filters.js';

const req = (kind: string, namespace: string, name = 'x', group = '', subResource?: string): AdmissionRequest => ({
  uid: 'u',
  kind: { group, version: 'v1', kind },
  resource: { group, version: 'v1', resource: `${kind.toLowerCase()}s` },
  namespace,
  name,
  operation: 'CREATE',
  userInfo: {},
  ...(subResource ? { subResource } : {}),
});

const defaults = parseResourceFilters(DEFAULT_RESOURCE_FILTERS).filters;

const cases = [
  { name: 'anything in kube-system is filtered', r: req('Pod', 'kube-system'), want: true },
  { name: 'Events are filtered everywhere', r: req('Event', 'team-a'), want: true },
  { name: 'ReplicaSets are filtered although autogen covers them', r: req('ReplicaSet', 'team-a', 'x', 'apps'), want: true },
  { name: 'Pod bindings are filtered', r: req('Pod', 'team-a', 'x', '', 'binding'), want: true },
  { name: 'Pods in user namespaces are not filtered', r: req('Pod', 'team-a'), want: false },
  { name: 'DaemonSets in gpu-operator are not filtered', r: req('DaemonSet', 'gpu-operator', 'nfd', 'apps'), want: false },
];

for (const c of cases) test(c.name, () => assert.equal(isFilteredResource(defaults, c.r), c.want));

test('custom filters match kind, namespace and name with wildcards', () => {
  const { filters, problems } = parseResourceFilters(['[Pod,ray-*,debug-*][ConfigMap,*,*]']);
  assert.deepEqual(problems, []);
  assert.equal(isFilteredResource(filters, req('Pod', 'ray-restricted', 'debug-1')), true);
  assert.equal(isFilteredResource(filters, req('Pod', 'ray-restricted', 'web')), false);
  assert.equal(isFilteredResource(filters, req('ConfigMap', 'x')), true);
});

test('a malformed filter is reported, not silently dropped', () => {
  assert.deepEqual(parseResourceFilters(['[a,b,c,d]']).problems, ['resource filter [a,b,c,d]: want [Kind,Namespace,Name]']);
});
