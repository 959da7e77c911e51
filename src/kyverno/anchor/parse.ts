// Parses Kyverno anchor keys such as `(name)`, `=(volumes)` or `X(hostPath)` into a kind and key.
// Mirrors kyverno@v1.10.7:pkg/engine/anchor/anchor.go (Parse, the `^([+<=X^])?\((.+)\)$` syntax after
// trimming spaces), written as a hand parser so that no regex ever runs on policy text.

/** The anchor kinds, in Kyverno's vocabulary. */
export type AnchorKind = 'condition' | 'global' | 'negation' | 'addIfNotPresent' | 'equality' | 'existence';

/** A parsed anchor: its kind and the bare key it refers to. */
export interface Anchor {
  kind: AnchorKind;
  key: string;
}

const MODIFIERS: Readonly<Record<string, AnchorKind>> = {
  '<': 'global',
  X: 'negation',
  '+': 'addIfNotPresent',
  '=': 'equality',
  '^': 'existence',
};

const PREFIX: Readonly<Record<AnchorKind, string>> = {
  condition: '',
  global: '<',
  negation: 'X',
  addIfNotPresent: '+',
  equality: '=',
  existence: '^',
};

/** True for the characters Go's strings.TrimSpace removes (unicode.IsSpace). */
function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's strings.TrimSpace (differs from String.prototype.trim on U+0085 and U+FEFF). */
function trimGoSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

// Pattern keys repeat on every evaluation of a compiled policy: parse each text once. The cache is
// bounded (cleared when full) so that arbitrary resource keys cannot grow it without limit.
const MAX_CACHE = 4_096;
const cache = new Map<string, Anchor | null>();

/** Parses an anchor key; undefined when `key` is not an anchor. The result is shared and frozen. */
export function parseAnchor(key: string): Anchor | undefined {
  if (typeof key !== 'string') return undefined;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const a = parseAnchorText(key);
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(key, a ? Object.freeze(a) : null);
  return a;
}

function parseAnchorText(key: string): Anchor | undefined {
  const s = trimGoSpace(key);
  if (s.length < 3 || s[s.length - 1] !== ')') return undefined;
  let kind: AnchorKind;
  let open: number;
  const first = s[0] ?? '';
  const modifier = MODIFIERS[first];
  if (modifier !== undefined && s[1] === '(') {
    kind = modifier;
    open = 1;
  } else if (first === '(') {
    kind = 'condition';
    open = 0;
  } else {
    return undefined;
  }
  const inner = s.slice(open + 1, s.length - 1);
  // Go's `.` in `(.+)` matches any character except a newline.
  if (inner.length === 0 || inner.includes('\n')) return undefined;
  return { kind, key: inner };
}

/** Renders an anchor back to its key form, e.g. `=(volumes)`. */
export function anchorString(kind: AnchorKind, key: string): string {
  return `${PREFIX[kind]}(${key})`;
}
