// Preconditions and deny conditions: facts from kyverno@v1.10.7 pkg/engine/internal/preconditions.go and
// variables/evaluate.go, written as { conditions, want } rows over a small context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../util/index.js';
import type { AnyAllConditions } from '../model/index.js';
import { type ConditionsOutcome, checkDenyConditions, checkPreconditions } from './conditions.js';

const data: JsonObject = { request: { operation: 'CREATE', object: { metadata: { name: 'web' } } } };
const missing = { key: '{{ request.object.spec.missing }}', operator: 'Equals', value: '' };
const isCreate = { key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' };
const isUpdate = { key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' };

const cases: { name: string; check: typeof checkPreconditions; conds: AnyAllConditions | undefined; want: ConditionsOutcome }[] = [
  { name: 'no conditions hold', check: checkPreconditions, conds: undefined, want: { ok: true, value: true } },
  { name: 'empty any and all blocks hold', check: checkDenyConditions, conds: {}, want: { ok: true, value: true } },
  { name: 'preconditions read an unresolvable variable as the empty string', check: checkPreconditions, conds: { all: [missing] }, want: { ok: true, value: true } },
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
];

for (const c of cases) {
  test(c.name, () => assert.deepEqual(c.check(c.conds, data, false), c.want));
}
