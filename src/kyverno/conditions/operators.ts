// Dispatch of a condition operator name (case-insensitive) to its implementation.
// Mirrors kyverno@v1.10.7:pkg/engine/variables/operator/operator.go (CreateOperatorHandler) and the
// operator names of api/kyverno/v1 (ConditionOperators).

import { compareEqual } from './equality.js';
import { evaluateIn, evaluateSetOperator } from './membership.js';
import { evaluateDuration, evaluateNumeric, type Relation } from './numeric.js';

/** The outcome of one operator: a boolean, or an error (unknown operator). */
export type ConditionResult = { ok: true; value: boolean } | { ok: false; error: string };

/** Every condition operator Kyverno 1.10 accepts, in its documented spelling. */
export const CONDITION_OPERATORS: readonly string[] = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThanOrEquals',
  'GreaterThan',
  'LessThanOrEquals',
  'LessThan',
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
];

type Evaluator = (key: unknown, value: unknown) => boolean;

const RELATIONS: Readonly<Record<string, Relation>> = {
  greaterthanorequals: '>=',
  greaterthan: '>',
  lessthanorequals: '<=',
  lessthan: '<',
};

const EVALUATORS: ReadonlyMap<string, Evaluator> = new Map<string, Evaluator>([
  ['equal', (k, v) => compareEqual(k, v) === true],
  ['equals', (k, v) => compareEqual(k, v) === true],
  // NotEqual is the negation of Equal (kyverno >= 1.8 notequal.go delegates to the equal handler), so a
  // type mismatch, where Equal gives up, makes NotEqual true.
  ['notequal', (k, v) => compareEqual(k, v) !== true],
  ['notequals', (k, v) => compareEqual(k, v) !== true],
  ['in', (k, v) => evaluateIn('in', k, v)],
  ['notin', (k, v) => evaluateIn('notIn', k, v)],
  ['anyin', (k, v) => evaluateSetOperator('any', 'in', k, v)],
  ['allin', (k, v) => evaluateSetOperator('all', 'in', k, v)],
  ['anynotin', (k, v) => evaluateSetOperator('any', 'notIn', k, v)],
  ['allnotin', (k, v) => evaluateSetOperator('all', 'notIn', k, v)],
  ...Object.entries(RELATIONS).map(([name, rel]): [string, Evaluator] => [name, (k, v) => evaluateNumeric(k, v, rel)]),
  ...Object.entries(RELATIONS).map(([name, rel]): [string, Evaluator] => [`duration${name}`, (k, v) => evaluateDuration(k, v, rel)]),
]);

// Operator names as written in policies, resolved once each (bounded: cleared when full).
const byName = new Map<string, Evaluator | undefined>();

function evaluatorOf(operator: string): Evaluator | undefined {
  const hit = byName.get(operator);
  if (hit !== undefined || byName.has(operator)) return hit;
  const evaluate = EVALUATORS.get(operator.toLowerCase());
  if (byName.size >= 256) byName.clear();
  byName.set(operator, evaluate);
  return evaluate;
}

/** Applies one Kyverno condition operator (case-insensitive name) to an already-substituted key and value. */
export function evaluateOperator(operator: string, key: unknown, value: unknown): ConditionResult {
  const evaluate = typeof operator === 'string' ? evaluatorOf(operator) : undefined;
  if (evaluate === undefined) return { ok: false, error: `failed to create handler for condition operator: unsupported operator ${String(operator)}` };
  return { ok: true, value: evaluate(key, value) };
}

/**
 * Whether a condition holds: evaluateOperator's value, with an unknown operator (or a non-string one)
 * false, as a nil operator handler makes its condition upstream. No outcome object per condition.
 */
export function conditionHolds(operator: unknown, key: unknown, value: unknown): boolean {
  const evaluate = typeof operator === 'string' ? evaluatorOf(operator) : undefined;
  return evaluate === undefined ? false : evaluate(key, value);
}
