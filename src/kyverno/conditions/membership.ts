// The set operators In, NotIn (deprecated), AnyIn, AllIn, AnyNotIn, AllNotIn. Mirrors
// kyverno@v1.10.7:pkg/engine/variables/operator/{in,notin,anyin,allin,anynotin,allnotin}.go: keys are
// stringified, values may be a list, a JSON-array string, a plain string or a range string `a-b`.

import { wildcardMatch } from '../../util/index.js';
import { matchValue, operatorOf } from '../pattern/index.js';
import { isSprintScalar, parseStringList, sprint } from './go-values.js';

/** Matching of one key element against one value element: wildcards in either direction. */
function matchesEither(k: string, v: string): boolean {
  return wildcardMatch(k, v) || wildcardMatch(v, k);
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
  const found = keys.map((k) => values.some((v) => matchesEither(k, v)));
  if (q === 'any') return sense === 'in' ? found.some(Boolean) : found.some((x) => !x);
  return sense === 'in' ? found.every(Boolean) : !found.some(Boolean);
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
