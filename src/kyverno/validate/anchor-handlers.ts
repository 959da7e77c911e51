// How each kind of pattern key is checked against a resource map: plain keys, and the conditional,
// global, equality, negation and existence anchors. Mirrors kyverno@v1.10.7:pkg/engine/anchor/handlers.go
// (the *Handler.Handle methods and validateExistenceListResource), including their message texts.

import { isObject } from '../../util/index.js';
import { goTypeName } from '../pattern/index.js';
import type { MapPlan, PlannedKey } from './map-plan.js';
import { plainError, type WalkError, type WalkState } from './walk-error.js';

/**
 * Walks one resource value against one pattern value at `path` (with the value's plan when it is a map):
 * walk.ts's walkElement, passed in (not imported, which would make the two modules import each other).
 */
export type ElementWalker = (state: WalkState, resource: unknown, pattern: unknown, path: string, plan: MapPlan | undefined) => WalkError | undefined;

/** Checks one pattern key (anchored or plain) against the resource map at `path`. */
/** `patternMap`: the pattern map the entry is a key of (its value is read there when `state.byKey`). */
export function handleKey(walk: ElementWalker, state: WalkState, entry: PlannedKey, resource: Record<string, unknown>, path: string, patternMap: Record<string, unknown>): WalkError | undefined {
  const { anchor: a, plan } = entry;
  const pattern = state.byKey ? patternMap[entry.key] : entry.value;
  if (a === undefined || a.kind === 'addIfNotPresent') return handlePlain(walk, state, entry, pattern, resource, path);
  const present = Object.hasOwn(resource, a.key);
  // The key's path is built only where it is walked or reported: most optional (`=()`, `X()`) keys are absent.
  switch (a.kind) {
    case 'condition': {
      const currentPath = path + entry.suffix;
      if (!present) return { kind: 'conditional', message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource", path: currentPath };
      const err = walk(state, resource[a.key], pattern, currentPath, plan);
      return err && { kind: 'conditional', message: `conditional anchor mismatch: ${err.message}`, path: err.path };
    }
    case 'global': {
      if (!present) return undefined;
      const err = walk(state, resource[a.key], pattern, path + entry.suffix, plan);
      return err && { kind: 'global', message: `global anchor mismatch: ${err.message}`, path: err.path };
    }
    case 'equality':
      return present ? walk(state, resource[a.key], pattern, path + entry.suffix, plan) : undefined;
    case 'negation': {
      // The pattern value is never looked at: presence alone fails.
      if (!present) return undefined;
      const currentPath = path + entry.suffix;
      return { kind: 'negation', message: `negation anchor matched in resource: ${currentPath} is not allowed`, path: currentPath };
    }
    case 'existence':
      return present ? handleExistence(walk, state, pattern, resource[a.key], path + entry.suffix) : undefined;
  }
}

/** A plain key: `"*"` means present and non-null; anything else is walked at `<path><key>/`. */
function handlePlain(walk: ElementWalker, state: WalkState, entry: PlannedKey, pattern: unknown, resource: Record<string, unknown>, path: string): WalkError | undefined {
  const { key } = entry;
  // Own properties only: a missing key reads as Go's nil, never as an Object.prototype member.
  const value = Object.hasOwn(resource, key) ? resource[key] : undefined;
  if (pattern === '*') {
    // Upstream reports the parent path, and its message doubles the slash ("/spec//name not found").
    return value !== null && value !== undefined ? undefined : plainError(path, `${path}/${key} not found`);
  }
  return walk(state, value, pattern, path + entry.suffix, entry.plan);
}

/** `^(key)`: the resource value must be a list, and each pattern map must match at least one element. */
function handleExistence(walk: ElementWalker, state: WalkState, pattern: unknown, value: unknown, path: string): WalkError | undefined {
  if (!Array.isArray(value)) {
    return plainError(path, `invalid resource type ${goTypeName(value)}: Existence ^ () anchor can be used only on list/array type resource`);
  }
  if (!Array.isArray(pattern)) {
    // A pattern number is a float64, whole or not.
    return plainError(path, `invalid pattern type ${typeof pattern === 'number' ? 'float64' : goTypeName(pattern)}: Pattern has to be of list to compare against resource`);
  }
  for (const patternMap of pattern) {
    if (!isObject(patternMap)) {
      return plainError(path, `invalid pattern type ${goTypeName(pattern)}: Pattern has to be of type map to compare against items in resource`);
    }
    const found = value.some((element, i) => walk(state, element, patternMap, `${path}${i}/`, undefined) === undefined);
    if (!found) return plainError(path, `existence anchor validation failed at path ${path}`);
  }
  return undefined;
}
