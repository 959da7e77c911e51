// Small builders for the JMESPath expressions the PSP conversion puts into Kyverno `{{ }}` variables:
// string/JSON literals, null-aware coalescing, inclusive ID ranges and segment-aware path prefixes.
// Kyverno 1.10 evaluates them with its JMESPath dialect (kyverno@v1.10.7:pkg/engine/jmespath/functions.go).
import type { IdRange } from '../psp/index.js';

/** A JMESPath raw string literal: `'text'` with `\` and `'` escaped. */
export function jpString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A JMESPath JSON literal: `` `value` `` with backticks escaped. */
export function jpJson(v: unknown): string {
  return `\`${JSON.stringify(v).replace(/`/g, '\\`')}\``;
}

/** The first non-null of the expressions (JMESPath `||` would skip `false` and `0`-like falsy values). */
export function jpCoalesce(...exprs: string[]): string {
  return `([${exprs.join(', ')}][?@ != \`null\`] | [0])`;
}

/** True when the numeric expression lies in one of the inclusive ranges (null or no ranges: false). */
export function jpInRanges(expr: string, ranges: readonly IdRange[]): string {
  if (ranges.length === 0) return '`false`';
  const one = (r: IdRange) => (r.min === r.max ? `${expr} == \`${r.min}\`` : `(${expr} >= \`${r.min}\` && ${expr} <= \`${r.max}\`)`);
  return ranges.length === 1 ? `(${one(ranges[0]!)})` : `(${ranges.map(one).join(' || ')})`;
}

/** Renders ranges for messages: `1000`, `1-10`, joined by `, `. */
export function describeRanges(ranges: readonly IdRange[]): string {
  return ranges.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ');
}

/**
 * A hostPath `path` as PSP compares it (hasPathPrefix): one trailing `/` trimmed, nothing else changed.
 * PSP does not clean the path, so `//data/x` or `/./data/x` is not under `/data`; path_canonicalize
 * would let those through.
 */
export function jpHostPath(pathExpr: string): string {
  return `regex_replace_all('/$', ${pathExpr} || '', '')`;
}

/**
 * True when the path (as jpHostPath gives it) lies under a PSP pathPrefix, matching on whole segments as
 * hasPathPrefix does: one trailing `/` of the prefix is ignored, then equal or followed by `/`.
 */
export function jpUnderPrefix(pathExpr: string, prefix: string): string {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  // Appending '/' makes "equal to the prefix" and "below it" one test (also for the prefix `/`).
  return `starts_with(join('', [${pathExpr}, '/']), ${jpString(`${p}/`)})`;
}

/**
 * True when the path has no `..` segment. Pod validation refuses such a path before any validating
 * webhook; the policy refuses it too, where no API server stands in front (offline apply and audit).
 */
export function jpNoBacksteps(pathExpr: string): string {
  return `!contains(split(${pathExpr} || '', '/'), '..')`;
}

/**
 * True when the SELinux level (a string expression, null read as '') differs from `want` as PSP compares
 * levels (kubernetes@release-1.24 pkg/security/podsecuritypolicy/selinux/mustrunas.go equalLevels): equal
 * text, or both written `<sensitivity>:<categories>` with the same sensitivity and the same categories
 * (split on `,`) in any order, duplicates counted. Both category lists are sorted by JMESPath, so the
 * literal needs no order of its own.
 */
export function jpSeLinuxLevelDiffers(levelExpr: string, want: string): string {
  const v = `(${levelExpr} || '')`;
  const i = want.indexOf(':');
  if (i < 0) return `${v} != ${jpString(want)}`;
  const parts = `split(${v}, ':')`;
  const same = `(length(${parts}) > \`1\` && ${parts}[0] == ${jpString(want.slice(0, i))} && sort(split(join(':', ${parts}[1:]), ',')) == sort(${jpJson(want.slice(i + 1).split(','))}))`;
  return `(${v} != ${jpString(want)} && !${same})`;
}

/** OR of expressions, always parenthesised (JMESPath's `!` binds tighter than `.` and `||`); `false` for none. */
export function jpAny(exprs: readonly string[]): string {
  return exprs.length === 0 ? '`false`' : `(${exprs.join(' || ')})`;
}

/** Wraps an expression as a whole-string Kyverno variable, which substitutes to the typed value. */
export function kyvernoVar(expr: string): string {
  return `{{ ${expr} }}`;
}
