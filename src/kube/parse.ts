// Parses YAML/JSON text into Kubernetes objects with source positions. Multi-document YAML,
// JSON, and `kind: List` / `*List` documents (what `kubectl get -o yaml` prints) are flattened.
// Problems are collected as InputErrors (file, document, line, field), never thrown.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { isObject } from '../util/index.js';
import type { KubeObject, LoadedObject } from './object.js';
import { parseBulk } from './parse-bulk.js';

/** A problem with the user's input, pointing at file, document, line and field. */
export interface InputError {
  code: 'YAML_SYNTAX' | 'NOT_AN_OBJECT' | 'MISSING_FIELD' | 'INVALID_FIELD' | 'READ_FAILED' | 'TOO_LARGE' | 'SYMLINK_LOOP';
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
}

/** The size from which YAML is parsed through the fast path by default. */
export const FAST_PARSE_MIN = 256 * 1024;

/** Parses text holding one or more YAML/JSON documents into Kubernetes objects. */
export function parseObjects(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const out: ParseResult = { objects: [], errors: [] };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(text);
      const docs = Array.isArray(v) ? v : [v];
      docs.forEach((d, i) => {
        addDocument(out, d, file, i, () => 1, opts);
      });
      return out;
    } catch {
      // fall through to YAML, which reports a located syntax error
    }
  }
  if (opts.fast ?? text.length >= FAST_PARSE_MIN) {
    const bulk = parseBulk(text, opts.progress);
    if (bulk) {
      for (const d of bulk) addDocument(out, d.value, file, d.index, (j) => (j === undefined ? d.line : (d.itemLines?.[j] ?? d.line)), opts);
      return out;
    }
  }
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  } catch (err) {
    out.errors.push({ code: 'YAML_SYNTAX', file, message: (err as Error).message });
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs];
  docs.forEach((doc, i) => {
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      out.errors.push({
        code: 'YAML_SYNTAX',
        file,
        document: i,
        line: lineOf(e.pos[0]),
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      });
      return;
    }
    const docLine = lineOf(doc.contents?.range?.[0] ?? doc.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Alias problems (unresolved, or an alias bomb) only surface when converting to JS.
      out.errors.push({ code: 'YAML_SYNTAX', file, document: i, line: docLine, message: `YAML error: ${(err as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // empty document (e.g. trailing ---)
    const itemLine = (j: number) => {
      const c = doc.contents;
      if (isMap(c)) {
        const items = c.get('items', true);
        if (isSeq(items)) return lineOf((items.items[j] as { range?: [number] } | undefined)?.range?.[0]);
      }
      return docLine;
    };
    addDocument(out, value, file, i, (j) => (j === undefined ? docLine : itemLine(j)), opts);
  });
  return out;
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
      else out.objects.push({ object: item as KubeObject, source: { file, document, line: lineOf(j), item: j } });
    });
    return;
  }
  const err = checkObject(value, opts, '');
  if (err) out.errors.push({ ...err, file, document, line });
  else out.objects.push({ object: value as KubeObject, source: { file, document, line } });
}

function checkObject(v: unknown, opts: ParseOptions, prefix: string): Omit<InputError, 'file'> | undefined {
  if (!isObject(v)) {
    return { code: 'NOT_AN_OBJECT', field: prefix.replace(/\.$/, ''), message: `not a Kubernetes object; found ${describe(v)}` };
  }
  for (const f of ['apiVersion', 'kind'] as const) {
    if (v[f] === undefined || v[f] === null || v[f] === '') {
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
