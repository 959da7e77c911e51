// Go time values for Kyverno's time functions: time.Parse with Go reference layouts (RFC 3339 among them)
// and its error texts, Time.Format(time.RFC3339) and Time.Truncate, over bigint nanoseconds.
//
// The behaviour follows go@1.20:src/time/format.go (Go 1.20 is the Go of Kyverno 1.10.7): its list of
// layout elements and what each accepts, the texts of *ParseError, and time.go's Truncate. Against the
// newest format.go, Go 1.20 has no zone-offset range checks (go.dev/issue/67470, 2024) and accepts "Z"
// only for the Z0700, Z07 and Z07:00 elements. The local zone is taken to be UTC, as in a Kyverno pod.
//
// Design: a layout is compiled once (and kept, bounded) into tokens, literal text or an element of the
// ELEMENTS table, recognised at the first position where some table pattern matches, the longest one.
// A value is then read token by token into a record of fields (one reader per kind of element), the
// record is validated (day of year, day of month), and the instant is computed from it.
//
// Go works on bytes: layout and value are turned into byte strings (one char per UTF-8 byte, goBytes) so
// that element boundaries, and the value text an error quotes, fall where Go's do.

import { goBytes, goTimeQuoteBytes } from '../../kube/index.js';

/** An instant in Unix nanoseconds plus the zone offset it was written with. */
export interface GoTime {
  readonly unixNs: bigint;
  readonly offsetSec: number;
}

const NS = 1_000_000_000n;

// ---------------------------------------------------------------------------------------------------
// The layout elements.

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));

/** The numeric fields of a parsed value. */
type NumberField = 'year' | 'month' | 'day' | 'yearDay' | 'hour' | 'minute' | 'second';

/** How an element reads the value. */
type Reader =
  // minDigits..maxDigits decimal digits (greedy), after up to `spaces` leading spaces.
  | { readonly kind: 'digits'; readonly minDigits: number; readonly maxDigits: number; readonly spaces: number }
  // Two characters: two digits, or a sign and a digit; 69..99 are 19xx, the rest 20xx.
  | { readonly kind: 'twoDigitYear' }
  // One of the names, ignoring ASCII case; the field gets its position from 1.
  | { readonly kind: 'name'; readonly names: readonly string[] }
  // Exactly one of the two spellings.
  | { readonly kind: 'meridiem'; readonly am: string; readonly pm: string }
  // A numeric offset shaped like `shape` ('±' the sign, 'h'/'m'/'s' two digits each, ':' itself), or "Z"
  // for UTC when `z`.
  | { readonly kind: 'offset'; readonly shape: string; readonly z: boolean }
  // "UTC" or a zone abbreviation.
  | { readonly kind: 'zoneName' }
  // A fractional second: "." or "," and, when `exact`, as many characters as the layout has digits,
  // otherwise (also optional) every digit there is.
  | { readonly kind: 'fraction'; readonly exact: boolean };

interface Element {
  readonly reader: Reader;
  /** Where a number read goes (a name's position, a year, ...); none for weekdays, zones, fractions. */
  readonly field?: NumberField;
  /** The accepted range of the number and the name an out-of-range value is reported with. */
  readonly range?: readonly [min: number, max: number, name: string];
}

const digits = (minDigits: number, maxDigits: number, spaces = 0): Reader => ({ kind: 'digits', minDigits, maxDigits, spaces });
const offset = (shape: string, z: boolean): Element => ({ reader: { kind: 'offset', shape, z } });
const MONTH_RANGE = [1, 12, 'month'] as const;
const HOUR12_RANGE = [0, 12, 'hour'] as const;
const MINUTE_RANGE = [0, 59, 'minute'] as const;
const SECOND_RANGE = [0, 59, 'second'] as const;

/**
 * The layout elements as written in a layout: a pattern (sticky, matched at a position of the layout) and
 * its element. The element list and what each element accepts are go@1.20:src/time/format.go's (the std
 * constants); where several patterns match at a position the longest is the element.
 */
const ELEMENTS: readonly (readonly [RegExp, Element])[] = [
  // Names: "Jan" and "Mon" only when no lower-case letter follows ("Janet" is text).
  [/January/y, { reader: { kind: 'name', names: LONG_MONTHS }, field: 'month' }],
  [/Jan(?![a-z])/y, { reader: { kind: 'name', names: SHORT_MONTHS }, field: 'month' }],
  [/Monday/y, { reader: { kind: 'name', names: LONG_DAYS } }],
  [/Mon(?![a-z])/y, { reader: { kind: 'name', names: SHORT_DAYS } }],
  [/MST/y, { reader: { kind: 'zoneName' } }],
  // Numbers.
  [/2006/y, { reader: digits(4, 4), field: 'year' }],
  [/06/y, { reader: { kind: 'twoDigitYear' }, field: 'year' }],
  [/1/y, { reader: digits(1, 2), field: 'month', range: MONTH_RANGE }],
  [/01/y, { reader: digits(2, 2), field: 'month', range: MONTH_RANGE }],
  // Any one- or two-digit day: the date is validated once the whole value is read.
  [/2/y, { reader: digits(1, 2), field: 'day' }],
  // "_2006" is an underscore before the year.
  [/_2(?!006)/y, { reader: digits(1, 2, 1), field: 'day' }],
  [/02/y, { reader: digits(2, 2), field: 'day' }],
  [/__2/y, { reader: digits(1, 3, 2), field: 'yearDay' }],
  [/002/y, { reader: digits(3, 3), field: 'yearDay' }],
  [/15/y, { reader: digits(1, 2), field: 'hour', range: [0, 23, 'hour'] }],
  [/3/y, { reader: digits(1, 2), field: 'hour', range: HOUR12_RANGE }],
  [/03/y, { reader: digits(2, 2), field: 'hour', range: HOUR12_RANGE }],
  [/4/y, { reader: digits(1, 2), field: 'minute', range: MINUTE_RANGE }],
  [/04/y, { reader: digits(2, 2), field: 'minute', range: MINUTE_RANGE }],
  [/5/y, { reader: digits(1, 2), field: 'second', range: SECOND_RANGE }],
  [/05/y, { reader: digits(2, 2), field: 'second', range: SECOND_RANGE }],
  [/PM/y, { reader: { kind: 'meridiem', am: 'AM', pm: 'PM' } }],
  [/pm/y, { reader: { kind: 'meridiem', am: 'am', pm: 'pm' } }],
  // Zone offsets.
  [/-0700/y, offset('±hhmm', false)],
  [/-07:00/y, offset('±hh:mm', false)],
  [/-07/y, offset('±hh', false)],
  [/-070000/y, offset('±hhmmss', false)],
  [/-07:00:00/y, offset('±hh:mm:ss', false)],
  [/Z0700/y, offset('±hhmm', true)],
  [/Z07:00/y, offset('±hh:mm', true)],
  [/Z07/y, offset('±hh', true)],
  [/Z070000/y, offset('±hhmmss', false)],
  [/Z07:00:00/y, offset('±hh:mm:ss', false)],
  // Fractional seconds: "." or "," and a run of one repeated digit, 0 (exact) or 9 (optional), that no
  // other digit follows.
  [/[.,]0+(?![0-9])/y, { reader: { kind: 'fraction', exact: true } }],
  [/[.,]9+(?![0-9])/y, { reader: { kind: 'fraction', exact: false } }],
];

/** A compiled layout: literal text, or an element with its text in the layout. */
type Token =
  | { readonly literal: string }
  | {
      readonly element: Element;
      readonly text: string;
      /** Seconds: whether the next element is a fractional second; if not, a fraction in the value is read here. */
      readonly fractionNext: boolean;
    };

/** The longest element pattern matching at position `at` of the layout. */
function elementAt(layout: string, at: number): { element: Element; text: string } | undefined {
  let best: { element: Element; text: string } | undefined;
  for (const [pattern, element] of ELEMENTS) {
    pattern.lastIndex = at;
    const m = pattern.exec(layout);
    if (m !== null && (best === undefined || m[0].length > best.text.length)) best = { element, text: m[0] };
  }
  return best;
}

function compileLayout(layout: string): readonly Token[] {
  const found: ({ literal: string } | { element: Element; text: string })[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < layout.length) {
    const e = elementAt(layout, i);
    if (e === undefined) {
      i++;
      continue;
    }
    if (i > literalStart) found.push({ literal: layout.slice(literalStart, i) });
    found.push(e);
    i += e.text.length;
    literalStart = i;
  }
  if (literalStart < layout.length) found.push({ literal: layout.slice(literalStart) });
  return found.map((t, n) => {
    if ('literal' in t) return t;
    const next = found.slice(n + 1).find((u) => 'element' in u);
    const fractionNext = next !== undefined && 'element' in next && next.element.reader.kind === 'fraction';
    return { element: t.element, text: t.text, fractionNext };
  });
}

// Compiled layouts by layout text. Policies use a handful of layouts; the map is emptied when full.
const compiled = new Map<string, readonly Token[]>();
const MAX_COMPILED = 64;

function layoutTokens(layout: string): readonly Token[] {
  let tokens = compiled.get(layout);
  if (tokens === undefined) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    tokens = compileLayout(layout);
    compiled.set(layout, tokens);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------------
// Reading a value.

/** What a value says, before validation. -1: not given. */
interface Fields {
  year: number;
  month: number;
  day: number;
  yearDay: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  am: boolean;
  pm: boolean;
  utc: boolean;
  /** Seconds east of UTC; Go takes -1 for "none", so an offset of exactly -1s counts as none. */
  offset: number;
  zoneName: string;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const digitAt = (s: string, i: number): boolean => i < s.length && isDigitCode(s.charCodeAt(i));
const isSeparator = (c: string | undefined): boolean => c === '.' || c === ',';

/** The number of digits starting at `from`. */
function digitRun(s: string, from: number): number {
  let end = from;
  while (digitAt(s, end)) end++;
  return end - from;
}

function digitsValue(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

/** ASCII-case-insensitive `value.startsWith(name, at)` for a name of letters. */
function startsWithName(value: string, at: number, name: string): boolean {
  if (value.length - at < name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const a = value.charCodeAt(at + i);
    const b = name.charCodeAt(i);
    if (a !== b && a !== (b ^ 0x20)) return false;
  }
  return true;
}

/**
 * The literal text of the layout read at `at`: equal characters, where a run of spaces in the layout takes
 * any run of spaces in the value (none only at the end of the value). The position after it, or where
 * the value stopped matching as the negative of (position + 1).
 */
function readLiteral(value: string, at: number, literal: string): number {
  let v = at;
  let l = 0;
  while (l < literal.length) {
    if (literal[l] === ' ') {
      if (v < value.length && value[v] !== ' ') return -(v + 1);
      while (literal[l] === ' ') l++;
      while (value[v] === ' ') v++;
    } else if (value[v] === literal[l]) {
      v++;
      l++;
    } else return -(v + 1);
  }
  return v;
}

/**
 * A zone abbreviation's length at `at` (0: none): ChST or MeST; GMT, optionally with a signed hour
 * offset; a bare signed hour offset; three upper-case letters, or four or five ending in T, or WITA.
 */
function zoneNameLength(value: string, at: number): number {
  const rest = value.length - at;
  if (rest < 3) return 0;
  if (value.startsWith('ChST', at) || value.startsWith('MeST', at)) return 4;
  if (value.startsWith('GMT', at)) return 3 + signedHoursLength(value, at + 3);
  if (value[at] === '+' || value[at] === '-') return signedHoursLength(value, at);
  let upper = 0;
  while (upper < 6 && at + upper < value.length && /[A-Z]/.test(value[at + upper]!)) upper++;
  if (upper === 3) return 3;
  if (upper === 4 && (value[at + 3] === 'T' || value.startsWith('WITA', at))) return 4;
  if (upper === 5 && value[at + 4] === 'T') return 5;
  return 0;
}

/** The length of "+h" / "-hh…" (digits, leading zeros allowed, worth at most 23) at `at`; 0 when none. */
function signedHoursLength(value: string, at: number): number {
  if (value[at] !== '+' && value[at] !== '-') return 0;
  const n = digitRun(value, at + 1);
  if (n === 0) return 0;
  const significant = value.slice(at + 1, at + 1 + n).replace(/^0+/, '');
  return significant.length <= 2 && Number(significant) <= 23 ? 1 + n : 0;
}

/**
 * The nanoseconds of a fraction of `width` characters after the separator at `at`: an optional sign and
 * digits (nothing at all is zero), of which only the first nine characters count. undefined when the
 * characters are not such a number.
 */
function fractionNanos(value: string, at: number, width: number): number | undefined {
  const text = value.slice(at + 1, at + 1 + Math.min(width, 9));
  const m = /^([+-]?)([0-9]*)$/.exec(text);
  if (m === null) return undefined;
  const n = m[2] === '' ? 0 : Number(m[2]);
  const scaled = n * 10 ** (9 - text.length);
  return m[1] === '-' ? -scaled : scaled;
}

type Outcome = { readonly end: number } | { readonly bad: true } | { readonly outOfRange: string };
const BAD: Outcome = { bad: true };

/** Reads one element at `at` into the fields. */
function readElement(token: Extract<Token, { element: Element }>, value: string, at: number, f: Fields): Outcome {
  const { element } = token;
  const r = element.reader;
  const store = (n: number, end: number): Outcome => {
    const range = element.range;
    if (element.field !== undefined) f[element.field] = n;
    if (range !== undefined && (n < range[0] || n > range[1])) return { outOfRange: range[2] };
    return { end };
  };
  switch (r.kind) {
    case 'digits': {
      let from = at;
      for (let i = 0; i < r.spaces && value[from] === ' '; i++) from++;
      const n = Math.min(digitRun(value, from), r.maxDigits);
      if (n < r.minDigits) return BAD;
      const out = store(digitsValue(value, from, n), from + n);
      if (!('end' in out) || element.field !== 'second' || token.fractionNext) return out;
      // A fraction in the value that the layout does not have next is read with the seconds.
      if (!isSeparator(value[out.end]) || !digitAt(value, out.end + 1)) return out;
      const width = digitRun(value, out.end + 1);
      f.nanos = fractionNanos(value, out.end, width)!;
      return { end: out.end + 1 + width };
    }
    case 'twoDigitYear': {
      const two = value.slice(at, at + 2);
      if (!/^(?:[0-9]{2}|[+-][0-9])$/.test(two)) return BAD;
      const n = Number(two);
      return store(n >= 69 ? 1900 + n : 2000 + n, at + 2);
    }
    case 'name': {
      const i = r.names.findIndex((name) => startsWithName(value, at, name));
      if (i < 0) return BAD;
      return store(i + 1, at + r.names[i]!.length);
    }
    case 'meridiem': {
      const two = value.slice(at, at + 2);
      if (two === r.pm) f.pm = true;
      else if (two === r.am) f.am = true;
      else return BAD;
      return { end: at + 2 };
    }
    case 'offset': {
      if (r.z && value[at] === 'Z') {
        f.utc = true;
        return { end: at + 1 };
      }
      const text = value.slice(at, at + r.shape.length);
      if (text.length < r.shape.length) return BAD;
      const part = { h: 0, m: 0, s: 0 };
      for (let i = 0; i < r.shape.length; i++) {
        const want = r.shape[i]!;
        if (want === '±' ? text[i] !== '+' && text[i] !== '-' : want === ':' ? text[i] !== ':' : !digitAt(text, i)) return BAD;
        if (want === 'h' || want === 'm' || want === 's') part[want] = part[want] * 10 + text.charCodeAt(i) - 48;
      }
      // No range check in Go 1.20: +99:99 is 100h39m.
      const seconds = part.h * 3600 + part.m * 60 + part.s;
      f.offset = text[0] === '-' ? -seconds : seconds;
      return { end: at + text.length };
    }
    case 'zoneName': {
      if (value.startsWith('UTC', at)) {
        f.utc = true;
        return { end: at + 3 };
      }
      const n = zoneNameLength(value, at);
      if (n === 0) return BAD;
      f.zoneName = value.slice(at, at + n);
      return { end: at + n };
    }
    case 'fraction': {
      if (!r.exact) {
        // Optional; every digit there is.
        if (!isSeparator(value[at]) || !digitAt(value, at + 1)) return { end: at };
        const width = digitRun(value, at + 1);
        f.nanos = fractionNanos(value, at, width)!;
        return { end: at + 1 + width };
      }
      // As many characters as the layout has digits (Go keeps that count in 12 bits).
      const width = (token.text.length - 1) & 0xfff;
      if (value.length - at < 1 + width || !isSeparator(value[at])) return BAD;
      const nanos = fractionNanos(value, at, width);
      if (nanos === undefined) return BAD;
      f.nanos = nanos;
      if (nanos < 0) return { outOfRange: 'fractional second' };
      return { end: at + 1 + width };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation and the instant.

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The date the fields give, or the message of what is wrong with it. */
function resolveDate(f: Fields): { year: number; month: number; day: number } | string {
  const { year } = f;
  let { month, day } = f;
  if (f.yearDay >= 0) {
    // The day of the year decides month and day; a month or day also given must agree with it.
    if (f.yearDay < 1 || f.yearDay > (isLeap(year) ? 366 : 365)) return 'day-of-year out of range';
    const date = civilFromDays(daysFromCivil(year, 1, 1) + f.yearDay - 1);
    if (month >= 0 && month !== date.month) return 'day-of-year does not match month';
    if (day >= 0 && day !== date.day) return 'day-of-year does not match day';
    month = date.month;
    day = date.day;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) return 'day out of range';
  return { year, month, day };
}

/** The instant and offset of valid fields. */
function instant(f: Fields, date: { year: number; month: number; day: number }): GoTime {
  let hour = f.hour;
  if (f.pm && hour < 12) hour += 12;
  else if (f.am && hour === 12) hour = 0;
  const wallSec = BigInt(daysFromCivil(date.year, date.month, date.day)) * 86_400n + BigInt(hour * 3600 + f.minute * 60 + f.second);
  const wallNs = wallSec * NS + BigInt(f.nanos);
  if (f.utc) return { unixNs: wallNs, offsetSec: 0 };
  if (f.offset !== -1) return { unixNs: wallNs - BigInt(f.offset) * NS, offsetSec: f.offset };
  // An abbreviation the local zone (UTC) does not know: the clock is kept as UTC's, the offset is 0 or,
  // for GMT+h, h hours.
  const gmt = /^GMT([+-])0*(\d+)$/.exec(f.zoneName);
  return { unixNs: wallNs, offsetSec: gmt === null ? 0 : (gmt[1] === '-' ? -1 : 1) * Number(gmt[2]) * 3600 };
}

/**
 * time.Parse(layout, value) with Local = UTC: the time, or the text of Go's *ParseError
 * (`parsing time "v" as "l": cannot parse "ve" as "le"`, or `parsing time "v": month out of range`, ...).
 */
export function goTimeParse(layoutText: string, valueText: string): GoTime | string {
  const layout = goBytes(layoutText);
  const value = goBytes(valueText);
  const q = goTimeQuoteBytes;
  const cannotParse = (valueFrom: number, layoutPart: string): string =>
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(value.slice(valueFrom))} as ${q(layoutPart)}`;
  const failed = (message: string): string => `parsing time ${q(value)}: ${message}`;

  const f: Fields = { year: 0, month: -1, day: -1, yearDay: -1, hour: 0, minute: 0, second: 0, nanos: 0, am: false, pm: false, utc: false, offset: -1, zoneName: '' };
  let at = 0;
  for (const token of layoutTokens(layout)) {
    if ('literal' in token) {
      const end = readLiteral(value, at, token.literal);
      if (end < 0) return cannotParse(-end - 1, token.literal);
      at = end;
      continue;
    }
    // An element that cannot be read is quoted from where it began (go.dev/issue/56730).
    const out = readElement(token, value, at, f);
    if ('outOfRange' in out) return failed(`${out.outOfRange} out of range`);
    if ('bad' in out) return cannotParse(at, token.text);
    at = out.end;
  }
  if (at < value.length) return failed(`extra text: ${q(value.slice(at))}`);

  const date = resolveDate(f);
  if (typeof date === 'string') return failed(date);
  return instant(f, date);
}

// ---------------------------------------------------------------------------------------------------
// Formatting and truncation.

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

// Days from 1970-01-01 of a proleptic Gregorian date (any year).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// The date of a day count from 1970-01-01.
function civilFromDays(z: number): { year: number; month: number; day: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** time.RFC3339. */
export const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

/** time.Parse(time.RFC3339, s); Go 1.20's fast path accepts a subset of the general parser with equal results. */
export function goParseRfc3339(s: string): GoTime | string {
  return goTimeParse(RFC3339_LAYOUT, s);
}

// The local date and clock of a time.
function localFields(t: GoTime): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const localSec = floorDiv(t.unixNs, NS) + BigInt(t.offsetSec);
  const days = Number(floorDiv(localSec, 86_400n));
  const secOfDay = Number(localSec - BigInt(days) * 86_400n);
  const { year, month, day } = civilFromDays(days);
  return { year, month, day, hour: Math.floor(secOfDay / 3600), minute: Math.floor((secOfDay % 3600) / 60), second: secOfDay % 60, weekday: (((days + 4) % 7) + 7) % 7 };
}

// appendInt(b, x, width): zero-padded to the width, a minus sign before the padding.
function goInt(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

/** Time.Format(time.RFC3339): seconds precision, "Z" for a zero offset, the offset's seconds dropped. */
export function formatRfc3339(t: GoTime): string {
  const f = localFields(t);
  let zone = 'Z';
  if (t.offsetSec !== 0) {
    // The sign is the sign of the offset in whole minutes: -30s prints +00:00.
    const minutes = Math.trunc(t.offsetSec / 60);
    const abs = Math.abs(minutes);
    zone = `${minutes < 0 ? '-' : '+'}${goInt(Math.floor(abs / 60), 2)}:${goInt(abs % 60, 2)}`;
  }
  return `${goInt(f.year, 4)}-${goInt(f.month, 2)}-${goInt(f.day, 2)}T${goInt(f.hour, 2)}:${goInt(f.minute, 2)}:${goInt(f.second, 2)}${zone}`;
}

/** Local fields of a time: minute, hour, day, month (1-12) and weekday (0 = Sunday). */
export function timeFields(t: GoTime): { minute: number; hour: number; day: number; month: number; weekday: number } {
  const f = localFields(t);
  return { minute: f.minute, hour: f.hour, day: f.day, month: f.month, weekday: f.weekday };
}

// Seconds from Go's zero time (0001-01-01 UTC) to the Unix epoch: Truncate counts from year 1.
const ZERO_TO_UNIX_NS = 62_135_596_800n * NS;

/** Time.Truncate(d): rounds down to a multiple of d since Go's zero time; d <= 0 returns t unchanged. */
export function truncateTime(t: GoTime, d: bigint): GoTime {
  if (d <= 0n) return t;
  const abs = t.unixNs + ZERO_TO_UNIX_NS;
  return { unixNs: t.unixNs - (((abs % d) + d) % d), offsetSec: t.offsetSec };
}
