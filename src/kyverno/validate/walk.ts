// The pattern tree walk: maps (anchors first), arrays (of maps, of scalars, positional) and leaves.
// Mirrors kyverno@v1.10.7:pkg/engine/validate/validate.go (validateResourceElement, validateMap,
// validateArray, validateArrayOfMaps) and anchor/anchormap.go (CheckAnchorInResource). Only the first
// error is returned; skipped elements of an array are left out unless every element skipped.

import { isObject } from '../../util/index.js';
import { formatGoFloatValue, formatGoValue, goTypeName, matchValue } from '../pattern/index.js';
import { handleKey } from './anchor-handlers.js';
import { type MapPlan, mapPlan, type PlannedKey } from './map-plan.js';
import { expandInMetadata } from './metadata-wildcards.js';
import { isSkip, plainError, type WalkError, type WalkState } from './walk-error.js';

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Records, for each condition/existence/negation anchor key, whether any visited resource map had it. */
function noteAnchors(seen: Map<string, boolean>, plan: MapPlan, resource: Record<string, unknown>): void {
  for (const [key, bare] of plan.noted) {
    if (seen.get(key) === true) continue;
    seen.set(key, Object.hasOwn(resource, bare));
  }
}

/** Walks `resource` against `pattern` at `path`; the first error, or undefined when it matches. */
/** `patternPlan`: the pattern's plan when it is a map, or its first element's when it is a list (map-plan.ts). */
export function walkElement(state: WalkState, resource: unknown, pattern: unknown, path: string, patternPlan: MapPlan | undefined): WalkError | undefined {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return plainError(path, `pattern and resource have different structures. Path: ${path}. Expected ${goTypeName(pattern)}, found ${goTypeName(resource)}`);
    }
    const plan = patternPlan ?? mapPlan(pattern);
    if (state.anchorSeen) noteAnchors(state.anchorSeen, plan, resource);
    return walkMap(state, resource, pattern, plan, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return plainError(path, `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`);
    }
    return walkArray(state, resource, pattern, path, patternPlan);
  }
  if (isScalar(pattern)) {
    // A scalar pattern against a list: every element must satisfy it.
    const first = state.firstParsed === true;
    const floats = state.floats === true;
    const ok = Array.isArray(resource) ? resource.every((r) => matchValue(r, pattern, first, floats)) : matchValue(resource, pattern, first, floats);
    if (ok) return undefined;
    // The pattern's numbers are float64s (%v: 1e+06); the resource's are int64s unless it is a foreach element.
    const shown = floats ? formatGoFloatValue(resource) : formatGoValue(resource);
    return plainError(path, `resource value '${shown}' does not match '${formatGoFloatValue(pattern)}' at path ${path}`);
  }
  return plainError(path, `failed at '${path}', pattern contains unknown type`);
}

function walkMap(state: WalkState, resource: Record<string, unknown>, patternIn: Record<string, unknown>, planIn: MapPlan, path: string): WalkError | undefined {
  const pattern = planIn.mayExpand ? expandInMetadata(patternIn, resource) : patternIn;
  const plan = pattern === patternIn ? planIn : mapPlan(pattern);
  const keys = plan.keys;
  for (let i = 0; i < keys.length; i++) {
    const err = handleKey(walkElement, state, keys[i] as PlannedKey, resource, path, pattern);
    if (err) return err;
  }
  return undefined;
}

/** Multierr-style combination of the skip errors of an array whose every element skipped. */
function skipGroup(skips: readonly WalkError[], path: string): WalkError {
  return { kind: 'skipGroup', message: skips.map((e) => e.message).join('; '), path };
}

// `firstPlan`: the plan of the pattern's first element when known (a pattern key's plan, map-plan.ts).
function walkArray(state: WalkState, resource: unknown[], pattern: unknown[], path: string, firstPlan: MapPlan | undefined): WalkError | undefined {
  if (pattern.length === 0) return plainError(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) {
    // Every resource element is checked against the first pattern map; other pattern elements are ignored.
    return walkElements(state, resource, undefined, first, firstPlan ?? mapPlan(first), path);
  }
  if (isScalar(first)) return walkElement(state, resource, first, path, undefined);
  if (resource.length < pattern.length) {
    // Upstream returns no path here, which makes the rule an error rather than a fail.
    return plainError('', `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`);
  }
  return walkElements(state, resource, pattern, undefined, undefined, path);
}

// `<i>/` for the first list indexes, made once (a number printed into the path of every element walked).
const INDEX_SUFFIXES: readonly string[] = Array.from({ length: 64 }, (_, i) => `${i}/`);

function indexSuffix(i: number): string {
  return i < INDEX_SUFFIXES.length ? (INDEX_SUFFIXES[i] as string) : `${i}/`;
}

/**
 * Checks elements in order: each resource element against `each` (when given), else resource[i] against
 * pattern[i] for every pattern element. Skip errors are collected and only count when nothing applied.
 */
function walkElements(
  state: WalkState,
  resource: readonly unknown[],
  pattern: readonly unknown[] | undefined,
  each: unknown,
  eachPlan: MapPlan | undefined,
  path: string,
): WalkError | undefined {
  let applied = 0;
  let skips: WalkError[] | undefined;
  const n = pattern ? pattern.length : resource.length;
  for (let i = 0; i < n; i++) {
    const elementPath = path + indexSuffix(i);
    const err = pattern ? walkElement(state, resource[i], pattern[i], elementPath, undefined) : walkElement(state, resource[i], each, elementPath, eachPlan);
    if (err === undefined) applied++;
    else if (isSkip(err)) {
      skips ??= [];
      skips.push(err);
    }
    else return err;
  }
  return applied === 0 && skips !== undefined ? skipGroup(skips, path) : undefined;
}
