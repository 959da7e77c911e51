// Public surface of kyverno/variables: the evaluation context and `{{ }}` / `$()` substitution.
export type { RequestContextInput } from './context.js';
export { buildContext, failedEntryError, mergeContextEntry, recordFailedEntry, withElement, withVariable } from './context.js';
export type { KeyPath } from './key-path.js';
export { csvKeyPath, splitKeyPath } from './key-path.js';
export type { ImageInfo } from './images.js';
export { imageInfoError, imageInfos, parseImage } from './images.js';
export type { ConditionsPlan, ResolveMode, SubstituteOptions, SubstituteOutcome } from './substitute.js';
export { conditionsPlanOf, KEY_SLOT, MESSAGE_SLOT, OPERATOR_SLOT, type PatternOutcome, substituteAll, substituteConditions, substitutePattern, VALUE_SLOT } from './substitute.js';
