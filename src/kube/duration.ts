// Go time.Duration parsing and printing over bigint nanoseconds ("300ms", "-1.5h", "1h0m0s").
// Mirrors go@1.20:src/time/format.go (ParseDuration with its error texts, leadingInt, leadingFraction, quote) and
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

// What time.ParseDuration says when it refuses a text (its three error forms).
type Refusal = 'invalid' | 'missing unit' | { unknownUnit: string };

/** Parses a Go duration string into nanoseconds; undefined where time.ParseDuration returns an error. */
export function parseGoDuration(input: string): bigint | undefined {
  const r = scanDuration(input);
  return typeof r === 'bigint' ? r : undefined;
}

/**
 * time.ParseDuration: the nanoseconds, or the error text Go gives (`time: invalid duration "x"`,
 * `time: missing unit in duration "1"`, `time: unknown unit "y" in duration "1y"`), quoted by the time
 * package's own quote (non-ASCII and control bytes as \xNN).
 */
export function parseGoDurationOrError(input: string): bigint | string {
  const r = scanDuration(input);
  if (typeof r === 'bigint') return r;
  if (r === 'invalid') return `time: invalid duration ${goTimeQuote(input)}`;
  if (r === 'missing unit') return `time: missing unit in duration ${goTimeQuote(input)}`;
  return `time: unknown unit ${goTimeQuote(r.unknownUnit)} in duration ${goTimeQuote(input)}`;
}

function scanDuration(input: string): bigint | Refusal {
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return 'invalid';
  let total = 0n;
  let pos = 0;
  while (pos < s.length) {
    if (!(s[pos] === '.' || isDigit(s[pos]))) return 'invalid';
    // Integer part: any overflow past 2^63 is an error (leadingInt).
    const intStart = pos;
    let v = 0n;
    while (isDigit(s[pos])) {
      v = v * 10n + BigInt(s.charCodeAt(pos) - 48);
      if (v > LIMIT) return 'invalid';
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
    if (!pre && !post) return 'invalid';
    const unitStart = pos;
    while (pos < s.length && s[pos] !== '.' && !isDigit(s[pos])) pos++;
    if (pos === unitStart) return 'missing unit';
    const unitText = s.slice(unitStart, pos);
    const unit = UNITS.get(unitText);
    if (unit === undefined) return { unknownUnit: unitText };
    if (v > LIMIT / unit) return 'invalid';
    v *= unit;
    if (f > 0n) {
      // Go computes the fractional part in float64 and truncates; keep that rounding.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return 'invalid';
    }
    total += v;
    if (total > LIMIT) return 'invalid';
  }
  if (neg) return -total;
  return total > MAX_DURATION ? 'invalid' : total;
}

const ASCII_TEXT = /^[\x00-\x7f]*$/;
const utf8 = new TextEncoder();

/** A string's UTF-8 bytes as a string of char codes 0-255 (Go's view of a string); ASCII is returned as is. */
export function goBytes(s: string): string {
  if (ASCII_TEXT.test(s)) return s;
  let out = '';
  for (const b of utf8.encode(s)) out += String.fromCharCode(b);
  return out;
}

/**
 * The time package's quote (go@1.20:src/time/format.go quote) of a byte string from goBytes: in double
 * quotes, `"` and `\\` escaped with a backslash, every byte of a non-ASCII character (valid or not) and
 * every control byte below 0x20 as \xNN with lower-case hex. Not strconv.Quote: non-ASCII is never kept.
 */
export function goTimeQuoteBytes(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22 || c === 0x5c) out += `\\${bytes[i]}`;
    else out += bytes[i];
  }
  return `${out}"`;
}

/** goTimeQuoteBytes of a JavaScript string's UTF-8 bytes. */
export function goTimeQuote(s: string): string {
  return goTimeQuoteBytes(goBytes(s));
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
