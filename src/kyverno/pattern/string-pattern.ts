// String patterns: `|` (or) of `&` (and) of conditions, each an operator plus an operand compared as a
// Go duration, a Kubernetes quantity, or a wildcard string. Mirrors kyverno@v1.10.7:pkg/engine/pattern/pattern.go
// (validateStringPatterns, validateStringPattern, validateString, compareDuration, compareQuantity,
// compareString, convertNumberToString). In 1.10 the three comparisons are OR-ed (1.12: first that parses decides).

import { parseGoDuration } from '../../kube/duration.js';
import { compareQuantities, parseQuantity } from '../../kube/quantity.js';
import { wildcardMatch } from '../../util/index.js';
import { formatFloatE, formatFloatF6, isGoInt } from './internal/go-format.js';
import { operatorOf, type PatternOperator, splitRange } from './operator.js';

/** Go's strings.Trim(s, " "): only ASCII spaces. */
function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === ' ') a++;
  while (b > a && s[b - 1] === ' ') b--;
  return s.slice(a, b);
}

/** True when `value` satisfies the string pattern (validateStringPatterns). */
export function matchStringPattern(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const alternative of pattern.split('|')) {
    const conditions = trimSpaces(alternative).split('&');
    if (conditions.every((c) => matchCondition(value, trimSpaces(c)))) return true;
  }
  return false;
}

/** One condition: an operator prefix or a range, then the operand (validateStringPattern). */
function matchCondition(value: unknown, condition: string): boolean {
  const op = operatorOf(condition);
  if (op === '-') {
    const ends = splitRange(condition, '-');
    return ends !== undefined && matchCondition(value, `>= ${ends[0]}`) && matchCondition(value, `<= ${ends[1]}`);
  }
  if (op === '!-') {
    const ends = splitRange(condition, '!-');
    return ends !== undefined && (matchCondition(value, `< ${ends[0]}`) || matchCondition(value, `> ${ends[1]}`));
  }
  const operand = condition.slice(op.length).trim();
  return compareDuration(value, operand, op) || compareQuantity(value, operand, op) || compareString(value, operand, op);
}

/** Numbers become strings as Go's convertNumberToString does; nil becomes "0". */
function numberToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return isGoInt(value) ? BigInt(value).toString() : formatFloatF6(value);
  return undefined;
}

function applyOrder(cmp: number, op: PatternOperator): boolean {
  switch (op) {
    case '':
      return cmp === 0;
    case '!':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    default:
      return false;
  }
}

function compareDuration(value: unknown, operand: string, op: PatternOperator): boolean {
  const want = parseGoDuration(operand);
  if (want === undefined) return false;
  const text = numberToString(value);
  if (text === undefined) return false;
  const got = parseGoDuration(text);
  if (got === undefined) return false;
  return applyOrder(got < want ? -1 : got > want ? 1 : 0, op);
}

function compareQuantity(value: unknown, operand: string, op: PatternOperator): boolean {
  const want = parseQuantity(operand);
  if (want === undefined) return false;
  const text = numberToString(value);
  if (text === undefined) return false;
  const got = parseQuantity(text);
  if (got === undefined) return false;
  return applyOrder(compareQuantities(got, want), op);
}

/** Equality and inequality only, by wildcard on the value rendered as Go would (floats in 'E' form). */
function compareString(value: unknown, operand: string, op: PatternOperator): boolean {
  if (op !== '' && op !== '!') return false;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'number') text = isGoInt(value) ? BigInt(value).toString() : formatFloatE(value);
  else return false;
  const matched = wildcardMatch(operand, text);
  return op === '!' ? !matched : matched;
}
