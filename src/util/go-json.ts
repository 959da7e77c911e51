// Go's encoding/json Marshal of a decoded JSON value (Go 1.20, what Kyverno 1.10.7 is built with): map
// keys sorted in byte order, HTML-safe string escaping (`<`, `>`, `&` as \u003c, \u003e, \u0026),
// U+2028/U+2029 escaped, control characters other than \n, \r and \t as \u00xx (lowercase hex), and
// float64 numbers in %f form below 1e21 (exponent form, with e-07 cleaned to e-7, outside 1e-6..1e21).
// Kyverno prints values this way wherever a non-string value meets a string: a `{{ }}` variable inside a
// longer string (variables.substituteVarInPattern) and JMESPath's to_string.

const HEX = '0123456789abcdef';

function quote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate pair is one code point, copied as is; a lone surrogate is invalid UTF-8 in Go: U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out + s.slice(start)}"`;
}

/** Byte (UTF-8) order of two strings, as Go compares them. */
function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every other BMP character in UTF-8 byte order.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function number(n: number): string {
  // ECMAScript's shortest form switches to an exponent at the same bounds as Go (1e21, 1e-6) and writes
  // it as Go does once Go's "e-07" is cleaned to "e-7"; only negative zero differs.
  if (Object.is(n, -0)) return '-0';
  return Number.isFinite(n) ? String(n) : 'null';
}

/** json.Marshal of a decoded JSON value (an undefined value marshals as null, as a nil interface). */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return number(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort(compareBytes);
    return `{${keys.map((k) => `${quote(k)}:${goJsonMarshal(o[k])}`).join(',')}}`;
  }
  return 'null';
}
