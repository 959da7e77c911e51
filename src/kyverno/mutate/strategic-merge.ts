// Strategic merge of a (preprocessed) patch into a resource, with the semantics of kustomize's kyaml
// merge2 walker that Kyverno 1.10 calls (api/filters/patchstrategicmerge, kyaml/yaml/walk, merge2.go,
// smpdirective.go): patch scalars win, `null` deletes, lists merge by their patch merge key (from the
// built-in schema, or `name` inferred for CRDs), other lists are replaced, `$patch: replace|delete` honoured.
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import { elementSchema, fieldSchema, type ListStrategy, listStrategy, type SchemaNode, schemaForObject } from './merge-schema.js';

/** A merge failure (kyaml's node-kind and merge-key errors); the rule reports it as an error. */
export class MergeError extends Error {}

const DIRECTIVE = '$patch';

type Kind = 'map' | 'list' | 'scalar';

/** A list field's strategy (undefined: no schema, infer) and the schema of its elements. */
interface ListInfo {
  strategy: ListStrategy | undefined;
  items: SchemaNode;
}

function kindOf(v: JsonValue): Kind {
  if (Array.isArray(v)) return 'list';
  if (isObject(v)) return 'map';
  return 'scalar';
}

const KIND_NAMES: Readonly<Record<Kind, string>> = { map: 'MappingNode', list: 'SequenceNode', scalar: 'ScalarNode' };

function present(v: JsonValue | undefined): v is JsonValue {
  return v !== undefined && v !== null;
}

/** Reads and strips a `$patch` directive from a patch map (copy returned). */
function directive(patch: JsonObject): { kind: 'merge' | 'replace' | 'delete'; rest: JsonObject } {
  if (!Object.hasOwn(patch, DIRECTIVE)) return { kind: 'merge', rest: patch };
  const { [DIRECTIVE]: v, ...rest } = patch;
  if (v === 'merge' || v === 'replace' || v === 'delete') return { kind: v, rest };
  throw new MergeError(`unknown patch strategy '${typeof v === 'string' ? v : JSON.stringify(v)}'`);
}

/** Merges `patch` into `resource` (neither is modified); the schema comes from the resource's apiVersion/kind. */
export function strategicMerge(resource: JsonObject, patch: JsonObject): JsonObject {
  const schema = schemaForObject(resource.apiVersion, resource.kind) ?? schemaForObject(patch.apiVersion, patch.kind);
  const out = mergeNode(resource, patch, schema, undefined, []);
  return isObject(out) ? out : {};
}

/**
 * Merges one node. `list` is the strategy of this node when it is a list field (undefined: infer).
 * Returns undefined when the field must be cleared.
 */
function mergeNode(dest: JsonValue | undefined, src: JsonValue | undefined, schema: SchemaNode, list: ListInfo | undefined, path: string[]): JsonValue | undefined {
  const first = present(dest) ? dest : present(src) ? src : undefined;
  if (first === undefined) return src === undefined ? dest : undefined;
  const kind = kindOf(first);
  for (const s of [dest, src]) {
    if (present(s) && kindOf(s) !== kind) throw new MergeError(`wrong Node Kind for ${path.join('.')} expected: ${KIND_NAMES[kind]} was ${KIND_NAMES[kindOf(s)]}`);
  }
  if (kind === 'map') return mergeMap(dest, src, schema, path);
  if (kind === 'list') return mergeList(dest, src, list ?? { strategy: schema ? { merge: false } : undefined, items: schema }, path);
  // Scalars: the patch wins when present (a null clears the field).
  if (src !== undefined) return src === null ? undefined : src;
  return dest;
}

function mergeMap(dest: JsonValue | undefined, src: JsonValue | undefined, schema: SchemaNode, path: string[]): JsonValue | undefined {
  if (src === undefined) return dest;
  let base: JsonObject;
  let patch: JsonObject;
  if (!present(dest)) {
    if (!isObject(src)) return undefined;
    const d = directive(src);
    if (d.kind === 'delete') return undefined;
    // The patch becomes the destination and is then walked against itself (VisitMap "Add").
    base = d.rest;
    patch = d.rest;
  } else {
    if (src === null) return undefined;
    if (!isObject(src) || !isObject(dest)) return dest;
    const d = directive(src);
    if (d.kind === 'delete') return undefined;
    base = d.kind === 'replace' ? d.rest : dest;
    patch = d.rest;
  }
  // Fields only the destination has merge with nothing and stay as they are, so only the patch's fields
  // are walked (sorted, as kyaml visits them: it decides which error comes first and the order in which
  // new fields are appended). When base is the destination and no field changes, the destination itself
  // is returned: callers compare results by identity first, and unchanged subtrees are shared.
  const names = Object.keys(patch).sort();
  let out: JsonObject | undefined = base === dest ? undefined : { ...base };
  for (const name of names) {
    const had = getOwn(base, name);
    const next = getOwn(patch, name);
    // The list strategy only matters when the field is a list (mergeNode decides the kind from these two).
    const info: ListInfo | undefined = Array.isArray(had) || Array.isArray(next) ? { strategy: listStrategy(schema, name), items: elementSchema(schema, name) } : undefined;
    // `path` is a stack (read only when an error is thrown, which ends the merge).
    path.push(name);
    const v = mergeNode(had, next, fieldSchema(schema, name), info, path);
    path.pop();
    if (out === undefined) {
      if (v === had && (v !== undefined || !Object.hasOwn(base, name))) continue;
      out = { ...base };
    }
    if (v === undefined) delete out[name];
    else setOwn(out, name, v);
  }
  return out ?? base;
}

function mergeList(dest: JsonValue | undefined, src: JsonValue | undefined, info: ListInfo, path: string[]): JsonValue | undefined {
  const { strategy, items } = info;
  const associative = strategy ? strategy.merge : [dest, src].some((s) => Array.isArray(s) && associativeKey(s) !== '');
  if (!associative) {
    // Non-associative lists are replaced wholesale by the patch (VisitList NonAssociateList).
    if (src !== undefined) return src === null ? undefined : src;
    return dest;
  }
  if (src === undefined) return dest;
  if (src === null) return undefined;
  const base = present(dest) && Array.isArray(dest) ? dest : (src as JsonValue[]);
  const patch = src as JsonValue[];
  let key: string;
  if (strategy?.merge) key = strategy.key;
  else key = inferKey([base, patch], path);
  if (key === '') return mergePrimitives(base, patch);
  return mergeByKey(base, patch, key, items, path);
}

/** kyaml infers `name` as the merge key when every element of a list has it (an empty list qualifies). */
function associativeKey(list: readonly JsonValue[]): string {
  return list.every((e) => isObject(e) && Object.hasOwn(e, 'name')) ? 'name' : '';
}

function inferKey(sources: readonly JsonValue[][], path: string[]): string {
  let key = '';
  for (const s of sources) {
    if (s.length === 0) continue;
    const k = associativeKey(s);
    if (key !== '' && key !== k) throw new MergeError(`conflicting merge keys [${key},${k}] for field ${path.join('.')}`);
    key = k;
  }
  if (key === '') throw new MergeError(`no merge key found for field ${path.join('.')}`);
  return key;
}

function scalarText(v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function keyOf(e: JsonValue, key: string): string | undefined {
  return isObject(e) ? scalarText(getOwn(e, key)) : undefined;
}

// kustomize's patchstrategicmerge filter merges with ListIncreaseDirection=Prepend: the patch's elements come
// first (merged with their namesakes), then the resource's other elements in their order. Patch elements
// without the key are dropped, resource elements without it kept; a null or empty merge result deletes.
function mergeByKey(base: JsonValue[], patch: JsonValue[], key: string, items: SchemaNode, path: string[]): JsonValue[] {
  const values: string[] = [];
  const seen = new Set<string>();
  for (const list of [patch, base]) {
    for (const e of list) {
      const v = keyOf(e, key);
      if (v === undefined || seen.has(v)) continue;
      seen.add(v);
      values.push(v);
    }
  }
  const out: JsonValue[] = [];
  for (const value of values) {
    const d = base.find((e) => keyOf(e, key) === value);
    const s = base === patch ? d : patch.find((e) => keyOf(e, key) === value);
    const merged = mergeNode(d, s, items, undefined, [...path, value]);
    if (merged === undefined || merged === null || (isObject(merged) && Object.keys(merged).length === 0)) continue;
    out.push(isObject(merged) && !Object.hasOwn(merged, key) ? { ...merged, [key]: value } : merged);
  }
  for (const e of base) {
    if (e === null || (isObject(e) && Object.keys(e).length === 0)) continue;
    if (!isObject(e) || keyOf(e, key) === undefined) out.push(e);
  }
  // The same elements in the same order: the list is unchanged (see mergeMap).
  if (out.length === base.length && out.every((e, i) => e === base[i])) return base;
  return out;
}

/** Primitive merge lists (finalizers) become a set: the patch's values first, then the resource's others. */
function mergePrimitives(base: JsonValue[], patch: JsonValue[]): JsonValue[] {
  if (base === patch) return [...base];
  const out: JsonValue[] = [];
  const have = new Set<string>();
  for (const v of [...patch, ...base]) {
    const t = scalarText(v) ?? JSON.stringify(v);
    if (v === null || have.has(t)) continue;
    have.add(t);
    out.push(v);
  }
  return out;
}
