// Compares a mutated resource with a kyverno-test `patchedResource`: both are tidied (empty maps, empty lists
// and nulls dropped) and then compared structurally. Mirrors kyverno@v1.11:cmd/cli/kubectl-kyverno/resource
// (Tidy, Compare with tidy=true), the strict successor of 1.10's pattern-based comparison. When they differ,
// `patchedResourceDiff` says where, one JSON pointer per line.
import { deepEqual, getPath, isObject, type JsonValue, setOwn } from '../../util/index.js';
import { createJsonPatch } from './json-patch-diff.js';

/** Drops nulls, empty maps and empty lists, recursively; undefined when nothing is left. */
function tidy(v: unknown): JsonValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(tidy).filter((x): x is JsonValue => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const t = tidy(x);
      if (t !== undefined) setOwn(out, k, t);
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v as JsonValue;
}

// The kyverno CLI defaults a resource's namespace to `default`, and older expected files omit it (1.10
// compared them as patterns, so omitted fields went unchecked): an absent namespace counts as `default`.
function withDefaultNamespace(v: JsonValue | undefined): JsonValue | undefined {
  if (!isObject(v)) return v;
  const md = isObject(v.metadata) ? v.metadata : {};
  if (md.namespace !== undefined) return v;
  return { ...v, metadata: { ...md, namespace: 'default' } };
}

/** True when the actual resource equals the expected one once both are tidied (absent namespace = default). */
export function samePatchedResource(actual: unknown, expected: unknown): boolean {
  return deepEqual(withDefaultNamespace(tidy(actual)), withDefaultNamespace(tidy(expected)));
}

const MAX_DIFF_LINES = 10;
const MAX_VALUE_CHARS = 60;

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? 'null';
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function pointerKeys(pointer: string, doc: unknown): (string | number)[] {
  const keys: (string | number)[] = [];
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const key = Array.isArray(cur) ? Number(seg) : seg;
    keys.push(key);
    cur = getPath(cur, [key]);
  }
  return keys;
}

/**
 * Where the actual resource differs from the expected one (both tidied), one line per JSON pointer:
 * `/spec/x: want 1, got 2`, `/spec/y: missing, want …`, `/spec/z: unexpected …`; empty when they are the same.
 */
export function patchedResourceDiff(actual: unknown, expected: unknown): string[] {
  const want = withDefaultNamespace(tidy(expected)) ?? {};
  const got = withDefaultNamespace(tidy(actual)) ?? {};
  const ops = createJsonPatch(want, got).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lines = ops.map((op) => {
    const at = op.path === '' ? '/' : op.path;
    if (op.op === 'add') return `${at}: unexpected ${show(op.value)}`;
    const wanted = getPath(want, pointerKeys(op.path, want));
    if (op.op === 'remove') return `${at}: missing, want ${show(wanted)}`;
    return `${at}: want ${show(wanted)}, got ${show(op.value)}`;
  });
  if (lines.length <= MAX_DIFF_LINES) return lines;
  return [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more`];
}
