// Go's path.Clean, which Kyverno uses for `path_canonicalize` and to join `$()` references (path.Join).

/** path.Clean: `.` parts dropped, `..` taking one part back (never above a leading `/`), "." when nothing is left. */
export function goPathClean(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}
