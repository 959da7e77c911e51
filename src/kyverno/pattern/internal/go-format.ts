// Go's fmt/strconv renderings of JSON values that Kyverno puts into messages and comparisons:
// %v, %T, strconv.FormatFloat(f, 'E', -1, 64) and "%f". Mirrors Go's fmt/print.go and strconv/ftoa.go.
// JSON numbers are modelled as Go would decode them through k8s.io/apimachinery/pkg/util/json:
// integral values as int64, everything else as float64.

import { isObject } from '../../../util/index.js';

/** True when a JSON number would be an int64 in Go (integral and in range). */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) <= 9.223372036854775e18;
}

/** Shortest decimal digits and exponent of a finite non-zero |f|: f = 0.d1d2... × 10^(exp+1). */
function shortestDigits(f: number): { digits: string; exp: number } {
  const e = Math.abs(f).toExponential(); // shortest round-trip digits, like Go's -1 precision
  const [mant = '0', ex = '0'] = e.split('e');
  return { digits: mant.replace('.', ''), exp: Number(ex) };
}

function expSuffix(exp: number, letter: string): string {
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${letter}${sign}${abs < 10 ? '0' : ''}${abs}`;
}

/** strconv.FormatFloat(f, 'E', -1, 64). */
export function formatFloatE(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0) ? '-' : '';
  if (f === 0) return `${neg}0E+00`;
  const { digits, exp } = shortestDigits(f);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg}${mant}${expSuffix(exp, 'E')}`;
}

/** Go's %v rendering of a float64 (strconv 'g' with shortest digits: exponent form when exp < -4 or exp >= 6). */
function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0) ? '-' : '';
  if (f === 0) return `${neg}0`;
  const { digits, exp } = shortestDigits(f);
  // strconv 'g' with shortest precision switches to %e when exp < -4 || exp >= 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg}${mant}${expSuffix(exp, 'e')}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${neg}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Go's fmt "%f" (6 decimals, exact binary value, round half to even). */
export function formatFloatF6(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  // Exact value a = m × 2^e with integer m.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, a);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  let scaled: bigint; // round(a × 10^6)
  if (e >= 0) scaled = (m << BigInt(e)) * 1_000_000n;
  else {
    const num = m * 1_000_000n;
    const den = 1n << BigInt(-e);
    let q = num / den;
    const r = num % den;
    const twice = r * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
    scaled = q;
  }
  const s = scaled.toString().padStart(7, '0');
  return `${neg ? '-' : ''}${s.slice(0, -6)}.${s.slice(-6)}`;
}

/** Go's %v rendering of a decoded JSON value (maps with sorted keys, `<nil>` for null). */
export function formatGoValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return isGoInt(v) ? BigInt(v).toString() : formatFloatG(v);
  if (Array.isArray(v)) return `[${v.map(formatGoValue).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map((k) => `${k}:${formatGoValue(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * Go's %v rendering of a value decoded into interface{} by encoding/json (a policy, the JSON context):
 * every number is a float64, so a whole number of 1e6 or more prints in exponent form (`1e+06`).
 */
export function formatGoFloatValue(v: unknown): string {
  if (typeof v === 'number') return formatFloatG(v);
  if (Array.isArray(v)) return `[${v.map(formatGoFloatValue).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareGoStrings);
    return `map[${keys.map((k) => `${k}:${formatGoFloatValue(v[k])}`).join(' ')}]`;
  }
  return formatGoValue(v);
}

/** Go's %T of a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isGoInt(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  return typeof v;
}

/** Byte-order (UTF-8) comparison, as Go's sort.Strings does; JS's default sort is UTF-16 order. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8 byte order.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca < cb ? -1 : 1;
  }
  return a.length - b.length;
}
