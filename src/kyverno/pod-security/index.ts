// Public surface of kyverno/pod-security/: the `validate.podSecurity` subrule, evaluated as Kyverno
// 1.10.7 does on top of the pss/ checks (used by the engine helper for podSecurity rules).
export type { KyvernoCheckResult, KyvernoFieldError } from './checks.js';
export { evaluateKyvernoChecks, formatChecksPrint, KYVERNO_PSA_MAX_VERSION, podSecurityStepRuns } from './checks.js';
export { CONTROL_CHECK_IDS, checkIdsOfControl } from './controls.js';
export type { PodSecurityExclude } from './exclude.js';
export { applyPodSecurityExclusion } from './exclude.js';
export type { CompiledPodSecurityRule, PodSecurityRule, PodSecurityRuleResult } from './evaluate.js';
export { compilePodSecurityRule, evaluateCompiledPodSecurityRule, evaluatePodSecurityRule, podSecurityCheckRuns } from './evaluate.js';
