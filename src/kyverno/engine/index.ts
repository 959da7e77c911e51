// Public surface of kyverno/engine: compile a policy once, evaluate it against resources; the request context,
// context loader and preconditions are shared with kyverno/mutate.
export type { ConditionsOutcome } from './conditions.js';
export { checkDenyConditions, checkPreconditions } from './conditions.js';
export type { ContextOutcome, LoaderInput, PreparedRule } from './context-loader.js';
export { ContextLoadError, contextResolverOf, loadContext, prepareRule } from './context-loader.js';
export { exceptionPolicyKey, exceptionSkipMessage, matchingException } from './exceptions.js';
export type { CompiledPolicy } from './evaluate.js';
export { compilePolicy, effectiveAction, evaluatePolicy, toCompiledPolicy } from './evaluate.js';
export {
  anyPatternErrorMessage,
  denyMessage,
  errorMessage,
  foreachFailureMessage,
  passMessage,
  patternErrorMessage,
} from './messages.js';
export type { EngineProfile, KyvernoVersion } from './profile.js';
export { DEFAULT_PROFILE, engineProfile, isKyvernoVersion, KYVERNO_VERSIONS, kyvernoForChart, PROFILE_1_10, PROFILE_1_12 } from './profile.js';
export { valueKeyPath } from './values-keys.js';
export type { RequestObjects } from './request-context.js';
export { buildBaseContext, buildMatchBase, requestObjects } from './request-context.js';
export type {
  ConfigMapData,
  ContextResolver,
  EvaluationContext,
  EvaluationValues,
  PolicyResult,
  ResourceRef,
  RuleResult,
  RuleStatus,
} from './types.js';
export type { CandidateScope, Candidates, PolicySet } from './policy-set.js';
export { compilePolicySet, ruleKinds, ruleNamespaces, ruleOperations } from './policy-set.js';
