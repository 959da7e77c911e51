// valuesContext: what a values file gives one policy on one resource (kyverno@v1.10.7 cmd/cli/kubectl-kyverno
// utils/values and utils/common), as { values, want } rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import { PROFILE_1_10, PROFILE_1_12 } from '../kyverno/index.js';
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

// Per-rule values under the 1.12 profile (autogenRuleValues): the CLI store's GetPolicyRule answers a rule
// name with the first entry of the values file, in file order, named the rule, or whose `autogen-` or
// `autogen-cronjob-` name it is; that entry's values and foreachValues both (none when it has none).
type RuleEntries = NonNullable<SuiteValues['ruleEntries']>;
const autogenCases: { name: string; entries: RuleEntries; rule: string; want: { values?: object; foreach?: object } }[] = [
  { name: 'the rule itself', entries: { p: [{ name: 'r', values: { x: 1 } }] }, rule: 'r', want: { values: { x: 1 } } },
  { name: 'the autogen rule of a Deployment', entries: { p: [{ name: 'r', values: { x: 1 } }] }, rule: 'autogen-r', want: { values: { x: 1 } } },
  { name: 'the autogen rule of a CronJob', entries: { p: [{ name: 'r', values: { x: 1 } }] }, rule: 'autogen-cronjob-r', want: { values: { x: 1 } } },
  { name: 'foreach values too', entries: { p: [{ name: 'r', foreachValues: { e: [1, 2] } }] }, rule: 'autogen-r', want: { foreach: { e: [1, 2] } } },
  { name: 'an earlier entry for the source rule wins over a later one named autogen-<rule>', entries: { p: [{ name: 'r', values: { x: 1 } }, { name: 'autogen-r', values: { x: 2 } }] }, rule: 'autogen-r', want: { values: { x: 1 } } },
  { name: 'an earlier entry named autogen-<rule> wins over a later one for the source rule', entries: { p: [{ name: 'autogen-r', values: { x: 2 } }, { name: 'r', values: { x: 1 } }] }, rule: 'autogen-r', want: { values: { x: 2 } } },
  { name: 'the first entry answers even without values: a later one does not fill in', entries: { p: [{ name: 'autogen-r', foreachValues: { e: [1] } }, { name: 'r', values: { x: 1 } }] }, rule: 'autogen-r', want: { foreach: { e: [1] } } },
  { name: 'of two entries with the same name the first wins', entries: { p: [{ name: 'r', values: { x: 1 } }, { name: 'r', values: { x: 2 } }] }, rule: 'r', want: { values: { x: 1 } } },
  { name: 'autogen-cronjob-<rule> is also the autogen rule of an entry named cronjob-<rule>', entries: { p: [{ name: 'cronjob-r', values: { x: 3 } }, { name: 'r', values: { x: 1 } }] }, rule: 'autogen-cronjob-r', want: { values: { x: 3 } } },
  { name: 'another policy’s entries are not read', entries: { other: [{ name: 'r', values: { x: 1 } }] }, rule: 'autogen-r', want: {} },
];
for (const c of autogenCases) {
  test(`autogenRuleValues (1.12): ${c.name}`, () => {
    const values: SuiteValues = { ...empty, ruleEntries: c.entries };
    const ctx = valuesContext('p', pod, values, PROFILE_1_12);
    assert.deepEqual(ctx.values?.rules?.[c.rule], c.want.values);
    assert.deepEqual(ctx.values?.foreach?.[c.rule], c.want.foreach);
  });
}

test('autogenRuleValues: 1.10 reads the values of the exact rule name only', () => {
  const values: SuiteValues = { ...empty, ruleValues: { p: { r: { x: 1 } } }, ruleEntries: { p: [{ name: 'r', values: { x: 1 } }] } };
  const ctx = valuesContext('p', pod, values, PROFILE_1_10);
  assert.deepEqual(ctx.values?.rules?.r, { x: 1 });
  assert.equal(ctx.values?.rules?.['autogen-r'], undefined);
  assert.equal(ctx.values?.rules?.['autogen-cronjob-r'], undefined);
});

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
