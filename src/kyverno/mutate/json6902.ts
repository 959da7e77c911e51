// Applies `patchesJson6902` (YAML or JSON text) with the options Kyverno 1.10 passes to evanphx/json-patch:
// negative array indices, remove of a missing path is a no-op, add creates missing parents. Mirrors
// kyverno@v1.10.7:pkg/engine/mutate/patch/patchJSON6902.go (applyPatchesWithOptions, ConvertPatchesToJSON)
// and evanphx/json-patch v5 (ensurePathExists, add/remove/replace/move/copy/test).
// The operations are applied here rather than by fast-json-patch: Go treats `__proto__`, `constructor` and
// `prototype` as ordinary keys (a path built from request data may hold them), while fast-json-patch either
// refuses them or, unbanned, walks JavaScript's prototype chain. Every read and write below is own-property.
import { parse } from 'yaml';
import { deepEqual, getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import { cloneJson } from './clone.js';

/** A JSON6902 outcome: the patched document, or why the patch could not be decoded or applied. */
export type Json6902Outcome = { ok: true; value: JsonValue } | { ok: false; error: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Decodes the patch text (a JSON array, or YAML) into operations. */
function decodeJson6902(text: string): { ok: true; ops: JsonObject[] } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { ok: false, error: `failed to convert patchesJSON6902 to JSON: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!Array.isArray(doc)) return { ok: false, error: 'failed to decode patches: json: cannot unmarshal object into Go value of type jsonpatch.Patch' };
  const ops: JsonObject[] = [];
  for (const op of doc) {
    if (!isObject(op)) return { ok: false, error: 'failed to decode patches: json: cannot unmarshal into Go value of type jsonpatch.Operation' };
    ops.push(op);
  }
  return { ok: true, ops };
}

function splitPointer(path: string): string[] {
  if (path === '') return [];
  const parts = path.slice(1).split('/');
  if (!path.includes('~')) return parts;
  for (let i = 0; i < parts.length; i++) parts[i] = (parts[i] as string).replaceAll('~1', '/').replaceAll('~0', '~');
  return parts;
}

function joinPointer(parts: readonly string[]): string {
  return parts.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

const INT = /^-?\d+$/;

/** Resolves negative indices along a path (the last one as for `add` when `forAdd`), against doc. */
function resolvePath(doc: JsonValue, parts: readonly string[], forAdd: boolean): readonly string[] {
  // Only a part starting with `-` can be a negative index: without one, the path resolves to itself.
  if (!parts.some((part) => part.startsWith('-'))) return parts;
  const out: string[] = [];
  let cur: JsonValue | undefined = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    let p = part;
    if (Array.isArray(cur) && INT.test(part) && Number(part) < 0) {
      const last = i === parts.length - 1;
      const n = Number(part) + cur.length + (last && forAdd ? 1 : 0);
      p = String(n);
    }
    out.push(p);
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? getOwn(cur, p) : undefined;
  }
  return out;
}

/** Creates the missing parents of an `add` path (EnsurePathExistsOnAdd): arrays before numeric parts. */
function ensurePathExists(doc: JsonValue, parts: readonly string[]): string | undefined {
  let cur: JsonValue = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1] ?? '';
    const existing: JsonValue | undefined = Array.isArray(cur) ? (INT.test(part) ? cur[Number(part)] : undefined) : isObject(cur) ? getOwn(cur, part) : undefined;
    if (existing !== undefined && existing !== null) {
      cur = existing;
      continue;
    }
    if (!isObject(cur) && !Array.isArray(cur)) return `unable to ensure path for add at ${joinPointer(parts)}`;
    if (Array.isArray(cur) && INT.test(part)) {
      // Pad a short array with nulls up to the index.
      for (let j = cur.length; j < Number(part); j++) cur.push(null);
    }
    let created: JsonValue;
    if (INT.test(next) || next === '-') {
      const idx = next === '-' ? 0 : Math.max(Number(next), 0);
      created = Array.from({ length: idx }, () => null);
    } else created = {};
    if (Array.isArray(cur)) {
      if (part === '-') cur.push(created);
      else if (INT.test(part)) {
        const n = Number(part);
        const at = n < 0 ? n + cur.length + 1 : n;
        if (at < 0 || at > cur.length) return `unable to ensure path for add at ${joinPointer(parts)}`;
        cur.splice(at, 0, created);
      } else return `unable to ensure path for add at ${joinPointer(parts)}`;
    } else setOwn(cur, part, created);
    cur = created;
  }
  return undefined;
}

function exists(doc: JsonValue, parts: readonly string[]): boolean {
  let cur: JsonValue | undefined = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      if (!INT.test(p) || Number(p) < 0 || Number(p) >= cur.length) return false;
      cur = cur[Number(p)];
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, p)) return false;
      cur = cur[p];
    } else return false;
  }
  return true;
}

type Located = { ok: true; parent: JsonValue[] | JsonObject; key: string } | { ok: false; error: string };

/** The container of the last path part (which must exist), for an operation named `op`. */
function locate(doc: JsonValue, parts: readonly string[], op: string, path: string): Located {
  let cur: JsonValue | undefined = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    if (Array.isArray(cur)) cur = INT.test(p) ? cur[Number(p)] : undefined;
    else if (isObject(cur)) cur = getOwn(cur, p);
    else cur = undefined;
    if (cur === undefined) return { ok: false, error: `${op} operation does not apply: doc is missing path: ${path}: missing value` };
  }
  if (!Array.isArray(cur) && !isObject(cur)) return { ok: false, error: `${op} operation does not apply: doc is missing path: ${path}: missing value` };
  return { ok: true, parent: cur, key: parts[parts.length - 1] as string };
}

/** An index into arr for a get/replace/remove (must exist), or undefined. */
function existingIndex(arr: readonly JsonValue[], key: string): number | undefined {
  if (!INT.test(key)) return undefined;
  const n = Number(key);
  return n >= 0 && n < arr.length ? n : undefined;
}

/** The value at a resolved path, or undefined when missing. */
function getAt(doc: JsonValue, parts: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      const n = existingIndex(cur, p);
      cur = n === undefined ? undefined : cur[n];
    } else if (isObject(cur)) cur = getOwn(cur, p);
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

type Step = { ok: true; doc: JsonValue } | { ok: false; error: string };

function addAt(doc: JsonValue, parts: readonly string[], value: JsonValue, op: string, path: string): Step {
  if (parts.length === 0) return { ok: true, doc: value };
  const at = locate(doc, parts, op, path);
  if (!at.ok) return at;
  const { parent, key } = at;
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value);
    else {
      const n = INT.test(key) ? Number(key) : Number.NaN;
      if (!(n >= 0 && n <= parent.length)) return { ok: false, error: `${op} operation does not apply: ${path}: index out of bounds: ${key}` };
      parent.splice(n, 0, value);
    }
  } else setOwn(parent, key, value);
  return { ok: true, doc };
}

function removeAt(doc: JsonValue, parts: readonly string[], op: string, path: string): Step {
  if (parts.length === 0) return { ok: true, doc: null };
  const at = locate(doc, parts, op, path);
  if (!at.ok) return at;
  const { parent, key } = at;
  if (Array.isArray(parent)) {
    const n = existingIndex(parent, key);
    if (n === undefined) return { ok: false, error: `${op} operation does not apply: ${path}: index out of bounds: ${key}` };
    parent.splice(n, 1);
  } else {
    if (!Object.hasOwn(parent, key)) return { ok: false, error: `${op} operation does not apply: doc is missing key: ${path}: missing value` };
    delete parent[key];
  }
  return { ok: true, doc };
}

function replaceAt(doc: JsonValue, parts: readonly string[], value: JsonValue, path: string): Step {
  if (parts.length === 0) return { ok: true, doc: value };
  const at = locate(doc, parts, 'replace', path);
  if (!at.ok) return at;
  const { parent, key } = at;
  if (Array.isArray(parent)) {
    const n = existingIndex(parent, key);
    if (n === undefined) return { ok: false, error: `replace operation does not apply: ${path}: index out of bounds: ${key}` };
    parent[n] = value;
  } else {
    if (!Object.hasOwn(parent, key)) return { ok: false, error: `replace operation does not apply: doc is missing key: ${path}: missing value` };
    setOwn(parent, key, value);
  }
  return { ok: true, doc };
}

// Copy on write: the document is never changed; an operation first copies (shallowly) every container on
// its path that this application has not copied yet, so a patch costs its paths, not a deep copy of the
// whole resource (pods carry managedFields). Unchanged subtrees are shared with the input, which nobody
// changes in place (docs/architecture.md).
function ownNode<T extends JsonValue>(v: T, owned: WeakSet<object>): T {
  if (typeof v !== 'object' || v === null || owned.has(v)) return v;
  let copy: JsonValue;
  if (Array.isArray(v)) copy = v.slice();
  else if (!Object.hasOwn(v, '__proto__')) copy = Object.assign({}, v);
  else {
    // Object.assign would set the copy's prototype from an own `__proto__` key: copy key by key.
    const o: JsonObject = {};
    for (const k of Object.keys(v)) setOwn(o, k, (v as JsonObject)[k] as JsonValue);
    copy = o;
  }
  owned.add(copy as object);
  return copy as T;
}

/** The document with every existing container along parts (but the last part's value) owned by this application. */
function ownPath(root: JsonValue, parts: readonly string[], owned: WeakSet<object>): JsonValue {
  const out = ownNode(root, owned);
  let cur: JsonValue = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    let child: JsonValue | undefined;
    if (Array.isArray(cur)) {
      const n = existingIndex(cur, key);
      if (n === undefined) break;
      child = cur[n];
      if (typeof child !== 'object' || child === null) break;
      child = ownNode(child, owned);
      cur[n] = child;
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, key)) break;
      child = cur[key];
      if (typeof child !== 'object' || child === null) break;
      child = ownNode(child, owned);
      setOwn(cur, key, child);
    } else break;
    cur = child;
  }
  return out;
}

/** Applies decoded operations to a copy of doc with Kyverno's options. */
export function applyJson6902Ops(doc: JsonValue, ops: readonly JsonObject[]): Json6902Outcome {
  const owned = new WeakSet<object>();
  let work: JsonValue = doc;
  for (const raw of ops) {
    const op = getOwn(raw, 'op');
    if (typeof op !== 'string' || !OPS.has(op)) return { ok: false, error: `Unexpected kind: ${typeof op === 'string' ? op : 'unknown'}` };
    const path = getOwn(raw, 'path');
    if (typeof path !== 'string') return { ok: false, error: `${op} operation missing path` };
    if (path !== '' && !path.startsWith('/')) return { ok: false, error: `${op} operation does not apply: invalid JSON pointer: ${path}` };
    const parts = splitPointer(path);
    const value = getOwn(raw, 'value');
    if ((op === 'add' || op === 'replace' || op === 'test') && value === undefined) return { ok: false, error: `${op} operation missing value` };
    if (op !== 'test') {
      work = ownPath(work, resolvePath(work, parts, false), owned);
      const fromText = getOwn(raw, 'from');
      if (op === 'move' && typeof fromText === 'string') work = ownPath(work, resolvePath(work, splitPointer(fromText), false), owned);
    }
    if (op === 'add') {
      const err = ensurePathExists(work, resolvePath(work, parts, true));
      if (err) return { ok: false, error: err };
    }
    const resolved = resolvePath(work, parts, op === 'add');
    let step: Step;
    switch (op) {
      case 'add':
        step = addAt(work, resolved, cloneJson(value as JsonValue), op, path);
        break;
      case 'remove':
        if (!exists(work, resolved)) continue;
        step = removeAt(work, resolved, op, path);
        break;
      case 'replace':
        step = replaceAt(work, resolved, cloneJson(value as JsonValue), path);
        break;
      case 'test': {
        const got = getAt(work, resolved);
        if (got === undefined ? value !== null : !deepEqual(got, value)) return { ok: false, error: `testing value ${path} failed: test failed` };
        continue;
      }
      default: {
        // move and copy read `from` first; a move into its own child is refused as evanphx does.
        const fromText = getOwn(raw, 'from');
        if (typeof fromText !== 'string') return { ok: false, error: `${op} operation missing from` };
        const from = resolvePath(work, splitPointer(fromText), false);
        const got = getAt(work, from);
        if (got === undefined) return { ok: false, error: `${op} operation does not apply: doc is missing from path: ${fromText}: missing value` };
        if (op === 'move') {
          const fromPointer = joinPointer(from);
          const toPointer = joinPointer(resolved);
          if (toPointer.startsWith(`${fromPointer}/`)) return { ok: false, error: `move operation does not apply: cannot move ${fromText} into its own child ${path}` };
          const removed = removeAt(work, from, op, fromText);
          if (!removed.ok) return removed;
          work = removed.doc;
          step = addAt(work, resolvePath(work, parts, true), got, op, path);
        } else step = addAt(work, resolved, cloneJson(got), op, path);
      }
    }
    if (!step.ok) return step;
    work = step.doc;
  }
  return { ok: true, value: work };
}
// Patch texts come from compiled policies (or their substituted form) and repeat on every request:
// decode each text once. Decoded operations are only read (values are cloned into the document).
const decoded = new Map<string, ReturnType<typeof decodeJson6902>>();

function cachedDecode(text: string): ReturnType<typeof decodeJson6902> {
  if (text.length > 65_536) return decodeJson6902(text);
  let d = decoded.get(text);
  if (d === undefined) {
    d = decodeJson6902(text);
    if (decoded.size >= 512) decoded.clear();
    decoded.set(text, d);
  }
  return d;
}

/** Decodes and applies `patchesJson6902` text to doc. */
export function applyJson6902(doc: JsonValue, text: string): Json6902Outcome {
  const d = cachedDecode(text);
  if (!d.ok) return d;
  return applyJson6902Ops(doc, d.ops);
}
