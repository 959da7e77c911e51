// Public surface of util/: pure helpers with no imports from other layers.
export type { JsonObject, JsonValue } from './json.js';
export { clone, compareText, deepEqual, getOwn, getPath, isObject, setOwn } from './json.js';
export { goJsonMarshal } from './go-json.js';
export { goPathClean } from './go-path.js';
export { compileWildcard, hasWildcard, type WildcardMatcher, wildcardMatch, wildcardWork } from './wildcard.js';
export { verdictLine } from './verdict.js';
export { RecentMap, REQUEST_MEMO_SLOTS } from './recent.js';
export { shellQuote } from './shell.js';
