// Kyverno's string and data-shaping JMESPath functions (compare … object_from_lists), except the
// regex, arithmetic and time families. Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go
// (jpfCompare … jpObjectFromLists) and utils.go (ifaceToString).

import { decodeCertificate } from './x509.js';
import { isScalar, parseDocument, visit } from 'yaml';
import { goPathClean, wildcardMatch } from '../../util/index.js';
import { formatGoFloatValue } from '../pattern/index.js';
import { normalizeImage } from '../variables/images.js';
import { JmespathError, argumentTypeError, functionError } from './errors.js';
import { GoBase64Error, goBase64Decode } from './go-base64.js';
import { GoJsonError, goJsonUnmarshal } from './go-json.js';

/** Go's ifaceToString: strings, numbers (float32 'f' formatting) and booleans become text. */
export function ifaceToString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  // strconv.FormatFloat(f, 'f', -1, 32): shortest float32 digits, never exponent notation.
  if (typeof v === 'number') return float32Text(v);
  return undefined;
}

// strconv.FormatFloat(f, 'f', -1, 32): the float32 nearest f, its shortest round-trip digits written out
// in full (1e21 is "1000000000000000000000", 1.5e-10 is "0.00000000015"), the sign of -0 kept.
function float32Text(f: number): string {
  const f32 = Math.fround(f);
  if (Number.isNaN(f32)) return 'NaN';
  if (!Number.isFinite(f32)) return f32 > 0 ? '+Inf' : '-Inf';
  const sign = f32 < 0 || Object.is(f32, -0) ? '-' : '';
  if (f32 === 0) return `${sign}0`;
  const a = Math.abs(f32);
  let shortest = a;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(a.toPrecision(p));
    if (Math.fround(candidate) === a) {
      shortest = candidate;
      break;
    }
  }
  // The candidate has at most 9 significant digits, so its own shortest form carries exactly them.
  const [mantissa = '0', exponent = '0'] = shortest.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Go strings.Compare. */
export function compare(args: readonly unknown[]): number {
  const [a, b] = args as [string, string];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go strings.EqualFold (Unicode simple folding approximated by lower-casing both sides). */
export function equalFold(args: readonly unknown[]): boolean {
  const [a, b] = args as [string, string];
  return a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

/** Go strings.Replace with a count; a negative count replaces all. */
export function replace(args: readonly unknown[]): string {
  const [s, oldText, newText, count] = args as [string, string, string, number];
  let n = Math.trunc(count);
  if (n < 0) return replaceAll([s, oldText, newText]);
  if (oldText === '') {
    // Go inserts at every rune boundary when old is empty.
    const runes = [...s];
    let out = '';
    for (let i = 0; i <= runes.length; i++) {
      if (n > 0) {
        out += newText;
        n--;
      }
      out += runes[i] ?? '';
    }
    return out;
  }
  let out = '';
  let rest = s;
  while (n > 0) {
    const i = rest.indexOf(oldText);
    if (i < 0) break;
    out += rest.slice(0, i) + newText;
    rest = rest.slice(i + oldText.length);
    n--;
  }
  return out + rest;
}

/** Go strings.ReplaceAll. */
export function replaceAll(args: readonly unknown[]): string {
  const [s, oldText, newText] = args as [string, string, string];
  if (oldText === '') return replace([s, oldText, newText, Number.MAX_SAFE_INTEGER]);
  return s.split(oldText).join(newText);
}

/** Go strings.ToUpper. */
export function toUpper(args: readonly unknown[]): string {
  return (args[0] as string).toUpperCase();
}

/** Go strings.ToLower. */
export function toLower(args: readonly unknown[]): string {
  return (args[0] as string).toLowerCase();
}

/** Go strings.Trim: strips any runes of the cutset from both ends. */
export function trim(args: readonly unknown[]): string {
  const [s, cutset] = args as [string, string];
  const cut = new Set(cutset);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start]!)) start++;
  while (end > start && cut.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join('');
}

/** Go strings.TrimPrefix. */
export function trimPrefix(args: readonly unknown[]): string {
  const [s, prefix] = args as [string, string];
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/** Go strings.Split; an empty separator splits into runes. */
export function split(args: readonly unknown[]): string[] {
  const [s, sep] = args as [string, string];
  return sep === '' ? [...s] : s.split(sep);
}

/** Kyverno pattern_match: `*` and `?` wildcards over a string or number. */
export function patternMatch(args: readonly unknown[]): boolean {
  const src = ifaceToString(args[1]);
  if (src === undefined) throw argumentTypeError('regex_match', 2, 'String or Real');
  return wildcardMatch(args[0] as string, src);
}

/** Kyverno label_match: every label of the first object is present with an equal value in the second. */
export function labelMatch(args: readonly unknown[]): boolean {
  const [labels, target] = args as [Record<string, unknown>, Record<string, unknown>];
  return Object.entries(labels).every(([k, v]) => Object.hasOwn(target, k) && target[k] === v && (v === null || typeof v !== 'object'));
}

/** base64.StdEncoding.DecodeString; Go's CorruptInputError text is returned unwrapped, as jpBase64Decode does. */
export function base64Decode(args: readonly unknown[]): string {
  try {
    return goBase64Decode(args[0] as string).toString('utf8');
  } catch (e) {
    if (e instanceof GoBase64Error) throw new JmespathError(e.message);
    throw e;
  }
}

/** image_normalize: the image with docker.io and `latest` filled in (variables/images.ts normalizeImage). */
export function imageNormalize(args: readonly unknown[]): string {
  const r = normalizeImage(args[0] as string);
  if (!r.ok) throw functionError('image_normalize', r.error);
  return r.value;
}

/** to_boolean: "true" or "false" in any letter case (kyverno functions.go jpToBoolean). */
export function toBoolean(args: readonly unknown[]): boolean {
  const input = args[0] as string;
  const lower = input.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw functionError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${input}')`);
}

/** base64.StdEncoding.EncodeToString of the UTF-8 bytes. */
export function base64Encode(args: readonly unknown[]): string {
  return Buffer.from(args[0] as string, 'utf8').toString('base64');
}

/** filepath.Join of one path: Go's lexical Clean ("" stays ""). */
export function pathCanonicalize(args: readonly unknown[]): string {
  const p = args[0] as string;
  return p === '' ? '' : goPathClean(p);
}

/** aquilax/truncate with CutStrategy: the first n runes; negative lengths count as 0. */
export function truncate(args: readonly unknown[]): string {
  const [s, n] = args as [string, number];
  return [...s].slice(0, Math.max(0, Math.trunc(n))).join('');
}

/** encoding/json.Unmarshal of the string; Go's error text is returned unwrapped, as jpParseJson does. */
export function parseJson(args: readonly unknown[]): unknown {
  try {
    return goJsonUnmarshal(args[0] as string);
  } catch (e) {
    if (e instanceof GoJsonError) throw new JmespathError(e.message);
    throw e;
  }
}

/** sigs.k8s.io/yaml YAMLToJSON then json.Unmarshal (YAML 1.1 scalars, JSON-compatible values only). */
export function parseYaml(args: readonly unknown[]): unknown {
  const text = args[0] as string;
  try {
    const parsed = parseDocument(text, { version: '1.1' });
    if (parsed.errors.length > 0) throw parsed.errors[0];
    // A block scalar that runs to the end of a text without a final line break has no line break to keep:
    // go-yaml's scanner ends it without one (`bar: >` then `  see?` at the end is "see?"), where the yaml
    // library adds "\n" for the clip and keep indicators.
    if (!text.endsWith('\n') && !text.endsWith('\r')) {
      visit(parsed, {
        Scalar(_, node) {
          if (!isScalar(node) || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')) return;
          if (node.range?.[1] === text.length && typeof node.value === 'string' && node.value.endsWith('\n')) node.value = node.value.slice(0, -1);
        },
      });
    }
    const doc = parsed.toJS({ maxAliasCount: 100 });
    return JSON.parse(JSON.stringify(doc ?? null));
  } catch (e) {
    throw functionError('parse_yaml', (e as Error).message);
  }
}

/** Kyverno lookup(object|array, key|index): missing keys and out-of-range indexes give null. */
export function lookup(args: readonly unknown[]): unknown {
  const [input, key] = args;
  if (Array.isArray(input)) {
    if (typeof key !== 'number') throw argumentTypeError('lookup', 2, 'Number');
    const problem = intNumberProblem(key);
    if (problem !== undefined) throw functionError('lookup', `argument #2: ${problem}`);
    return key < 0 || key >= input.length ? null : input[key];
  }
  if (typeof key !== 'string') throw argumentTypeError('lookup', 2, 'String');
  const obj = input as Record<string, unknown>;
  return Object.hasOwn(obj, key) ? obj[key] : null;
}

const TWO_TO_63 = 2 ** 63;

// Kyverno's intNumber (arithmetic.go): a non-integer, or an integer that does not survive Go's int
// conversion (on amd64 everything outside [-2^63, 2^63) becomes -2^63), is refused with the number in
// %g: Go's shortest digits, in exponent form below 1e-4 and from 1e6, the exponent at least two digits.
function intNumberProblem(n: number): string | undefined {
  if (!Number.isFinite(n) || Math.trunc(n) !== n) return `expected an integer number but got: ${formatGoFloatValue(n)}`;
  if (n >= TWO_TO_63 || n < -TWO_TO_63) return `number is outside the range of integer numbers: ${formatGoFloatValue(n)}`;
  return undefined;
}

/** Kyverno items(object|array, keyName, valueName): sorted key/value (or index/value) objects. */
export function items(args: readonly unknown[]): unknown[] {
  const [input, keyName, valueName] = args as [unknown, string, string];
  const pair = (k: unknown, v: unknown): Record<string, unknown> => setOwn(setOwn({}, keyName, k), valueName, v);
  if (Array.isArray(input)) return input.map((v, i) => pair(i, v));
  const obj = input as Record<string, unknown>;
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => pair(k, obj[k]));
}

/** Kyverno object_from_lists(keys, values): missing values become null. */
export function objectFromLists(args: readonly unknown[]): Record<string, unknown> {
  const [keys, values] = args as [unknown[], unknown[]];
  const out: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    const key = ifaceToString(k);
    if (key === undefined) throw argumentTypeError('object_from_lists', 1, 'StringArray');
    setOwn(out, key, i < values.length ? values[i] : null);
  });
  return out;
}

// Defines an own data property, so keys such as "__proto__" stay plain keys.
function setOwn(o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

/** x509_decode: a PEM certificate as Go's x509.Certificate JSON (see x509.ts). */
export function x509Decode(args: readonly unknown[]): unknown {
  return decodeCertificate(args[0] as string);
}
