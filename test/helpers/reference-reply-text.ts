// The reply-text emitter before its column counting and scalar scans were optimised, kept as the oracle of
// reply-text.differential.test.ts (byte-for-byte equality, folding included). Not used by podgate itself:
// a semantic fix to src/webhook/reply-text.ts must be made here too, or the differential test fails.
// Kyverno 1.10's "blocked due to the following policies" admission message, including the exact
// gopkg.in/yaml.v2 (v2.4.0) rendering of its {policy: {rule: message}} map. Mirrors
// kyverno@v1.10.7:pkg/webhooks/utils/block.go (GetBlockedMessages) and go-yaml v2.4.0 encode.go (stringv),
// resolve.go, sorter.go and emitterc.go (analyze_scalar, select_scalar_style, write_*_scalar).

/** A policy → rule → message map, as a Map or a plain object. */
export type FailureMap = ReadonlyMap<string, ReadonlyMap<string, string>> | Readonly<Record<string, Readonly<Record<string, string>>>>;

type RuleMap = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Kyverno 1.10 "blocked due to the following policies" message; failures: policy → rule → message. */
export function formatBlockedMessage(resource: { kind: string; namespace?: string; name: string }, failures: FailureMap): string {
  const header = `\n\nresource ${resource.kind}/${resource.namespace ?? ''}/${resource.name} was blocked due to the following policies \n\n`;
  return header + yamlV2Map(failures);
}

/** gopkg.in/yaml.v2 (v2.4.0) rendering of a sorted two-level string map, with its quoting and 80-column folding. */
export function yamlV2Map(m: FailureMap): string {
  const e = new Emitter();
  const outer = entries<RuleMap>(m);
  if (outer.length === 0) return '{}\n';
  for (const [policy, rules] of outer) {
    e.writeKey(policy, 0);
    const inner = entries<string>(rules);
    if (inner.length === 0) {
      e.writeIndicator('{}', true, false, false);
      continue;
    }
    for (const [rule, message] of inner) {
      e.writeKey(rule, 2);
      e.writeValue(message, 4);
    }
  }
  return e.finish();
}

function entries<V>(m: ReadonlyMap<string, V> | Readonly<Record<string, V>>): [string, V][] {
  const list: [string, V][] = m instanceof Map ? [...m.entries()] : Object.entries(m as Record<string, V>);
  return list.sort((a, b) => (keyLess(a[0], b[0]) ? -1 : keyLess(b[0], a[0]) ? 1 : 0));
}

const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);
const isDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);

// yaml.v2 sorter.go keyList.Less: letters sort after non-letters, and digit runs compare as numbers.
function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ---- scalar analysis (emitterc.go yaml_emitter_analyze_scalar) ----

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreak = (c: string | undefined): boolean => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlankz = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || isBreak(c);
function isPrintable(c: string): boolean {
  const p = c.codePointAt(0)!;
  return p === 0x0a || (p >= 0x20 && p <= 0x7e) || (p >= 0xa0 && p <= 0xd7ff) || (p >= 0xe000 && p <= 0xfffd && p !== 0xfeff);
}

function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cs = [...value];
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  let followedByWs = isBlankz(cs[1]);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const first = i === 0;
    const last = i === cs.length - 1;
    if (first) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      if ((c === '?' || c === ':' || c === '-') && followedByWs) blockIndicators = true;
    } else {
      if (c === ':' && followedByWs) blockIndicators = true;
      if (c === '#' && precededByWs) blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === ' ') {
      if (first) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      if (first) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankz(c);
    followedByWs = isBlankz(cs[i + 2]);
  }
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = single = false;
  if (spaceBreak || special) blockPlain = single = block = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlainAllowed: blockPlain, singleQuotedAllowed: single, blockAllowed: block };
}

// ---- implicit typing (resolve.go): a plain scalar that would read back as non-string gets quoted ----

const RESOLVE_MAP = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF'.split(' '),
);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

function resolvesToString(s: string): boolean {
  if (s === '') return false;
  const c = s[0]!;
  if ('yYnNtTfFoO~'.includes(c)) return !RESOLVE_MAP.has(s);
  if (c === '.') return !RESOLVE_MAP.has(s) && !(YAML_FLOAT.test(s) && Number.isFinite(Number(s)));
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (RESOLVE_MAP.has(s) || TIMESTAMP.test(s)) return false;
    const plain = s.replaceAll('_', '');
    if (GO_INT.test(plain) || YAML_FLOAT.test(plain) || /^-?0b[01]+$/.test(plain)) return false;
  }
  return true;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function chooseStyle(value: string, simpleKey: boolean): [Style, Analysis] {
  const a = analyze(value);
  // encode.go stringv: "\n" → literal; otherwise plain unless it would resolve to another type.
  let style: Style = value.includes('\n') ? 'literal' : resolvesToString(value) && !BASE60.test(value) ? 'plain' : 'double';
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain' && (!a.blockPlainAllowed || (value === '' && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return [style, a];
}

// ---- the emitter: column tracking, indentation and folding (emitterc.go) ----

const BEST_WIDTH = 80;
const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  indent = 0;
  whitespace = true;
  indention = true;

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  writeIndent(): void {
    if (!this.indention || this.column > this.indent || (this.column === this.indent && !this.whitespace)) this.putBreak();
    while (this.column < this.indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  writeKey(key: string, indent: number): void {
    this.indent = indent;
    this.writeIndent();
    this.scalar(key, true);
    this.writeIndicator(':', false, false, false);
  }

  writeValue(value: string, indent: number): void {
    this.indent = indent;
    this.scalar(value, false);
  }

  scalar(value: string, simpleKey: boolean): void {
    const [style] = chooseStyle(value, simpleKey);
    const allowBreaks = !simpleKey;
    if (style === 'plain') this.plain(value, allowBreaks);
    else if (style === 'single') this.singleQuoted(value, allowBreaks);
    else if (style === 'double') this.doubleQuoted(value, allowBreaks);
    else this.literal(value);
  }

  plain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cs = [...value];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cs[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cs = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cs.length - 1 && cs[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        // write_break: "\n" is a line break; U+2028/U+2029 are copied and start a new line.
        if (c === '\n') {
          if (!breaks) this.putBreak();
          this.putBreak();
        } else {
          this.out += c;
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        breaks = false;
        this.put(c === "'" ? "''" : c);
        this.indention = false;
        spaces = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  doubleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cs = [...value];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (!isPrintable(c) || c === '\ufeff' || isBreak(c) || c === '"' || c === '\\') {
        this.put(`\\${DOUBLE_ESCAPES[c] ?? hexEscape(c.codePointAt(0)!)}`);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cs.length - 1) {
          this.writeIndent();
          if (cs[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cs = [...value];
    if (cs[0] === ' ' || isBreak(cs[0])) this.writeIndicator('2', false, false, false);
    const lastIdx = cs.length - 1;
    let chomp = '';
    if (!isBreak(cs[lastIdx])) chomp = '-';
    else if (lastIdx === 0 || isBreak(cs[lastIdx - 1])) chomp = '+';
    // Writing the chomping indicator clears open_ended again, so "|+" never adds a "..." line here.
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cs) {
      if (isBreak(c)) {
        if (c === '\n') this.putBreak();
        else {
          this.out += c;
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          breaks = false;
        }
        this.put(c);
        this.indention = false;
      }
    }
  }

  finish(): string {
    // Document end: yaml_emitter_write_indent terminates the last line.
    this.indent = 0;
    this.writeIndent();
    return this.out;
  }
}

function hexEscape(p: number): string {
  const [letter, width] = p <= 0xff ? ['x', 2] : p <= 0xffff ? ['u', 4] : ['U', 8];
  return letter + p.toString(16).toUpperCase().padStart(width, '0');
}
