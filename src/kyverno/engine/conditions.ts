// Preconditions and deny conditions: substitute, then evaluate any/all blocks with Kyverno's operators.
// Mirrors kyverno@v1.10.7:pkg/engine/internal/preconditions.go (CheckPreconditions, CheckDenyPreconditions)
// and pkg/engine/variables/evaluate.go (evaluateAnyAllConditions). In 1.10.7 an unresolvable variable is an
// error in both (vars.go newPreconditionsVariableResolver hands the resolver's error back; substituting ""
// came later).
import type { JsonObject, JsonValue } from '../../util/index.js';
import type { AnyAllConditions, Condition } from '../model/index.js';
import { conditionHolds } from '../conditions/index.js';
import { type ConditionsPlan, conditionsPlanOf, type SubstituteOptions, KEY_SLOT, MESSAGE_SLOT, OPERATOR_SLOT, substituteAll, substituteConditions, VALUE_SLOT } from '../variables/index.js';

/**
 * The truth of a condition block, or why it could not be evaluated. A false block carries the `message`s of
 * its conditions as 1.10.7 evaluateAnyAllConditions joins them ("; "): those of the `any` conditions that
 * were false before one held (empty ones left out), and that of the first false `all` condition.
 */
export type ConditionsOutcome = { ok: true; value: boolean; message?: string } | { ok: false; error: string };

function holds(c: Condition): boolean {
  // An unknown operator makes the condition false, as a nil operator handler does upstream.
  return conditionHolds(c.operator, c.key, c.value ?? null);
}

// Outcomes without a message are shared (callers only read outcomes).
const HOLDS: ConditionsOutcome = Object.freeze({ ok: true, value: true });
const FAILS: ConditionsOutcome = Object.freeze({ ok: true, value: false });

/**
 * The messages of a false block joined with "; ", as Array#join writes them (null and absent as "",
 * anything else as String does), one at a time: most false blocks have one message, many none.
 */
function appendMessage(joined: string | undefined, message: unknown): string {
  const text = message === undefined || message === null ? '' : String(message);
  return joined === undefined ? text : `${joined}; ${text}`;
}

function outcome(value: boolean, joined: string | undefined): ConditionsOutcome {
  if (value || joined === undefined || joined === '') return value ? HOLDS : FAILS;
  return { ok: true, value, message: joined };
}

const NO_CONDITIONS: readonly Condition[] = [];

/** Evaluates already-substituted conditions: `any` needs one true, `all` needs every one, both must hold. */
function evaluateConditions(conds: AnyAllConditions): ConditionsOutcome {
  let joined: string | undefined;
  let anyResult = true;
  if (conds.any) {
    anyResult = false;
    for (const c of conds.any) {
      if (holds(c)) {
        anyResult = true;
        break;
      }
      if (c.message) joined = appendMessage(joined, c.message);
    }
  }
  let allResult = true;
  for (const c of conds.all ?? NO_CONDITIONS) {
    if (!holds(c)) {
      allResult = false;
      joined = appendMessage(joined, c.message ?? '');
      break;
    }
  }
  return outcome(anyResult && allResult, joined);
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
  let joined: string | undefined;
  let anyResult = true;
  if (plan.anyStart >= 0) {
    anyResult = false;
    for (let b = plan.anyStart, end = b + 4 * plan.anyCount; b < end; b += 4) {
      if (slotHolds(slots, b)) {
        anyResult = true;
        break;
      }
      const message = slots[b + MESSAGE_SLOT];
      if (message) joined = appendMessage(joined, message);
    }
  }
  let allResult = true;
  if (plan.allStart >= 0) {
    for (let b = plan.allStart, end = b + 4 * plan.allCount; b < end; b += 4) {
      if (!slotHolds(slots, b)) {
        allResult = false;
        joined = appendMessage(joined, slots[b + MESSAGE_SLOT] ?? '');
        break;
      }
    }
  }
  return outcome(anyResult && allResult, joined);
}

function slotHolds(slots: readonly (JsonValue | undefined)[], base: number): boolean {
  return conditionHolds(slots[base + OPERATOR_SLOT], slots[base + KEY_SLOT], slots[base + VALUE_SLOT] ?? null);
}

// Substitution options of condition blocks (read only), one per operation kind.
const STRICT: SubstituteOptions = Object.freeze({ mode: 'strict', isDelete: false });
const STRICT_DELETE: SubstituteOptions = Object.freeze({ mode: 'strict', isDelete: true });

/** Substitutes (strict) and evaluates a block; `what` names it in the substitution error. */
function check(conds: AnyAllConditions, data: JsonObject, isDelete: boolean, what: string): ConditionsOutcome {
  const plan = conditionsPlanOf(conds);
  if (plan !== null) {
    const slots = substituteConditions(plan, data, isDelete ? STRICT_DELETE : STRICT);
    if (typeof slots === 'string') return { ok: false, error: `failed to substitute variables in ${what}: ${slots}` };
    return evaluateSlots(plan, slots);
  }
  const s = substituteAll(conds as unknown as JsonValue, data, isDelete ? STRICT_DELETE : STRICT);
  if (!s.ok) return { ok: false, error: `failed to substitute variables in ${what}: ${s.error}` };
  return evaluateConditions(s.value as unknown as AnyAllConditions);
}

/** Substitutes and evaluates preconditions (an unresolvable variable is an error, as in 1.10.7). */
export function checkPreconditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!hasConditions(conds)) return HOLDS;
  return check(conds as AnyAllConditions, data, isDelete, 'preconditions');
}

/** Substitutes and evaluates deny conditions (unresolvable variables are an error). */
export function checkDenyConditions(conds: AnyAllConditions | undefined, data: JsonObject, isDelete: boolean): ConditionsOutcome {
  if (!conds || (!conds.any && !conds.all)) return HOLDS;
  return check(conds, data, isDelete, 'deny conditions');
}
