// The `$(…)` reference shift autogen applies to a generated rule's validate.message.
// Mirrors kyverno@v1.10.7:pkg/engine/variables/vars.go FindAndShiftReferences (with regex RegexReferences
// `^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)`), as pkg/autogen/rule.go generateRule calls it: the references are
// found in the original message; in each, every occurrence of the pivot (`pattern`, `deny`, `podSecurity`,
// `anyPattern`; `pattern` for a foreach) gets `/<shift>` after it; the first occurrence of the match in the
// message as it stands is replaced. For `anyPattern` the first reference also fixes the pivot for all
// later ones: `anyPattern/<the path segment after it>` (whatever text sits 11 bytes past where
// `anyPattern` was found, or 10 bytes in when it was not), and a reference shorter than that makes Go
// panic (slice bounds out of range).
//
// Go strings are bytes: the character before `$(` is one rune, but only its first byte is dropped and
// written back as a rune (`string(oldReference[0])`), so a non-ASCII character there is mangled. We keep
// Go's bytes as a binary string (one char per byte) to do the same.

import { goBytes as utf8Bytes } from '../../kube/index.js';

/** A Go string as bytes: each char code (0–255) is one byte. */
export type GoBytes = string & { readonly goBytes: unique symbol };

/** A JS string as the UTF-8 bytes Go would hold after decoding the policy (kube's goBytes, branded). */
export function goBytes(s: string): GoBytes {
  return utf8Bytes(s) as GoBytes;
}

/** encoding/json's view of Go bytes when it marshals them: each byte of an invalid sequence is U+FFFD. */
export function goJsonString(b: GoBytes): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const w = validRuneWidth(b, i);
    if (w === 0) {
      out += '\uFFFD';
      i++;
    } else {
      out += Buffer.from(b.slice(i, i + w), 'latin1').toString('utf8');
      i += w;
    }
  }
  return out;
}

function byteAt(b: string, i: number): number {
  return i < b.length ? b.charCodeAt(i) : -1;
}

function isCont(c: number, lo = 0x80, hi = 0xbf): boolean {
  return c >= lo && c <= hi;
}

// The width of the valid UTF-8 sequence at i (utf8.DecodeRuneInString's acceptance ranges), 0 when invalid.
function validRuneWidth(b: string, i: number): number {
  const c0 = byteAt(b, i);
  if (c0 < 0x80) return 1;
  const c1 = byteAt(b, i + 1);
  const c2 = byteAt(b, i + 2);
  const c3 = byteAt(b, i + 3);
  if (c0 >= 0xc2 && c0 <= 0xdf) return isCont(c1) ? 2 : 0;
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    return isCont(c1, lo, hi) && isCont(c2) ? 3 : 0;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    return isCont(c1, lo, hi) && isCont(c2) && isCont(c3) ? 4 : 0;
  }
  return 0;
}

// A rune's width as Go's regexp steps: an invalid byte is one rune (U+FFFD) of width 1.
function runeWidth(b: string, i: number): number {
  return validRuneWidth(b, i) || 1;
}

// `.[^\ ]*\)` from k: one rune but a newline, then the longest run of non-spaces that ends in `)`.
function referenceTail(b: string, k: number): number {
  if (k >= b.length || b[k] === '\n') return -1;
  const j = k + runeWidth(b, k);
  const space = b.indexOf(' ', j);
  const end = space === -1 ? b.length : space;
  const close = end > j ? b.lastIndexOf(')', end - 1) : -1;
  return close >= j ? close + 1 : -1;
}

// The end of a RegexReferences match starting at rune position i, or -1: the first alternative only at
// the start of the text, the second with any rune but `\` before `$(`.
function matchAt(b: string, i: number): number {
  if (i === 0 && b.startsWith('$(')) {
    const end = referenceTail(b, 2);
    if (end !== -1) return end;
  }
  if (i >= b.length || b[i] === '\\') return -1;
  const k = i + runeWidth(b, i);
  return b.startsWith('$(', k) ? referenceTail(b, k + 2) : -1;
}

/** RegexReferences.FindAllString: the matches, leftmost first, not overlapping. */
export function findReferences(b: GoBytes): GoBytes[] {
  const out: GoBytes[] = [];
  let i = 0;
  while (i < b.length) {
    const end = matchAt(b, i);
    if (end === -1) {
      i += runeWidth(b, i);
      continue;
    }
    out.push(b.slice(i, end) as GoBytes);
    i = end;
  }
  return out;
}

/** `string(rune(byte))`: the byte as the code point U+00XX, UTF-8 encoded. */
function byteAsRune(c: number): string {
  return c < 0x80 ? String.fromCharCode(c) : String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
}

/** What FindAndShiftReferences leaves, and the panic that stopped it, if any. */
export interface ShiftResult {
  value: GoBytes;
  /** Go's runtime error and the reference that raised it, when a reference was too short. */
  panic?: { error: string; reference: GoBytes };
}

/** FindAndShiftReferences(value, shift, pivot) on Go bytes. */
export function findAndShiftReferences(value: GoBytes, shift: string, pivot: string): ShiftResult {
  let out: string = value;
  let p = pivot;
  for (const old of findReferences(value)) {
    const initial = old.startsWith('$(');
    const reference = initial ? old : old.slice(1);
    const index = reference.indexOf(p);
    if (p === 'anyPattern') {
      const from = index + p.length + 1;
      if (from > reference.length) {
        return { value: out as GoBytes, panic: { error: `runtime error: slice bounds out of range [${from}:${reference.length}]`, reference: reference as GoBytes } };
      }
      p = `${p}/${reference.slice(from).split('/')[0]}`;
    }
    const shifted = reference.split(p).join(`${p}/${shift}`);
    const replacement = (initial ? '' : byteAsRune(old.charCodeAt(0))) + shifted;
    const at = out.indexOf(old);
    if (at !== -1) out = out.slice(0, at) + replacement + out.slice(at + old.length);
  }
  return { value: out as GoBytes };
}
