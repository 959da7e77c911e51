// encoding/json's texts that the CLI cases (test/admission/jmespath-library-texts.test.ts) cannot reach
// easily: the byte quoting of the scanner and the nesting limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goJsonUnmarshal, quoteByte } from './go-json.js';

describe('quoteByte: strconv.Quote of the rune with the byte\'s number', () => {
  const cases: [number, string][] = [
    [0x78, "'x'"],
    [0x27, "'\\''"],
    [0x22, `'"'`],
    [0x5c, "'\\\\'"],
    [0x00, "'\\x00'"],
    [0x07, "'\\a'"],
    [0x0b, "'\\v'"],
    [0x1f, "'\\x1f'"],
    [0x7f, "'\\x7f'"],
    [0x80, "'\\u0080'"],
    [0xa0, "'\\u00a0'"],
    [0xad, "'\\u00ad'"],
    [0xc3, "'Ã'"],
    [0xff, "'ÿ'"],
  ];
  for (const [byte, want] of cases) test(`0x${byte.toString(16)}`, () => assert.equal(quoteByte(byte), want));
});

describe('goJsonUnmarshal', () => {
  test('10,000 nested arrays are accepted, 10,001 are not', () => {
    assert.doesNotThrow(() => goJsonUnmarshal(`${'['.repeat(10_000)}${']'.repeat(10_000)}`));
    assert.throws(() => goJsonUnmarshal(`${'['.repeat(10_001)}${']'.repeat(10_001)}`), { message: "invalid character '[' exceeded max depth" });
    assert.throws(() => goJsonUnmarshal(`${'{"a":'.repeat(10_001)}1${'}'.repeat(10_001)}`), { message: "invalid character '{' exceeded max depth" });
  });
  test('a backslash outside a string', () => assert.throws(() => goJsonUnmarshal('\\'), { message: "invalid character '\\\\' looking for beginning of value" }));
  test('a byte order mark is not skipped', () => assert.throws(() => goJsonUnmarshal('\ufeff{}'), { message: "invalid character 'ï' looking for beginning of value" }));
  test('the first out-of-range number is named', () => assert.throws(() => goJsonUnmarshal('[1, -1e999, 1e400]'), { message: 'json: cannot unmarshal number -1e999 into Go value of type float64' }));
  test('a syntax error wins over an out-of-range number', () => assert.throws(() => goJsonUnmarshal('[1e400,]'), { message: "invalid character ']' looking for beginning of value" }));
  test('unpaired surrogate escapes become U+FFFD, pairs are kept', () => {
    assert.deepEqual(goJsonUnmarshal('{"\\udc00k":["\\ud800\\u0041","\\ud83d\\ude00"]}'), { '\ufffdk': ['\ufffdA', '😀'] });
  });
  test('-0 stays -0', () => assert.ok(Object.is(goJsonUnmarshal('-0'), -0)));
});
