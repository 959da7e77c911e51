// Parses YAML/JSON text into Kubernetes objects with source positions. Multi-document YAML,
// JSON, and `kind: List` / `*List` documents (what `kubectl get -o yaml` prints) are flattened.
// Problems are collected as InputErrors (file, document, line, field), never thrown.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { checkDepth, checkObjectTypes, jsonDuplicateKey, MAX_DEPTH, normaliseObject } from './input-checks.js';
import { isObject } from '../util/index.js';
import type { KubeObject, LoadedObject } from './object.js';
import { parseBulk } from './parse-bulk.js';
import { jsonElementLines } from './json-lines.js';

/** A problem with the user's input, pointing at file, document, line and field. */
export interface InputError {
  code: 'YAML_SYNTAX' | 'NOT_AN_OBJECT' | 'MISSING_FIELD' | 'INVALID_FIELD' | 'READ_FAILED' | 'TOO_LARGE' | 'SYMLINK_LOOP' | 'DUPLICATE_KEY' | 'TOO_DEEP' | 'EMPTY' | 'ENCODING';
  file: string;
  /** 0-based document index, when known. */
  document?: number;
  /** 1-based line, when known. */
  line?: number;
  /** Field path inside the document, e.g. `metadata.name` or `items[3].kind`. */
  field?: string;
  message: string;
}

/** Renders an input error as `file:line: document N: field: message`. */
export function formatInputError(e: InputError): string {
  if (e.code === 'EMPTY') return e.message;
  const where = [e.line !== undefined ? `${e.file}:${e.line}` : e.file];
  if (e.document !== undefined) where.push(`document ${e.document + 1}`);
  if (e.field) where.push(e.field);
  return `${where.join(': ')}: ${e.message}`;
}

/** Result of parsing: everything readable plus every problem found. */
export interface ParseResult {
  objects: LoadedObject[];
  errors: InputError[];
}

/** Options for parseObjects. */
export interface ParseOptions {
  /** Require metadata.name (or generateName). Default true. */
  requireName?: boolean;
  /**
   * Parse YAML through the fast path for dumps (parse-bulk.ts; any problem falls back to the full parser,
   * so errors are unchanged). Default: for texts of FAST_PARSE_MIN bytes and more.
   */
  fast?: boolean;
  /** Called now and then with the number of objects read so far from this text (progress on a terminal). */
  progress?: (objects: number) => void;
  /** Check the types of the fields podgate reads (labels, pod specs). Default true. */
  checkTypes?: boolean;
  /** A pod (or pod template) without a spec is an error, as the API server refuses it. Default false. */
  requirePodSpec?: boolean;
  /** Drop null-valued keys as the API server's decoding does (Kyverno policies keep theirs). Default true. */
  dropNulls?: boolean;
}

/** The size from which YAML is parsed through the fast path by default. */
export const FAST_PARSE_MIN = 256 * 1024;

/** Source lines of fields inside parsed objects, for errors that name a field deep in a document. */
const positions = new WeakMap<object, (segments: readonly (string | number)[]) => number | undefined>();

/** The 1-based line of the field at `segments` inside an object parsed from YAML, when known. */
export function lineAt(obj: object, segments: readonly (string | number)[]): number | undefined {
  return positions.get(obj)?.(segments);
}

const tooDeep = (file: string, document?: number): InputError => ({
  code: 'TOO_DEEP',
  file,
  ...(document !== undefined ? { document } : {}),
  message: `nesting deeper than ${MAX_DEPTH} levels: not a Kubernetes object (podgate's limit)`,
});

const isStackOverflow = (err: unknown) => err instanceof RangeError && /call stack/i.test(err.message);

/** Parses text holding one or more YAML/JSON documents into Kubernetes objects. */
export function parseObjects(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const out: ParseResult = { objects: [], errors: [] };
  try {
    parseInto(out, text, file, opts);
  } catch (err) {
    // The YAML parser and the walks below recurse; input nested past the stack is refused, not a crash.
    if (!isStackOverflow(err)) throw err;
    out.objects = [];
    out.errors.push(tooDeep(file));
  }
  return out;
}

function parseInto(out: ParseResult, text: string, file: string, opts: ParseOptions): void {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let v: unknown;
    let ok = false;
    try {
      v = JSON.parse(text);
      ok = true;
    } catch {
      // fall through to YAML, which reports a located syntax error
    }
    if (ok) {
      if (!checkDepth(v)) {
        out.errors.push(tooDeep(file, 0));
        return;
      }
      const dup = jsonDuplicateKey(text);
      if (dup) {
        const line = text.slice(0, dup.offset).split('\n').length;
        out.errors.push({ code: 'DUPLICATE_KEY', file, document: 0, line, field: dup.path, message: `duplicate key ${JSON.stringify(dup.key)}` });
        return;
      }
      // The line of each document (a top-level array's elements) and of each List item.
      const lines = jsonElementLines(text);
      const docs = Array.isArray(v) ? v : [v];
      docs.forEach((d, i) => {
        const docLine = lines.elements?.[i] ?? 1;
        const items = !Array.isArray(v) ? lines.items : undefined;
        addDocument(out, d, file, i, (j) => (j === undefined ? docLine : (items?.[j] ?? docLine)), opts);
      });
      return;
    }
  }
  if (opts.fast ?? text.length >= FAST_PARSE_MIN) {
    const bulk = parseBulk(text, opts.progress);
    if (bulk) {
      for (const d of bulk) {
        if (!checkDepth(d.value)) {
          out.errors.push({ ...tooDeep(file, d.index), line: d.line });
          continue;
        }
        addDocument(out, d.value, file, d.index, (j) => (j === undefined ? d.line : (d.itemLines?.[j] ?? d.line)), opts);
      }
      return;
    }
  }
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    if (isStackOverflow(err)) throw err;
    out.errors.push({ code: 'YAML_SYNTAX', file, message: (err as Error).message });
    return;
  }
  if (!Array.isArray(docs)) docs = [docs];
  docs.forEach((doc, i) => {
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      if (/call stack/i.test(e.message)) {
        out.errors.push({ ...tooDeep(file, i), line: lineOf(e.pos[0]) });
        return;
      }
      const dup = e.code === 'DUPLICATE_KEY';
      out.errors.push({
        code: dup ? 'DUPLICATE_KEY' : 'YAML_SYNTAX',
        file,
        document: i,
        line: lineOf(e.pos[0]),
        message: dup ? `duplicate key: ${e.message.split('\n')[0]}` : `YAML syntax error: ${e.message.split('\n')[0]}`,
      });
      return;
    }
    const docLine = lineOf(doc.contents?.range?.[0] ?? doc.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      if (isStackOverflow(err)) throw err;
      // Alias problems (unresolved, or an alias bomb) only surface when converting to JS.
      out.errors.push({ code: 'YAML_SYNTAX', file, document: i, line: docLine, message: `YAML error: ${(err as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // empty document (e.g. trailing ---)
    if (!checkDepth(value)) {
      out.errors.push({ ...tooDeep(file, i), line: docLine });
      return;
    }
    const itemLine = (j: number) => {
      const c = doc.contents;
      if (isMap(c)) {
        const items = c.get('items', true);
        if (isSeq(items)) return lineOf((items.items[j] as { range?: [number] } | undefined)?.range?.[0]);
      }
      return docLine;
    };
    const fieldLine = (prefix: readonly (string | number)[]) => (segments: readonly (string | number)[]): number | undefined => {
      const node = doc.getIn([...prefix, ...segments], true) as { range?: [number] } | undefined;
      if (node?.range) return lineOf(node.range[0]);
      // An unknown key's value may be missing (`key:`): fall back to the parent's line.
      return segments.length > 0 ? fieldLine(prefix)(segments.slice(0, -1)) : undefined;
    };
    const before = out.objects.length;
    addDocument(out, value, file, i, (j) => (j === undefined ? docLine : itemLine(j)), opts);
    for (const lo of out.objects.slice(before)) positions.set(lo.object, fieldLine(lo.source.item !== undefined ? ['items', lo.source.item] : []));
  });
}

function addDocument(
  out: ParseResult,
  value: unknown,
  file: string,
  document: number,
  lineOf: (item?: number) => number,
  opts: ParseOptions,
): void {
  if (value === null || value === undefined) return;
  const line = lineOf();
  if (!isObject(value)) {
    out.errors.push({
      code: 'NOT_AN_OBJECT',
      file,
      document,
      line,
      message: `document is not a Kubernetes object (a mapping with apiVersion, kind and metadata); found ${describe(value)}`,
    });
    return;
  }
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, j) => {
      const err = checkObject(item, opts, `items[${j}].`);
      if (err) out.errors.push({ ...err, file, document, line: lineOf(j) });
      else if (!typesOk(out, opts.dropNulls === false ? (item as KubeObject) : normaliseObject(item as KubeObject), opts, file, document, lineOf(j), `items[${j}].`)) return;
      else out.objects.push({ object: item as KubeObject, source: { file, document, line: lineOf(j), item: j } });
    });
    return;
  }
  const err = checkObject(value, opts, '');
  if (err) out.errors.push({ ...err, file, document, line });
  else if (typesOk(out, opts.dropNulls === false ? (value as KubeObject) : normaliseObject(value as KubeObject), opts, file, document, line, '')) out.objects.push({ object: value as KubeObject, source: { file, document, line } });
}

function typesOk(out: ParseResult, o: KubeObject, opts: ParseOptions, file: string, document: number, line: number, prefix: string): boolean {
  if (opts.checkTypes === false) return true;
  const problems = checkObjectTypes(o, { requirePodSpec: opts.requirePodSpec === true });
  for (const p of problems) out.errors.push({ code: 'INVALID_FIELD', file, document, line, field: `${prefix}${p.field}`, message: p.message });
  return problems.length === 0;
}

function checkObject(v: unknown, opts: ParseOptions, prefix: string): Omit<InputError, 'file'> | undefined {
  if (!isObject(v)) {
    return { code: 'NOT_AN_OBJECT', field: prefix.replace(/\.$/, ''), message: `not a Kubernetes object; found ${describe(v)}` };
  }
  for (const f of ['apiVersion', 'kind'] as const) {
    if (v[f] === undefined || v[f] === null || v[f] === '') {
      // kubectl prints a List's kind after its items: one cut inside its items has none.
      if (f === 'kind' && prefix === '' && Array.isArray(v.items)) {
        return { code: 'MISSING_FIELD', field: 'kind', message: 'missing required field "kind" in a document with items: kubectl prints a List\'s "kind: List" after its items, so the file looks cut inside them (a full disk, an interrupted copy); dump it again' };
      }
      return { code: 'MISSING_FIELD', field: `${prefix}${f}`, message: `missing required field "${f}"` };
    }
    if (typeof v[f] !== 'string') {
      return { code: 'INVALID_FIELD', field: `${prefix}${f}`, message: `"${f}" must be a string, found ${describe(v[f])}` };
    }
  }
  const md = v.metadata;
  if (md === undefined || md === null) {
    if (opts.requireName === false) {
      v.metadata = {};
      return undefined;
    }
    return { code: 'MISSING_FIELD', field: `${prefix}metadata`, message: 'missing required field "metadata"' };
  }
  if (!isObject(md)) {
    return { code: 'INVALID_FIELD', field: `${prefix}metadata`, message: `"metadata" must be a mapping, found ${describe(md)}` };
  }
  if (opts.requireName !== false && (typeof md.name !== 'string' || md.name === '') && typeof md.generateName !== 'string') {
    return { code: 'MISSING_FIELD', field: `${prefix}metadata.name`, message: 'missing required field "metadata.name"' };
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `a ${typeof v}`;
}
