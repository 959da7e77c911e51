// Preconditions and deny conditions: substitute, then evaluate any/all blocks with Kyverno's operators.
// Mirrors kyverno@v1.10.7:pkg/engine/internal/preconditions.go (CheckPreconditions, CheckDenyPreconditions)
// and pkg/engine/variables/evaluate.go (evaluateAnyAllConditions). In 1.10.7 an unresolvable variable is an
// error in both (vars.go newPreconditionsVariableResolver hands the resolver's error back; substituting ""
// came later).
import type { JsonObject, JsonValue } from '../../util/index.js';
import type { AnyAllConditions, Condition } from '../model/index.js';
import { evaluateOperator } from '../conditions/index.js';
import { type ConditionsPlan, conditionsPlanOf, KEY_SLOT, MESSAGE_SLOT, OPERATOR_SLOT, substituteAll, substituteConditions, VALUE_SLOT } from '../variables/index.js';

/**
 * The truth of a condition block, or why it could not be evaluated. A false block carries the `message`s of
 * its conditions as 1.10.7 evaluateAnyAllConditions joins them ("; "): those of the `any` conditions that
 * were false before one held (empty ones left out), and that of the first false `all` condition.
 */
export type ConditionsOutcome = { ok: true; value: boolean; message?: string } | { ok: false; error: string };

function holds(c: Condition): boolean {
  const r = evaluateOperator(c.operator, c.key, c.value ?? null);
  // An unknown operator makes the condition false, as a nil operator handler does upstream.
  return r.ok ? r.value : false;
}

const NO_CONDITIONS: readonly Condition[] = [];

/** Evaluates already-substituted conditions: `any` needs one true, `all` needs every one, both must hold. */
function evaluateConditions(conds: AnyAllConditions): ConditionsOutcome {
  // Most blocks collect no message: the list is made (and joined) only when one is.
  let messages: string[] | undefined;
  let anyResult = true;
  if (conds.any) {
    anyResult = false;
    for (const c of conds.any) {
      if (holds(c)) {
        anyResult = true;
        break;
      }
      if (c.message) {
        messages ??= [];
        messages.push(c.message);
      }
    }
  }
  let allResult = true;
  for (const c of conds.all ?? NO_CONDITIONS) {
    if (!holds(c)) {
      allResult = false;
      messages ??= [];
      messages.push(c.message ?? '');
      break;
    }
  }
  const value = anyResult && allResult;
  const message = messages === undefined ? '' : messages.join('; ');
  return value || message === '' ? { ok: true, value } : { ok: true, value, message };
}

/** The skip message of unmet preconditions: `preconditions not met`, then `; ` and the condition messages if any. */
export function preconditionsNotMet(outcome: { message?: string }): string {
  return outcome.message ? `preconditions not met; ${outcome.message}` : 'preconditions not met';
}

/** True when a condition block has anything to evaluate (checkPreconditions is true without substituting otherwise). */
export function hasConditions(conds: AnyAllConditions | undefined): boolean {
  return Boolean(conds && (conds.any || conds.all));
}

/**
 * evaluateConditions over a block substituted by its plan (variables/substitute.ts substituteConditions):
 * the same conditions in the same order, read from their slots.
 */
function evaluateSlots(plan: ConditionsPlan, slots: readonly (JsonValue | undefined)[]): ConditionsOutcome {
  let messages: (JsonValue | undefined)[] | undefined;
  let anyResult = true;
  if (plan.anyStart >= 0) {
    anyResult = false;
    for (let b = plan.anyStart, end = b + 4 * plan.anyCount; b < end; b += 4) {
      if (slotHolds(slots, b)) {
        anyResult = true;
        break;
      }
      const message = slots[b + MESSAGE_SLOT];
      if (message) {
        messages ??= [];
        messages.push(message);
      }
    }
  }
  let allResult = true;
  if (plan.allStart >= 0) {
    for (let b = plan.allStart, end = b + 4 * plan.allCount; b < end; b += 4) {
      if (!slotHolds(slots, b)) {
        allResult = false;
        messages ??= [];
        messages.push(slots[b + MESSAGE_SLOT] ?? '');
        break;
      }
    }
  }
  const value = anyResult && allResult;
  const message = messages === undefined ? '' : messages.join('; ');
  return value || message === '' ? { ok: true, value } : { ok: true, value, message };
}

function slotHolds(slots: readonly (JsonValue | undefined)[], base: number): boolean {
  const r = evaluateOperator(slots[base + OPERATOR_SLOT] as string, slots[base + KEY_SLOT], slots[base + VALUE_SLOT] ?? null);
  return r.ok ? r.value : false;
}

/** Substitutes (strict) and evaluates a block; `what` names it in the substitution error. */
function check(conds: AnyAllConditions, data: JsonObject, isDelete: boolean, what: string): ConditionsOutcome {
  const plan = conditionsPlanOf(conds);
  if (plan !== null) {
    const slots = substituteConditions(plan, data, { mode: 'strict', isDelete });
    if (typeof slots === 'string') return { ok: false, error: `failed to substitute variables in ${what}: ${slots}` };
    return evaluateSlots(plan, slots);
  }
  const s = substituteAll(conds as unknown as JsonValue, data, { mode: 'strict', isDelete });
  if (!s.ok) return { ok: false, error: `failed to substitute variables in ${what}: ${s.error}` };
  return evaluateConditions(s.value as unknown as AnyAllConditions);
}

/** Substitutes and evaluates preconditions (an unresolvable variable is an error, as in 1.10.7). */
export function checkPreconditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!hasConditions(conds)) return { ok: true, value: true };
  return check(conds as AnyAllConditions, data, isDelete, 'preconditions');
}

/** Substitutes and evaluates deny conditions (unresolvable variables are an error). */
export function checkDenyConditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!conds || (!conds.any && !conds.all)) return { ok: true, value: true };
  return check(conds, data, isDelete, 'deny conditions');
}
