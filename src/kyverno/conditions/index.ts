// Public surface of kyverno/conditions: Kyverno's condition operators over substituted keys and values
// (kyverno@v1.10.7:pkg/engine/variables/operator/*.go).
export type { ConditionResult } from './operators.js';
export { CONDITION_OPERATORS, conditionHolds, evaluateOperator } from './operators.js';
