// Public surface of pss/: the Pod Security Standards checks of every version, evaluated exactly as
// Pod Security Admission does, plus the check registry the Kyverno `validate.podSecurity` subrule reuses.
export type { PodEvaluation } from './evaluate.js';
export { evaluatePod, formatCheckResult, formatViolation } from './evaluate.js';
export type { ActiveCheck } from './registry.js';
export { activeChecks, CHECKS, MAX_VERSION, resolveVersion, stepAt } from './registry.js';
export type { AllowsPodFn, Check, CheckPodFn, CheckResult, PssLevel, PssPod, VersionedCheck } from './types.js';
export type { PssVersion } from './version.js';
export { formatPssVersion, isPssLevel, parsePssVersion } from './version.js';
export type { Blocker, NamespaceSuggestion } from './suggest.js';
export { PSA_LABEL_PREFIX, suggestNamespaceLabels } from './suggest.js';
