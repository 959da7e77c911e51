// Codes for what the chart renderer reports: warnings for the chart's silent traps (it renders, but
// not what the values seem to ask), and ChartRenderError for the cases where `helm template` itself
// fails (a `fail` call, a template function given the wrong type, an unsupported kubeVersion).

/** Warning codes, one per chart trap. */
export type ChartWarningCode =
  /** A policyExclude/policyPreconditions key names a rule of a single-rule policy; the chart reads only the policy name. */
  | 'CHART_RULE_KEY_IGNORED'
  /** A policyPreconditions block for a DELETE-guarded rule has no (non-empty) `all`: the DELETE guard is dropped. */
  | 'CHART_PRECONDITIONS_NO_ALL'
  /** A DELETE-guarded rule's block has `all` plus other keys: only `all` is rendered, the rest is dropped. */
  | 'CHART_PRECONDITIONS_KEYS_DROPPED'
  /** policyPreconditions for a rule without a preconditions slot (check-fsgroup). */
  | 'CHART_PRECONDITIONS_NO_SLOT'
  /** A policy (or rule) name that no template of this chart version knows. */
  | 'CHART_UNKNOWN_POLICY'
  /** A known policy configured in values but not rendered by the chosen profile and include lists. */
  | 'CHART_POLICY_NOT_RENDERED'
  /** podSecurityPolicies given while podSecurityStandard is not `custom`: the list is ignored. */
  | 'CHART_POLICIES_IGNORED'
  /** podSecurityStandard is not one of baseline/restricted/privileged/custom: nothing from the profile renders. */
  | 'CHART_UNKNOWN_PROFILE'
  /** A top-level values key this chart version does not read (often a typo). */
  | 'CHART_UNKNOWN_KEY'
  /** A validationFailureAction spelling the target Kyverno's CRD rejects. */
  | 'CHART_ACTION_SPELLING'
  /** failurePolicy other than Fail/Ignore (the CRD rejects it). */
  | 'CHART_FAILURE_POLICY_INVALID'
  /** podSecuritySeverity other than high/medium/low (policy reports map only those). */
  | 'CHART_SEVERITY_UNMAPPED'
  /** customLabels overrides one of the chart's standard labels (the later duplicate key wins). */
  | 'CHART_LABEL_OVERRIDDEN';

/** A trap found in the values: the chart renders, but maybe not what was meant. */
export interface ChartWarning {
  code: ChartWarningCode;
  message: string;
  /** Values path the warning is about, e.g. `policyExclude.host-path`. */
  path?: string;
}

/** Why `helm template` would refuse to render. */
export type ChartErrorCode = 'CHART_RENDER_FAILED' | 'CHART_KUBE_VERSION' | 'CHART_KYVERNO_VERSION' | 'CHART_VALUES_INVALID' | 'CHART_SET_SYNTAX';

/** A render Helm itself would fail (the CLI turns it into a usage error, exit 2). */
export class ChartRenderError extends Error {
  readonly code: ChartErrorCode;
  readonly path?: string;
  constructor(code: ChartErrorCode, message: string, path?: string) {
    super(message);
    this.name = 'ChartRenderError';
    this.code = code;
    if (path !== undefined) this.path = path;
  }
}
