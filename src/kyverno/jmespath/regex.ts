// Kyverno's regex functions (regex_match, regex_replace_all, regex_replace_all_literal) over Go RE2
// syntax translated to JavaScript. Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go
// (jpRegexMatch, jpRegexReplaceAll*) and Go regexp (Match, ReplaceAll, Expand).
// Difference: RE2 runs in linear time, JS RegExp backtracks, so pattern and input lengths are capped.

import { argumentTypeError, functionError } from './errors.js';
import { ifaceToString } from './strings.js';

/** Longest pattern accepted (characters). */
export const MAX_REGEX_PATTERN = 1_000;
/** Longest subject string accepted (characters); bounds backtracking cost. */
export const MAX_REGEX_INPUT = 10_000;

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Translates an RE2 pattern to a JS RegExp (global); throws JmespathError for unsupported syntax. */
export function compileRe2(pattern: string, fn: string): RegExp {
  if (pattern.length > MAX_REGEX_PATTERN) throw functionError(fn, `regex pattern longer than ${MAX_REGEX_PATTERN} characters`);
  let flags = 'g';
  let src = pattern;
  // Leading inline flags (?i) (?s) (?m) (?U is not supported by JS).
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('U')) throw functionError(fn, 'the (?U) flag is not supported');
    flags += lead[1];
    src = src.slice(lead[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1];
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? undefined : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
      } else if (next === 'A') {
        out += '^';
        i++;
      } else if (next === 'z') {
        out += '$(?![\\s\\S])';
        i++;
      } else {
        out += c + (next ?? '');
        i++;
      }
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (src.startsWith('[:', i)) {
      const end = src.indexOf(':]', i + 2);
      const name = end < 0 ? '' : src.slice(i + 2, end);
      const neg = name.startsWith('^');
      const cls = POSIX[neg ? name.slice(1) : name];
      if (cls === undefined || neg) throw functionError(fn, `error parsing regexp: invalid character class range: \`${src.slice(i, end + 2)}\``);
      out += cls;
      i = end + 1;
    } else out += c;
  }
  try {
    return new RegExp(out, `${flags}u`);
  } catch {
    try {
      return new RegExp(out, flags);
    } catch (e) {
      throw functionError(fn, `error parsing regexp: ${(e as Error).message}`);
    }
  }
}

function subject(v: unknown, fn: string, position: number): string {
  const s = ifaceToString(v);
  if (s === undefined) throw argumentTypeError(fn, position, 'String or Real');
  if (s.length > MAX_REGEX_INPUT) throw functionError(fn, `input longer than ${MAX_REGEX_INPUT} characters`);
  return s;
}

// Go's ReplaceAll: an empty match right after the previous match is skipped.
function replaceGo(re: RegExp, src: string, repl: (m: RegExpExecArray) => string): string {
  let out = '';
  let last = 0;
  let prevEnd = -1;
  re.lastIndex = 0;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '') re.lastIndex = start + (src.codePointAt(start)! > 0xffff ? 2 : 1);
    if (m[0] === '' && start === prevEnd) continue;
    out += src.slice(last, start) + repl(m);
    last = end;
    prevEnd = end;
    if (start >= src.length) break;
  }
  return out + src.slice(last);
}

// Go regexp.Expand: $1, ${1}, $name, ${name}, $$; names take the longest run of word characters.
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole: string, _all: string, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    if (/^[0-9]+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}

/** regex_match(regex, string|number): an unanchored search, like Go regexp.Match. */
export function regexMatch(args: readonly unknown[]): boolean {
  const re = compileRe2(args[0] as string, 'regex_match');
  const src = subject(args[1], 'regex_match', 2);
  re.lastIndex = 0;
  return re.test(src);
}

/** regex_replace_all(regex, src, replacement) with Go's $-expansion in the replacement. */
export function regexReplaceAll(args: readonly unknown[]): string {
  const re = compileRe2(args[0] as string, 'regex_replace_all');
  const src = subject(args[1], 'regex_replace_all', 2);
  const repl = subject(args[2], 'regex_replace_all', 3);
  return replaceGo(re, src, (m) => expand(repl, m));
}

/** regex_replace_all_literal(regex, src, replacement): the replacement is inserted verbatim. */
export function regexReplaceAllLiteral(args: readonly unknown[]): string {
  const re = compileRe2(args[0] as string, 'regex_replace_all_literal');
  const src = subject(args[1], 'regex_replace_all_literal', 2);
  const repl = subject(args[2], 'regex_replace_all_literal', 3);
  return replaceGo(re, src, () => repl);
}
