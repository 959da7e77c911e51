// Preconditions and deny conditions: facts from kyverno@v1.10.7 pkg/engine/internal/preconditions.go and
// variables/evaluate.go, written as { conditions, want } rows over a small context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../util/index.js';
import type { AnyAllConditions } from '../model/index.js';
import { type ConditionsOutcome, checkDenyConditions, checkPreconditions, preconditionsNotMet } from './conditions.js';

const data: JsonObject = { request: { operation: 'CREATE', object: { metadata: { name: 'web', generation: 3 } } } };
const missing = { key: '{{ request.object.spec.missing }}', operator: 'Equals', value: '' };
const isCreate = { key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' };
const isUpdate = { key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' };

const cases: { name: string; check: typeof checkPreconditions; conds: AnyAllConditions | undefined; want: ConditionsOutcome }[] = [
  { name: 'no conditions hold', check: checkPreconditions, conds: undefined, want: { ok: true, value: true } },
  { name: 'empty any and all blocks hold', check: checkDenyConditions, conds: {}, want: { ok: true, value: true } },
  {
    // 1.10.7 vars.go: newPreconditionsVariableResolver returns the resolver's error (the "" fallback is later).
    name: 'preconditions fail on an unresolvable variable (1.10.7)',
    check: checkPreconditions,
    conds: { all: [missing] },
    want: {
      ok: false,
      error: 'failed to substitute variables in preconditions: failed to resolve request.object.spec.missing at path /all/0/key: JMESPath query failed: Unknown key "spec" in path',
    },
  },
  { name: 'a missing key behind || is not an error in preconditions', check: checkPreconditions, conds: { all: [{ key: "{{ request.object.spec.missing || '' }}", operator: 'Equals', value: '' }] }, want: { ok: true, value: true } },
  {
    name: 'deny conditions fail on an unresolvable variable',
    check: checkDenyConditions,
    conds: { all: [missing] },
    want: {
      ok: false,
      error: 'failed to substitute variables in deny conditions: failed to resolve request.object.spec.missing at path /all/0/key: JMESPath query failed: Unknown key "spec" in path',
    },
  },
  { name: 'an unknown operator makes its condition false, not an error', check: checkDenyConditions, conds: { all: [{ key: 'a', operator: 'Matches', value: 'a' }] }, want: { ok: true, value: false } },
  { name: 'any needs one true condition', check: checkPreconditions, conds: { any: [isUpdate, isCreate] }, want: { ok: true, value: true } },
  { name: 'all needs every condition', check: checkPreconditions, conds: { all: [isCreate, isUpdate] }, want: { ok: true, value: false } },
  { name: 'a true any block does not save a false all block', check: checkPreconditions, conds: { any: [isCreate], all: [isUpdate] }, want: { ok: true, value: false } },
  {
    // Substitution follows the block's key order: an `all` written first fails first.
    name: 'the first unresolvable variable in document order is the error',
    check: checkDenyConditions,
    conds: { all: [isCreate, { key: '{{ request.object.nope }}', operator: 'Equals', value: '' }], any: [missing] } as AnyAllConditions,
    want: {
      ok: false,
      error: 'failed to substitute variables in deny conditions: failed to resolve request.object.nope at path /all/1/key: JMESPath query failed: Unknown key "nope" in path',
    },
  },
  {
    name: 'a condition that is not needed is still substituted (its failure is the error)',
    check: checkPreconditions,
    conds: { any: [isCreate, { ...isUpdate, value: '{{ request.object.spec.missing }}' }] },
    want: {
      ok: false,
      error: 'failed to substitute variables in preconditions: failed to resolve request.object.spec.missing at path /any/1/value: JMESPath query failed: Unknown key "spec" in path',
    },
  },
  {
    name: 'messages are substituted too',
    check: checkPreconditions,
    conds: { all: [{ ...isCreate, message: '{{ request.object.spec.missing }}' }] },
    want: {
      ok: false,
      error: 'failed to substitute variables in preconditions: failed to resolve request.object.spec.missing at path /all/0/message: JMESPath query failed: Unknown key "spec" in path',
    },
  },
  { name: 'a condition without a value compares with null', check: checkPreconditions, conds: { all: [{ key: '{{ request.object.metadata.name }}', operator: 'NotEquals' }] }, want: { ok: true, value: true } },
  { name: 'a $() reference in a condition resolves in the block', check: checkPreconditions, conds: { all: [{ key: '$(../value)', operator: 'Equals', value: 'web' }] }, want: { ok: true, value: true } },
];

for (const c of cases) {
  test(c.name, () => assert.deepEqual(c.check(c.conds, data, false), c.want));
}

// 1.10.7 variables/evaluate.go (evaluateAnyAllConditions): the messages of a false block.
const cond = (ok: boolean, message?: string) => ({ key: ok ? 'a' : 'b', operator: 'Equals', value: 'a', ...(message !== undefined ? { message } : {}) });
const messageCases: { name: string; conds: AnyAllConditions; want: ConditionsOutcome }[] = [
  { name: 'a false all condition gives its message', conds: { all: [cond(true, 'x'), cond(false, 'need a team label'), cond(false, 'later')] }, want: { ok: true, value: false, message: 'need a team label' } },
  { name: 'false any conditions give every non-empty message', conds: { any: [cond(false, 'one'), cond(false), cond(false, 'two')] }, want: { ok: true, value: false, message: 'one; two' } },
  { name: 'any messages come before the all message', conds: { any: [cond(false, 'any')], all: [cond(false, 'all')] }, want: { ok: true, value: false, message: 'any; all' } },
  { name: 'an any block that held keeps the messages of the conditions before, when all fails', conds: { any: [cond(false, 'first'), cond(true, 'held')], all: [cond(false, 'all')] }, want: { ok: true, value: false, message: 'first; all' } },
  { name: 'a false block without messages has none', conds: { all: [cond(false)] }, want: { ok: true, value: false } },
  { name: 'a substituted message is reported', conds: { all: [cond(false, '{{ request.object.metadata.name }} needs a team label')] }, want: { ok: true, value: false, message: 'web needs a team label' } },
  { name: 'a false all condition without a message still adds its separator', conds: { any: [cond(false, 'one')], all: [cond(false)] }, want: { ok: true, value: false, message: 'one; ' } },
  { name: 'a message that substitutes to a number is written as a number', conds: { all: [cond(false, '{{ request.object.metadata.generation }}')] }, want: { ok: true, value: false, message: '3' } },
  { name: 'a true block has no message', conds: { any: [cond(false, 'm'), cond(true)] }, want: { ok: true, value: true } },
];
for (const c of messageCases) {
  test(`condition messages: ${c.name}`, () => assert.deepEqual(checkPreconditions(c.conds, data, false), c.want));
}

const notMet = [
  { name: 'without messages', outcome: {}, want: 'preconditions not met' },
  { name: 'with an empty message', outcome: { message: '' }, want: 'preconditions not met' },
  { name: 'with messages', outcome: { message: 'one; two' }, want: 'preconditions not met; one; two' },
];
for (const c of notMet) {
  test(`the skip message ${c.name}`, () => assert.equal(preconditionsNotMet(c.outcome), c.want));
}
