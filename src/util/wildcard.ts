// Shell-style wildcard matching (`*` any run, `?` one character) without building regexes
// from user input: linear-time two-pointer algorithm, so hostile patterns cannot blow up.
// Semantics mirror github.com/kyverno/kyverno/ext/wildcard (minio wildcard.Match).

/** True when `text` matches `pattern`, where `*` matches any run and `?` one character. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** True when the string contains a wildcard character. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
