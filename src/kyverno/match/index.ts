// Public surface of kyverno/match: match/exclude, kinds, selectors and user info.
export type { GroupVersionKind } from './kind.js';
export { checkKind, indexableKind } from './kind.js';
export type { MatchInput, MatchOutcome, RequestInfo, RuleMatcher, SubjectMatching } from './match.js';
export { filterNamespaceOf, kindSelectedMatches, kindSelection, matchRule, policyNamespaceOf, ruleMatcher } from './match.js';
export type { SelectorOutcome } from './selector.js';
export { checkAnnotations, checkSelector } from './selector.js';
