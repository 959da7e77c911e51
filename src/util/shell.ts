// Arguments of the commands podgate prints for the admin to copy (the migration plan): a path with a space
// broke them, and one holding `$(…)` or `; rm -rf ~` would have run. POSIX single quotes make any string
// one literal word.

const PLAIN = /^[A-Za-z0-9_./:=@%+,~-]+$/;

/** `s` as one shell word: unchanged when it holds only safe characters, else single-quoted. */
export function shellQuote(s: string): string {
  if (s !== '' && PLAIN.test(s) && !s.startsWith('~')) return s;
  return `'${s.replaceAll("'", "'\\''")}'`;
}
