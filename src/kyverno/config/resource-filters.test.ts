import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKyvernoConfig, excludedRequester, filteredBy, filteredRequestBy, kyvernoConfigFromValues, parseResourceFilters, webhookSkipsNamespace } from './resource-filters.js';

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
  assert.equal(filteredBy(config, 'DaemonSet', 'prometheus', 'node-exporter')?.text, '[*,prometheus,*]');
  assert.equal(filteredBy(config, 'DaemonSet', 'kube-system', 'x'), undefined);
  assert.equal(excludedRequester(config, 'bob', ['ops']), true);
});

test('malformed values are reported, not thrown', () => {
  assert.deepEqual(kyvernoConfigFromValues({ config: { resourceFilters: 'oops' } }).errors, ['config.resourceFilters: must be a list of strings']);
});

const request = (kind: string, namespace: string, name = 'x', group = '', subresource?: string) => ({ group, version: 'v1', kind, namespace, name, ...(subresource ? { subresource } : {}) });
const requestCases = [
  { name: 'a request in kube-system is filtered whatever its kind', t: request('Pod', 'kube-system'), filters: undefined, want: true },
  { name: 'a Pod binding request is filtered by its subresource entry', t: request('Pod', 'team-a', 'x', '', 'binding'), filters: undefined, want: true },
  { name: 'a Pod in a user namespace is not filtered', t: request('Pod', 'team-a'), filters: undefined, want: false },
  { name: 'a group/version/kind filter matches the request GVK', t: request('DaemonSet', 'gpu-operator', 'nfd', 'apps'), filters: ['[apps/v1/DaemonSet,gpu-*,*]'], want: true },
  { name: 'a group/version/kind filter of another group does not match', t: request('DaemonSet', 'gpu-operator', 'nfd', 'extensions'), filters: ['[apps/v1/DaemonSet,*,*]'], want: false },
  { name: 'a version/kind filter matches the request version', t: request('Pod', 'team-a'), filters: ['[v1/Pod,*,*]'], want: true },
  { name: 'name and namespace wildcards both have to match', t: request('Pod', 'ray-restricted', 'web'), filters: ['[Pod,ray-*,debug-*]'], want: false },
];
for (const c of requestCases) {
  test(c.name, () => {
    const config = c.filters ? { ...defaultKyvernoConfig(), resourceFilters: parseResourceFilters(c.filters).filters } : defaultKyvernoConfig();
    assert.equal(filteredRequestBy(config, c.t) !== undefined, c.want);
  });
}

test('a malformed filter entry is reported, not silently dropped', () => {
  assert.deepEqual(parseResourceFilters(['[a,b,c,d]']).errors, ['resource filter "[a,b,c,d]": expected [Kind,Namespace,Name]']);
});

// Session 6 upgrade probe: the chart's own filter keys were ignored (kube-system audited as filtered
// while Kyverno evaluated it). The kyverno chart renders `config.resourceFilters` through its helper:
// `excludeKyvernoNamespace` (default true) prepends `[*/*,kyverno,*]`, `resourceFiltersExcludeNamespaces`
// drops every filter naming the namespace (`,ns,`); chart 3.2.6 adds `resourceFiltersExclude` (drops
// entries), `resourceFiltersInclude` and `resourceFiltersIncludeNamespaces` (appends `[*/*,ns,*]`).
const chartKeyCases: { name: string; values: Record<string, unknown>; chart?: '3.0.9' | '3.2.6'; kind: string; ns: string; want: string | undefined }[] = [
  { name: 'by default everything in the kyverno namespace is filtered', values: {}, kind: 'ConfigMap', ns: 'kyverno', want: '[*/*,kyverno,*]' },
  { name: 'excludeKyvernoNamespace: false leaves the kyverno namespace to the other filters', values: { config: { excludeKyvernoNamespace: false } }, kind: 'ConfigMap', ns: 'kyverno', want: undefined },
  { name: 'resourceFiltersExcludeNamespaces: [kube-system] makes kube-system evaluated', values: { config: { resourceFiltersExcludeNamespaces: ['kube-system'] } }, kind: 'DaemonSet', ns: 'kube-system', want: undefined },
  { name: 'resourceFiltersExcludeNamespaces applies to a list of your own too', values: { config: { resourceFilters: ['[*/*,kube-system,*]', '[Event,*,*]'], resourceFiltersExcludeNamespaces: ['kube-system'] } }, kind: 'Pod', ns: 'kube-system', want: undefined },
  { name: '3.0.9 has no resourceFiltersIncludeNamespaces (the key does nothing)', values: { config: { resourceFiltersIncludeNamespaces: ['batch'] } }, kind: 'Pod', ns: 'batch', want: undefined },
  { name: '3.2.6 resourceFiltersIncludeNamespaces filters the namespace', values: { config: { resourceFiltersIncludeNamespaces: ['batch'] } }, chart: '3.2.6', kind: 'Pod', ns: 'batch', want: '[*/*,batch,*]' },
  { name: '3.2.6 resourceFiltersExclude drops an entry', values: { config: { resourceFiltersExclude: ['[*/*,kube-system,*]'] } }, chart: '3.2.6', kind: 'Pod', ns: 'kube-system', want: undefined },
  { name: '3.2.6 resourceFiltersInclude appends entries', values: { config: { resourceFiltersInclude: ['[Pod,lab,*]'] } }, chart: '3.2.6', kind: 'Pod', ns: 'lab', want: '[Pod,lab,*]' },
];
for (const c of chartKeyCases) {
  test(c.name, () => {
    const { config, errors } = kyvernoConfigFromValues(c.values, c.chart);
    assert.deepEqual(errors, []);
    assert.equal(filteredBy(config, c.kind, c.ns, 'x')?.text, c.want);
  });
}

test('config.webhooks: the first namespaceSelector, plus the kyverno namespace unless excludeKyvernoNamespace is false', () => {
  const sel = [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }, { namespaceSelector: { matchLabels: { never: 'read' } } }];
  const { config, errors } = kyvernoConfigFromValues({ config: { webhooks: sel } });
  assert.deepEqual(errors, []);
  const ns = (n: string) => ({ 'kubernetes.io/metadata.name': n });
  assert.match(webhookSkipsNamespace(config, ns('kube-system')) ?? '', /^Kyverno webhook namespaceSelector/);
  assert.match(webhookSkipsNamespace(config, ns('kyverno')) ?? '', /namespaceSelector/);
  assert.equal(webhookSkipsNamespace(config, ns('team-a')), undefined);
  assert.equal(webhookSkipsNamespace(kyvernoConfigFromValues({ config: { webhooks: sel, excludeKyvernoNamespace: false } }).config, ns('kyverno')), undefined);
  assert.equal(webhookSkipsNamespace(kyvernoConfigFromValues({}).config, ns('kube-system')), undefined, 'chart 3.0.9 default: webhooks []');
  assert.deepEqual(kyvernoConfigFromValues({ config: { webhooks: 'x' } }).errors, ['config.webhooks: must be a list']);
});
