// The fast path for big dumps (`kubectl get -A -o yaml` prints ONE `kind: List` document). The text is cut
// into documents and a List's `items` into one slice per item at the item indentation; each slice is
// parsed on its own with js-yaml (a schema equal to the YAML 1.2 core schema of `yaml`, which the full
// parser uses), so no syntax tree of the whole file is ever built and each item's line is known. Anything
// this path does not handle exactly — a syntax error, a duplicate key, a directive, aliases across items,
// unusual document markers — makes it return undefined, and the caller parses the file with `yaml` as
// before, so every error keeps its exact message, document and line. Values files never come here:
// their comments must survive, which only `yaml` does.
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';

/** One document of the text: its value, its first content line, and for a List each item's line. */
export interface BulkDocument {
  index: number;
  line: number;
  value: unknown;
  itemLines?: number[];
}

const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => s !== null && test.test(s), construct });

// The YAML 1.2 core schema exactly as `yaml` resolves plain scalars (js-yaml's own core schema also
// reads 0b101 as 5 and not +.5 as a number, which `yaml` does not).
const CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: string | null) => s === null || /^(?:~|[Nn]ull|NULL)?$/.test(s),
      construct: () => null,
    }),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    scalar('int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) => (s.startsWith('0o') ? Number.parseInt(s.slice(2), 8) : s.startsWith('0x') ? Number.parseInt(s.slice(2), 16) : Number.parseInt(s, 10))),
    scalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (s) =>
      /nan$/i.test(s) ? Number.NaN : /inf$/i.test(s) ? (s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : Number.parseFloat(s),
    ),
  ],
});

class NotBulk extends Error {}

// An alias (`*name`) where a node may start (after `: `, `- `, `? `, `[`, `{`, `,` or the indentation): such a
// slice is parsed with `yaml` instead, so its alias limit applies (quoted text like "a: *b" only costs time).
const MAYBE_ALIAS = /(?:^[ ]*|[:?-] |[[{,] ?)\*[^\s[\]{},]/m;

function load(slice: string): unknown {
  if (MAYBE_ALIAS.test(slice)) {
    const doc = parseDocument(slice, { uniqueKeys: true, prettyErrors: false, lineCounter: new LineCounter() });
    if (doc.errors.length > 0 || doc.warnings.length > 0) throw new NotBulk();
    try {
      return doc.toJS({ maxAliasCount: 100 });
    } catch {
      throw new NotBulk(); // an alias to another item, or past the limit: the full parser says which
    }
  }
  return jsyaml.load(slice, { schema: CORE });
}

const isBlankOrComment = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    return c === 0x23; // '#'
  }
  return true;
};

/** `---` or `...` alone (or before a comment) on a line. */
const marker = (text: string, at: number, end: number, ch: string): 'none' | 'bare' | 'content' => {
  if (!text.startsWith(ch.repeat(3), at)) return 'none';
  if (at + 3 === end) return 'bare';
  const c = text.charCodeAt(at + 3);
  if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return 'none';
  return isBlankOrComment(text, at + 3, end) ? 'bare' : 'content';
};

/**
 * Parses YAML text into documents (values and item lines) on the fast path, or returns undefined when the
 * text needs the full parser. Throws nothing.
 */
export function parseBulk(text: string, progress?: (items: number) => void): BulkDocument[] | undefined {
  try {
    return split(text, progress);
  } catch (err) {
    if (err instanceof NotBulk || err instanceof jsyaml.YAMLException || err instanceof RangeError) return undefined;
    throw err;
  }
}

function split(text: string, progress?: (items: number) => void): BulkDocument[] {
  // Line starts, computed once (a 200 MB dump has a few million lines).
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  if (starts[starts.length - 1] === text.length) starts.pop();
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const lineEnd = (l: number) => {
    const next = starts[l + 1];
    return next === undefined ? end : next - 1;
  };
  // Documents: [first line, end line) ranges; the first counts only when it holds content (as in `yaml`).
  const segments: { from: number; to: number; marked: boolean }[] = [];
  let from = 0;
  let marked = false;
  for (let l = 0; l < starts.length; l++) {
    const s = starts[l]!;
    const c = text.charCodeAt(s);
    if (c === 0x25 /* % */) throw new NotBulk();
    if (c === 0x2e /* . */ && marker(text, s, lineEnd(l), '.') !== 'none') throw new NotBulk();
    if (c !== 0x2d /* - */) continue;
    const m = marker(text, s, lineEnd(l), '-');
    if (m === 'none') continue;
    if (m === 'content') throw new NotBulk();
    segments.push({ from, to: l, marked });
    from = l + 1;
    marked = true;
  }
  segments.push({ from, to: starts.length, marked });
  const docs: BulkDocument[] = [];
  let index = 0;
  for (const seg of segments) {
    let first = seg.from;
    while (first < seg.to && isBlankOrComment(text, starts[first]!, lineEnd(first))) first++;
    if (!seg.marked && first === seg.to) continue; // comments before the first `---`: not a document
    const i = index++;
    if (first === seg.to) continue; // an empty document (e.g. a trailing `---`)
    docs.push(document(text, starts, lineEnd, i, first, seg.to, progress));
  }
  return docs;
}

function document(text: string, starts: readonly number[], lineEnd: (l: number) => number, index: number, first: number, to: number, progress?: (items: number) => void): BulkDocument {
  const at = (l: number) => (l < starts.length ? starts[l]! : text.length);
  const whole = (): BulkDocument => ({ index, line: first + 1, value: load(text.slice(at(first), at(to))) });
  // The top-level `items:` key with a block sequence under it.
  let itemsLine = -1;
  for (let l = first; l < to; l++) {
    const s = starts[l]!;
    if (text.startsWith('items:', s) && isBlankOrComment(text, s + 6, lineEnd(l))) {
      itemsLine = l;
      break;
    }
  }
  if (itemsLine < 0) return whole();
  let indent = -1;
  let seqEnd = to;
  const entries: number[] = [];
  for (let l = itemsLine + 1; l < to; l++) {
    const s = starts[l]!;
    const e = lineEnd(l);
    if (isBlankOrComment(text, s, e)) continue;
    let ind = 0;
    while (text.charCodeAt(s + ind) === 0x20) ind++;
    const dash = text.charCodeAt(s + ind) === 0x2d && (s + ind + 1 === e || text.charCodeAt(s + ind + 1) === 0x20);
    if (indent < 0) {
      if (!dash) break; // `items:` followed by something else: not a block sequence
      indent = ind;
    }
    if (ind > indent) continue;
    if (ind === indent && dash) {
      // An item's line is where its value starts: right after `- ` (a bare `-` is left to the full parser).
      if (isBlankOrComment(text, s + ind + 1, e)) throw new NotBulk();
      entries.push(l);
      continue;
    }
    seqEnd = l;
    break;
  }
  if (entries.length === 0) return whole();
  const headerText = `${text.slice(at(first), at(itemsLine))}items: []\n${text.slice(at(seqEnd), at(to))}`;
  const header = load(headerText);
  const kind = (header as { kind?: unknown } | null)?.kind;
  if (header === null || typeof header !== 'object' || Array.isArray(header) || typeof kind !== 'string' || !kind.endsWith('List')) return whole();
  const items: unknown[] = [];
  for (let k = 0; k < entries.length; k++) {
    const slice = text.slice(at(entries[k]!), at(k + 1 < entries.length ? entries[k + 1]! : seqEnd));
    const v = load(slice);
    if (!Array.isArray(v) || v.length !== 1) throw new NotBulk();
    items.push(v[0]);
    if (progress && k % 500 === 499) progress(k + 1);
  }
  (header as { items: unknown[] }).items = items;
  return { index, line: first + 1, value: header, itemLines: entries.map((l) => l + 1) };
}
