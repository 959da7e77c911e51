// Anchor preprocessing of a patchStrategicMerge before the merge: add-if-not-present `+()` keys are renamed
// or dropped, conditional `()` and global `<()` anchors are checked against the resource (list elements are
// matched one by one and copied under the resource element's name), then all anchors are deleted.
// Mirrors kyverno@v1.10.7:pkg/engine/mutate/patch/strategicPreprocessing.go, quirks included (see comments).
import { isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import { type Anchor, parseAnchor } from '../anchor/index.js';
import { cloneJson } from './clone.js';
import { validatePattern } from '../validate/index.js';

/** Why preprocessing stopped: a conditional or global anchor failed (the rule is skipped), or an error. */
export interface PreprocessFailure {
  kind: 'condition' | 'global' | 'error';
  message: string;
}

const isCondition = (a: Anchor | undefined) => a?.kind === 'condition';
const isGlobal = (a: Anchor | undefined) => a?.kind === 'global';
const containsCondition = (a: Anchor | undefined) => isCondition(a) || isGlobal(a);
const isAddIfNotPresent = (a: Anchor | undefined) => a?.kind === 'addIfNotPresent';
const hasAnchor = (a: Anchor | undefined) => containsCondition(a) || isAddIfNotPresent(a);

/** Preprocesses `pattern` in place against the resource; undefined on success. */
export function preprocessPattern(pattern: JsonValue, resource: JsonValue | undefined): PreprocessFailure | undefined {
  const err = preprocessNode(pattern, resource);
  if (err) return err;
  if (!isObject(pattern)) return { kind: 'error', message: 'wrong Node Kind for  expected: MappingNode' };
  deleteConditionElements(pattern);
  return undefined;
}

/**
 * True when preprocessing could change the pattern: it has an anchor of any kind (as a key, or a string
 * that parses as one — hasAnchors counts those) or an empty map (deleteAnchors drops maps left empty).
 * A pattern without either comes out of preprocessPattern as it went in, whatever the resource: no key is
 * renamed or dropped, no condition checked, no list element copied, nothing deleted (see checkPlainPattern
 * for the only failure it can then report).
 */
export function needsPreprocessing(node: JsonValue): boolean {
  if (typeof node === 'string') return mayBeAnchor(node);
  if (Array.isArray(node)) {
    for (const e of node) if (needsPreprocessing(e)) return true;
    return false;
  }
  if (!isObject(node)) return false;
  const keys = Object.keys(node);
  if (keys.length === 0) return true;
  for (const k of keys) {
    if (mayBeAnchor(k)) return true;
    const v = node[k];
    if (v !== undefined && needsPreprocessing(v)) return true;
  }
  return false;
}

function mayBeAnchor(s: string): boolean {
  return s.includes(')') && parseAnchor(s) !== undefined;
}

/**
 * preprocessPattern for a pattern without anchors or empty maps (needsPreprocessing false), which it leaves
 * unchanged: the walk only meets lists of maps, each checked against the resource's node kind.
 */
export function checkPlainPattern(pattern: JsonValue, resource: JsonValue | undefined): PreprocessFailure | undefined {
  const err = plainNode(pattern, resource);
  if (err) return err;
  if (!isObject(pattern)) return { kind: 'error', message: 'wrong Node Kind for  expected: MappingNode' };
  return undefined;
}

function plainNode(pattern: JsonValue, resource: JsonValue | undefined): PreprocessFailure | undefined {
  if (isObject(pattern)) {
    for (const key of Object.keys(pattern)) {
      const value = pattern[key];
      if (value === undefined) continue;
      const err = plainNode(value, field(resource, key));
      if (err) return err;
    }
    return undefined;
  }
  // processListOfMaps checks the resource's kind, then only works on anchored elements (none here).
  if (Array.isArray(pattern) && pattern.length > 0 && isObject(pattern[0]) && resource !== undefined && resource !== null && !Array.isArray(resource)) {
    return listKindError(resource);
  }
  return undefined;
}

function listKindError(resource: JsonValue): PreprocessFailure {
  return { kind: 'error', message: `wrong Node Kind for  expected: SequenceNode was ${goKind(resource)}` };
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

const NO_ANCHORS: readonly { raw: string; anchor: Anchor }[] = [];

function anchorsOf(pattern: JsonValue, pred: (a: Anchor | undefined) => boolean): readonly { raw: string; anchor: Anchor }[] {
  if (!isObject(pattern)) return NO_ANCHORS;
  let out: { raw: string; anchor: Anchor }[] | undefined;
  for (const k of Object.keys(pattern)) {
    const a = parseAnchor(k);
    if (!a || !pred(a)) continue;
    if (out === undefined) out = [];
    out.push({ raw: k, anchor: a });
  }
  return out ?? NO_ANCHORS;
}

/** True when some key of the map parses as an anchor that `pred` accepts. */
function hasAnchorKey(pattern: JsonObject, pred: (a: Anchor | undefined) => boolean): boolean {
  for (const k of Object.keys(pattern)) {
    const a = parseAnchor(k);
    if (a && pred(a)) return true;
  }
  return false;
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
  // Without any `+()`, `()` or `<()` key, both steps below are no-ops and every key is walked.
  const anchored = hasAnchorKey(pattern, hasAnchor);
  if (anchored) {
    handleAddIfNotPresent(pattern, resource);
    const cond = validateConditions(pattern, resource);
    if (cond) return cond;
  }
  for (const key of Object.keys(pattern)) {
    if (anchored && hasAnchor(parseAnchor(key))) continue;
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
  if (resource !== undefined && resource !== null && !Array.isArray(resource)) return listKindError(resource);
  const resourceElements = Array.isArray(resource) ? resource : [];
  for (const element of [...pattern]) {
    if (!hasAnchors(element, hasAnchor)) continue;
    const hasGlobal = hasAnchors(element, isGlobal);
    let anyGlobalPassed = false;
    let lastGlobal: PreprocessFailure | undefined;
    const copy = cloneJson(element);
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
  const node = cloneJson(element);
  if (deleteAnchors(node, true, false)) return;
  if (!isObject(node)) return;
  node.name = name;
  pattern.push(node);
}

function hasAnchors(node: JsonValue, pred: (a: Anchor | undefined) => boolean): boolean {
  if (isObject(node)) {
    for (const k of Object.keys(node)) {
      if (pred(parseAnchor(k))) return true;
      const v = node[k];
      if (v !== null && v !== undefined && hasAnchors(v, pred)) return true;
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
