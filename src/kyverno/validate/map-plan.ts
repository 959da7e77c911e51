// A pattern map prepared for the walk, once per map object: its keys in check order with their parsed
// anchors and values (and the plans of map values), the anchors whose presence is recorded, and whether
// metadata wildcards may need expanding. Derived from key-order.ts, anchor/parse.ts and
// metadata-wildcards.ts; the walk itself (walk.ts) mirrors kyverno@v1.10.7:pkg/engine/validate/validate.go.
import { isObject } from '../../util/index.js';
import { type Anchor, parseAnchor } from '../anchor/index.js';
import { orderedKeys } from './key-order.js';
import { hasMetadataWildcards } from './metadata-wildcards.js';

/** One key of a pattern map, ready to check. */
export interface PlannedKey {
  key: string;
  /** parseAnchor(key). */
  anchor: Anchor | undefined;
  /** The pattern value under the key. */
  value: unknown;
  /**
   * The plan of the value when it is a map, or of its first element when it is a list whose first
   * element is a map (the map every resource element is checked against).
   */
  plan: MapPlan | undefined;
  /** What the key adds to the walk's path: `<key>/`, with an anchor's bare key (plain and `+()` keys keep theirs). */
  suffix: string;
}

/** A pattern map prepared for walking. */
export interface MapPlan {
  /** The keys in check order (key-order.ts). */
  keys: readonly PlannedKey[];
  /** Condition/existence/negation anchors as [pattern key, bare key] pairs, in key order. */
  noted: readonly (readonly [string, string])[];
  /** Whether metadata wildcard keys may need expanding against each resource. */
  mayExpand: boolean;
}

// Pattern maps of a compiled policy never change, so one lookup per map replaces the per-key work; maps
// made per evaluation (wildcard expansion) are collected with their plans.
const planCache = new WeakMap<object, MapPlan>();
let lastPattern: object | undefined;
let lastPlan: MapPlan | undefined;

function valuePlan(value: unknown): MapPlan | undefined {
  if (isObject(value)) return mapPlan(value);
  if (Array.isArray(value) && value.length > 0 && isObject(value[0])) return mapPlan(value[0]);
  return undefined;
}

/** The plan of a pattern map (cached per map object). */
export function mapPlan(pattern: Record<string, unknown>): MapPlan {
  // A foreach walks the same pattern for every element in a row: the last plan is checked first.
  if (pattern === lastPattern) return lastPlan as MapPlan;
  let plan = planCache.get(pattern);
  if (plan) {
    lastPattern = pattern;
    lastPlan = plan;
    return plan;
  }
  const noted: (readonly [string, string])[] = [];
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a !== undefined && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'negation')) noted.push([key, a.key]);
  }
  const keys = orderedKeys(pattern).map((key): PlannedKey => {
    const value = pattern[key];
    const anchor = parseAnchor(key);
    const suffix = `${anchor === undefined || anchor.kind === 'addIfNotPresent' ? key : anchor.key}/`;
    return { key, anchor, value, plan: valuePlan(value), suffix };
  });
  plan = { keys, noted, mayExpand: hasMetadataWildcards(pattern) };
  planCache.set(pattern, plan);
  lastPattern = pattern;
  lastPlan = plan;
  return plan;
}
