// Preconditions and deny conditions: substitute, then evaluate any/all blocks with Kyverno's operators.
// Mirrors kyverno@v1.10.7:pkg/engine/internal/preconditions.go (CheckPreconditions, CheckDenyPreconditions)
// and pkg/engine/variables/evaluate.go (evaluateAnyAllConditions): preconditions resolve unknown variables
// to "", deny conditions fail on them.
import type { JsonObject, JsonValue } from '../../util/index.js';
import type { AnyAllConditions, Condition } from '../model/index.js';
import { evaluateOperator } from '../conditions/index.js';
import { substituteAll } from '../variables/index.js';

/** The truth of a condition block, or why it could not be evaluated. */
export type ConditionsOutcome = { ok: true; value: boolean } | { ok: false; error: string };

function evaluateList(list: readonly Condition[], want: 'any' | 'all'): ConditionsOutcome {
  for (const c of list) {
    const r = evaluateOperator(c.operator, c.key, c.value ?? null);
    // An unknown operator makes the condition false, as a nil operator handler does upstream.
    const v = r.ok ? r.value : false;
    if (want === 'any' && v) return { ok: true, value: true };
    if (want === 'all' && !v) return { ok: true, value: false };
  }
  return { ok: true, value: want === 'all' };
}

/** Evaluates already-substituted conditions: `any` needs one true, `all` needs every one, both must hold. */
function evaluateConditions(conds: AnyAllConditions): ConditionsOutcome {
  let anyResult = true;
  if (conds.any) {
    const r = evaluateList(conds.any, 'any');
    if (!r.ok) return r;
    anyResult = r.value;
  }
  let allResult = true;
  if (conds.all) {
    const r = evaluateList(conds.all, 'all');
    if (!r.ok) return r;
    allResult = r.value;
  }
  return { ok: true, value: anyResult && allResult };
}

/** True when a condition block has anything to evaluate (checkPreconditions is true without substituting otherwise). */
export function hasConditions(conds: AnyAllConditions | undefined): boolean {
  return Boolean(conds && (conds.any || conds.all));
}

/** Substitutes and evaluates preconditions (unresolvable variables become ""). */
export function checkPreconditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!hasConditions(conds)) return { ok: true, value: true };
  const s = substituteAll(conds as unknown as JsonValue, data, { mode: 'conditions', isDelete });
  if (!s.ok) return { ok: false, error: `failed to substitute variables in preconditions: ${s.error}` };
  return evaluateConditions(s.value as unknown as AnyAllConditions);
}

/** Substitutes and evaluates deny conditions (unresolvable variables are an error). */
export function checkDenyConditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!conds || (!conds.any && !conds.all)) return { ok: true, value: true };
  const s = substituteAll(conds as unknown as JsonValue, data, { mode: 'strict', isDelete });
  if (!s.ok) return { ok: false, error: `failed to substitute variables in deny conditions: ${s.error}` };
  return evaluateConditions(s.value as unknown as AnyAllConditions);
}
