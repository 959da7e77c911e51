// Public surface of kyverno/engine: compile a policy once, evaluate it against resources.
export type { CompiledPolicy } from './evaluate.js';
export { compilePolicy, effectiveAction, evaluatePolicy } from './evaluate.js';
export {
  anyPatternErrorMessage,
  denyMessage,
  foreachFailureMessage,
  passMessage,
  patternErrorMessage,
} from './messages.js';
export type {
  ContextResolver,
  EvaluationContext,
  EvaluationValues,
  PolicyResult,
  ResourceRef,
  RuleResult,
  RuleStatus,
} from './types.js';
