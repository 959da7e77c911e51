// GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals and the deprecated Duration* variants.
// Mirrors kyverno@v1.10.7:pkg/engine/variables/operator/numeric.go (durations, then quantities, floats,
// ints, then semver) and duration.go.

import { parseGoDuration } from '../../kube/duration.js';
import { compareQuantities, parseQuantity } from '../../kube/quantity.js';
import { parseGoFloat } from '../pattern/match-value.js';
import { durationPair, numberAsDuration } from './go-values.js';
import { compareSemVer, parseSemVer } from './semver.js';

/** The ordering relation a numeric operator asks for. */
export type Relation = '>' | '>=' | '<' | '<=';

function holds(cmp: number, rel: Relation): boolean {
  switch (rel) {
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
  }
}

const sign = (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function parseNumberString(s: string): number | undefined {
  const f = parseGoFloat(s);
  if (f !== undefined) return f;
  // strconv.ParseInt accepts nothing that ParseFloat rejects for base 10, so this is the end.
  return undefined;
}

/** A numeric key (already a number) against any value. */
function numberKey(key: number, value: unknown, rel: Relation): boolean {
  if (typeof value === 'number') return holds(sign(key, value), rel);
  if (typeof value === 'string') {
    const d = durationPair(key, value);
    if (d) return holds(sign(d[0], d[1]), rel);
    const v = parseNumberString(value);
    return v !== undefined && holds(sign(key, v), rel);
  }
  return false;
}

/** Evaluates a numeric comparison `key <rel> value`. */
export function evaluateNumeric(key: unknown, value: unknown, rel: Relation): boolean {
  if (typeof key === 'number') return numberKey(key, value, rel);
  if (typeof key !== 'string') return false;
  const d = durationPair(key, value);
  if (d) return holds(sign(d[0], d[1]), rel);
  if (typeof value === 'string') {
    const qk = parseQuantity(key);
    const qv = parseQuantity(value);
    if (qk !== undefined && qv !== undefined) return holds(compareQuantities(qk, qv), rel);
  }
  const f = parseNumberString(key);
  if (f !== undefined) return numberKey(f, value, rel);
  const vk = parseSemVer(key);
  if (vk !== undefined && typeof value === 'string') {
    const vv = parseSemVer(value);
    return vv !== undefined && holds(compareSemVer(vk, vv), rel);
  }
  return false;
}

function asDuration(v: unknown): bigint | undefined {
  return typeof v === 'string' ? parseGoDuration(v) : numberAsDuration(v);
}

/** The deprecated Duration* operators: numbers are seconds, strings are Go durations. */
export function evaluateDuration(key: unknown, value: unknown, rel: Relation): boolean {
  const k = asDuration(key);
  const v = asDuration(value);
  return k !== undefined && v !== undefined && holds(sign(k, v), rel);
}
