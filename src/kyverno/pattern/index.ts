// Public surface of kyverno/pattern: leaf value matching (kyverno@v1.10.7:pkg/engine/pattern/pattern.go)
// and the Go renderings of values that Kyverno's messages use.
export { compareGoStrings, formatFloatE, formatFloatF6, formatGoFloatValue, formatGoValue, goTypeName, isGoInt } from './internal/go-format.js';
export { matchValue } from './match-value.js';
export type { PatternOperator } from './operator.js';
export { operatorOf, splitRange } from './operator.js';
