// Leaf matching of one resource value against one scalar (or map) pattern value.
// Mirrors kyverno@v1.10.7:pkg/engine/pattern/pattern.go (Validate and the bool/int/float/nil/map
// validators); string patterns live in string-pattern.ts.

import { isObject } from '../../util/index.js';
import { isGoInt } from './internal/go-format.js';
import { matchStringPattern } from './string-pattern.js';

/** Go's strconv.ParseFloat(s, 64) for decimal forms (hex floats and underscores are not accepted). */
export function parseGoFloat(s: string): number | undefined {
  const body = s[0] === '+' || s[0] === '-' ? s.slice(1) : s;
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return s[0] === '-' ? -Infinity : Infinity;
  if (lower === 'nan' && body === s) return Number.NaN;
  let i = 0;
  let digits = 0;
  while (i < body.length && body[i]! >= '0' && body[i]! <= '9') {
    i++;
    digits++;
  }
  if (body[i] === '.') {
    i++;
    while (i < body.length && body[i]! >= '0' && body[i]! <= '9') {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (body[i] === 'e' || body[i] === 'E') {
    i++;
    if (body[i] === '+' || body[i] === '-') i++;
    const expStart = i;
    while (i < body.length && body[i]! >= '0' && body[i]! <= '9') i++;
    if (i === expStart) return undefined;
  }
  if (i !== body.length) return undefined;
  const v = Number(s);
  // Out-of-range values are an error (ErrRange) in Go.
  return Number.isFinite(v) ? v : undefined;
}

function matchFloatPattern(value: unknown, pattern: number): boolean {
  if (typeof value === 'number') {
    // An int value needs a pattern without fraction; a float value compares directly.
    if (isGoInt(value)) return Number.isInteger(pattern) && value === pattern;
    return value === pattern;
  }
  if (typeof value === 'string') return parseGoFloat(value) === pattern;
  return false;
}

function matchNilPattern(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  return false;
}

/**
 * pattern.Validate: true when `value` satisfies the leaf `pattern`. Never throws. `firstParsed`: string
 * patterns follow Kyverno 1.12's comparison order (see matchStringPattern). `floats`: the value's numbers
 * are Go float64s (a foreach element); only string patterns render them differently.
 */
export function matchValue(value: unknown, pattern: unknown, firstParsed = false, floats = false): boolean {
  if (pattern === null || pattern === undefined) return matchNilPattern(value);
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  // A pattern's numbers are float64s whole or not (the policy's JSON is decoded into interface{}): validateFloatPattern.
  if (typeof pattern === 'number') return matchFloatPattern(value, pattern);
  if (typeof pattern === 'string') return matchStringPattern(value, pattern, firstParsed, floats);
  if (Array.isArray(pattern)) return false;
  if (isObject(pattern)) return isObject(value);
  return false;
}
