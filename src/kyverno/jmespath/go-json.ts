// json.Unmarshal(data, &interface{}) as Go 1.20 reports its errors. Kyverno's parse_json returns the error
// unwrapped (kyverno@v1.10.7:pkg/engine/jmespath/functions.go jpParseJson), so the texts are Go's:
// - a syntax error (encoding/json SyntaxError): `invalid character <c> <context>`, where <c> is the
//   offending byte quoted as strconv.Quote quotes the rune of the same number ('x', '\t', '\x01', 'Ã' for
//   the first byte of "é", '\'' and '"' as written here) and <context> says what the decoder was reading:
//   `looking for beginning of value`, `looking for beginning of object key string`, `after object key`,
//   `after object key:value pair`, `after array element`, `after top-level value`, `in string literal`,
//   `in string escape code`, `in \u hexadecimal character escape`, `in numeric literal`,
//   `after decimal point in numeric literal`, `in exponent of numeric literal`,
//   `in literal true (expecting 'r')` (and the other letters of true, false, null), `exceeded max depth`
//   (more than 10,000 nested arrays and objects);
// - the input ending: the decoder reads one space more, so an unfinished literal or number is reported
//   at that space (`invalid character ' ' in literal true (expecting 'e')`); anywhere else
//   `unexpected end of JSON input`;
// - a number beyond float64: `json: cannot unmarshal number <literal> into Go value of type float64`
//   (the first one in the document).
// A \u escape of an unpaired surrogate decodes to U+FFFD, as Go's decoder writes it.
// Built from encoding/json's documented texts and observable behaviour; the grammar is RFC 8259's.

/** A JSON text Go's decoder refuses, with Go's message. */
export class GoJsonError extends Error {}

const MAX_DEPTH = 10_000;
const SPACE = 0x20;

const isSpace = (c: number): boolean => c === SPACE || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x5c, '\\\\'],
]);

// strconv.IsPrint for U+0000..U+00FF: the printable ASCII range and Latin-1 from U+00A1, except the soft hyphen.
const isPrintLatin1 = (c: number): boolean => (c >= 0x20 && c < 0x7f) || (c >= 0xa1 && c !== 0xad);

/** The scanner's quoteChar: a byte shown as Go quotes the rune with that number. */
export function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const short = SHORT_ESCAPES.get(c);
  if (short !== undefined) return `'${short}'`;
  if (isPrintLatin1(c)) return `'${String.fromCharCode(c)}'`;
  const hex = c.toString(16);
  if (c < 0x20 || c === 0x7f) return `'\\x${hex.padStart(2, '0')}'`;
  return `'\\u${hex.padStart(4, '0')}'`;
}

// What an open container expects next: 'key' a key's colon (a key was just read), 'member' ',' or '}'
// (a member's value was just read), 'array' ',' or ']'.
type Open = 'key' | 'member' | 'array';

const LITERALS: ReadonlyMap<number, string> = new Map([
  [0x74, 'true'],
  [0x66, 'false'],
  [0x6e, 'null'],
]);

class Scanner {
  private pos = 0;
  private readonly open: Open[] = [];
  /** The first number literal beyond float64, for the decoder's error. */
  overflow: string | undefined;

  private readonly src: Buffer;

  constructor(src: Buffer) {
    this.src = src;
  }

  // The byte at the position; past the end the space Go's decoder feeds at the end of input.
  private peek(): number {
    return this.pos < this.src.length ? this.src[this.pos]! : SPACE;
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private fail(c: number, context: string): never {
    throw new GoJsonError(`invalid character ${quoteByte(c)} ${context}`);
  }

  private skipSpace(): void {
    while (!this.atEnd() && isSpace(this.src[this.pos]!)) this.pos++;
  }

  // Skips spaces; the input ending here (where a space would be accepted) is the generic error.
  private nextSignificant(): number {
    this.skipSpace();
    if (this.atEnd()) throw new GoJsonError('unexpected end of JSON input');
    return this.src[this.pos]!;
  }

  private push(kind: Open, c: number): void {
    this.open.push(kind);
    if (this.open.length > MAX_DEPTH) this.fail(c, 'exceeded max depth');
  }

  /** Checks the whole text; throws GoJsonError with the first problem Go's decoder reports. */
  run(): void {
    let expect: 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'end' = 'value';
    for (;;) {
      if (expect === 'end') {
        const top = this.open.at(-1);
        if (top === undefined) {
          this.skipSpace();
          if (this.atEnd()) return;
          this.fail(this.src[this.pos]!, 'after top-level value');
        }
        const c = this.nextSignificant();
        this.pos++;
        if (top === 'key') {
          if (c !== 0x3a) this.fail(c, 'after object key');
          this.open[this.open.length - 1] = 'member';
          expect = 'value';
        } else if (top === 'member') {
          if (c === 0x2c) {
            this.open[this.open.length - 1] = 'key';
            expect = 'key';
          } else if (c === 0x7d) this.open.pop();
          else this.fail(c, 'after object key:value pair');
        } else if (c === 0x2c) expect = 'value';
        else if (c === 0x5d) this.open.pop();
        else this.fail(c, 'after array element');
        continue;
      }
      const c = this.nextSignificant();
      if (expect === 'key' || expect === 'keyOrClose') {
        this.pos++;
        if (c === 0x7d && expect === 'keyOrClose') this.open.pop();
        else if (c === 0x22) this.string();
        else this.fail(c, 'looking for beginning of object key string');
        expect = 'end';
        continue;
      }
      if (c === 0x5d && expect === 'valueOrClose') {
        this.pos++;
        this.open.pop();
        expect = 'end';
        continue;
      }
      expect = this.value(c);
    }
  }

  // Reads a value starting with c; returns what comes next.
  private value(c: number): 'valueOrClose' | 'keyOrClose' | 'end' {
    this.pos++;
    if (c === 0x7b) {
      this.push('key', c);
      return 'keyOrClose';
    }
    if (c === 0x5b) {
      this.push('array', c);
      return 'valueOrClose';
    }
    if (c === 0x22) this.string();
    else if (c === 0x2d || isDigit(c)) this.number(c);
    else {
      const word = LITERALS.get(c);
      if (word === undefined) this.fail(c, 'looking for beginning of value');
      this.literal(word);
    }
    return 'end';
  }

  // After the opening quote.
  private string(): void {
    for (;;) {
      if (this.atEnd()) throw new GoJsonError('unexpected end of JSON input');
      const c = this.src[this.pos++]!;
      if (c === 0x22) return;
      if (c < 0x20) this.fail(c, 'in string literal');
      if (c !== 0x5c) continue;
      const e = this.peek();
      this.pos++;
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) {
          const h = this.peek();
          if (!isHex(h)) this.fail(h, 'in \\u hexadecimal character escape');
          this.pos++;
        }
      } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) this.fail(e, 'in string escape code');
    }
  }

  private digits(): void {
    while (isDigit(this.peek()) && !this.atEnd()) this.pos++;
  }

  // After the first byte (a minus or a digit); stops before the first byte that is not part of it.
  private number(first: number): void {
    const start = this.pos - 1;
    let lead = first;
    if (first === 0x2d) {
      lead = this.peek();
      if (!isDigit(lead)) this.fail(lead, 'in numeric literal');
      this.pos++;
    }
    if (lead !== 0x30) this.digits();
    if (this.peek() === 0x2e && !this.atEnd()) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail(this.peek(), 'after decimal point in numeric literal');
      this.digits();
    }
    const e = this.peek();
    if ((e === 0x65 || e === 0x45) && !this.atEnd()) {
      this.pos++;
      const s = this.peek();
      if ((s === 0x2b || s === 0x2d) && !this.atEnd()) this.pos++;
      if (!isDigit(this.peek())) this.fail(this.peek(), 'in exponent of numeric literal');
      this.digits();
    }
    if (this.overflow === undefined) {
      const text = this.src.toString('latin1', start, this.pos);
      if (!Number.isFinite(Number(text))) this.overflow = text;
    }
  }

  // After the first letter of true, false or null.
  private literal(word: string): void {
    for (let i = 1; i < word.length; i++) {
      const c = this.peek();
      if (c !== word.charCodeAt(i)) this.fail(c, `in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
  }
}

/** json.Unmarshal into an empty interface: the decoded value, or GoJsonError with Go's text. */
export function goJsonUnmarshal(text: string): unknown {
  const scanner = new Scanner(Buffer.from(text, 'utf8'));
  scanner.run();
  if (scanner.overflow !== undefined) throw new GoJsonError(`json: cannot unmarshal number ${scanner.overflow} into Go value of type float64`);
  const value: unknown = JSON.parse(text);
  // Go's decoder writes U+FFFD for a \u escape of an unpaired surrogate (and its strings never hold one).
  return text.includes('\\u') || LONE_SURROGATE.test(text) ? wellFormed(value) : value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(LONE_SURROGATES, '\uFFFD');
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, wellFormed(k) as string, { value: wellFormed(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
