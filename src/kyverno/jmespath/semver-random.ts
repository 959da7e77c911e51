// Kyverno's semver_compare (blang/semver v4 Parse + ParseRange) and random (goregen-style string
// generation from a regex). Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go
// (jpSemverCompare, jpRandom). random draws from the injected random source.

import { nextRandom } from './environment.js';
import { functionError } from './errors.js';

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

const OPS: Readonly<Record<string, (c: number) => boolean>> = {
  '': (c) => c === 0,
  '=': (c) => c === 0,
  '==': (c) => c === 0,
  '!=': (c) => c !== 0,
  '!': (c) => c !== 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
  '=>': (c) => c >= 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '=<': (c) => c <= 0,
};

// One comparator, expanding "x" wildcards the way blang/semver's expandWildcardVersion does.
function comparator(text: string): ((v: Version) => boolean) | undefined {
  const m = /^(!=|!|>=|=>|<=|=<|==|=|>|<)?\s*(.+)$/.exec(text);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const parts = m[2]!.split('.');
  const wild = parts.findIndex((p) => p === 'x' || p === 'X' || p === '*');
  if (wild >= 0 && parts.length <= 3) {
    const base = parts.slice(0, wild).map(Number);
    while (base.length < 3) base.push(0);
    const lo = parseVersion(base.join('.'));
    const next = [...base];
    if (wild > 0) next[wild - 1]! += 1;
    const hi = parseVersion(next.map((n, i) => (i >= wild ? 0 : n)).join('.'));
    if (!lo || !hi) return undefined;
    if (op === '' || op === '=' || op === '==') return (v) => compareVersions(v, lo) >= 0 && (wild === 0 || compareVersions(v, hi) < 0);
    if (op === '>' || op === '>=' || op === '=>') return (v) => compareVersions(v, op === '>' ? hi : lo) >= 0;
    if (op === '<' || op === '<=' || op === '=<') return (v) => compareVersions(v, op === '<' ? lo : hi) < 0;
    return undefined;
  }
  const target = parseVersion(m[2]!);
  const test = OPS[op];
  if (!target || !test) return undefined;
  return (v) => test(compareVersions(v, target));
}

/** semver_compare(version, range): whether the version satisfies a blang/semver range. */
export function semverCompare(args: readonly unknown[]): boolean {
  const [versionText, rangeText] = args as [string, string];
  // Kyverno ignores version parse errors, comparing 0.0.0 instead.
  const version = parseVersion(versionText) ?? { nums: [0n, 0n, 0n], pre: [] };
  const alternatives = rangeText.split('||').map((alt) => {
    const tokens = alt.trim().split(/\s+/).filter((t) => t !== '');
    // An operator written apart from its version ("> 1.0.0") belongs to the next token.
    const merged: string[] = [];
    for (const t of tokens) {
      const prev = merged[merged.length - 1];
      if (prev !== undefined && /^(!=|!|>=|=>|<=|=<|==|=|>|<)$/.test(prev)) merged[merged.length - 1] = prev + t;
      else merged.push(t);
    }
    return merged.map(comparator);
  });
  if (alternatives.some((alt) => alt.length === 0 || alt.some((c) => c === undefined))) {
    throw functionError('semver_compare', `Could not parse Range "${rangeText}"`);
  }
  return alternatives.some((alt) => alt.every((c) => c!(version)));
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
  if (pattern === '') throw functionError('random', 'no pattern provided');
  if (pattern.length > 1_000) throw functionError('random', 'pattern too long');
  const g = new Generator(pattern);
  const out = g.run();
  if (g.i !== pattern.length) g.fail();
  return out;
}
