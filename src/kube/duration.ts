// Go time.Duration parsing and printing over bigint nanoseconds ("300ms", "-1.5h", "1h0m0s").
// Mirrors go@1.20:src/time/format.go (ParseDuration, leadingInt, leadingFraction) and
// src/time/time.go (Duration.String, fmtFrac, fmtInt), including their int64 overflow rules.

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const LIMIT = 1n << 63n;
/** The largest Go duration in nanoseconds (math.MaxInt64). */
export const MAX_DURATION = LIMIT - 1n;
/** The smallest Go duration in nanoseconds (math.MinInt64). */
export const MIN_DURATION = -LIMIT;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Parses a Go duration string into nanoseconds; undefined where time.ParseDuration returns an error. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  let pos = 0;
  while (pos < s.length) {
    if (!(s[pos] === '.' || isDigit(s[pos]))) return undefined;
    // Integer part: any overflow past 2^63 is an error (leadingInt).
    const intStart = pos;
    let v = 0n;
    while (isDigit(s[pos])) {
      v = v * 10n + BigInt(s.charCodeAt(pos) - 48);
      if (v > LIMIT) return undefined;
      pos++;
    }
    const pre = pos !== intStart;
    // Fraction: digits past the int64 range are silently dropped (leadingFraction).
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[pos] === '.') {
      pos++;
      const fracStart = pos;
      let overflow = false;
      while (isDigit(s[pos])) {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(pos) - 48);
          if (f > MAX_DURATION / 10n || y > LIMIT) overflow = true;
          else {
            f = y;
            scale *= 10;
          }
        }
        pos++;
      }
      post = pos !== fracStart;
    }
    if (!pre && !post) return undefined;
    const unitStart = pos;
    while (pos < s.length && s[pos] !== '.' && !isDigit(s[pos])) pos++;
    if (pos === unitStart) return undefined;
    const unit = UNITS.get(s.slice(unitStart, pos));
    if (unit === undefined) return undefined;
    if (v > LIMIT / unit) return undefined;
    v *= unit;
    if (f > 0n) {
      // Go computes the fractional part in float64 and truncates; keep that rounding.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return undefined;
    }
    total += v;
    if (total > LIMIT) return undefined;
  }
  if (neg) return -total;
  return total > MAX_DURATION ? undefined : total;
}

// Writes the fraction v / 10^prec without trailing zeros (and without "." when zero); returns the rest.
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) digits = `${digit}${digits}`;
    v /= 10n;
  }
  return [print ? `.${digits}` : '', v];
}

/** Prints nanoseconds exactly like Go's Duration.String() ("1h0m0s", "1.5s", "300ms", "0s"). */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let unit: string;
    let prec: number;
    if (u < 1_000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [frac, whole] = fmtFrac(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Wraps nanoseconds to the int64 range the way Go's time.Duration arithmetic overflows. */
export function wrapDuration(ns: bigint): bigint {
  return BigInt.asIntN(64, ns);
}
