// Equal / NotEqual: typed comparison of an already-substituted key and value. Mirrors
// kyverno@v1.10.7:pkg/engine/variables/operator/equal.go and notequal.go. Comparison is tri-state:
// where upstream logs a type or parse mismatch Equal answers false, and NotEqual (its negation) true.

import { compareQuantities, parseQuantity } from '../../kube/quantity.js';
import { deepEqual, isObject, wildcardMatch } from '../../util/index.js';
import { parseGoFloat } from '../pattern/match-value.js';
import { durationPair, isGoInt } from './go-values.js';

function compareStringKey(key: string, value: unknown): boolean | undefined {
  // Durations first: the only type that compares against another type (seconds as numbers).
  const d = durationPair(key, value);
  if (d) return d[0] === d[1];
  const qk = parseQuantity(key);
  if (qk !== undefined && typeof value === 'string') {
    const qv = parseQuantity(value);
    return qv === undefined ? undefined : compareQuantities(qk, qv) === 0;
  }
  // Wildcards belong in the value.
  return typeof value === 'string' ? wildcardMatch(value, key) : undefined;
}

function compareFloatKey(key: number, value: unknown): boolean | undefined {
  if (typeof value === 'number') {
    if (!isGoInt(value)) return value === key;
    return Number.isInteger(key) ? key === value : undefined;
  }
  if (typeof value === 'string') {
    const v = parseGoFloat(value);
    return v === undefined ? undefined : v === key;
  }
  return undefined;
}

/** Equality of key and value as Kyverno's Equal sees it; undefined where upstream bails out (type/parse mismatch). */
export function compareEqual(key: unknown, value: unknown): boolean | undefined {
  if (typeof key === 'boolean') return typeof value === 'boolean' ? key === value : undefined;
  // A number key is a float64 whole or not (the JSON context and the policy are decoded into interface{}).
  if (typeof key === 'number') return compareFloatKey(key, value);
  if (typeof key === 'string') return compareStringKey(key, value);
  if (Array.isArray(key)) return Array.isArray(value) ? deepEqual(key, value) : undefined;
  if (isObject(key)) return isObject(value) ? deepEqual(key, value) : undefined;
  return undefined;
}
