import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/index.js';
import { isObject, type JsonObject } from '../util/index.js';
import { ChartRenderError } from './errors.js';
import { DELETE_GUARD, renderChart } from './render.js';
import { loadValuesFile, parseValuesText } from './values.js';

const td = (f: string) => new URL(`./testdata/${f}`, import.meta.url).pathname;
const seed = (name: 'minimal' | 'full') => loadValuesFile(td(`kyverno-policies-values-${name}.yaml`));
const yamlValues = (text: string): JsonObject => parseValuesText(text, 'inline').values;
const names = (ps: KubeObject[]) => ps.map((p) => p.metadata.name);
const spec = (p: KubeObject | undefined) => (p?.spec ?? {}) as JsonObject;
const rules = (p: KubeObject | undefined) => (spec(p).rules ?? []) as JsonObject[];
const find = (ps: KubeObject[], name: string) => ps.find((p) => p.metadata.name === name);

const BASELINE = [
  'disallow-capabilities',
  'disallow-host-namespaces',
  'disallow-host-path',
  'disallow-host-ports',
  'disallow-host-process',
  'disallow-privileged-containers',
  'disallow-proc-mount',
  'disallow-selinux',
  'restrict-apparmor-profiles',
  'restrict-seccomp',
  'restrict-sysctls',
];
const RESTRICTED = ['disallow-capabilities-strict', 'disallow-privilege-escalation', 'require-run-as-non-root-user', 'require-run-as-nonroot', 'restrict-seccomp-strict', 'restrict-volume-types'];

for (const name of ['minimal', 'full'] as const) {
  test(`the seed's ${name} values render exactly the expected 11 baseline ClusterPolicies for 3.0.7`, () => {
    const values = seed(name);
    const r = renderChart({ version: '3.0.7', values: [values], set: [] });
    const expected = parseAllDocuments(readFileSync(td(`expected/${name}-3.0.7.yaml`), 'utf8')).map((d) => d.toJS() as KubeObject);
    assert.deepEqual(r.policies, expected);
    assert.deepEqual(names(r.policies), BASELINE);
    assert.deepEqual(r.warnings, []);
    const excludes = values.policyExclude as JsonObject;
    for (const p of r.policies) {
      assert.equal(p.kind, 'ClusterPolicy');
      assert.equal(spec(p).validationFailureAction, 'Enforce');
      for (const rule of rules(p)) assert.deepEqual(rule.exclude, excludes[p.metadata.name ?? ''], `${p.metadata.name} exclude as written`);
    }
  });
}

test('helm template prints policies in template path order: baseline, other, restricted', () => {
  const r = renderChart({ version: '3.0.7', values: [yamlValues('podSecurityStandard: restricted\nincludeOtherPolicies: [require-non-root-groups]')], set: [] });
  assert.deepEqual(names(r.policies), [...BASELINE, 'require-non-root-groups', ...RESTRICTED]);
  assert.equal(r.sources[11], 'kyverno-policies/templates/other/require-non-root-groups.yaml');
});

const profiles: { name: string; values: string; want: string[] }[] = [
  { name: 'the default profile is baseline (11 policies)', values: '{}', want: BASELINE },
  { name: 'the restricted profile renders 17 policies', values: 'podSecurityStandard: restricted', want: [...BASELINE, ...RESTRICTED] },
  { name: 'the privileged profile renders nothing', values: 'podSecurityStandard: privileged', want: [] },
  { name: 'an unknown profile renders nothing', values: 'podSecurityStandard: strict', want: [] },
  {
    name: 'the custom profile renders exactly the listed baseline and restricted policies',
    values: 'podSecurityStandard: custom\npodSecurityPolicies: [restrict-volume-types, disallow-host-path, require-non-root-groups]',
    want: ['disallow-host-path', 'restrict-volume-types'],
  },
  { name: 'includeRestrictedPolicies adds to a standard profile', values: 'includeRestrictedPolicies: [require-run-as-non-root-user]', want: [...BASELINE, 'require-run-as-non-root-user'] },
  { name: 'includeOtherPolicies works even with the privileged profile', values: 'podSecurityStandard: privileged\nincludeOtherPolicies: [require-non-root-groups]', want: ['require-non-root-groups'] },
  { name: 'podSecurityPolicies is ignored outside the custom profile', values: 'podSecurityStandard: privileged\npodSecurityPolicies: [disallow-host-path]', want: [] },
];
for (const c of profiles) {
  test(c.name, () => {
    assert.deepEqual(names(renderChart({ version: '3.0.7', values: [yamlValues(c.values)], set: [] }).policies), c.want);
  });
}

test('validationFailureActionByPolicy and validationFailureActionOverrides render per policy (all first)', () => {
  const values = yamlValues(`
validationFailureAction: Audit
validationFailureActionByPolicy:
  disallow-host-path: Enforce
validationFailureActionOverrides:
  all:
  - action: audit
    namespaces: [ingress-nginx]
  disallow-host-path:
  - namespaces: [fluent]
    action: enforce
`);
  const ps = renderChart({ version: '3.0.7', values: [values], set: [] }).policies;
  assert.equal(spec(find(ps, 'disallow-host-path')).validationFailureAction, 'Enforce');
  assert.equal(spec(find(ps, 'disallow-host-ports')).validationFailureAction, 'Audit');
  assert.deepEqual(spec(find(ps, 'disallow-host-path')).validationFailureActionOverrides, [
    { action: 'audit', namespaces: ['ingress-nginx'] },
    { action: 'enforce', namespaces: ['fluent'] },
  ]);
  assert.deepEqual(spec(find(ps, 'disallow-selinux')).validationFailureActionOverrides, [{ action: 'audit', namespaces: ['ingress-nginx'] }]);
  assert.equal(Object.hasOwn(spec(renderChart({ version: '3.0.7', values: [], set: [] }).policies[0]), 'validationFailureActionOverrides'), false);
});

test('failurePolicy, background, autogenControllers and severity render as the templates print them', () => {
  const r = renderChart({ version: '3.0.7', values: [], set: ['failurePolicy=Ignore', 'background=false', 'autogenControllers=none', 'podSecuritySeverity=high', 'podSecurityStandard=restricted'] });
  const p = find(r.policies, 'disallow-host-path')!;
  assert.equal(spec(p).failurePolicy, 'Ignore');
  assert.equal(spec(p).background, false);
  assert.equal(p.metadata.annotations?.['pod-policies.kyverno.io/autogen-controllers'], 'none');
  assert.equal(Object.keys(p.metadata.annotations ?? {})[0], 'pod-policies.kyverno.io/autogen-controllers');
  assert.equal(p.metadata.annotations?.['policies.kyverno.io/severity'], 'high');
  const none = renderChart({ version: '3.0.7', values: [yamlValues('podSecuritySeverity: ""')], set: [] }).policies[0]!;
  assert.equal(Object.hasOwn(none.metadata.annotations ?? {}, 'policies.kyverno.io/severity'), false);
  assert.equal(Object.hasOwn(none.metadata.annotations ?? {}, 'pod-policies.kyverno.io/autogen-controllers'), false);
});

test('an unquoted template value is re-read as YAML, a quoted one stays a string', () => {
  const r = renderChart({ version: '3.0.7', values: [yamlValues('podSecurityStandard: restricted\npodSecuritySeverity: "1"')], set: [] });
  assert.equal(find(r.policies, 'disallow-host-path')?.metadata.annotations?.['policies.kyverno.io/severity'], 1);
  assert.equal(find(r.policies, 'restrict-volume-types')?.metadata.annotations?.['policies.kyverno.io/severity'], '1');
});

test('labels carry release, chart version and nameOverride, then customLabels with sorted keys', () => {
  const r = renderChart({ version: '3.0.7', values: [yamlValues('nameOverride: pss\ncustomLabels: {zz: "1", aa: b}')], set: [], release: 'kp' });
  assert.deepEqual(r.policies[0]!.metadata.labels, {
    'app.kubernetes.io/component': 'kyverno',
    'app.kubernetes.io/instance': 'kp',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': 'pss',
    'app.kubernetes.io/part-of': 'pss',
    'app.kubernetes.io/version': '3.0.7',
    'helm.sh/chart': 'kyverno-policies-3.0.7',
    aa: 'b',
    zz: '1',
  });
  assert.deepEqual(Object.keys(r.policies[0]!.metadata.labels ?? {}).slice(-2), ['aa', 'zz']);
  assert.equal(r.policies[0]!.metadata.name, 'disallow-capabilities');
});

test('exclude blocks are copied as written with keys sorted like toYaml', () => {
  const r = renderChart({ version: '3.0.7', values: [yamlValues('policyExclude:\n  disallow-host-path:\n    any:\n    - resources: {namespaces: [x], kinds: [Pod]}')], set: [] });
  const ex = rules(find(r.policies, 'disallow-host-path'))[0]!.exclude as JsonObject;
  assert.deepEqual(ex, { any: [{ resources: { kinds: ['Pod'], namespaces: ['x'] } }] });
  assert.deepEqual(Object.keys(((ex.any as JsonObject[])[0]!.resources as JsonObject) ?? {}), ['kinds', 'namespaces']);
  assert.deepEqual(Object.keys(rules(find(r.policies, 'disallow-host-path'))[0]!), ['name', 'match', 'exclude', 'validate']);
});

test('multi-rule policies merge the rule key over the policy key: rule-level any wins, lists are not joined', () => {
  const values = yamlValues(`
policyExclude:
  selinux-type: {any: [{resources: {namespaces: [rule]}}]}
  disallow-selinux: {any: [{resources: {namespaces: [policy]}}], all: [{resources: {namespaces: [p2]}}]}
`);
  const rs = rules(find(renderChart({ version: '3.0.7', values: [values], set: [] }).policies, 'disallow-selinux'));
  assert.deepEqual(rs[0]!.exclude, { all: [{ resources: { namespaces: ['p2'] } }], any: [{ resources: { namespaces: ['rule'] } }] });
  assert.deepEqual(rs[1]!.exclude, { all: [{ resources: { namespaces: ['p2'] } }], any: [{ resources: { namespaces: ['policy'] } }] });
});

test("preconditions follow the chart's CI case: guard first with all, guard dropped without all, plain elsewhere", () => {
  const cond = { key: '{{ request.object.metadata.name }}', operator: 'NotEquals', value: 'dcgm-exporter*' };
  const values = {
    podSecurityStandard: 'restricted',
    policyPreconditions: {
      'require-run-as-non-root-user': { all: [cond] },
      'require-drop-all': { any: [cond] },
      'disallow-capabilities': { all: [cond] },
      'adding-capabilities-strict': { all: [cond] },
    },
  };
  const ps = renderChart({ version: '3.0.7', values: [values], set: [] }).policies;
  assert.deepEqual(rules(find(ps, 'require-run-as-non-root-user'))[0]!.preconditions, { all: [cond] });
  assert.deepEqual(rules(find(ps, 'disallow-capabilities'))[0]!.preconditions, { all: [DELETE_GUARD, cond] });
  const strict = rules(find(ps, 'disallow-capabilities-strict'));
  assert.deepEqual(strict[0]!.preconditions, { any: [cond] });
  assert.deepEqual(strict[1]!.preconditions, { all: [DELETE_GUARD, cond] });
  assert.deepEqual(rules(find(ps, 'restrict-volume-types'))[0]!.preconditions, { all: [DELETE_GUARD] });
  assert.equal(Object.hasOwn(rules(find(ps, 'disallow-host-path'))[0]!, 'preconditions'), false);
});

test('--set and several -f files merge like Helm (maps deep, lists replaced, null removes a default)', () => {
  const a = yamlValues('validationFailureActionOverrides: {all: [{action: audit, namespaces: [a]}]}\npolicyExclude: {disallow-host-path: {any: [{resources: {namespaces: [a]}}]}}');
  const b = yamlValues('policyExclude: {disallow-host-ports: {any: [{resources: {namespaces: [b]}}]}}\npodSecuritySeverity: null');
  const r = renderChart({ version: '3.0.7', values: [a, b], set: ['validationFailureActionOverrides.all[0].namespaces={x,y}'] });
  assert.deepEqual(rules(find(r.policies, 'disallow-host-path'))[0]!.exclude, { any: [{ resources: { namespaces: ['a'] } }] });
  assert.deepEqual(rules(find(r.policies, 'disallow-host-ports'))[0]!.exclude, { any: [{ resources: { namespaces: ['b'] } }] });
  assert.deepEqual(spec(r.policies[0]).validationFailureActionOverrides, [{ action: 'audit', namespaces: ['x', 'y'] }]);
  assert.equal(Object.hasOwn(r.policies[0]!.metadata.annotations ?? {}, 'policies.kyverno.io/severity'), false);
  assert.deepEqual(a, yamlValues('validationFailureActionOverrides: {all: [{action: audit, namespaces: [a]}]}\npolicyExclude: {disallow-host-path: {any: [{resources: {namespaces: [a]}}]}}'), 'inputs are not mutated');
});

const failures: { name: string; values: string; set?: string[]; kubernetes?: string; code: string }[] = [
  { name: 'an explicit Kyverno version below 1.6 fails like the chart', values: 'kyvernoVersion: 1.5.0', code: 'CHART_KYVERNO_VERSION' },
  { name: 'includeRestrictedPolicies given as a string fails like sprig has', values: 'includeRestrictedPolicies: restrict-volume-types', code: 'CHART_RENDER_FAILED' },
  { name: 'a preconditions list for a merging rule fails like sprig merge', values: 'policyPreconditions: {selinux-type: [a]}', code: 'CHART_RENDER_FAILED' },
  { name: 'an unterminated --set list is a syntax error', values: '{}', set: ['a={x,y'], code: 'CHART_SET_SYNTAX' },
  { name: 'chart 3.2.5 refuses Kubernetes 1.24', values: '{}', kubernetes: '1.24', code: 'CHART_KUBE_VERSION' },
];
for (const c of failures) {
  test(c.name, () => {
    const version = c.code === 'CHART_KUBE_VERSION' ? '3.2.5' : '3.0.7';
    assert.throws(
      () => renderChart({ version, values: [yamlValues(c.values)], set: c.set ?? [], ...(c.kubernetes ? { kubernetes: c.kubernetes } : {}) }),
      (e: unknown) => e instanceof ChartRenderError && e.code === c.code,
    );
  });
}

test('an explicit supported Kyverno version and Kubernetes 1.24 on 3.0.7 render normally', () => {
  assert.equal(renderChart({ version: '3.0.7', values: [yamlValues('kyvernoVersion: v1.10.7')], set: [], kubernetes: 'v1.24.17' }).policies.length, 11);
});

/** Removes exactly the differences chart 3.2.5 introduced (spec 1.4) from a rendered policy. */
function withoutChartVersion(p: KubeObject): unknown {
  const copy = structuredClone(p) as unknown as JsonObject;
  const labels = (copy.metadata as JsonObject).labels as JsonObject;
  labels['app.kubernetes.io/version'] = 'X';
  labels['helm.sh/chart'] = 'X';
  return copy;
}

test('3.2.5 renders the same policies as 3.0.7 apart from the chart version labels', () => {
  for (const values of [[seed('full')], [yamlValues('podSecurityStandard: restricted\nincludeOtherPolicies: [require-non-root-groups]\nvalidationFailureAction: Audit')]]) {
    const a = renderChart({ version: '3.0.7', values, set: [] });
    const b = renderChart({ version: '3.2.5', values, set: [] });
    assert.deepEqual(b.sources, a.sources);
    assert.deepEqual(b.policies.map(withoutChartVersion), a.policies.map(withoutChartVersion));
    assert.equal(b.policies[0]!.metadata.labels?.['helm.sh/chart'], 'kyverno-policies-3.2.5');
  }
});

test('3.2.5 differs where the chart did: default action spelling, policyKind, skipBackgroundRequests', () => {
  const a = renderChart({ version: '3.0.7', values: [], set: [] }).policies[0]!;
  const b = renderChart({ version: '3.2.5', values: [], set: [] }).policies[0]!;
  assert.equal(spec(a).validationFailureAction, 'audit');
  assert.equal(spec(b).validationFailureAction, 'Audit');
  const c = renderChart({ version: '3.2.5', values: [], set: ['policyKind=Policy', 'skipBackgroundRequests=false'] }).policies;
  assert.equal(c[0]!.kind, 'Policy');
  for (const p of c) for (const r of rules(p)) assert.equal(r.skipBackgroundRequests, false);
  assert.deepEqual(Object.keys(rules(c[0])[0]!), ['name', 'match', 'preconditions', 'skipBackgroundRequests', 'validate']);
  const old = renderChart({ version: '3.0.7', values: [], set: ['policyKind=Policy', 'skipBackgroundRequests=false'] });
  assert.equal(old.policies[0]!.kind, 'ClusterPolicy');
  assert.ok(old.policies.every((p) => rules(p).every((r) => !Object.hasOwn(r, 'skipBackgroundRequests'))));
  assert.ok(isObject(spec(b)));
});
