// A small RFC 6902 JSONPatch from an original to a mutated document, for admission responses
// (`patchType: JSONPatch`). Objects diff key by key; arrays keep their common prefix and suffix, diff the
// paired middle element-wise and add or remove the rest. Kyverno 1.10 uses mattbaird/jsonpatch plus a filter
// (pkg/engine/mutate/patch/patchesUtils.go); `filterKyvernoPatches` reproduces that filter.
import { deepEqual, getOwn, isObject, type JsonValue } from '../../util/index.js';

/** One RFC 6902 operation as produced by createJsonPatch. */
export type JsonPatchOp = { op: 'add'; path: string; value: JsonValue } | { op: 'replace'; path: string; value: JsonValue } | { op: 'remove'; path: string };

/** Escapes one JSON Pointer segment (RFC 6901). */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The operations that turn `original` into `mutated` (applied in order). */
export function createJsonPatch(original: unknown, mutated: unknown): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  diff(original as JsonValue, mutated as JsonValue, '', ops);
  return ops;
}

function sameKind(a: JsonValue, b: JsonValue): boolean {
  if (Array.isArray(a)) return Array.isArray(b);
  if (isObject(a)) return isObject(b);
  return !Array.isArray(b) && !isObject(b);
}

function diff(a: JsonValue, b: JsonValue, path: string, ops: JsonPatchOp[]): void {
  if (deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(b, k)) ops.push({ op: 'remove', path: `${path}/${escapePointer(k)}` });
    }
    for (const [k, v] of Object.entries(b)) {
      const p = `${path}/${escapePointer(k)}`;
      const old = getOwn(a, k);
      if (old === undefined) ops.push({ op: 'add', path: p, value: v });
      else diff(old, v, p, ops);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArray(a, b, path, ops);
    return;
  }
  ops.push({ op: 'replace', path, value: b });
}

function diffArray(a: JsonValue[], b: JsonValue[], path: string, ops: JsonPatchOp[]): void {
  let start = 0;
  while (start < a.length && start < b.length && deepEqual(a[start], b[start])) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && deepEqual(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const paired = Math.min(endA - start, endB - start);
  for (let i = start; i < start + paired; i++) {
    const x = a[i] as JsonValue;
    const y = b[i] as JsonValue;
    if (sameKind(x, y) && (isObject(x) || Array.isArray(x))) diff(x, y, `${path}/${i}`, ops);
    else if (!deepEqual(x, y)) ops.push({ op: 'replace', path: `${path}/${i}`, value: y });
  }
  // Extra original elements go from the highest index down, so earlier indices stay valid.
  for (let i = endA - 1; i >= start + paired; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
  for (let i = start + paired; i < endB; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: b[i] as JsonValue });
}

/** Kyverno's patch filter: drops /status and metadata fields other than name, namespace, labels, annotations. */
export function filterKyvernoPatches(ops: readonly JsonPatchOp[]): JsonPatchOp[] {
  return ops.filter((op) => !ignorePatch(op.path));
}

function ignorePatch(path: string): boolean {
  if (path.includes('/status')) return true;
  if (path.endsWith('/metadata')) return false;
  if (path.includes('/metadata')) {
    return !['/metadata/name', '/metadata/namespace', '/metadata/annotations', '/metadata/labels'].some((p) => path.includes(p));
  }
  return false;
}
