// Compares a mutated resource with a kyverno-test `patchedResource`: both are tidied (empty maps, empty lists
// and nulls dropped) and then compared structurally. Mirrors kyverno@v1.11:cmd/cli/kubectl-kyverno/resource
// (Tidy, Compare with tidy=true), the strict successor of 1.10's pattern-based comparison.
import { deepEqual, isObject, type JsonValue } from '../../util/index.js';

/** Drops nulls, empty maps and empty lists, recursively; undefined when nothing is left. */
export function tidy(v: unknown): JsonValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(tidy).filter((x): x is JsonValue => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (isObject(v)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const t = tidy(x);
      if (t !== undefined) out[k] = t;
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
