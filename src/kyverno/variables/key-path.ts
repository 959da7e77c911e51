// How a values-file key (`request.oldObject.metadata.labels."example.com/team"`) becomes a context path.
// Kyverno 1.10.7 (pkg/engine/context AddVariable) splits on every dot; from 1.11 (kyverno PR #8377) the key
// is read as one CSV record with `.` as the separator (encoding/csv): a segment may be double-quoted to hold
// dots, `""` inside it is one quote, and a quote elsewhere is an error the CLI stops on.

/** A key's path segments, or why the key cannot be read. */
export type KeyPath = { ok: true; path: string[] } | { ok: false; error: string };

/** Splits a key on every dot (Kyverno 1.10.7). */
export function splitKeyPath(key: string): KeyPath {
  return { ok: true, path: key.split('.') };
}

/** Reads a key as one `.`-separated CSV record (Kyverno 1.11+). */
export function csvKeyPath(key: string): KeyPath {
  // encoding/csv reads one record: empty lines before it are skipped, `\r\n` is a line end.
  let s = key.replace(/\r\n/g, '\n');
  s = s.replace(/^\n+/, '');
  if (s === '') return { ok: false, error: 'the key is empty' };
  const path: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= s.length) return { ok: false, error: `the quote at column ${start + 1} is not closed` };
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += s[i];
        i++;
      }
      if (i < s.length && s[i] !== '.' && s[i] !== '\n') return { ok: false, error: `a quoted segment must end at a dot; found ${JSON.stringify(s[i])} at column ${i + 1}` };
    } else {
      while (i < s.length && s[i] !== '.' && s[i] !== '\n') {
        if (s[i] === '"') return { ok: false, error: `a quote inside an unquoted segment (column ${i + 1}); quote the whole segment, e.g. a."b.c"` };
        field += s[i];
        i++;
      }
    }
    path.push(field);
    if (i >= s.length || s[i] === '\n') return { ok: true, path };
    i++; // the dot
  }
}
