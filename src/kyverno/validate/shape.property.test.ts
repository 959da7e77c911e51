// Property: a pattern substituted without changing its shape (substitutePattern's `reshaped` false) gives the
// same walk outcome with the policy pattern's plans (validatePattern's `shape`) as with plans made for the
// substituted copy itself. Random patterns mix anchors, wildcard label keys, lists of maps and `{{ }}`
// variables; the variables give scalars, maps (with anchor keys) or lists, so both the kept-shape and the
// reshaped paths are taken. Fixed seed under `npm test` (fcParams), random seeds under `npm run fuzz`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../../test/helpers/fc.js';
import type { JsonObject, JsonValue } from '../../util/index.js';
import { substitutePattern } from '../variables/index.js';
import { validatePattern } from './index.js';

const KEYS = ['a', 'b', 'c', '(a)', '=(b)', 'X(c)', '^(items)', '+(d)', '<(a)', 'items'];
const leaf = fc.oneof(
  { arbitrary: fc.constantFrom<JsonValue>('x', '?*', 'x*', '!x', '>1', '1', 1, true, null, '*', 'pre-{{ v1 }}'), weight: 2 },
  { arbitrary: fc.constantFrom<JsonValue>('{{ v1 }}', '{{ v2 }}'), weight: 1 },
);
const pattern: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 }) as fc.Arbitrary<JsonValue>,
    fc.array(fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 3 }), { minLength: 1, maxLength: 2 }) as fc.Arbitrary<JsonValue>,
  ),
})).node;
const metadataPattern = fc.record({ metadata: fc.record({ labels: fc.dictionary(fc.constantFrom('team-*', 'app', '=(tier)'), leaf, { maxKeys: 2 }) }) });

const value: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<JsonValue>('x', 'y', 1, 2, true, null, '*', '?*'),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'items'), tie('v'), { maxKeys: 3 }) as fc.Arbitrary<JsonValue>,
    fc.array(tie('v'), { maxLength: 3 }) as fc.Arbitrary<JsonValue>,
  ),
})).v;
// Maps with anchor keys often: where a variable gives one, the keys holding it are checked first.
const variable = fc.oneof(
  { arbitrary: value, weight: 1 },
  { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom<JsonValue>('x', 'y', '?*', 1), { minKeys: 1, maxKeys: 2 }) as fc.Arbitrary<JsonValue>, weight: 3 },
);
const resource = fc.record({ metadata: fc.record({ labels: fc.dictionary(fc.constantFrom('team-a', 'team-b', 'app', 'tier'), fc.constantFrom('x', 'y', '1'), { maxKeys: 3 }) }), a: value, b: value, c: value, d: value, items: value });

test('a pattern that kept its shape is walked alike with the policy pattern plans and with its own', () => {
  fc.assert(
    fc.property(fc.oneof(pattern, metadataPattern as fc.Arbitrary<JsonValue>), variable, variable, resource, (p, v1, v2, r) => {
      const data: JsonObject = { v1, v2 };
      const s = substitutePattern(p, data);
      if (!s.ok || s.value === p) return;
      // A fresh copy: its own plans are made from scratch, as before the shape was used.
      const own = validatePattern(r, structuredClone(s.value));
      const planned = validatePattern(r, s.value, {}, s.reshaped ? undefined : p);
      assert.deepEqual(planned, own);
    }),
    fcParams(1500),
  );
});
