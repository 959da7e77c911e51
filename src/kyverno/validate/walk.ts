// The pattern tree walk: maps (anchors first), arrays (of maps, of scalars, positional) and leaves.
// Mirrors kyverno@v1.10.7:pkg/engine/validate/validate.go (validateResourceElement, validateMap,
// validateArray, validateArrayOfMaps) and anchor/anchormap.go (CheckAnchorInResource). Only the first
// error is returned; skipped elements of an array are left out unless every element skipped.

import { isObject } from '../../util/index.js';
import { parseAnchor } from '../anchor/index.js';
import { formatGoValue, goTypeName, matchValue } from '../pattern/index.js';
import { handleKey } from './anchor-handlers.js';
import { orderedKeys } from './key-order.js';
import { expandInMetadata } from './metadata-wildcards.js';
import { isSkip, plainError, type WalkError, type WalkState } from './walk-error.js';

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Records, for each condition/existence/negation anchor key, whether any visited resource map had it. */
function noteAnchors(state: WalkState, pattern: Record<string, unknown>, resource: Record<string, unknown>): void {
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a === undefined || !(a.kind === 'condition' || a.kind === 'existence' || a.kind === 'negation')) continue;
    if (state.anchorSeen.get(key) === true) continue;
    state.anchorSeen.set(key, Object.hasOwn(resource, a.key));
  }
}

/** Walks `resource` against `pattern` at `path`; the first error, or undefined when it matches. */
export function walkElement(state: WalkState, resource: unknown, pattern: unknown, path: string): WalkError | undefined {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return plainError(path, `pattern and resource have different structures. Path: ${path}. Expected ${goTypeName(pattern)}, found ${goTypeName(resource)}`);
    }
    noteAnchors(state, pattern, resource);
    return walkMap(state, resource, pattern, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return plainError(path, `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`);
    }
    return walkArray(state, resource, pattern, path);
  }
  if (isScalar(pattern)) {
    // A scalar pattern against a list: every element must satisfy it.
    const ok = Array.isArray(resource) ? resource.every((r) => matchValue(r, pattern)) : matchValue(resource, pattern);
    return ok ? undefined : plainError(path, `resource value '${formatGoValue(resource)}' does not match '${formatGoValue(pattern)}' at path ${path}`);
  }
  return plainError(path, `failed at '${path}', pattern contains unknown type`);
}

function walkMap(state: WalkState, resource: Record<string, unknown>, patternIn: Record<string, unknown>, path: string): WalkError | undefined {
  const pattern = expandInMetadata(patternIn, resource);
  const walk = (r: unknown, p: unknown, at: string) => walkElement(state, r, p, at);
  for (const key of orderedKeys(pattern)) {
    const err = handleKey(walk, key, pattern[key], resource, path);
    if (err) return err;
  }
  return undefined;
}

/** Multierr-style combination of the skip errors of an array whose every element skipped. */
function skipGroup(skips: readonly WalkError[], path: string): WalkError {
  return { kind: 'skipGroup', message: skips.map((e) => e.message).join('; '), path };
}

function walkArray(state: WalkState, resource: unknown[], pattern: unknown[], path: string): WalkError | undefined {
  if (pattern.length === 0) return plainError(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) {
    // Every resource element is checked against the first pattern map; other pattern elements are ignored.
    return walkElements(state, resource.map((r, i) => [r, first, i] as const), path);
  }
  if (isScalar(first)) return walkElement(state, resource, first, path);
  if (resource.length < pattern.length) {
    // Upstream returns no path here, which makes the rule an error rather than a fail.
    return plainError('', `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`);
  }
  return walkElements(state, pattern.map((p, i) => [resource[i], p, i] as const), path);
}

/** Checks element pairs in order; skip errors are collected and only count when nothing applied. */
function walkElements(state: WalkState, pairs: readonly (readonly [unknown, unknown, number])[], path: string): WalkError | undefined {
  let applied = 0;
  const skips: WalkError[] = [];
  for (const [r, p, i] of pairs) {
    const err = walkElement(state, r, p, `${path}${i}/`);
    if (err === undefined) applied++;
    else if (isSkip(err)) skips.push(err);
    else return err;
  }
  return applied === 0 && skips.length > 0 ? skipGroup(skips, path) : undefined;
}
