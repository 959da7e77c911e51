// The engine's imports from sibling modules built in parallel (validate, conditions, pod-security),
// gathered in one place so temporary shims can be swapped for the real modules in one edit.
export { evaluateOperator } from '../conditions/index.js';
export { evaluatePodSecurityRule } from '../pod-security/index.js';
export type { MatchOutcome } from '../validate/index.js';
export { validatePattern } from '../validate/index.js';
export { setJmespathClock } from '../jmespath/index.js';
