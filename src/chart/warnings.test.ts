import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../util/index.js';
import type { ChartVersion } from './chart-data.js';
import type { ChartWarningCode } from './errors.js';
import { renderChart } from './render.js';
import { parseValuesText } from './values.js';

const cases: { name: string; values: string; version?: ChartVersion; want: { code: ChartWarningCode; path: string }[] }[] = [
  { name: 'the seed-style values have no warnings', values: 'validationFailureAction: Enforce\npolicyExclude: {disallow-host-path: {any: []}}', want: [] },
  {
    name: 'a policyExclude key named after the rule of a single-rule policy is flagged as ignored',
    values: 'policyExclude: {host-path: {any: [{resources: {namespaces: [x]}}]}}',
    want: [{ code: 'CHART_RULE_KEY_IGNORED', path: 'policyExclude.host-path' }],
  },
  { name: 'rule keys the multi-rule templates read are accepted', values: 'podSecurityStandard: restricted\npolicyExclude: {selinux-type: {any: []}, require-drop-all: {any: []}}', want: [] },
  {
    name: 'a preconditions block without all on a deny rule drops the DELETE guard',
    values: 'policyPreconditions: {disallow-capabilities: {any: [{key: a, operator: Equals, value: a}]}}',
    want: [{ code: 'CHART_PRECONDITIONS_NO_ALL', path: 'policyPreconditions.disallow-capabilities' }],
  },
  {
    name: 'a merged block without all names every key that fed it',
    values: 'podSecurityStandard: restricted\npolicyPreconditions: {require-drop-all: {any: [{key: a, operator: Equals, value: a}]}}',
    want: [{ code: 'CHART_PRECONDITIONS_NO_ALL', path: 'policyPreconditions.require-drop-all' }],
  },
  {
    name: 'any next to all on a deny rule is dropped',
    values: 'policyPreconditions: {disallow-capabilities: {all: [{key: a, operator: Equals, value: a}], any: [{key: b, operator: Equals, value: b}]}}',
    want: [{ code: 'CHART_PRECONDITIONS_KEYS_DROPPED', path: 'policyPreconditions.disallow-capabilities' }],
  },
  { name: 'preconditions for check-fsgroup have no slot', values: 'includeOtherPolicies: [require-non-root-groups]\npolicyPreconditions: {check-fsgroup: {all: []}}', want: [{ code: 'CHART_PRECONDITIONS_NO_SLOT', path: 'policyPreconditions.check-fsgroup' }] },
  { name: 'an unknown policy name in policyExclude is flagged', values: 'policyExclude: {disallow-hostpath: {any: []}}', want: [{ code: 'CHART_UNKNOWN_POLICY', path: 'policyExclude.disallow-hostpath' }] },
  { name: 'an unknown policy in validationFailureActionByPolicy is flagged', values: 'validationFailureActionByPolicy: {host-path: Enforce}', want: [{ code: 'CHART_UNKNOWN_POLICY', path: 'validationFailureActionByPolicy.host-path' }] },
  { name: 'a baseline policy in includeRestrictedPolicies selects nothing', values: 'includeRestrictedPolicies: [disallow-host-path]', want: [{ code: 'CHART_UNKNOWN_POLICY', path: 'includeRestrictedPolicies[0]' }] },
  { name: 'excluding a restricted policy under baseline has no effect', values: 'policyExclude: {restrict-volume-types: {any: []}}', want: [{ code: 'CHART_POLICY_NOT_RENDERED', path: 'policyExclude.restrict-volume-types' }] },
  { name: 'podSecurityPolicies outside custom is ignored', values: 'podSecurityPolicies: [disallow-host-path]', want: [{ code: 'CHART_POLICIES_IGNORED', path: 'podSecurityPolicies' }] },
  { name: 'an unknown profile renders nothing and is flagged', values: 'podSecurityStandard: Baseline', want: [{ code: 'CHART_UNKNOWN_PROFILE', path: 'podSecurityStandard' }] },
  { name: 'a top-level typo is an unknown key', values: 'policyExcludes: {}', want: [{ code: 'CHART_UNKNOWN_KEY', path: 'policyExcludes' }] },
  { name: 'policyKind is unknown to chart 3.0.7', values: 'policyKind: ClusterPolicy', want: [{ code: 'CHART_UNKNOWN_KEY', path: 'policyKind' }] },
  { name: 'policyKind is known to chart 3.2.5', values: 'policyKind: ClusterPolicy', version: '3.2.5', want: [] },
  { name: 'ENFORCE is rejected by the CRD', values: 'validationFailureAction: ENFORCE', want: [{ code: 'CHART_ACTION_SPELLING', path: 'validationFailureAction' }] },
  { name: 'a bad per-policy action is rejected', values: 'validationFailureActionByPolicy: {disallow-host-path: Deny}', want: [{ code: 'CHART_ACTION_SPELLING', path: 'validationFailureActionByPolicy.disallow-host-path' }] },
  {
    name: 'a bad override action is rejected',
    values: 'validationFailureActionOverrides: {all: [{action: Enforced, namespaces: [a]}]}',
    want: [{ code: 'CHART_ACTION_SPELLING', path: 'validationFailureActionOverrides.all[0].action' }],
  },
  { name: 'lower-case audit is accepted by Kyverno 1.10', values: 'validationFailureAction: audit', want: [] },
  { name: 'failurePolicy must be Fail or Ignore', values: 'failurePolicy: fail', want: [{ code: 'CHART_FAILURE_POLICY_INVALID', path: 'failurePolicy' }] },
  { name: 'a severity reports cannot map is flagged', values: 'podSecuritySeverity: critical', want: [{ code: 'CHART_SEVERITY_UNMAPPED', path: 'podSecuritySeverity' }] },
  { name: 'customLabels overriding a chart label is flagged', values: 'customLabels: {app.kubernetes.io/name: x}', want: [{ code: 'CHART_LABEL_OVERRIDDEN', path: 'customLabels.app.kubernetes.io/name' }] },
];

for (const c of cases) {
  test(c.name, () => {
    const values: JsonObject = parseValuesText(c.values, 'inline').values;
    const r = renderChart({ version: c.version ?? '3.0.7', values: [values], set: [] });
    assert.deepEqual(
      r.warnings.map((w) => ({ code: w.code, path: w.path })),
      c.want,
    );
  });
}

test('typo warnings suggest the closest key or policy', () => {
  const r = renderChart({ version: '3.0.7', values: [parseValuesText('validationFailureActions: Enforce\npolicyExclude: {disallow-hostpath: {}}', 'x').values], set: [] });
  assert.match(r.warnings[0]!.message, /did you mean "validationFailureAction"/);
  assert.match(r.warnings[1]!.message, /did you mean "disallow-host-path"/);
});
