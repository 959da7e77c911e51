// Public surface of kyverno/match: match/exclude, kinds, selectors and user info.
export type { GroupVersionKind } from './kind.js';
export { checkKind, parseKindPattern } from './kind.js';
export type { MatchInput, MatchOutcome, RequestInfo } from './match.js';
export { checkSubjects, matchRule } from './match.js';
export type { SelectorOutcome } from './selector.js';
export { checkAnnotations, checkSelector } from './selector.js';
