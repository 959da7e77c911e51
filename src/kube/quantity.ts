// Kubernetes resource quantities ("500m", "1.5Gi", "12e6") with exact bigint decimal arithmetic.
// Mirrors k8s.io/apimachinery@v0.24:pkg/api/resource/quantity.go (parseQuantityString, ParseQuantity,
// CanonicalizeBytes) and suffix.go; values are unscaled × 10^exponent, never floats.

/** How a quantity prints: the format of the suffix it was written with (resource.Format). */
export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** An exact quantity: `unscaled × 10^exponent`, plus the format used when printing it. */
export interface Quantity {
  readonly unscaled: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);
const DECIMAL_BY_EXPONENT = new Map([...DECIMAL_SUFFIXES].map(([s, e]) => [e, s] as const));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

// Parsed BinarySI amounts are capped at the largest int64 (quantity.go maxAllowed).
const MAX_BINARY = (1n << 63n) - 1n;
const NANO = -9;
const SUFFIX_CHARS = 'eEinumkKMGTP';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

interface Scanned {
  negative: boolean;
  num: string;
  denom: string;
  suffix: string;
}

// Follows parseQuantityString: sign, leading zeros, integer digits, optional ".digits", suffix letters,
// optional sign and digits. Like upstream, "-", "." and "Ki" scan as zero.
function scan(s: string): Scanned | undefined {
  let pos = 0;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    pos++;
  }
  while (s[pos] === '0') pos++;
  if (pos >= s.length) return { negative, num: '0', denom: '', suffix: '' };
  const numStart = pos;
  while (isDigit(s[pos])) pos++;
  const num = s.slice(numStart, pos) || '0';
  let denom = '';
  if (s[pos] === '.') {
    pos++;
    const start = pos;
    while (isDigit(s[pos])) pos++;
    denom = s.slice(start, pos);
  }
  const suffixStart = pos;
  while (pos < s.length && SUFFIX_CHARS.includes(s[pos]!)) pos++;
  if (s[pos] === '-' || s[pos] === '+') pos++;
  while (isDigit(s[pos])) pos++;
  if (pos < s.length) return undefined;
  return { negative, num, denom, suffix: s.slice(suffixStart) };
}

type Suffix = { base: 10 | 2; exponent: number; format: QuantityFormat };

function interpretSuffix(suffix: string): Suffix | undefined {
  const dec = DECIMAL_SUFFIXES.get(suffix);
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES.get(suffix);
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const exponent = Number(rest);
    // strconv.ParseInt(…, 10, 32) range.
    if (!Number.isSafeInteger(exponent) || exponent > 2147483647 || exponent < -2147483648) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

// Policies compare and divide the same few quantity strings ("512Mi", "500m") on every request: the last
// parses are kept (quantities are immutable), bounded in count and length so hostile input cannot grow it.
const PARSED_MAX = 512;
const PARSED_MAX_LENGTH = 40;
const parsed = new Map<string, Quantity | null>();

/** Parses a Kubernetes quantity string; undefined when resource.ParseQuantity would fail. */
export function parseQuantity(s: string): Quantity | undefined {
  if (s.length > PARSED_MAX_LENGTH) return parseQuantityString(s);
  const hit = parsed.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const q = parseQuantityString(s);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(s, q === undefined ? null : Object.freeze(q));
  return q;
}

function parseQuantityString(s: string): Quantity | undefined {
  if (s.length === 0) return undefined;
  const scanned = scan(s);
  if (scanned === undefined) return undefined;
  const suffix = interpretSuffix(scanned.suffix);
  if (suffix === undefined) return undefined;
  // Huge decimal exponents would make the bigint arithmetic below unbounded; upstream keeps them symbolic.
  if (Math.abs(suffix.exponent) > 10_000) return undefined;
  let unscaled = BigInt(scanned.num + scanned.denom);
  let exponent = -scanned.denom.length;
  let format = suffix.format;
  if (suffix.base === 10) exponent += suffix.exponent;
  else unscaled <<= BigInt(suffix.exponent);
  // Round non-zero magnitudes up (away from zero) to whole nanos, as ParseQuantity does.
  if (exponent < NANO && unscaled !== 0n) {
    const div = pow10(NANO - exponent);
    const q = unscaled / div;
    unscaled = unscaled % div === 0n ? q : q + 1n;
    exponent = NANO;
  }
  if (format === 'BinarySI') {
    const over = exponent >= 0 ? unscaled * pow10(exponent) > MAX_BINARY : unscaled > MAX_BINARY * pow10(-exponent);
    if (over) {
      unscaled = MAX_BINARY;
      exponent = 0;
    }
    if (exponent < 0 && unscaled !== 0n && unscaled < pow10(-exponent)) format = 'DecimalSI';
  }
  return { unscaled: scanned.negative ? -unscaled : unscaled, exponent, format };
}

// Aligns both values to the smaller exponent so their unscaled parts compare and add directly.
function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.unscaled * pow10(a.exponent - e), b.unscaled * pow10(b.exponent - e), e];
}

/** Three-way comparison of two quantities by value (Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when the quantity is zero. */
export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

/** a + b; the result keeps a's format unless a is zero (Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, exponent] = align(a, b);
  return { unscaled: x + y, exponent, format: a.unscaled === 0n ? b.format : a.format };
}

/** a - b; the result keeps a's format unless a is zero (Quantity.Sub). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, exponent] = align(a, b);
  return { unscaled: x - y, exponent, format: a.unscaled === 0n ? b.format : a.format };
}

/** Exact product a × b, in a's format (inf.Dec Mul wrapped by NewDecimalQuantity). */
export function multiplyQuantity(a: Quantity, b: Quantity): Quantity {
  return { unscaled: a.unscaled * b.unscaled, exponent: a.exponent + b.exponent, format: a.format };
}

/** Exact ratio a / b as a reduced fraction; undefined when b is zero. */
export function divideQuantities(a: Quantity, b: Quantity): { num: bigint; den: bigint } | undefined {
  if (b.unscaled === 0n) return undefined;
  const [x, y] = align(a, b);
  let num = y < 0n ? -x : x;
  let den = y < 0n ? -y : y;
  const g = gcd(num < 0n ? -num : num, den);
  if (g > 1n) {
    num /= g;
    den /= g;
  }
  return { num, den };
}

/** a / b rounded toward zero at `scale` fractional digits (inf.Dec QuoRound with RoundDown), in a's format. */
export function quotientQuantity(a: Quantity, b: Quantity, scale: number): Quantity | undefined {
  const r = divideQuantities(a, b);
  if (r === undefined) return undefined;
  const shifted = scale >= 0 ? r.num * pow10(scale) : r.num / pow10(-scale);
  return { unscaled: shifted / r.den, exponent: -scale, format: a.format };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The value as the nearest float64 (used where Kyverno calls AsApproximateFloat64). */
export function quantityToNumber(q: Quantity): number {
  let n = asNumbers.get(q);
  if (n === undefined) {
    n = Number(`${q.unscaled}e${q.exponent}`);
    asNumbers.set(q, n);
  }
  return n;
}

// Per quantity object (the parsed ones are shared, see parseQuantity).
const asNumbers = new WeakMap<Quantity, number>();

/** A quantity with value `unscaled × 10^exponent`; for building results of arithmetic. */
export function makeQuantity(unscaled: bigint, exponent: number, format: QuantityFormat): Quantity {
  return { unscaled, exponent, format };
}

// Moves factors of 10 into the exponent, then lowers it to a multiple of 3 (AsCanonicalBytes).
function canonicalDecimal(q: Quantity): [bigint, number] {
  let m = q.unscaled;
  let e = q.exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const r = ((e % 3) + 3) % 3;
  return [m * pow10(r), e - r];
}

/** Prints the canonical form, as resource.Quantity.String() does ("1536Mi", "1500m", "12e6", "0"). */
export function formatQuantity(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const inSmallRange = compareQuantities(q, makeQuantity(-1024n, 0, format)) > 0 && compareQuantities(q, makeQuantity(1024n, 0, format)) < 0;
    const whole = q.exponent >= 0 || q.unscaled % pow10(-q.exponent) === 0n;
    if (inSmallRange || !whole) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let m = q.exponent >= 0 ? q.unscaled * pow10(q.exponent) : q.unscaled / pow10(-q.exponent);
    let power = 0;
    // Upstream has no suffix past Ei; stopping there keeps the printed value right.
    while (power < BINARY_BY_POWER.length - 1 && m % 1024n === 0n) {
      m /= 1024n;
      power++;
    }
    return `${m}${BINARY_BY_POWER[power]}`;
  }
  const [m, e] = canonicalDecimal(q);
  if (format === 'DecimalSI') {
    const suffix = DECIMAL_BY_EXPONENT.get(e);
    // DecimalSI has no suffix past E or below n; newer apimachinery falls back to "e<exp>".
    if (suffix !== undefined) return `${m}${suffix}`;
  }
  return e === 0 ? `${m}` : `${m}e${e}`;
}
