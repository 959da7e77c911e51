// Text for a terminal: names and messages from cluster objects are data, and a control character in them
// (an object named "evil\e]0;pwned\a\e[2J\rok") must not drive the admin's terminal: retitle it, clear
// it, hide a line, or overwrite "denied" with "ok". On a terminal, podgate's output keeps only the escape
// sequences podgate itself writes (the colours of `paint`, progress's leading carriage return and
// erase-line) and shows every other control character as `\xNN`, as kubectl escapes terminal controls.
// Output to a pipe or file is left as it is.

/** The SGR parameters podgate's colours use (bold, red, green, yellow, gray and their resets). */
const OWN_SGR = new Set(['1', '22', '31', '32', '33', '39', '90']);

// C0 controls but tab and newline, DEL, C1 controls; plus the escape sequences podgate writes itself.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const TOKENS = /\u001b\[(\d{1,2})m|\u001b\[K|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** `s` with every control character not written by podgate shown as `\xNN`. */
export function terminalSafe(s: string): string {
  if (!CONTROL.test(s)) return s;
  // Progress redraws its line: a carriage return that opens the write is podgate's.
  const lead = s.startsWith('\r') ? '\r' : '';
  const body = lead ? s.slice(1) : s;
  return (
    lead +
    body.replace(TOKENS, (m: string, sgr: string | undefined) => {
      if (sgr !== undefined ? OWN_SGR.has(sgr) : m === '\u001b[K') return m;
      return m.replace(CONTROL, hex);
    })
  );
}
