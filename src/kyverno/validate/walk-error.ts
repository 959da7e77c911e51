// The outcome of one step of the pattern walk: an error kind, its message and the path it reports.
// Mirrors the error values of kyverno@v1.10.7:pkg/engine/anchor/error.go and validate.PatternError, but
// carried as tagged data: the kind is never recovered from the message text.

/** Why a walk step failed: an anchor error, a group of skipped array elements, or a plain mismatch. */
export type WalkErrorKind = 'conditional' | 'global' | 'negation' | 'skipGroup' | 'plain';

/** A failed walk step; `path` may be '' where Kyverno reports no path (array length mismatch). */
export interface WalkError {
  kind: WalkErrorKind;
  message: string;
  path: string;
}

/**
 * Shared state of one walk; every field is always set (one object shape for every walk, so the walk's
 * reads of it stay monomorphic).
 */
export interface WalkState {
  /** When set, records which anchor keys were ever seen present (anchor.AnchorMap). */
  anchorSeen: Map<string, boolean> | undefined;
  /** String patterns follow Kyverno 1.12's comparison order (EngineProfile.stringPatternOrder). */
  firstParsed: boolean;
  /** The resource's numbers are Go float64s (a foreach element after DocumentToUntyped). */
  floats: boolean;
  /**
   * The plans come from the pattern the walked one was substituted from (same keys, see validatePattern):
   * a key's pattern value is read from the walked map, not from its plan.
   */
  byKey: boolean;
}

/** True when the error means "the rule does not apply" (conditional/global anchor, or all elements skipped). */
export function isSkip(err: WalkError): boolean {
  return err.kind === 'conditional' || err.kind === 'global' || err.kind === 'skipGroup';
}

/** A plain mismatch error. */
export function plainError(path: string, message: string): WalkError {
  return { kind: 'plain', message, path };
}

/** Own-property lookup: a missing key reads as undefined (Go's nil), never as an Object.prototype member. */
export function own(map: Record<string, unknown>, key: string): { present: boolean; value: unknown } {
  return Object.hasOwn(map, key) ? { present: true, value: map[key] } : { present: false, value: undefined };
}
