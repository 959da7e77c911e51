// valuesContext: what a values file gives one policy on one resource (kyverno@v1.10.7 cmd/cli/kubectl-kyverno
// utils/values and utils/common), as { values, want } rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import type { SuiteValues } from './suite.js';
import { valuesContext } from './values-context.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' } };
const empty: SuiteValues = { globalValues: {}, ruleValues: {}, foreachValues: {}, resourceValues: {}, namespaceLabels: {} };

const cases: { name: string; values: SuiteValues | undefined; want: { global: object; operation?: string; namespaceLabels?: object; rules?: object } }[] = [
  { name: 'no values file gives empty values, a CREATE and no namespace labels', values: undefined, want: { global: {}, rules: {} } },
  {
    name: 'per-resource values override global values for that policy only',
    values: { ...empty, globalValues: { a: 1, b: 1 }, resourceValues: { p: { web: { b: 2 } }, other: { web: { a: 3 } } } },
    want: { global: { a: 1, b: 2 } },
  },
  { name: 'request.operation DELETE in the values selects DELETE', values: { ...empty, globalValues: { 'request.operation': 'DELETE' } }, want: { global: { 'request.operation': 'DELETE' }, operation: 'DELETE' } },
  { name: 'request.operation "" is a CREATE: the key is dropped so the context keeps CREATE', values: { ...empty, globalValues: { 'request.operation': '' } }, want: { global: {} } },
  { name: 'request.operation UPDATE is left to the caller', values: { ...empty, globalValues: { 'request.operation': 'UPDATE' } }, want: { global: { 'request.operation': 'UPDATE' } } },
  { name: "the resource namespace's labels come from the values", values: { ...empty, namespaceLabels: { shop: { env: 'prod' }, other: { env: 'dev' } } }, want: { global: {}, namespaceLabels: { env: 'prod' } } },
  { name: "rule values are the policy's own", values: { ...empty, ruleValues: { p: { r: { x: 1 } }, other: { r: { x: 2 } } } }, want: { global: {}, rules: { r: { x: 1 } } } },
];

for (const c of cases) {
  test(c.name, () => {
    const ctx = valuesContext('p', pod, c.values);
    assert.deepEqual(ctx.values?.global, c.want.global);
    assert.equal(ctx.operation, c.want.operation);
    assert.deepEqual(ctx.namespaceLabels, c.want.namespaceLabels);
    if (c.want.rules) assert.deepEqual(ctx.values?.rules, c.want.rules);
  });
}

// ApplyPolicyOnResource (1.10.7): a resource whose GVK is a mapping's subresource is matched as the parent's kind.
const mappings: SuiteValues['subresources'] = [
  { subresource: { name: 'pods/exec', kind: 'PodExecOptions', group: '', version: 'v1' }, parentResource: { name: 'pods', kind: 'Pod', group: '', version: 'v1' } },
  { subresource: { name: 'deployments/scale', kind: 'Scale', group: 'autoscaling', version: 'v1' }, parentResource: { name: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1' } },
];
const subCases: { name: string; resource: KubeObject; want: { gvk?: object; subresource?: string } }[] = [
  { name: 'PodExecOptions is a Pod exec', resource: { apiVersion: 'v1', kind: 'PodExecOptions', metadata: { name: 'x' } }, want: { gvk: { group: '', version: 'v1', kind: 'Pod' }, subresource: 'exec' } },
  { name: 'autoscaling/v1 Scale is a Deployment scale', resource: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'x' } }, want: { gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, subresource: 'scale' } },
  { name: 'a Scale of another group/version is not mapped', resource: { apiVersion: 'autoscaling/v2', kind: 'Scale', metadata: { name: 'x' } }, want: {} },
  { name: 'a Pod keeps its own kind', resource: pod, want: {} },
];
for (const c of subCases) {
  test(`subresources: ${c.name}`, () => {
    const ctx = valuesContext('p', c.resource, { ...empty, subresources: mappings });
    assert.deepEqual(ctx.gvk, c.want.gvk);
    assert.equal(ctx.subresource, c.want.subresource);
  });
}
