// Leaf-matching table for matchValue, built from the facts of kyverno@v1.10.7 pattern_test.go and the
// spec notes (1.10 OR-ing of duration/quantity/string comparisons, ranges, null rules, float 'E' form).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { wildcardWork } from '../../util/index.js';
import { formatFloatE, formatFloatF6, formatGoValue, matchValue } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

const cases: { name: string; value: unknown; pattern: unknown; want: boolean }[] = [
  { name: 'bool pattern matches the same bool', value: true, pattern: true, want: true },
  { name: 'bool pattern rejects the other bool', value: false, pattern: true, want: false },
  { name: 'bool pattern rejects null', value: null, pattern: false, want: false },
  { name: 'null pattern rejects a non-empty string', value: 'value', pattern: null, want: false },
  { name: 'null pattern matches an empty string', value: '', pattern: null, want: true },
  { name: 'null pattern matches zero', value: 0, pattern: null, want: true },
  { name: 'null pattern matches false', value: false, pattern: null, want: true },
  { name: 'null pattern matches a missing value', value: undefined, pattern: null, want: true },
  { name: 'null pattern rejects a map', value: {}, pattern: null, want: false },
  { name: 'null pattern rejects a list', value: [], pattern: null, want: false },
  { name: 'alternatives with a wildcard match an IP', value: '10.100.11.54', pattern: '192.168.88.1 | 10.100.11.*', want: true },
  { name: 'and-conditions bound a numeric string', value: '10', pattern: '>1 & <20', want: true },
  { name: 'the second alternative of ranges can match', value: '32', pattern: '>1 & <20 | >31 & <33', want: true },
  { name: 'no alternative matches a value between ranges', value: '21', pattern: '>1 & <20 | >31 & <33', want: false },
  { name: 'int pattern matches the same int', value: 10, pattern: 10, want: true },
  { name: 'int pattern rejects another int', value: 8, pattern: 10, want: false },
  { name: 'int pattern rejects a fractional float', value: 8.1, pattern: 8, want: false },
  { name: 'int pattern matches an int string', value: '8', pattern: 8, want: true },
  { name: 'int pattern rejects a float string', value: '8.1', pattern: 8, want: false },
  { name: 'int pattern rejects a bool', value: false, pattern: 8, want: false },
  { name: 'float pattern matches a float string', value: '8.1', pattern: 8.1, want: true },
  { name: 'float pattern rejects a non-numeric string', value: 'abc', pattern: 8.1, want: false },
  { name: 'float pattern rejects an int', value: 8, pattern: 8.1, want: false },
  { name: 'map pattern accepts any map', value: { a: true }, pattern: { b: false }, want: true },
  { name: 'map pattern rejects a string', value: 'abc', pattern: {}, want: false },
  { name: 'list pattern never matches a leaf', value: null, pattern: [], want: false },
  { name: 'greater-than with a space matches', value: 4, pattern: '>= 3', want: true },
  { name: 'range includes its lower end', value: 0, pattern: '0-2', want: true },
  { name: 'range includes its upper end', value: 2, pattern: '0-2', want: true },
  { name: 'range excludes a value above', value: 3, pattern: '0-2', want: false },
  { name: 'not-in-range accepts a value below', value: 0, pattern: '10!-20', want: true },
  { name: 'not-in-range rejects a value inside', value: 15, pattern: '10!-20', want: false },
  { name: 'fractional range excludes zero', value: 0, pattern: '0.00001-2.00001', want: false },
  { name: 'fractional range excludes a float above', value: 2.0001, pattern: '0.00001-2.00001', want: false },
  { name: 'quantity range includes 256Mi', value: '256Mi', pattern: '128Mi-512Mi', want: true },
  { name: 'quantity range excludes 1024Mi', value: '1024Mi', pattern: '128Mi-512Mi', want: false },
  { name: 'quantity not-in-range accepts 64Mi', value: '64Mi', pattern: '128Mi!-512Mi', want: true },
  { name: 'negative range includes -9', value: -9, pattern: '-10-8', want: true },
  { name: 'negative range with both ends negative excludes 9', value: 9, pattern: '-10--8', want: false },
  { name: 'negative not-in-range accepts 9', value: 9, pattern: '-10!--8', want: true },
  { name: 'plus-signed range includes 7Mi', value: '7Mi', pattern: '-10Mi-+8Mi', want: true },
  { name: 'greater than zero fails for zero', value: 0, pattern: '>0', want: false },
  { name: 'greater than zero passes for 1000 by quantity', value: 1000, pattern: '>0', want: true },
  { name: 'quantity 1Gi is more than 1000Mi', value: '1Gi', pattern: '>1000Mi', want: true },
  { name: 'quantity 1024Mi equals 1Gi', value: '1024Mi', pattern: '1Gi', want: true },
  { name: 'quantity 500m is at least 0.5', value: '500m', pattern: '>=0.5', want: true },
  { name: 'quantity 500m is not at least 0.6', value: '500m', pattern: '>=0.6', want: false },
  { name: 'duration 12s is less than 15s', value: '12s', pattern: '<15s', want: true },
  { name: 'duration 15s is not less than 12s', value: '15s', pattern: '<12s', want: false },
  { name: 'in 1.10 a duration not-equal falls through to the string test', value: '60m', pattern: '!1h', want: true },
  { name: 'string not-equal rejects the same version string', value: '5.10.84-1', pattern: '!5.10.84-1', want: false },
  { name: 'string not-equal accepts another version', value: '5.16.5-arch1-1', pattern: '!5.10.84-1 & !5.15.2-1', want: true },
  { name: 'exact equality wins before operators are read', value: '!5.10.84-1', pattern: '!5.10.84-1', want: true },
  { name: 'string false matches bool false', value: false, pattern: 'false', want: true },
  { name: 'quoted null matches only the string null', value: null, pattern: 'null', want: false },
  { name: 'the string null matches quoted null', value: 'null', pattern: 'null', want: true },
  { name: 'question-star needs a non-empty value', value: '', pattern: '?*', want: false },
  { name: 'star matches an empty string', value: '', pattern: '*', want: true },
  { name: 'a nil value never matches a plain string pattern', value: null, pattern: 'abc', want: false },
  { name: 'a float is compared as a string in E notation', value: 2.5, pattern: '2.5E+00', want: true },
  { name: 'greater-than on words never matches', value: 'b', pattern: '>a', want: false },
  { name: 'an invalid quantity does not equal a valid one', value: 'gii', pattern: '1024Gi', want: false },
];

for (const c of cases) {
  test(c.name, () => assert.equal(matchValue(c.value, c.pattern), c.want));
}

const formats: { name: string; got: string; want: string }[] = [
  { name: "'E' form of 2.5", got: formatFloatE(2.5), want: '2.5E+00' },
  { name: "'E' form of 1e21", got: formatFloatE(1e21), want: '1E+21' },
  { name: "'E' form of 0.0001", got: formatFloatE(0.0001), want: '1E-04' },
  { name: '%f of 3.1', got: formatFloatF6(3.1), want: '3.100000' },
  { name: '%f of -3.1', got: formatFloatF6(-3.1), want: '-3.100000' },
  { name: '%f rounds an exact tie to even', got: formatFloatF6(1 / 128), want: '0.007812' },
  { name: '%v of a float uses exponent form from 1e6', got: formatGoValue(1500000.5), want: '1.5000005e+06' },
  { name: '%v of a small float', got: formatGoValue(0.5), want: '0.5' },
  { name: '%v of a map sorts keys', got: formatGoValue({ b: 1, a: [true, null] }), want: 'map[a:[true <nil>] b:1]' },
];
for (const f of formats) {
  test(`Go rendering: ${f.name}`, () => assert.equal(f.got, f.want));
}

test('matchValue never throws on arbitrary JSON', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.oneof(fc.jsonValue(), fc.string()), (v, p) => {
      matchValue(v, p);
    }),
    fcParams(1000),
  );
});

// Work counts, not timings (util/wildcard.ts counts the characters it compares or scans); the timing
// of these inputs is in bench/pathological.ts.
test('wildcard string patterns do linear work on adversarial input', () => {
  const pattern = `${'a*'.repeat(200)}b`;
  const value = 'a'.repeat(20000);
  // Without `?` a bounded number of scans of the value; a piece with `?` costs at most its length per
  // candidate position (a backtracking matcher would be exponential in the number of stars).
  for (const [p, want, factor] of [
    [pattern, false, 4],
    [`!${pattern}`, true, 4],
    [`*${'a?'.repeat(50)}b*`, false, 102],
  ] as const) {
    const before = wildcardWork();
    assert.equal(matchValue(value, p), want, p);
    assert.ok(wildcardWork() - before <= factor * (p.length + value.length), `${p.slice(0, 20)}…: ${wildcardWork() - before}`);
  }
});

test('long digit runs that are not ranges are compared as strings', () => {
  // The range forms are recognised by a single left-to-right scan (pattern/operator.ts splitRange).
  assert.equal(matchValue('1', `${'1'.repeat(50000)}x-${'2'.repeat(50000)}`), false);
  assert.equal(matchValue('1', `${'9'.repeat(100000)}`), false);
  assert.equal(matchValue('5', `${'1'.repeat(1)}-${'9'.repeat(1)}`), true);
});

test('an integer value matches a string pattern exactly as its decimal text does', () => {
  // Integers take a shortcut (compared as numbers); their text takes the general duration/quantity/string path.
  const operand = fc.oneof(
    fc.integer({ min: -3, max: 20_000 }).map(String),
    fc.constantFrom('0', '-0', '1k', '10Ki', '1e3', '1.5', '500m', '0s', '1h', '?', '1*', '*', 'abc', '9007199254740993', '1E16'),
  );
  const condition = fc.tuple(fc.constantFrom('', '!', '>', '<', '>=', '<='), operand).map(([op, x]) => `${op}${x}`);
  const pattern = fc.oneof(
    condition,
    fc.tuple(condition, condition).map(([a, b]) => `${a} | ${b}`),
    fc.tuple(condition, condition).map(([a, b]) => `${a} & ${b}`),
    fc.tuple(operand, operand).map(([a, b]) => `${a}-${b}`),
    fc.tuple(operand, operand).map(([a, b]) => `${a}!-${b}`),
  );
  const value = fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1000, 10240));
  fc.assert(
    fc.property(value, pattern, (v, p) => {
      assert.equal(matchValue(v, p), matchValue(String(v === 0 ? 0 : v), p), `${v} vs ${p}`);
    }),
    fcParams(3000),
  );
});

// kyverno pkg/engine/pattern/pattern.go validateString: 1.10.7 ORs the duration, quantity and string
// comparisons; from 1.11 (PR #7307) the first one in which both sides parse decides, for every operator.
test('string patterns: Kyverno 1.12 stops at the first comparison that parses, 1.10 ORs them', () => {
  for (const [value, pattern, v110, v112] of [
    [0, '!0s', true, false], // durations equal; "0" is not the string "0s"
    ['0', '!0s', true, false],
    ['1024', '!1Ki', true, false], // quantities equal; the strings differ
    ['60s', '!1m', true, false], // durations equal (the pattern is also a quantity: 60s is not)
    ['2m', '>1m', true, true], // durations and quantities agree
    ['1Gi', '!1G', true, true], // quantities differ
    ['abc', '!0s', true, true], // nothing parses: the string comparison decides in both
    [0, '>=1m', false, false],
    ['1024', '1Ki', true, true],
  ] as const) {
    assert.equal(matchValue(value, pattern), v110, `1.10: ${JSON.stringify(value)} vs ${pattern}`);
    assert.equal(matchValue(value, pattern, true), v112, `1.12: ${JSON.stringify(value)} vs ${pattern}`);
  }
});
