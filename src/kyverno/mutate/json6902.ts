// Applies `patchesJson6902` (YAML or JSON text) with the options Kyverno 1.10 passes to evanphx/json-patch:
// negative array indices, remove of a missing path is a no-op, add creates missing parents. Operations run
// through fast-json-patch once their paths are resolved. Mirrors kyverno@v1.10.7:pkg/engine/mutate/patch/
// patchJSON6902.go (applyPatchesWithOptions, ConvertPatchesToJSON) and evanphx/json-patch v5 ensurePathExists.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';

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
  return path === '' ? [] : path.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function joinPointer(parts: readonly string[]): string {
  return parts.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

const INT = /^-?\d+$/;

/** Resolves negative indices along a path (the last one as for `add` when `forAdd`), against doc. */
function resolvePath(doc: JsonValue, parts: readonly string[], forAdd: boolean): string[] {
  const out: string[] = [];
  let cur: JsonValue | undefined = doc;
  parts.forEach((part, i) => {
    let p = part;
    if (Array.isArray(cur) && INT.test(part) && Number(part) < 0) {
      const last = i === parts.length - 1;
      const n = Number(part) + cur.length + (last && forAdd ? 1 : 0);
      p = String(n);
    }
    out.push(p);
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
  });
  return out;
}

/** Creates the missing parents of an `add` path (EnsurePathExistsOnAdd): arrays before numeric parts. */
function ensurePathExists(doc: JsonValue, parts: readonly string[]): string | undefined {
  let cur: JsonValue = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1] ?? '';
    const existing: JsonValue | undefined = Array.isArray(cur) ? (INT.test(part) ? cur[Number(part)] : undefined) : isObject(cur) ? cur[part] : undefined;
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
    } else cur[part] = created;
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

/** Applies decoded operations to a copy of doc with Kyverno's options. */
export function applyJson6902Ops(doc: JsonValue, ops: readonly JsonObject[]): Json6902Outcome {
  let work: JsonValue = structuredClone(doc);
  for (const raw of ops) {
    const op = raw.op;
    if (typeof op !== 'string' || !OPS.has(op)) return { ok: false, error: `Unexpected kind: ${typeof op === 'string' ? op : 'unknown'}` };
    if (typeof raw.path !== 'string') return { ok: false, error: `${op} operation missing path` };
    const parts = splitPointer(raw.path);
    if (op === 'add') {
      const err = ensurePathExists(work, resolvePath(work, parts, true));
      if (err) return { ok: false, error: err };
    }
    const resolved = resolvePath(work, parts, op === 'add');
    if (op === 'remove' && !exists(work, resolved)) continue;
    const operation: JsonObject = { ...raw, path: joinPointer(resolved) };
    if ((op === 'move' || op === 'copy') && typeof raw.from === 'string') operation.from = joinPointer(resolvePath(work, splitPointer(raw.from), false));
    if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(raw, 'value')) return { ok: false, error: `${op} operation missing value` };
    try {
      const r = jsonpatch.applyOperation(work, operation as unknown as Operation, true, true);
      if (op === 'test' && r.test === false) return { ok: false, error: `testing value ${raw.path} failed: test failed` };
      work = r.newDocument;
    } catch (err) {
      return { ok: false, error: `${op} operation does not apply: ${raw.path}: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return { ok: true, value: work };
}

/** Decodes and applies `patchesJson6902` text to doc. */
export function applyJson6902(doc: JsonValue, text: string): Json6902Outcome {
  const d = decodeJson6902(text);
  if (!d.ok) return d;
  return applyJson6902Ops(doc, d.ops);
}
