// Engine profiles: the places where Kyverno 1.12 (v1.12.5, what kyverno chart 3.2.6 ships) answers
// differently from Kyverno 1.10 (v1.10.7, chart 3.0.9). Each difference is one field here, read in one
// place by the engine, the kyverno-test runner or the CLI; docs/compatibility.md lists them all.

/** The Kyverno minors podgate has a profile for. */
export type KyvernoVersion = '1.10' | '1.12';

export const KYVERNO_VERSIONS: readonly KyvernoVersion[] = ['1.10', '1.12'];

/** One Kyverno version's behaviour where versions differ. */
export interface EngineProfile {
  readonly kyverno: KyvernoVersion;
  /** The Kyverno release the profile follows, e.g. `v1.12.5`. */
  readonly release: string;
  /**
   * Status of a mutate `foreach` rule whose elements produced no patch. v1.10.7 (mutation.go
   * ForEachMutation) reports `pass`; from 1.11 the rule is `skip` (`no patches applied`). `podgate test`
   * also skips for suites in the 1.11+ `cli.kyverno.io/v1alpha1` format (written for the newer CLI).
   */
  readonly foreachNoPatch: 'pass' | 'skip';
  /**
   * `podgate test`: the CLI chains the mutations of all policies on a resource (1.12 processor: every
   * policy mutates the output of the previous one) instead of starting each policy from the original.
   */
  readonly testChainsMutations: boolean;
  /**
   * `podgate test`/`apply`: `request.object.*` values of the values file are applied to the resource
   * before evaluation (1.12 CLI: the resource is patched with them), instead of only being variables.
   */
  readonly applyRequestObjectValues: boolean;
  /**
   * `podgate test`: on an UPDATE row (`request.operation: UPDATE` in the values file), the values'
   * `request.oldObject.*` are written into the old object (a copy of the resource); on a DELETE (`test` and
   * `apply --values`) into the deleted resource, which then takes no `request.object.*` values. The 1.11+ CLI
   * (processor makePolicyContext) adds the values to the context and reads the old object back from
   * `request.oldObject`; `request.object.*` values do not reach it. Otherwise the old object is the resource
   * as given and `request.oldObject.*` values are only variables.
   */
  readonly applyRequestOldObjectValues: boolean;
  /**
   * `podgate test`: an expected row whose rule has no response while other rules of the policy answered.
   * 1.10.7 compares it as `skip`; the 1.11+ CLI (printTestResult) counts it `excluded`, a pass. Both
   * podgate profiles use `excluded` (the kyverno/policies suites are kept green with the newer CLI).
   */
  readonly testRowWithoutResponse: 'skip' | 'excluded';
  /**
   * `podgate test`: `request.operation: UPDATE` in a values file makes an UPDATE with the resource as its
   * own old object (1.11+ CLI); 1.10.7 evaluates a plain CREATE. Both podgate profiles use UPDATE
   * (`other/allowed-label-changes` needs it).
   */
  readonly testUpdateFromValues: boolean;
  /**
   * `podgate apply --values`: `request.operation: UPDATE` makes an UPDATE with the resource as its own old
   * object, as in `podgate test` (the 1.11+ `kyverno apply` builds its policy context with the same
   * processor makePolicyContext as `kyverno test`). v1.10.7's ApplyPolicyOnResource knows only DELETE, so
   * `kyverno apply` 1.10 evaluates a plain CREATE (`request.operation` is still the variable's UPDATE).
   */
  readonly applyUpdateFromValues: boolean;
  /**
   * `podgate test`/`apply`: the per-rule values (and foreach values) of a values file also reach the rules
   * autogen makes of a rule, `autogen-<rule>` and `autogen-cronjob-<rule>` (kyverno PR #8337, 1.11.0: the CLI
   * store's GetPolicyRule answers with the first entry, in file order, named the rule or whose generated
   * rule it is). v1.10.7's GetPolicyRule compares the exact rule name, so the generated rules get none.
   */
  readonly autogenRuleValues: boolean;
  /**
   * `podgate test`/`apply`: a resource named in several `resources` entries of a values file's policy (or
   * of several entries of the policy) gets the values of all of them merged in file order, a later key
   * winning (1.11+ CLI, variables ComputeVariables). v1.10.7's GetVariable keeps maps keyed by name: the
   * resources of the policy's last entry, the last resource entry of a name whole.
   */
  readonly resourceValuesMerge: boolean;
  /** kyverno-test files may carry `exceptions:` (PolicyException files), 1.11+. */
  readonly testExceptions: boolean;
  /** PolicyException `apiVersion`s the CRD serves (1.12.5 dropped v2alpha1). */
  readonly exceptionApiVersions: readonly string[];
  /** `spec.admission` exists (1.12): `false` keeps a policy out of admission (background only). */
  readonly policyAdmissionField: boolean;
  /** Newest Pod Security Admission policy minor the bundled PSA library knows (1.10.7: v0.27; 1.12.5: v0.29). */
  readonly psaMaxVersion: number;
  /**
   * A string pattern's condition (`!0s`, `>=1Gi`) is compared as durations, as quantities, then as strings
   * (pkg/engine/pattern/pattern.go validateString). `any` (1.10.7): the three are OR-ed, so a failed
   * duration or quantity comparison still passes on the string one (`!0s` against 0: "0" is not "0s").
   * `first-parsed` (1.11+, kyverno PR #7307): the first comparison in which both sides parse decides, for
   * every operator (`!0s` against 0: equal durations, fail); the string one runs only when neither parsed.
   */
  readonly stringPatternOrder: 'any' | 'first-parsed';
  /**
   * Whether the admission denial body ("blocked due to the following policies") lists the rules that
   * skipped. v1.10.7 (pkg/webhooks/utils/block.go GetBlockedMessages) lists every rule that did not pass;
   * 1.12 leaves skipped rules out (kyverno PR #9719, milestone 1.12.0).
   */
  readonly denialListsSkips: boolean;
  /**
   * Whether the `images` entries carry `reference` and `referenceWithTag`. They came with kyverno PR #9147
   * (in 1.11.2); v1.10.7's pkg/utils/image/infos.go ImageInfo holds registry, name, path, tag and digest
   * only (ReferenceWithTag is a method there), plus apiutils.ImageInfo's jsonPointer.
   */
  readonly imageReferences: boolean;
  /**
   * How a values-file key (global, per-resource, rule and foreach values) becomes a context path.
   * v1.10.7 (pkg/engine/context AddVariable) splits it on every dot; from 1.11 (kyverno PR #8377) it is
   * read as a `.`-separated CSV record, so `metadata.labels."example.com/team"` names one label, and a
   * stray quote is an error.
   */
  readonly valueKeyQuotes: boolean;
  /**
   * Whether Kyverno registers its webhooks only for the operations its rules' match selects (every
   * operation when a rule names none), so a request of another operation never reaches it (kyverno PR
   * #8437, 1.12.0). v1.10.7 registers CREATE, UPDATE, DELETE and CONNECT for every kind it watches. Read by
   * the admission engine (webhook/engine-adapter.ts), which decides from it which webhooks answer an
   * unparseable image.
   */
  readonly webhookOperationsFromRules: boolean;
  /**
   * Whether a `pattern`/`anyPattern` validation of an UPDATE also validates the old object (1.11+,
   * validate_resource.go validateOldObject; top-level rules and foreach elements alike): when both answers
   * have the same status and message (IsSameRuleResponse), a pass stays a pass and anything else becomes
   * `skip` ("skipping modified resource as validation results have not changed"). The old run sees
   * `request.object` and `request.oldObject` as null (OldPolicyContext) and substitutes the substituted
   * pattern once more (an escaped `\{{ }}` resolves there); a foreach element is the same element of the new
   * object. v1.10.7 answers from the new object alone.
   */
  readonly updateComparesOldObject: boolean;
  /**
   * Whether JMESPath `time_parse` reads a layout that is an integer (`'1136214245'`) as "the value is Unix
   * seconds" (kyverno PR #9173, 1.12: jpTimeParse tries strconv.ParseInt on the layout first). v1.10.7 hands
   * every layout to time.Parse, where the digits are layout elements (1 = month, 3 = hour, ...). Set on the
   * JMESPath functions by evaluatePolicy and mutatePolicy (setJmespathTimeParseEpoch).
   */
  readonly timeParseEpochLayout: boolean;
  /**
   * Whether `subjects` names in match/exclude are wildcard patterns (`*`, `?`): a User's and a Group's name,
   * a ServiceAccount's namespace and name (kyverno PR #8068, milestone 1.11.0: pkg/utils/match/subjects.go
   * CheckSubjects calls wildcard.Match). v1.10.7 compares them exactly.
   */
  readonly subjectWildcards: boolean;
  /**
   * Whether each `subjects` kind is compared with its own part of the request's user (1.11+ CheckSubjects):
   * a User with the username only, a Group with the groups only, a ServiceAccount with the whole username
   * `system:serviceaccount:<namespace>:<name>`. v1.10.7 looks a User or a Group up among the groups and the
   * username alike, and compares a ServiceAccount with what follows the username's first 22 characters
   * (the length of `system:serviceaccount:`, which it does not check).
   */
  readonly subjectKindsSeparate: boolean;
}

/** Kyverno 1.10 (v1.10.7): the default for kyverno-policies 3.0.x. */
export const PROFILE_1_10: EngineProfile = Object.freeze({
  kyverno: '1.10',
  release: 'v1.10.7',
  foreachNoPatch: 'pass',
  testChainsMutations: false,
  applyRequestObjectValues: false,
  applyRequestOldObjectValues: false,
  testRowWithoutResponse: 'excluded',
  testUpdateFromValues: true,
  applyUpdateFromValues: false,
  autogenRuleValues: false,
  resourceValuesMerge: false,
  testExceptions: false,
  exceptionApiVersions: Object.freeze(['kyverno.io/v2alpha1']),
  policyAdmissionField: false,
  psaMaxVersion: 27,
  stringPatternOrder: 'any',
  denialListsSkips: true,
  imageReferences: false,
  valueKeyQuotes: false,
  webhookOperationsFromRules: false,
  updateComparesOldObject: false,
  timeParseEpochLayout: false,
  subjectWildcards: false,
  subjectKindsSeparate: false,
});

/** Kyverno 1.12 (v1.12.5): the default for kyverno-policies 3.2.x. */
export const PROFILE_1_12: EngineProfile = Object.freeze({
  kyverno: '1.12',
  release: 'v1.12.5',
  foreachNoPatch: 'skip',
  testChainsMutations: true,
  applyRequestObjectValues: true,
  applyRequestOldObjectValues: true,
  testRowWithoutResponse: 'excluded',
  testUpdateFromValues: true,
  applyUpdateFromValues: true,
  autogenRuleValues: true,
  resourceValuesMerge: true,
  testExceptions: true,
  exceptionApiVersions: Object.freeze(['kyverno.io/v2beta1']),
  policyAdmissionField: true,
  psaMaxVersion: 29,
  stringPatternOrder: 'first-parsed',
  denialListsSkips: false,
  imageReferences: true,
  valueKeyQuotes: true,
  webhookOperationsFromRules: true,
  updateComparesOldObject: true,
  timeParseEpochLayout: true,
  subjectWildcards: true,
  subjectKindsSeparate: true,
});

/** The default profile (1.10, as podgate has always evaluated). */
export const DEFAULT_PROFILE = PROFILE_1_10;

export function isKyvernoVersion(v: string): v is KyvernoVersion {
  return (KYVERNO_VERSIONS as readonly string[]).includes(v);
}

/** The profile of a Kyverno minor. */
export function engineProfile(v: KyvernoVersion): EngineProfile {
  return v === '1.12' ? PROFILE_1_12 : PROFILE_1_10;
}

/** The Kyverno minor that ships with a kyverno-policies chart version (3.0.x → 1.10, 3.2.x → 1.12). */
export function kyvernoForChart(chartVersion: string): KyvernoVersion {
  return chartVersion.startsWith('3.2.') ? '1.12' : '1.10';
}
