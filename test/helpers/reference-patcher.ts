// The mutate patch step as it was before issue 19's fast paths, kept as the reference for the differential
// tests (src/kyverno/mutate/patch-differential.property.test.ts): the whole patch deep-copied, every anchor
// step run on every pattern, and a strategic merge that walks every field of both sides and copies every
// map it visits. Deliberately simple and slow; never used by the product.
import { validatePattern } from '../../src/kyverno/validate/index.js';
import { type Anchor, parseAnchor } from '../../src/kyverno/anchor/index.js';
import { elementSchema, fieldSchema, type ListStrategy, listStrategy, type SchemaNode, schemaForObject } from '../../src/kyverno/mutate/merge-schema.js';
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../../src/util/index.js';

/** Reference patch outcome (same shape as the product's). */
export type ReferenceOutcome = { ok: true; value: JsonObject } | { ok: false; error: string };

/** applyStrategicMergePatch, reference version. */
export function referenceStrategicMergePatch(resource: JsonObject, patch: JsonValue): ReferenceOutcome {
  const pattern = structuredClone(patch);
  const failure = preprocessPattern(pattern, resource);
  let overlay: JsonValue = pattern;
  if (failure) {
    if (failure.kind === 'error') return { ok: false, error: `failed to preProcess rule: ${failure.message}` };
    overlay = {};
  }
  if (!isObject(overlay)) return { ok: false, error: 'failed to apply patchStrategicMerge: the patch must be a map' };
  try {
    return { ok: true, value: strategicMerge(resource, overlay) };
  } catch (err) {
    if (err instanceof MergeError) return { ok: false, error: err.message };
    throw err;
  }
}

// ---- anchor preprocessing (strategicPreprocessing.go), unoptimised ----
/** Why preprocessing stopped: a conditional or global anchor failed (the rule is skipped), or an error. */
interface PreprocessFailure {
  kind: 'condition' | 'global' | 'error';
  message: string;
}

const isCondition = (a: Anchor | undefined) => a?.kind === 'condition';
const isGlobal = (a: Anchor | undefined) => a?.kind === 'global';
const containsCondition = (a: Anchor | undefined) => isCondition(a) || isGlobal(a);
const isAddIfNotPresent = (a: Anchor | undefined) => a?.kind === 'addIfNotPresent';
const hasAnchor = (a: Anchor | undefined) => containsCondition(a) || isAddIfNotPresent(a);

/** Preprocesses `pattern` in place against the resource; undefined on success. */
function preprocessPattern(pattern: JsonValue, resource: JsonValue | undefined): PreprocessFailure | undefined {
  const err = preprocessNode(pattern, resource);
  if (err) return err;
  if (!isObject(pattern)) return { kind: 'error', message: 'wrong Node Kind for  expected: MappingNode' };
  deleteConditionElements(pattern);
  return undefined;
}

function preprocessNode(pattern: JsonValue, resource: JsonValue | undefined): PreprocessFailure | undefined {
  if (isObject(pattern)) return walkMap(pattern, resource);
  if (Array.isArray(pattern)) return walkList(pattern, resource);
  return undefined;
}

/** Replaces key `from` by `to` keeping the key order. */
function renameKey(obj: JsonObject, from: string, to: string): void {
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) setOwn(obj, k === from ? to : k, v);
}

function field(resource: JsonValue | undefined, key: string): JsonValue | undefined {
  return isObject(resource) && Object.hasOwn(resource, key) ? resource[key] : undefined;
}

function anchorsOf(pattern: JsonValue, pred: (a: Anchor | undefined) => boolean): { raw: string; anchor: Anchor }[] {
  if (!isObject(pattern)) return [];
  const out: { raw: string; anchor: Anchor }[] = [];
  for (const k of Object.keys(pattern)) {
    const a = parseAnchor(k);
    if (a && pred(a)) out.push({ raw: k, anchor: a });
  }
  return out;
}

/** Drops `+(key)` fields the resource already has and unwraps the others; returns how many there were. */
function handleAddIfNotPresent(pattern: JsonValue, resource: JsonValue | undefined): number {
  const anchors = anchorsOf(pattern, isAddIfNotPresent);
  if (!isObject(pattern)) return 0;
  for (const { raw, anchor } of anchors) {
    if (field(resource, anchor.key) !== undefined) delete pattern[raw];
    else renameKey(pattern, raw, anchor.key);
  }
  return anchors.length;
}

function walkMap(pattern: JsonObject, resource: JsonValue | undefined): PreprocessFailure | undefined {
  handleAddIfNotPresent(pattern, resource);
  const cond = validateConditions(pattern, resource);
  if (cond) return cond;
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a && hasAnchor(a)) continue;
    const value = pattern[key];
    if (value === undefined) continue;
    const err = preprocessNode(value, field(resource, key));
    if (err) return err;
  }
  return undefined;
}

function walkList(pattern: JsonValue[], resource: JsonValue | undefined): PreprocessFailure | undefined {
  if (pattern.length === 0 || !isObject(pattern[0])) return undefined;
  return processListOfMaps(pattern, resource);
}

function goKind(v: JsonValue): string {
  return isObject(v) ? 'MappingNode' : Array.isArray(v) ? 'SequenceNode' : 'ScalarNode';
}

// Every anchored pattern element is tried on every resource element; a match is copied into the list with
// the resource element's `name` (kustomize merges lists by name). The working copy is shared by all resource
// elements, so `+()` keys dropped for one element stay dropped for the next, as upstream.
function processListOfMaps(pattern: JsonValue[], resource: JsonValue | undefined): PreprocessFailure | undefined {
  if (resource !== undefined && resource !== null && !Array.isArray(resource)) {
    return { kind: 'error', message: `wrong Node Kind for  expected: SequenceNode was ${goKind(resource)}` };
  }
  const resourceElements = Array.isArray(resource) ? resource : [];
  for (const element of [...pattern]) {
    if (!hasAnchors(element, hasAnchor)) continue;
    const hasGlobal = hasAnchors(element, isGlobal);
    let anyGlobalPassed = false;
    let lastGlobal: PreprocessFailure | undefined;
    const copy = structuredClone(element);
    for (const resourceElement of resourceElements) {
      const err = preprocessNode(copy, resourceElement);
      if (err) {
        if (err.kind === 'condition') continue;
        if (err.kind === 'global') {
          lastGlobal = err;
          continue;
        }
        return err;
      }
      if (hasGlobal) anyGlobalPassed = true;
      else handlePatternName(pattern, copy, resourceElement);
    }
    if (resource === undefined) {
      const err = preprocessNode(copy, undefined);
      if (err) {
        if (err.kind === 'condition') continue;
        return err;
      }
      if (hasGlobal) anyGlobalPassed = true;
    }
    if (!anyGlobalPassed && lastGlobal) return lastGlobal;
  }
  return undefined;
}

function handlePatternName(pattern: JsonValue[], element: JsonValue, resourceElement: JsonValue): void {
  const name = field(resourceElement, 'name');
  if (name === undefined || name === null || (isObject(name) && Object.keys(name).length === 0)) return;
  const node = structuredClone(element);
  if (deleteAnchors(node, true, false)) return;
  if (!isObject(node)) return;
  node.name = name;
  pattern.push(node);
}

function hasAnchors(node: JsonValue, pred: (a: Anchor | undefined) => boolean): boolean {
  if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (pred(parseAnchor(k))) return true;
      if (v !== null && hasAnchors(v, pred)) return true;
    }
    return false;
  }
  // Scalars count when they look like a conditional or global anchor, whatever `pred` is (upstream).
  if (typeof node === 'string') return containsCondition(parseAnchor(node));
  if (Array.isArray(node)) return node.some((e) => hasAnchors(e, pred));
  return false;
}

/** Scalars compare as their YAML text, as upstream converts RNode scalars to strings. */
function conditionValue(v: JsonValue): JsonValue {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v;
}

function validateConditions(pattern: JsonObject, resource: JsonValue | undefined): PreprocessFailure | undefined {
  const global = checkAnchors(pattern, resource, isGlobal);
  if (global !== undefined) return { kind: 'global', message: `global condition failed: ${global}` };
  const cond = checkAnchors(pattern, resource, isCondition);
  if (cond !== undefined) return { kind: 'condition', message: `condition failed: ${cond}` };
  return undefined;
}

function checkAnchors(pattern: JsonObject, resource: JsonValue | undefined, pred: (a: Anchor | undefined) => boolean): string | undefined {
  for (const { raw, anchor } of anchorsOf(pattern, pred)) {
    const resourceValue = field(resource, anchor.key);
    if (resourceValue === undefined) return `could not found "${anchor.key}" key in the resource`;
    const patternValue = pattern[raw] ?? null;
    if (handleAddIfNotPresent(patternValue, resourceValue) > 0) continue;
    const out = validatePattern(conditionValue(resourceValue), conditionValue(patternValue));
    if (out.kind === 'pass') continue;
    return out.kind === 'skip' ? out.reason : out.detail;
  }
  return undefined;
}

function deleteConditionElements(pattern: JsonObject): void {
  for (const key of Object.keys(pattern)) {
    const value = pattern[key];
    if (value === undefined) continue;
    if (deleteAnchors(value, containsCondition(parseAnchor(key)), false)) delete pattern[key];
  }
}

/** Deletes anchors under node; true when node itself held only anchors and must go. */
function deleteAnchors(node: JsonValue, deleteScalar: boolean, traverse: boolean): boolean {
  if (isObject(node)) return deleteAnchorsInMap(node, traverse);
  if (Array.isArray(node)) return deleteAnchorsInList(node, traverse);
  return deleteScalar;
}

function deleteAnchorsInMap(node: JsonObject, traverse: boolean): boolean {
  let anchorsExist = false;
  for (const { raw } of anchorsOf(node, containsCondition)) {
    const v = node[raw] ?? null;
    if (deleteAnchors(v, true, traverse)) delete node[raw];
    else anchorsExist = true;
  }
  if (anchorsExist) {
    for (const { raw, anchor } of anchorsOf(node, containsCondition)) renameKey(node, raw, anchor.key);
  }
  let needToDelete = true;
  for (const key of Object.keys(node)) {
    const v = node[key] ?? null;
    if (deleteAnchors(v, false, traverse)) delete node[key];
    else needToDelete = false;
  }
  return needToDelete;
}

// Elements are deleted by their original index from the live list, so a second deletion in the same
// list hits a shifted element — reproduced from upstream (deleteListElement inside the range loop).
function deleteAnchorsInList(node: JsonValue[], traverse: boolean): boolean {
  const elements = [...node];
  const wasEmpty = elements.length === 0;
  const deleteAt = (i: number) => {
    if (i < node.length) node.splice(i, 1);
  };
  elements.forEach((element, i) => {
    if (hasAnchors(element, hasAnchor)) {
      const shouldDelete = traverse && isObject(element) ? deleteAnchors(element, true, traverse) : true;
      if (shouldDelete) deleteAt(i);
    } else if (deleteAnchors(element, false, traverse)) deleteAt(i);
  });
  return node.length === 0 && !wasEmpty;
}

// ---- strategic merge (kyaml merge2), unoptimised ----
/** A merge failure (kyaml's node-kind and merge-key errors); the rule reports it as an error. */
class MergeError extends Error {}

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
function strategicMerge(resource: JsonObject, patch: JsonObject): JsonObject {
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
  const out: JsonObject = { ...base };
  const names = new Set([...Object.keys(base), ...Object.keys(patch)]);
  for (const name of [...names].sort()) {
    const child = [...path, name];
    const info: ListInfo = { strategy: listStrategy(schema, name), items: elementSchema(schema, name) };
    const v = mergeNode(getOwn(base, name), getOwn(patch, name), fieldSchema(schema, name), info, child);
    if (v === undefined) delete out[name];
    else setOwn(out, name, v);
  }
  return out;
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
