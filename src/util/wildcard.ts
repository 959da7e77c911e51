// Shell-style wildcard matching (`*` any run, `?` one character) without building regexes from user input.
// Semantics mirror github.com/kyverno/kyverno/ext/wildcard (minio wildcard.Match).
// The pattern is split at its stars: the first piece must match at the start, the last at the end, and each
// middle piece at its leftmost place after the previous one (greedy leftmost is exact for globs). Pieces
// without `?` are found with String#indexOf (Boyer-Moore in V8), so `*aaa…b` against a multi-megabyte label
// costs one scan instead of the pattern length times the text length of a backtracking matcher.

// Work done by wildcardMatch: characters compared one by one plus characters handed to String#indexOf
// (counted as the text length it may scan). Read by tests to assert the bound above without timing
// anything: at most (pattern pieces' lengths + 1) × text length, linear for patterns without `?`.
let work = 0;

/** The work counter (see above); tests reset it by reading the difference. */
export function wildcardWork(): number {
  return work;
}

/** True when `text` matches `pattern`, where `*` matches any run and `?` one character. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const firstStar = pattern.indexOf('*');
  if (firstStar === -1) return pattern.length === text.length && matchAt(pattern, 0, pattern.length, text, 0);
  const lastStar = lastStarOf(pattern, firstStar);
  const lastLen = pattern.length - lastStar - 1;
  if (firstStar + lastLen > text.length) return false;
  if (!matchAt(pattern, 0, firstStar, text, 0) || !matchAt(pattern, lastStar + 1, lastLen, text, text.length - lastLen)) return false;
  let pos = firstStar;
  const end = text.length - lastLen;
  for (let s = firstStar + 1; s < lastStar; ) {
    const e = pattern.indexOf('*', s);
    if (e > s) {
      const at = findPiece(pattern.slice(s, e), text, pos, end);
      if (at < 0) return false;
      pos = at + (e - s);
    }
    s = e + 1;
  }
  return true;
}

/**
 * pattern.lastIndexOf('*') when the first star is at `firstStar`: a scan from the end (String#lastIndexOf is
 * a call into the runtime, several times the cost of the scan for pattern-sized strings).
 */
function lastStarOf(pattern: string, firstStar: number): number {
  let i = pattern.length - 1;
  while (i > firstStar && pattern.charCodeAt(i) !== 42 /* * */) i--;
  return i;
}

/** Whether pattern[from, from+len) (with `?` matching any one character) matches text at `at`. */
function matchAt(pattern: string, from: number, len: number, text: string, at: number): boolean {
  for (let i = 0; i < len; i++) {
    const c = pattern.charCodeAt(from + i);
    if (c !== 63 /* ? */ && c !== text.charCodeAt(at + i)) {
      work += i + 1;
      return false;
    }
  }
  work += len;
  return true;
}

/** The leftmost index ≥ from where `piece` matches and ends by `end`, or -1. */
function findPiece(piece: string, text: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const i = text.indexOf(piece, from);
    work += (i >= 0 ? i : text.length) - from + piece.length;
    return i >= 0 && i + piece.length <= end ? i : -1;
  }
  // Candidates come from the longest literal run of the piece, found with indexOf, then checked whole.
  let anchor = '';
  let offset = 0;
  for (const m of piece.matchAll(/[^?]+/g)) {
    if (m[0].length > anchor.length) {
      anchor = m[0];
      offset = m.index;
    }
  }
  if (anchor === '') return from + piece.length <= end ? from : -1;
  let scanFrom = from + offset;
  for (let i = text.indexOf(anchor, scanFrom); ; i = text.indexOf(anchor, scanFrom)) {
    // indexOf's scan, counted as the distance it covered.
    work += (i >= 0 ? i : text.length) - scanFrom + anchor.length;
    if (i < 0) return -1;
    const start = i - offset;
    if (start + piece.length > end) return -1;
    if (matchAt(piece, 0, piece.length, text, start)) return start;
    scanFrom = i + 1;
  }
}

/** A wildcard pattern prepared once for matching many texts (compileWildcard). */
export type WildcardMatcher = (text: string) => boolean;

const matchAny: WildcardMatcher = () => true;
const matchNonEmpty: WildcardMatcher = (text) => text.length > 0;

/**
 * wildcardMatch(pattern, ·) for a pattern used many times: the forms policies mostly use (no wildcard, `*`,
 * `?*`, `x*`, `*x`, `*x*` with x free of wildcards) become one string comparison; any other pattern is matched
 * by wildcardMatch.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  if (pattern === '*') return matchAny;
  if (pattern === '?*') return matchNonEmpty;
  if (!pattern.includes('?')) {
    const parts = pattern.split('*');
    const [a = '', b = '', c = ''] = parts;
    if (parts.length === 1) return (text) => text === pattern;
    if (parts.length === 2 && b === '') return (text) => text.startsWith(a);
    if (parts.length === 2 && a === '') return (text) => text.endsWith(b);
    if (parts.length === 3 && a === '' && b !== '' && c === '') return (text) => text.includes(b);
  }
  return (text) => wildcardMatch(pattern, text);
}

/** True when the string contains a wildcard character. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
