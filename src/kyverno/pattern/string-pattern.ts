// String patterns: `|` (or) of `&` (and) of conditions, each an operator plus an operand compared as a
// Go duration, a Kubernetes quantity, or a wildcard string. Mirrors kyverno@v1.10.7:pkg/engine/pattern/pattern.go
// (validateStringPatterns, validateStringPattern, validateString, compareDuration, compareQuantity,
// compareString, convertNumberToString). In 1.10 the three comparisons are OR-ed; from 1.11 (kyverno PR
// #7307, in v1.12.5) the first one in which both sides parse decides (`firstParsed`, EngineProfile.stringPatternOrder).

import { parseGoDuration } from '../../kube/duration.js';
import { compareQuantities, parseQuantity, type Quantity } from '../../kube/quantity.js';
import { compileWildcard, type WildcardMatcher } from '../../util/index.js';
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

// A string pattern compiled once per text: its alternatives, their conditions, and each operand already
// parsed as a duration and as a quantity (undefined when it is not one), so that evaluation only parses
// the resource value. Bounded like the anchor cache (cleared when full).
type CompiledCondition =
  | {
      kind: 'compare';
      op: PatternOperator;
      /** The operand as a wildcard pattern (the string comparison). */
      wildcard: WildcardMatcher;
      duration: bigint | undefined;
      quantity: Quantity | undefined;
      /** The quantity's value when it is a safe integer (integer resource values compare against it directly). */
      quantityInt: number | undefined;
    }
  | { kind: 'range'; inside: boolean; low: CompiledCondition; high: CompiledCondition }
  | { kind: 'never' };

const MAX_CACHE = 4_096;
const compiled = new Map<string, readonly (readonly CompiledCondition[])[]>();

function compilePattern(pattern: string): readonly (readonly CompiledCondition[])[] {
  let alternatives = compiled.get(pattern);
  if (alternatives === undefined) {
    alternatives = pattern.split('|').map((alternative) => trimSpaces(alternative).split('&').map((c) => compileCondition(trimSpaces(c))));
    if (compiled.size >= MAX_CACHE) compiled.clear();
    compiled.set(pattern, alternatives);
  }
  return alternatives;
}

/** One condition: an operator prefix or a range, then the operand (validateStringPattern). */
function compileCondition(condition: string): CompiledCondition {
  const op = operatorOf(condition);
  if (op === '-' || op === '!-') {
    const ends = splitRange(condition, op);
    if (ends === undefined) return { kind: 'never' };
    // `a-b` is `>= a` and `<= b`; `a!-b` is `< a` or `> b`.
    return op === '-'
      ? { kind: 'range', inside: true, low: compileCondition(`>= ${ends[0]}`), high: compileCondition(`<= ${ends[1]}`) }
      : { kind: 'range', inside: false, low: compileCondition(`< ${ends[0]}`), high: compileCondition(`> ${ends[1]}`) };
  }
  const operand = condition.slice(op.length).trim();
  const quantity = parseQuantity(operand);
  return { kind: 'compare', op, wildcard: compileWildcard(operand), duration: parseGoDuration(operand), quantity, quantityInt: quantity && safeIntegerOf(quantity) };
}

function safeIntegerOf(q: Quantity): number | undefined {
  if (q.exponent < 0 || q.exponent > 15) return undefined;
  const v = q.unscaled * 10n ** BigInt(q.exponent);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : undefined;
}

/**
 * True when `value` satisfies the string pattern (validateStringPatterns). `firstParsed`: each condition is
 * decided by the first comparison (duration, quantity, string) in which both sides parse (Kyverno 1.12);
 * otherwise the three are OR-ed (1.10). `floats`: the value's numbers are Go float64s, whole or not (a
 * foreach element, which went through a JSON round trip), rendered `%f` for the duration and quantity
 * comparisons and `E` for the string one.
 */
export function matchStringPattern(value: unknown, pattern: string, firstParsed = false, floats = false): boolean {
  if (value === pattern) return true;
  const alternatives = compilePattern(pattern);
  for (let i = 0; i < alternatives.length; i++) {
    if (matchAll(value, alternatives[i] as readonly CompiledCondition[], firstParsed, floats)) return true;
  }
  return false;
}

/** True when every condition of one alternative holds (a loop: no closure per value matched). */
function matchAll(value: unknown, conditions: readonly CompiledCondition[], firstParsed: boolean, floats: boolean): boolean {
  for (let i = 0; i < conditions.length; i++) {
    if (!matchCondition(value, conditions[i] as CompiledCondition, firstParsed, floats)) return false;
  }
  return true;
}

function matchCondition(value: unknown, c: CompiledCondition, firstParsed: boolean, floats: boolean): boolean {
  switch (c.kind) {
    case 'never':
      return false;
    case 'range':
      return c.inside
        ? matchCondition(value, c.low, firstParsed, floats) && matchCondition(value, c.high, firstParsed, floats)
        : matchCondition(value, c.low, firstParsed, floats) || matchCondition(value, c.high, firstParsed, floats);
    case 'compare':
      if (firstParsed) return compareDuration(value, c.duration, c.op, floats) ?? compareQuantity(value, c.quantity, c.op, floats) ?? compareString(value, c.wildcard, c.op, floats);
      if (!floats && typeof value === 'number' && Number.isSafeInteger(value) && c.quantityInt !== undefined) {
        // An integer renders as bare digits, which parse as a duration only when zero and always as an
        // exact quantity: both comparisons reduce to integer arithmetic.
        if (value === 0 && compareDuration(value, c.duration, c.op) === true) return true;
        if (applyOrder(Math.sign(value - c.quantityInt), c.op)) return true;
        return compareString(value, c.wildcard, c.op);
      }
      return compareDuration(value, c.duration, c.op, floats) === true || compareQuantity(value, c.quantity, c.op, floats) === true || compareString(value, c.wildcard, c.op, floats);
  }
}

/** Numbers become strings as Go's convertNumberToString does (an int64 in digits, a float64 `%f`); nil becomes "0". */
function numberToString(value: unknown, floats = false): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return isGoInt(value) && !floats ? BigInt(value).toString() : formatFloatF6(value);
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

/** The durations' comparison; undefined when either side is not a duration (the comparison did not apply). */
function compareDuration(value: unknown, want: bigint | undefined, op: PatternOperator, floats = false): boolean | undefined {
  if (want === undefined) return undefined;
  const text = numberToString(value, floats);
  if (text === undefined) return undefined;
  const got = parseGoDuration(text);
  if (got === undefined) return undefined;
  return applyOrder(got < want ? -1 : got > want ? 1 : 0, op);
}

/** The quantities' comparison; undefined when either side is not a quantity (the comparison did not apply). */
function compareQuantity(value: unknown, want: Quantity | undefined, op: PatternOperator, floats = false): boolean | undefined {
  if (want === undefined) return undefined;
  const text = numberToString(value, floats);
  if (text === undefined) return undefined;
  const got = parseQuantity(text);
  if (got === undefined) return undefined;
  return applyOrder(compareQuantities(got, want), op);
}

/** Equality and inequality only, by wildcard on the value rendered as Go would (floats in 'E' form). */
function compareString(value: unknown, operand: WildcardMatcher, op: PatternOperator, floats = false): boolean {
  if (op !== '' && op !== '!') return false;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'number') text = isGoInt(value) && !floats ? BigInt(value).toString() : formatFloatE(value);
  else return false;
  const matched = operand(text);
  return op === '!' ? !matched : matched;
}
