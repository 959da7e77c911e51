// Kyverno's semver_compare (blang/semver v4 Parse + ParseRange) and random (goregen-style string
// generation from a regex). Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go
// (jpSemverCompare, jpRandom). random draws from the injected random source.

import { nextRandom } from './environment.js';
import { JmespathError, functionError } from './errors.js';

interface Version {
  nums: [bigint, bigint, bigint];
  pre: string[];
}

const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parseVersion(s: string): Version | undefined {
  const m = VERSION.exec(s);
  if (!m) return undefined;
  const pre = m[4] ? m[4].split('.') : [];
  if (pre.some((p) => /^0[0-9]+$/.test(p))) return undefined;
  return { nums: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre };
}

function comparePre(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.nums[i] !== b.nums[i]) return a.nums[i]! < b.nums[i]! ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < a.pre.length && i < b.pre.length; i++) {
    const c = comparePre(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

// blang/semver v4 ParseRange, step by step: splitAndTrim, splitORParts, expandWildcardVersion, then one
// comparator per part (parseComparator, Parse), AND within an OR part. Any failure is the one parse error.
const COMPARATORS: Readonly<Record<string, (c: number) => boolean>> = {
  '': (c) => c === 0,
  '=': (c) => c === 0,
  '==': (c) => c === 0,
  '!=': (c) => c !== 0,
  '!': (c) => c !== 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
};

/** splitAndTrim: split at spaces, except after `>`, `<` or `=`; parts of one character are dropped; inner spaces removed. */
function splitAndTrim(s: string): string[] {
  const out: string[] = [];
  let last = 0;
  let lastChar = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ' ' && lastChar !== '>' && lastChar !== '<' && lastChar !== '=') {
      if (last < i - 1) out.push(s.slice(last, i));
      last = i + 1;
    } else if (s[i] !== ' ') lastChar = s[i] as string;
  }
  if (last < s.length - 1) out.push(s.slice(last));
  return out.map((t) => t.replaceAll(' ', ''));
}

/** splitComparatorVersion: the operator before the first digit, and the rest. */
function splitComparatorVersion(s: string): [string, string] | undefined {
  const i = s.search(/[0-9]/);
  return i === -1 ? undefined : [s.slice(0, i).trim(), s.slice(i)];
}

/** expandWildcardVersion for one part holding an `x` (undefined when it has no version). */
function expandWildcard(part: string): string[] | undefined {
  const split = splitComparatorVersion(part);
  if (!split) return undefined;
  const [op, v] = split;
  const parts = v.split('.');
  // getWildcardType: by the number of parts when the last is `x` (1 major, 2 minor, 3 patch).
  const type = parts[parts.length - 1] === 'x' ? ([undefined, 'major', 'minor', 'patch'] as const)[parts.length] : undefined;
  // createVersionFromWildcard: `.x.x` → `.x`, the first `.x` → `.0`, two parts get `.0`.
  let flat = v.replace('.x.x', '.x').replace('.x', '.0');
  if (flat.split('.').length === 2) flat = `${flat}.0`;
  const increment = (at: 0 | 1): string => {
    const ps = flat.split('.');
    ps[at] = String(Number.parseInt(ps[at] ?? '', 10) + 1);
    return ps.join('.');
  };
  const out: string[] = [];
  let resultOp = '';
  let inc = false;
  if (op === '>') [resultOp, inc] = ['>=', true];
  else if (op === '>=') resultOp = '>=';
  else if (op === '<') resultOp = '<';
  else if (op === '<=') [resultOp, inc] = ['<', true];
  else if (op === '' || op === '=' || op === '==') {
    out.push(`>=${flat}`);
    [resultOp, inc] = ['<', true];
  } else if (op === '!=' || op === '!') {
    out.push(`<${flat}`);
    [resultOp, inc] = ['>=', true];
  }
  // A patch wildcard increments the minor version, a minor one the major; any other gives no version.
  const version = !inc ? flat : type === 'patch' ? increment(1) : type === 'minor' ? increment(0) : '';
  out.push(resultOp + version);
  return out;
}

function parseRange(text: string): ((v: Version) => boolean) | undefined {
  const tokens = splitAndTrim(text);
  const orParts: string[][] = [];
  let last = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== '||') continue;
    if (i === 0) return undefined;
    orParts.push(tokens.slice(last, i));
    last = i + 1;
  }
  if (last === tokens.length) return undefined;
  orParts.push(tokens.slice(last));
  const alternatives: ((v: Version) => boolean)[][] = [];
  for (const part of orParts) {
    const checks: ((v: Version) => boolean)[] = [];
    for (const token of part) {
      const expanded = token.includes('x') ? expandWildcard(token) : [token];
      if (!expanded) return undefined;
      for (const t of expanded) {
        const split = splitComparatorVersion(t);
        const test = split && Object.hasOwn(COMPARATORS, split[0]) ? COMPARATORS[split[0]] : undefined;
        const target = split && parseVersion(split[1]);
        if (!test || !target) return undefined;
        checks.push((v) => test(compareVersions(v, target)));
      }
    }
    if (checks.length === 0) return undefined;
    alternatives.push(checks);
  }
  return (v) => alternatives.some((checks) => checks.every((c) => c(v)));
}

/** semver_compare(version, range): whether the version satisfies a blang/semver range. */
export function semverCompare(args: readonly unknown[]): boolean {
  const [versionText, rangeText] = args as [string, string];
  // Kyverno ignores version parse errors, comparing 0.0.0 instead.
  const version = parseVersion(versionText) ?? { nums: [0n, 0n, 0n], pre: [] };
  const range = parseRange(rangeText);
  if (!range) throw functionError('semver_compare', `Could not parse Range "${rangeText}"`);
  return range(version);
}

// ---- random(pattern) ----

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const DIGITS = '0123456789'.split('');
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', ...DIGITS, '_'];
const SPACE = [' ', '\t', '\n', '\r', '\f', '\v'];
/** Upper bound used for `*`, `+` and `{n,}` (goregen's default is larger; kept small here). */
export const MAX_UNBOUNDED_REPEAT = 10;
const MAX_RANDOM_LENGTH = 10_000;

const pick = <T>(xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(nextRandom() * xs.length))]!;
const between = (lo: number, hi: number): number => lo + Math.floor(nextRandom() * (hi - lo + 1));

class Generator {
  i = 0;
  readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  fail(): never {
    throw functionError('random', `unsupported or invalid pattern ${JSON.stringify(this.src)}`);
  }

  // Parses and generates one alternation up to ")" or the end.
  run(): string {
    const branches: number[] = [this.i];
    let depth = 0;
    let j = this.i;
    for (; j < this.src.length; j++) {
      const c = this.src[j];
      if (c === '\\') j++;
      else if (c === '[') j = this.classEnd(j);
      else if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === '|' && depth === 0) branches.push(j + 1);
    }
    const end = j;
    const chosen = between(0, branches.length - 1);
    const start = branches[chosen]!;
    const stop = chosen + 1 < branches.length ? branches[chosen + 1]! - 1 : end;
    const text = this.sequence(start, stop);
    this.i = end;
    return text;
  }

  classEnd(j: number): number {
    let k = j + 1;
    if (this.src[k] === '^') k++;
    if (this.src[k] === ']') k++;
    for (; k < this.src.length && this.src[k] !== ']'; k++) if (this.src[k] === '\\') k++;
    if (k >= this.src.length) this.fail();
    return k;
  }

  sequence(start: number, stop: number): string {
    let out = '';
    let k = start;
    while (k < stop) {
      let atom: () => string;
      const c = this.src[k]!;
      if (c === '(') {
        let inner = k + 1;
        if (this.src.startsWith('?:', inner)) inner += 2;
        else if (this.src.startsWith('?P<', inner) || this.src.startsWith('?<', inner)) inner = this.src.indexOf('>', inner) + 1;
        const sub = new Generator(this.src);
        sub.i = inner;
        sub.run();
        const close = sub.i;
        if (this.src[close] !== ')') this.fail();
        atom = () => {
          const g = new Generator(this.src);
          g.i = inner;
          return g.run();
        };
        k = close + 1;
      } else if (c === '[') {
        const end = this.classEnd(k);
        const set = this.classSet(this.src.slice(k + 1, end));
        atom = () => pick(set);
        k = end + 1;
      } else if (c === '\\') {
        const e = this.src[k + 1];
        if (e === undefined) this.fail();
        const set = e === 'd' ? DIGITS : e === 'w' ? WORD : e === 's' ? SPACE : e === 'D' ? PRINTABLE.filter((x) => !DIGITS.includes(x)) : e === 'W' ? PRINTABLE.filter((x) => !WORD.includes(x)) : e === 'S' ? PRINTABLE.filter((x) => x !== ' ') : [e];
        atom = () => pick(set);
        k += 2;
      } else if (c === '.') {
        atom = () => pick(PRINTABLE);
        k++;
      } else if (c === '^' || c === '$') {
        atom = () => '';
        k++;
      } else if ('*+?{'.includes(c)) {
        this.fail();
      } else {
        atom = () => c;
        k++;
      }
      let lo = 1;
      let hi = 1;
      const q = /^(\*|\+|\?|\{(\d+)(,(\d*))?\})/.exec(this.src.slice(k, stop));
      if (q) {
        if (q[1] === '*') [lo, hi] = [0, MAX_UNBOUNDED_REPEAT];
        else if (q[1] === '+') [lo, hi] = [1, MAX_UNBOUNDED_REPEAT];
        else if (q[1] === '?') [lo, hi] = [0, 1];
        else {
          lo = Number(q[2]);
          hi = q[3] === undefined ? lo : q[4] === '' ? lo + MAX_UNBOUNDED_REPEAT : Number(q[4]);
        }
        if (hi < lo || hi > 1000) this.fail();
        k += q[0].length;
      }
      const times = between(lo, hi);
      for (let t = 0; t < times; t++) {
        out += atom();
        if (out.length > MAX_RANDOM_LENGTH) this.fail();
      }
    }
    return out;
  }

  classSet(body: string): string[] {
    const negate = body.startsWith('^');
    const chars = [...(negate ? body.slice(1) : body)];
    const set = new Set<string>();
    for (let k = 0; k < chars.length; k++) {
      let c = chars[k]!;
      if (c === '\\') {
        const e = chars[++k] ?? '';
        if (e === 'd' || e === 'w' || e === 's') {
          for (const x of e === 'd' ? DIGITS : e === 'w' ? WORD : SPACE) set.add(x);
          continue;
        }
        c = e;
      }
      if (chars[k + 1] === '-' && chars[k + 2] !== undefined) {
        const from = c.codePointAt(0)!;
        const to = chars[k + 2]!.codePointAt(0)!;
        if (to < from || to - from > 0xffff) this.fail();
        for (let p = from; p <= to; p++) set.add(String.fromCodePoint(p));
        k += 2;
      } else set.add(c);
    }
    const result = negate ? PRINTABLE.filter((x) => !set.has(x)) : [...set];
    if (result.length === 0) this.fail();
    return result;
  }
}

/** random(pattern): a string matching the regex pattern, drawn from the injected random source. */
export function random(args: readonly unknown[]): string {
  const pattern = args[0] as string;
  // jpRandom returns errors.New("no pattern provided"): no function prefix.
  if (pattern === '') throw new JmespathError('no pattern provided');
  if (pattern.length > 1_000) throw functionError('random', 'pattern too long');
  const g = new Generator(pattern);
  const out = g.run();
  if (g.i !== pattern.length) g.fail();
  return out;
}
