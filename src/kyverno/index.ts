// Public surface of kyverno/: the Kyverno 1.10-compatible engine (no I/O).
export type { GroupVersionKind, MatchInput, MatchOutcome, RequestInfo } from './match/index.js';
export { checkKind, checkSelector, matchRule } from './match/index.js';
export type { ForEachValidation, Policy, PolicyLoadResult, ResourceDescription, Rule, RuleType, ValidationFailureAction } from './model/index.js';
export { isKyvernoPolicy, loadPolicy, loadPolicyList, loadPolicyObjects } from './model/index.js';
export type { KyvernoSchemaVersion, PolicyListResult, PolicyValidation, SchemaIssue, ValidationMode } from './model/index.js';
export { checkPolicySchema, KYVERNO_SCHEMA_VERSIONS, pruneUnknownFields, VALIDATION_MODES } from './model/index.js';
export { autogenRuleName, computeRules } from './autogen/index.js';
export type {
  CandidateScope,
  Candidates,
  CompiledPolicy,
  ContextResolver,
  EngineProfile,
  KyvernoVersion,
  EvaluationContext,
  EvaluationValues,
  PolicyResult,
  PolicySet,
  ResourceRef,
  RuleResult,
  RuleStatus,
} from './engine/index.js';
export { compilePolicy, compilePolicySet, DEFAULT_PROFILE, effectiveAction, engineProfile, evaluatePolicy, isKyvernoVersion, KYVERNO_VERSIONS, kyvernoForChart, PROFILE_1_10, PROFILE_1_12, ruleKinds, ruleOperations, valueKeyPath } from './engine/index.js';
export { buildContext, imageInfoError, substituteAll } from './variables/index.js';
export type { AdmissionOutcome, JsonPatchOp, PolicyMutation } from './mutate/index.js';
export {
  admissionPolicies,
  admitResource,
  inAdmission,
  applyMutateRule,
  createJsonPatch,
  filterKyvernoPatches,
  mutatePolicy,
  patchedResourceDiff,
  samePatchedResource,
} from './mutate/index.js';
export type { PolicyException } from './model/exception.js';
export { EXCEPTION_API_VERSIONS, loadPolicyException } from './model/exception.js';
