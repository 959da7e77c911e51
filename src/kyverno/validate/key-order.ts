// The order in which a pattern map's keys are checked, which decides the first reported error.
// Mirrors kyverno@v1.10.7:pkg/engine/validate/validate.go (validateMap: anchors sorted first) and
// validate/utils.go (getSortedNestedAnchorResource, hasNestedAnchors), with anchor/utils.go
// (GetAnchorsResourcesFromMap) deciding which keys count as anchors.

import { isObject } from '../../util/index.js';
import { parseAnchor } from '../anchor/index.js';
import { compareGoStrings } from '../pattern/index.js';

/** Keys handled in phase 1: condition, existence, equality and negation anchors (global ones are not). */
function isPhaseOneAnchor(key: string): boolean {
  const a = parseAnchor(key);
  return a !== undefined && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'equality' || a.kind === 'negation');
}

/** True when the pattern value holds an anchor (other than add-if-not-present) at any depth. */
function hasNestedAnchors(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  if (!isObject(pattern)) return false;
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a !== undefined && a.kind !== 'addIfNotPresent') return true;
  }
  return Object.values(pattern).some(hasNestedAnchors);
}

/**
 * Phase-1 anchors in byte order, then the other keys: global anchors and keys whose values hold
 * anchors first, in reverse byte order (Go pushes them to the front of a list), then the rest in byte order.
 */
export function orderedKeys(pattern: Record<string, unknown>): readonly string[] {
  const hit = orderCache.get(pattern);
  if (hit) return hit;
  const keys = computeOrder(pattern);
  orderCache.set(pattern, keys);
  return keys;
}

// Pattern maps of a compiled policy are walked on every evaluation and never change: their key order is
// computed once per map object (a WeakMap, so substituted per-evaluation copies are collected).
const orderCache = new WeakMap<object, readonly string[]>();

function computeOrder(pattern: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(pattern).sort(compareGoStrings);
  const anchors: string[] = [];
  const front: string[] = [];
  const back: string[] = [];
  for (const key of keys) {
    if (isPhaseOneAnchor(key)) anchors.push(key);
    else if (parseAnchor(key)?.kind === 'global' || hasNestedAnchors(pattern[key])) front.push(key);
    else back.push(key);
  }
  return Object.freeze([...anchors, ...front.reverse(), ...back]);
}
