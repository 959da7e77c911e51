// Condition operator table: facts from kyverno@v1.10.7 variables/operator tests and evaluate_test.go,
// written as { operator, key, value, want } rows; plus a never-throws property.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { wildcardMatch } from '../../util/index.js';
import { CONDITION_OPERATORS, evaluateOperator } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

const rows: { name: string; op: string; key: unknown; value: unknown; want: boolean }[] = [
  { name: 'Equal compares equal strings', op: 'Equal', key: 'string', value: 'string', want: true },
  { name: 'Equal takes wildcards from the value', op: 'Equal', key: 'nginx:1.2', value: 'nginx:*', want: true },
  { name: 'Equal does not take wildcards from the key', op: 'Equal', key: 'nginx:*', value: 'nginx:1.2', want: false },
  { name: 'Equal compares ints and floats', op: 'Equal', key: 1, value: 1.0, want: true },
  { name: 'Equal compares an int with a numeric string', op: 'Equal', key: 1, value: '1', want: true },
  { name: 'Equal compares quantities by value', op: 'Equal', key: '1Gi', value: '1024Mi', want: true },
  { name: 'Equal compares durations across units', op: 'Equal', key: '1h', value: '60m', want: true },
  { name: 'Equal compares a duration with seconds', op: 'Equal', key: '1m', value: 60, want: true },
  { name: 'Equal compares maps deeply', op: 'Equal', key: { a: [1, 'x'] }, value: { a: [1, 'x'] }, want: true },
  { name: 'Equal rejects different lists', op: 'Equal', key: [1, 2], value: [2, 1], want: false },
  { name: 'Equal is case-insensitive in its name', op: 'equals', key: true, value: true, want: true },
  { name: 'NotEqual negates a mismatch', op: 'NotEqual', key: 'a', value: 'b', want: true },
  { name: 'NotEqual is the negation of Equal, so a type mismatch is not equal', op: 'NotEquals', key: true, value: 'true', want: true },
  { name: 'NotEquals with a list value is true for a string key', op: 'NotEquals', key: 'CREATE', value: ['DELETE'], want: true },
  { name: 'NotEqual is false for equal durations', op: 'NotEqual', key: '1h', value: '3600s', want: false },
  { name: 'In finds a string in a list', op: 'In', key: 'a', value: ['a', 'b'], want: true },
  { name: 'In needs every key element in the list', op: 'In', key: ['a', 'c'], value: ['a', 'b'], want: false },
  { name: 'In reads a JSON array string', op: 'In', key: 'a', value: '["a","b"]', want: true },
  { name: 'NotIn is true when the string is absent', op: 'NotIn', key: 'c', value: ['a', 'b'], want: true },
  { name: 'AnyIn matches with wildcards in the value', op: 'AnyIn', key: ['x', 'kube-system'], value: ['kube-*'], want: true },
  { name: 'AnyIn matches with wildcards in the key', op: 'AnyIn', key: ['kube-*'], value: ['kube-system'], want: true },
  { name: 'AnyIn is false when nothing matches', op: 'AnyIn', key: ['a'], value: ['b'], want: false },
  { name: 'AnyIn accepts a range value', op: 'AnyIn', key: [5, 50], value: '1-10', want: true },
  { name: 'AnyIn stringifies numbers', op: 'AnyIn', key: [1, 2], value: ['2'], want: true },
  { name: 'AllIn needs every key element', op: 'AllIn', key: ['a', 'b'], value: ['a', 'b', 'c'], want: true },
  { name: 'AllIn fails when one key element is missing', op: 'AllIn', key: ['a', 'd'], value: ['a', 'b'], want: false },
  { name: 'AllIn with a range needs every element inside', op: 'AllIn', key: [5, 50], value: '1-10', want: false },
  { name: 'AnyNotIn is true when one key element is missing', op: 'AnyNotIn', key: ['a', 'd'], value: ['a', 'b'], want: true },
  { name: 'AnyNotIn is false for an empty key list', op: 'AnyNotIn', key: [], value: ['a'], want: false },
  { name: 'AllNotIn is true when no key element matches', op: 'AllNotIn', key: ['x', 'y'], value: ['a', 'b'], want: true },
  { name: 'AllNotIn is false when one key element matches', op: 'AllNotIn', key: ['x', 'a'], value: ['a', 'b'], want: false },
  { name: 'AnyIn with a plain string value matches the same string', op: 'AnyIn', key: 'a', value: 'a', want: true },
  { name: 'a scalar key is one element: AnyNotIn of a wildcard key over a list it matches', op: 'AnyNotIn', key: 'kube-*', value: ['x', 'kube-system'], want: false },
  { name: 'a scalar number key is stringified', op: 'AllIn', key: 8080, value: ['80', '8080'], want: true },
  { name: 'a scalar key with a wildcard value list', op: 'AnyIn', key: 'nginx:1.2', value: ['busybox*', 'nginx:*'], want: true },
  { name: 'a JSON-array string of more than 16 values', op: 'AllNotIn', key: 'q', value: JSON.stringify('abcdefghijklmnopq'.split('')), want: false },
  { name: 'GreaterThan compares numbers', op: 'GreaterThan', key: 10, value: 5, want: true },
  { name: 'GreaterThan compares numeric strings', op: 'GreaterThan', key: '10', value: '5', want: true },
  { name: 'GreaterThan compares quantities', op: 'GreaterThan', key: '2Gi', value: '1500Mi', want: true },
  { name: 'LessThan compares durations', op: 'LessThan', key: '30m', value: '1h', want: true },
  { name: 'LessThanOrEquals compares a duration with seconds', op: 'LessThanOrEquals', key: '1m', value: 60, want: true },
  { name: 'GreaterThanOrEquals compares semantic versions', op: 'GreaterThanOrEquals', key: '1.10.0', value: '1.9.3', want: true },
  { name: 'LessThan orders pre-releases before releases', op: 'LessThan', key: '1.0.0-rc.1', value: '1.0.0', want: true },
  { name: 'GreaterThan is false for words', op: 'GreaterThan', key: 'b', value: 'a', want: false },
  { name: 'DurationGreaterThan compares Go durations', op: 'DurationGreaterThan', key: '2h', value: '90m', want: true },
  { name: 'DurationLessThan treats numbers as seconds', op: 'DurationLessThan', key: 30, value: '1m', want: true },
];

for (const r of rows) {
  test(r.name, () => assert.deepEqual(evaluateOperator(r.op, r.key, r.value), { ok: true, value: r.want }));
}

test('an unknown operator is an error, not a verdict', () => {
  const got = evaluateOperator('Matches', 'a', 'a');
  assert.equal(got.ok, false);
});

test('every listed operator is accepted in any case', () => {
  for (const op of CONDITION_OPERATORS) {
    assert.equal(evaluateOperator(op.toUpperCase(), 'a', 'b').ok, true, op);
  }
});

test('evaluateOperator never throws on arbitrary JSON', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CONDITION_OPERATORS, 'bogus'), fc.jsonValue(), fc.jsonValue(), (op, k, v) => {
      evaluateOperator(op, k, v);
    }),
    fcParams(2000),
  );
});

test('evaluateOperator never throws on adversarial strings', () => {
  fc.assert(
    fc.property(fc.constantFrom(...CONDITION_OPERATORS), fc.string(), fc.string(), (op, k, v) => {
      evaluateOperator(op, k, v);
    }),
    fcParams(2000),
  );
});

test('the set operators on lists match each pair by wildcard in either direction', () => {
  // Reference: a key element is found when some value element matches it, or it matches the value element.
  const element = fc.constantFrom('a', 'ab', 'b', 'a*', '*b', '?', 'a?', '*', '', 'NET_ADMIN', 'NET_*');
  const list = fc.array(element, { maxLength: 4 });
  const found = (keys: string[], values: string[]) => keys.map((k) => values.some((v) => wildcardMatch(k, v) || wildcardMatch(v, k)));
  fc.assert(
    fc.property(list, list, (keys, values) => {
      const f = found(keys, values);
      assert.deepEqual(evaluateOperator('AnyIn', keys, values), { ok: true, value: f.some(Boolean) });
      assert.deepEqual(evaluateOperator('AllIn', keys, values), { ok: true, value: f.every(Boolean) });
      assert.deepEqual(evaluateOperator('AnyNotIn', keys, values), { ok: true, value: f.some((x) => !x) });
      assert.deepEqual(evaluateOperator('AllNotIn', keys, values), { ok: true, value: !f.some(Boolean) });
    }),
    fcParams(1000),
  );
});
