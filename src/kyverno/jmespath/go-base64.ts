// base64.StdEncoding.DecodeString as Go 1.20 runs it, with its error: `illegal base64 data at input byte N`
// (CorruptInputError). Kyverno's base64_decode returns that error unwrapped.
// Behaviour followed (go1.20 src/encoding/base64/base64.go, Decode/decodeQuantum; StdEncoding is padded
// and not strict): the input is read in quanta of four alphabet bytes; '\r' and '\n' are skipped wherever
// they are and do not count towards a quantum. The offset N a failure names:
// - a byte that is neither in the alphabet, a line break nor '=': that byte;
// - the input ending inside a quantum of j counted bytes: the current position minus j (so a skipped line
//   break inside the quantum moves N forward);
// - '=' as the first or second byte of a quantum: that '=';
// - '=' as the third byte, then the input ending (after line breaks): the input length; then a byte other
//   than '=': the byte before it;
// - anything but line breaks after the padding: the first such byte.
// Non-zero trailing bits in a padded quantum are accepted (StdEncoding is not Strict).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;
const CR = 0x0d;
const LF = 0x0a;
const PAD = 0x3d;

/** Go's CorruptInputError text. */
export class GoBase64Error extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.offset = offset;
  }
}

const isLineBreak = (b: number | undefined): boolean => b === CR || b === LF;

// Well-formed input once line breaks are removed: Go decodes it as Buffer does.
const WELL_FORMED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the UTF-8 bytes of `text`; throws GoBase64Error where Go's StdEncoding would fail. */
export function goBase64Decode(text: string): Buffer {
  const joined = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, '') : text;
  if (WELL_FORMED.test(joined)) return Buffer.from(joined, 'base64');
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let pos = 0;
  const skipLineBreaks = (): void => {
    while (pos < src.length && isLineBreak(src[pos])) pos++;
  };
  while (pos < src.length) {
    const sextets: number[] = [];
    let padded = false;
    while (sextets.length < 4) {
      if (pos === src.length) {
        if (sextets.length === 0) return Buffer.from(out);
        throw new GoBase64Error(pos - sextets.length);
      }
      const b = src[pos++]!;
      const v = VALUE[b]!;
      if (v >= 0) {
        sextets.push(v);
        continue;
      }
      if (isLineBreak(b)) continue;
      if (b !== PAD || sextets.length < 2) throw new GoBase64Error(pos - 1);
      if (sextets.length === 2) {
        // A second '=' must follow, line breaks aside.
        skipLineBreaks();
        if (pos === src.length) throw new GoBase64Error(src.length);
        if (src[pos] !== PAD) throw new GoBase64Error(pos - 1);
        pos++;
      }
      skipLineBreaks();
      if (pos < src.length) throw new GoBase64Error(pos);
      padded = true;
      break;
    }
    const n = sextets.length;
    const bits = ((sextets[0] ?? 0) << 18) | ((sextets[1] ?? 0) << 12) | ((sextets[2] ?? 0) << 6) | (sextets[3] ?? 0);
    const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
    out.push(...bytes.slice(0, n - 1));
    if (padded) break;
  }
  return Buffer.from(out);
}
