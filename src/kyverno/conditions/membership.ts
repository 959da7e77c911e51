// The set operators In, NotIn (deprecated), AnyIn, AllIn, AnyNotIn, AllNotIn. Mirrors
// kyverno@v1.10.7:pkg/engine/variables/operator/{in,notin,anyin,allin,anynotin,allnotin}.go: keys are
// stringified, values may be a list, a JSON-array string, a plain string or a range string `a-b`.

import { hasWildcard, wildcardMatch } from '../../util/index.js';
import { matchValue, operatorOf } from '../pattern/index.js';
import { isSprintScalar, parseStringList, sprint } from './go-values.js';

/**
 * Whether the key element matches some value element, wildcards in either direction. A side without
 * `*` or `?` matches only an equal string, so wildcardMatch runs only where a pattern has a wildcard:
 * key and value lists are usually plain names (volume types, capabilities), checked pairwise.
 */
function someMatches(k: string, values: readonly string[], valueWild: readonly boolean[]): boolean {
  const keyWild = hasWildcard(k);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    if (k === v || (keyWild && wildcardMatch(k, v)) || (valueWild[i] && wildcardMatch(v, k))) return true;
  }
  return false;
}

/** The value as a list of strings, or undefined for an unsupported value type or a non-array JSON string. */
function valueList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(sprint);
  if (typeof value === 'number') return [sprint(value)];
  if (typeof value === 'string') {
    const parsed = parseStringList(value);
    if (parsed.kind === 'invalid') return undefined;
    return parsed.kind === 'list' ? parsed.items : [value];
  }
  return undefined;
}

/** The key as a list of strings, or undefined for an unsupported key type. */
function keyList(key: unknown): string[] | undefined {
  if (isSprintScalar(key)) return [typeof key === 'string' ? key : sprint(key)];
  if (Array.isArray(key)) return key.map(sprint);
  return undefined;
}

type Quantifier = 'any' | 'all';
type Sense = 'in' | 'notIn';

/**
 * Evaluates AnyIn/AllIn/AnyNotIn/AllNotIn. any+in: some key element matches; all+in: every key element
 * matches; any+notIn: some key element matches nothing; all+notIn: no key element matches.
 */
export function evaluateSetOperator(q: Quantifier, sense: Sense, key: unknown, value: unknown): boolean {
  const keys = keyList(key);
  if (keys === undefined) return false;
  if (typeof value === 'string') {
    if (keys.length === 1 && (keys[0] === value || (!Array.isArray(key) && wildcardMatch(value, keys[0]!)))) return sense === 'in';
    if (operatorOf(value) === '-') {
      // Upstream checks a list key for AnyNotIn against the `a!-b` form of the range.
      if (Array.isArray(key) && q === 'any' && sense === 'notIn') return keys.some((k) => matchValue(k, value.replace('-', '!-')));
      const inRange = keys.map((k) => matchValue(k, value));
      if (q === 'any') return sense === 'in' ? inRange.some(Boolean) : inRange.some((x) => !x);
      return sense === 'in' ? inRange.every(Boolean) : !inRange.some(Boolean);
    }
  }
  const values = valueList(value);
  if (values === undefined) return false;
  const valueWild = values.map(hasWildcard);
  let anyFound = false;
  let anyMissing = false;
  for (const k of keys) {
    if (someMatches(k, values, valueWild)) anyFound = true;
    else anyMissing = true;
  }
  if (q === 'any') return sense === 'in' ? anyFound : anyMissing;
  return sense === 'in' ? !anyMissing : !anyFound;
}

/** Exact membership for the deprecated In/NotIn: the value must be a list of strings or a JSON-array string. */
function exactValues(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  if (typeof value === 'string') {
    const parsed = parseStringList(value);
    return parsed.kind === 'list' ? parsed.items : undefined;
  }
  return undefined;
}

/** Deprecated In (every key element is in the value) and NotIn (some key element is not). */
export function evaluateIn(sense: Sense, key: unknown, value: unknown): boolean {
  const values = exactValues(value);
  if (values === undefined) return false;
  const keys = typeof key === 'string' ? [key] : Array.isArray(key) ? key.map(sprint) : undefined;
  if (keys === undefined) return false;
  const present = keys.map((k) => values.includes(k));
  return sense === 'in' ? present.every(Boolean) : present.some((x) => !x);
}
