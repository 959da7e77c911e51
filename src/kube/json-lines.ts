// Source lines for JSON input. JSON.parse gives no positions, so errors and reports named line 1 for every
// object of a `kubectl get -o json` List. One scan over the text (strings skipped, nesting counted) finds
// where each element of a top-level array, or each element of a top-level object's `items` array,
// begins. Only called on text JSON.parse has accepted, so the scan need not validate anything.

/** Where the objects of a JSON text begin (1-based lines). */
export interface JsonLines {
  /** The top-level array's elements, when the text is an array. */
  elements?: number[];
  /** The elements of the top-level object's `items` array, when it has one. */
  items?: number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Lines where the elements of the top-level array (or of the top-level object's `items`) begin. */
export function jsonElementLines(text: string): JsonLines {
  let line = 1;
  let depth = 0;
  // The array whose elements are recorded: depth 1 for a top-level array, depth 2 for `items`.
  let topIsArray: boolean | undefined;
  let recordDepth = -1;
  let out: number[] | undefined;
  let expectElement = false;
  // Inside the top-level object: the last string read at depth 1 and whether it was a key.
  let lastKey: string | undefined;
  let keyStart = -1;
  let itemsLines: number[] | undefined;
  let elementLines: number[] | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      continue;
    }
    if (isSpace(c)) continue;
    if (expectElement && c !== CLOSE_BRACKET) {
      out?.push(line);
      expectElement = false;
    } else if (expectElement) {
      expectElement = false;
    }
    if (c === QUOTE) {
      const start = i + 1;
      i++;
      while (i < n) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i += 2;
        else if (s === QUOTE) break;
        else {
          // JSON strings hold no raw newline; counted anyway so a line is never off.
          if (s === NEWLINE) line++;
          i++;
        }
      }
      if (depth === 1 && topIsArray === false) {
        keyStart = start;
        const raw = text.slice(start, i);
        lastKey = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      }
      continue;
    }
    if (c === COLON) continue;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === 0) {
        topIsArray = c === OPEN_BRACKET;
        if (topIsArray) {
          elementLines = [];
          out = elementLines;
          recordDepth = 1;
          expectElement = true;
        }
      } else if (depth === 1 && topIsArray === false && c === OPEN_BRACKET && keyStart >= 0 && lastKey === 'items' && itemsLines === undefined) {
        itemsLines = [];
        out = itemsLines;
        recordDepth = 2;
        expectElement = true;
      }
      depth++;
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === recordDepth) {
        out = undefined;
        recordDepth = -1;
      }
      depth--;
      continue;
    }
    if (c === COMMA) {
      if (depth === recordDepth) expectElement = true;
      if (depth === 1) keyStart = -1;
    }
  }
  const result: JsonLines = {};
  if (elementLines) result.elements = elementLines;
  if (itemsLines) result.items = itemsLines;
  return result;
}
