// Small Go-compatible helpers the condition operators share: the duration pairing rule
// (parseDuration in kyverno@v1.10.7:pkg/engine/variables/operator/operator.go), json-array strings, fmt.Sprint.

import { parseGoDuration } from '../../kube/duration.js';
import { formatGoFloatValue, isGoInt } from '../pattern/index.js';

/**
 * fmt.Sprint of a condition's key or value. Both went through encoding/json into interface{} (the policy,
 * the JSON context), so numbers are float64s: 1000000 prints `1e+06`.
 */
export function sprint(v: unknown): string {
  return formatGoFloatValue(v);
}

const SECOND = 1_000_000_000n;

/** time.Duration(n) * time.Second for a JSON number (float → int64 truncation first). */
function secondsOf(n: number): bigint | undefined {
  if (!Number.isFinite(n)) return undefined;
  return BigInt.asIntN(64, BigInt(Math.trunc(n)) * SECOND);
}

/**
 * Pairs key and value as durations when at least one is a duration string other than "0"; the other
 * side may be a number of seconds. Undefined when they do not form a duration pair.
 */
export function durationPair(key: unknown, value: unknown): [bigint, bigint] | undefined {
  let k = typeof key === 'string' && key !== '0' ? parseGoDuration(key) : undefined;
  let v = typeof value === 'string' && value !== '0' ? parseGoDuration(value) : undefined;
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) k = typeof key === 'number' ? secondsOf(key) : undefined;
  if (v === undefined) v = typeof value === 'number' ? secondsOf(value) : undefined;
  return k === undefined || v === undefined ? undefined : [k, v];
}

/** Seconds as Kyverno converts int and float values for the Duration* operators. */
export function numberAsDuration(n: unknown): bigint | undefined {
  return typeof n === 'number' ? secondsOf(n) : undefined;
}

/** Result of reading a string as a JSON array of strings (json.Valid, then json.Unmarshal into []string). */
export type StringListParse = { kind: 'list'; items: string[] } | { kind: 'notJson' } | { kind: 'invalid' };

const NOT_JSON: StringListParse = Object.freeze({ kind: 'notJson' });
const INVALID: StringListParse = Object.freeze({ kind: 'invalid' });

/** Reads `s` as a JSON string array: not JSON at all, a string list, or JSON of another shape. */
export function parseStringList(s: string): StringListParse {
  // Most values are plain strings: tell them apart without the cost of a thrown SyntaxError. JSON text
  // starts (after whitespace) with one of [ { " - t f n or a digit.
  const first = s.trimStart().charCodeAt(0);
  if (!(first === 91 || first === 123 || first === 34 || first === 45 || first === 116 || first === 102 || first === 110 || (first >= 48 && first <= 57))) {
    return NOT_JSON;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return NOT_JSON;
  }
  if (parsed === null) return { kind: 'list', items: [] };
  if (!Array.isArray(parsed)) return INVALID;
  const items: string[] = [];
  for (const item of parsed) {
    if (item === null) items.push('');
    else if (typeof item === 'string') items.push(item);
    else return INVALID;
  }
  return { kind: 'list', items };
}

/** True for the scalar key types Kyverno stringifies for the set operators. */
export function isSprintScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export { isGoInt };
