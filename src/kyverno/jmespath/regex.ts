// Kyverno's regex functions (regex_match, regex_replace_all, regex_replace_all_literal) with Go's RE2
// semantics: patterns run on re2js, a JavaScript port of RE2, so the syntax, the error texts and the
// linear-time guarantee are Go regexp's (no catastrophic backtracking from a policy's pattern).
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go (jpRegexMatch, jpRegexReplaceAll*) and Go
// regexp (MatchString, ReplaceAllString, Expand).
import { type Matcher, RE2JS } from 're2js';
import { argumentTypeError, functionError } from './errors.js';
import { ifaceToString } from './strings.js';

/** Longest pattern accepted (characters): bounds compile cost. */
export const MAX_REGEX_PATTERN = 1_000;
/** Longest subject string accepted (characters). Matching is linear; this only bounds one call's work. */
export const MAX_REGEX_INPUT = 1_000_000;

const cache = new Map<string, RE2JS>();

/** Compiles an RE2 pattern (cached); a syntax error becomes Go's `error parsing regexp: …` text. */
export function compileRe2(pattern: string, fn: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_REGEX_PATTERN) throw functionError(fn, `regex pattern longer than ${MAX_REGEX_PATTERN} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw functionError(fn, (e as Error).message);
  }
  if (cache.size >= 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

function subject(v: unknown, fn: string, position: number): string {
  const s = ifaceToString(v);
  if (s === undefined) throw argumentTypeError(fn, position, 'String or Real');
  if (s.length > MAX_REGEX_INPUT) throw functionError(fn, `input longer than ${MAX_REGEX_INPUT} characters`);
  return s;
}

// Go's ReplaceAll: an empty match right after the previous match is skipped.
function replaceGo(re: RE2JS, src: string, repl: (m: Matcher) => string): string {
  const m = re.matcher(src);
  let out = '';
  let last = 0;
  let prevEnd = -1;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === prevEnd) continue;
    out += src.slice(last, start) + repl(m);
    last = end;
    prevEnd = end;
  }
  return out + src.slice(last);
}

// Go regexp.Expand: $1, ${1}, $name, ${name}, $$; a bare name takes the longest run of word characters;
// an unknown group or one that did not take part expands to "".
function expand(template: string, m: Matcher, names: Readonly<Record<string, number>>): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole: string, _all: string, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    const index = /^[0-9]+$/.test(name) ? Number(name) : Object.hasOwn(names, name) ? names[name] : undefined;
    if (index === undefined || index > m.groupCount()) return '';
    return m.group(index) ?? '';
  });
}

/** regex_match(regex, string|number): an unanchored search, like Go regexp.MatchString. */
export function regexMatch(args: readonly unknown[]): boolean {
  const re = compileRe2(args[0] as string, 'regex_match');
  return re.matcher(subject(args[1], 'regex_match', 2)).find();
}

/** regex_replace_all(regex, src, replacement) with Go's $-expansion in the replacement. */
export function regexReplaceAll(args: readonly unknown[]): string {
  const re = compileRe2(args[0] as string, 'regex_replace_all');
  const src = subject(args[1], 'regex_replace_all', 2);
  const repl = subject(args[2], 'regex_replace_all', 3);
  const names = re.namedGroups() as Record<string, number>;
  return replaceGo(re, src, (m) => expand(repl, m, names));
}

/** regex_replace_all_literal(regex, src, replacement): the replacement is inserted verbatim. */
export function regexReplaceAllLiteral(args: readonly unknown[]): string {
  const re = compileRe2(args[0] as string, 'regex_replace_all_literal');
  const src = subject(args[1], 'regex_replace_all_literal', 2);
  const repl = subject(args[2], 'regex_replace_all_literal', 3);
  return replaceGo(re, src, () => repl);
}
