// Public surface of kyverno/validate: validates a resource against a Kyverno `pattern` tree.
// Mirrors kyverno@v1.10.7:pkg/engine/validate/validate.go (MatchPattern): the walk's first error
// becomes skip (conditional/global anchor), fail (with its path) or error (an anchor key was missing).

import { isObject } from '../../util/index.js';
import { parseAnchor } from '../anchor/index.js';
import { type MapPlan, mapPlan } from './map-plan.js';
import { walkElement } from './walk.js';
import { isSkip } from './walk-error.js';

/**
 * The outcome of matching one pattern:
 * - pass: the resource satisfies the pattern.
 * - fail: a mismatch at `path` (Kyverno form, e.g. `/spec/volumes/0/hostPath/`); `detail` is the walk error text.
 * - skip: a conditional or global anchor was not met; `reason` is Kyverno's anchor error text (the rule's skip message).
 * - error: the "execution error" case: a conditional, existence or negation anchor key was missing from
 *   the resource, or the error carried no path; `path` is always '' (as upstream's PatternError.Path).
 */
export type MatchOutcome =
  | { kind: 'pass' }
  | { kind: 'fail'; path: string; detail: string }
  | { kind: 'skip'; path: string; reason: string }
  | { kind: 'error'; path: string; detail: string };

const PASS: MatchOutcome = Object.freeze({ kind: 'pass' });

/**
 * Validates a resource (JSON) against a Kyverno `pattern` tree (variables already substituted).
 * `firstParsed`: string patterns follow Kyverno 1.12's comparison order (EngineProfile.stringPatternOrder).
 * `floats`: the resource is a foreach element, whose numbers are Go float64s (see matchStringPattern).
 * `shape`: the pattern `pattern` was substituted from, when substitution kept its shape (substitutePattern's
 * `reshaped` false): the walk takes its plans from it (made once per policy) and its values from `pattern`.
 */
export function validatePattern(resource: unknown, pattern: unknown, opts: { firstParsed?: boolean; floats?: boolean } = {}, shape?: unknown): MatchOutcome {
  const firstParsed = opts.firstParsed === true;
  const floats = opts.floats === true;
  const byKey = shape !== undefined && shape !== pattern;
  const plan = byKey ? rootPlan(shape) : undefined;
  const err = walkElement({ anchorSeen: undefined, firstParsed, floats, byKey }, resource, pattern, '/', plan);
  if (err === undefined) return PASS;
  if (isSkip(err)) return { kind: 'skip', path: err.path, reason: err.message };
  if (err.kind === 'negation') return { kind: 'fail', path: err.path, detail: err.message };
  // Which anchor keys were never present matters only here: the walk is pure, so a second walk that
  // records them stops at the same error, and passing walks (the common case) record nothing. A pattern
  // without condition, existence or negation anchors records nothing either: no second walk.
  if (!hasNotedAnchors(byKey ? shape : pattern)) return err.path === '' ? { kind: 'error', path: '', detail: err.message } : { kind: 'fail', path: err.path, detail: err.message };
  const anchorSeen = new Map<string, boolean>();
  walkElement({ anchorSeen, firstParsed, floats, byKey }, resource, pattern, '/', plan);
  const keysMissing = [...anchorSeen.values()].some((seen) => !seen);
  if (keysMissing || err.path === '') return { kind: 'error', path: '', detail: err.message };
  return { kind: 'fail', path: err.path, detail: err.message };
}

/** The plan walkElement takes for a pattern: the map's, or the first element's of a list of maps. */
function rootPlan(pattern: unknown): MapPlan | undefined {
  if (isObject(pattern)) return mapPlan(pattern);
  if (Array.isArray(pattern) && pattern.length > 0 && isObject(pattern[0])) return mapPlan(pattern[0]);
  return undefined;
}

// Per pattern object (a compiled policy's patterns are the same objects on every evaluation).
const notedCache = new WeakMap<object, boolean>();

/**
 * True when the pattern holds, at any depth, a key whose presence the walk records (a condition,
 * existence or negation anchor; see noteAnchors in walk.ts). Metadata wildcard expansion only turns such
 * a key into others of the same kind, so a pattern without one records nothing.
 */
function hasNotedAnchors(pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null) return false;
  const hit = notedCache.get(pattern);
  if (hit !== undefined) return hit;
  let found = false;
  if (Array.isArray(pattern)) found = pattern.some(hasNotedAnchors);
  else if (isObject(pattern)) {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if ((a !== undefined && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'negation')) || hasNotedAnchors(pattern[key])) {
        found = true;
        break;
      }
    }
  }
  notedCache.set(pattern, found);
  return found;
}
