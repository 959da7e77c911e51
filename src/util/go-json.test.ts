import assert from 'node:assert/strict';
import { deepEqual as looseDeepEqual } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/helpers/fc.js';
import { goJsonMarshal } from './go-json.js';

test('goJsonMarshal: map keys in byte order, nested', () => {
  assert.equal(goJsonMarshal({ zeta: 1, alpha: { b: [true, null], a: 'x' }, Zed: 2 }), '{"Zed":2,"alpha":{"a":"x","b":[true,null]},"zeta":1}');
});

test('goJsonMarshal: HTML-safe escaping, U+2028/U+2029 and control characters as Go 1.20 writes them', () => {
  assert.equal(goJsonMarshal('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonMarshal('l\u2028p\u2029'), '"l\\u2028p\\u2029"');
  assert.equal(goJsonMarshal('\b\f\n\r\t\u0001\u001f"\\\u007f'), '"\\u0008\\u000c\\n\\r\\t\\u0001\\u001f\\"\\\\\u007f"');
  assert.equal(goJsonMarshal('é😀'), '"é😀"');
  assert.equal(goJsonMarshal('\ud800x'), '"\\ufffdx"');
});

test('goJsonMarshal: float64 numbers', () => {
  assert.equal(goJsonMarshal([0, -0, 1.5, 1e20, 1e21, 1e-6, 1e-7, 1.5e-7, 8080]), '[0,-0,1.5,100000000000000000000,1e+21,0.000001,1e-7,1.5e-7,8080]');
});

test('goJsonMarshal reads back as the same value (JSON.parse), for any JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      // Loose equality: Go writes negative zero as -0, JSON.stringify as 0.
      looseDeepEqual(JSON.parse(goJsonMarshal(v)), JSON.parse(JSON.stringify(v)));
    }),
    fcParams(300),
  );
});
