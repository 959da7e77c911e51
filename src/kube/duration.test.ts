import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatGoDuration, goTimeQuote, MAX_DURATION, MIN_DURATION, parseGoDuration, parseGoDurationOrError } from './duration.js';
import { fcParams } from '../../test/helpers/fc.js';

const S = 1_000_000_000n;
const MS = 1_000_000n;
const US = 1_000n;
const MIN = 60n * S;
const H = 60n * MIN;

// From go/src/time/time_test.go parseDurationTests.
const parseCases: { input: string; want: bigint }[] = [
  { input: '0', want: 0n },
  { input: '5s', want: 5n * S },
  { input: '30s', want: 30n * S },
  { input: '1478s', want: 1478n * S },
  { input: '-5s', want: -5n * S },
  { input: '+5s', want: 5n * S },
  { input: '-0', want: 0n },
  { input: '+0', want: 0n },
  { input: '5.0s', want: 5n * S },
  { input: '5.6s', want: 5n * S + 600n * MS },
  { input: '5.s', want: 5n * S },
  { input: '.5s', want: 500n * MS },
  { input: '1.0s', want: 1n * S },
  { input: '1.00s', want: 1n * S },
  { input: '1.004s', want: 1n * S + 4n * MS },
  { input: '1.0040s', want: 1n * S + 4n * MS },
  { input: '100.00100s', want: 100n * S + 1n * MS },
  { input: '10ns', want: 10n },
  { input: '11us', want: 11n * US },
  { input: '12µs', want: 12n * US },
  { input: '12μs', want: 12n * US },
  { input: '13ms', want: 13n * MS },
  { input: '14s', want: 14n * S },
  { input: '15m', want: 15n * MIN },
  { input: '16h', want: 16n * H },
  { input: '3h30m', want: 3n * H + 30n * MIN },
  { input: '10.5s4m', want: 4n * MIN + 10n * S + 500n * MS },
  { input: '-2m3.4s', want: -(2n * MIN + 3n * S + 400n * MS) },
  { input: '1h2m3s4ms5us6ns', want: H + 2n * MIN + 3n * S + 4n * MS + 5n * US + 6n },
  { input: '39h9m14.425s', want: 39n * H + 9n * MIN + 14n * S + 425n * MS },
  { input: '52763797000ns', want: 52763797000n },
  { input: '0.3333333333333333333h', want: 20n * MIN },
  { input: '9007199254740993ns', want: (1n << 53n) + 1n },
  { input: '9223372036854775807ns', want: MAX_DURATION },
  { input: '9223372036854775.807us', want: MAX_DURATION },
  { input: '9223372036s854ms775us807ns', want: MAX_DURATION },
  { input: '-9223372036854775808ns', want: MIN_DURATION },
  { input: '-9223372036854775.808us', want: MIN_DURATION },
  { input: '0.100000000000000000000h', want: 6n * MIN },
  { input: '0.830103483285477580700h', want: 49n * MIN + 48n * S + 372539827n },
];
for (const c of parseCases) {
  test(`parseGoDuration reads ${JSON.stringify(c.input)}`, () => assert.equal(parseGoDuration(c.input), c.want));
}

// From parseDurationErrorTests.
const invalid = ['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '\x85\x85', '\xffff', '9223372036854775808ns', '9223372036854775.808us', '-9223372036854775809ns', '1sec', '3000000h'];
for (const s of invalid) {
  test(`parseGoDuration rejects ${JSON.stringify(s)}`, () => assert.equal(parseGoDuration(s), undefined));
}

// time.ParseDuration's error texts (go@1.20:src/time/format.go ParseDuration), as go1.20 prints them.
const errorTexts: { input: string; want: string }[] = [
  { input: '', want: 'time: invalid duration ""' },
  { input: '3', want: 'time: missing unit in duration "3"' },
  { input: '-', want: 'time: invalid duration "-"' },
  { input: '+', want: 'time: invalid duration "+"' },
  { input: 's', want: 'time: invalid duration "s"' },
  { input: '+.s', want: 'time: invalid duration "+.s"' },
  { input: '5s.', want: 'time: invalid duration "5s."' },
  { input: '1.5.s', want: 'time: missing unit in duration "1.5.s"' },
  { input: '-0s1', want: 'time: missing unit in duration "-0s1"' },
  { input: '1d', want: 'time: unknown unit "d" in duration "1d"' },
  { input: '1sec', want: 'time: unknown unit "sec" in duration "1sec"' },
  { input: '1e3s', want: 'time: unknown unit "e" in duration "1e3s"' },
  { input: '1h"x', want: 'time: unknown unit "h\\"x" in duration "1h\\"x"' },
  { input: '1h\\', want: 'time: unknown unit "h\\\\" in duration "1h\\\\"' },
  { input: '1\u00b5', want: 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"' },
  { input: '\x85\x85', want: 'time: invalid duration "\\xc2\\x85\\xc2\\x85"' },
  { input: 'x\x01', want: 'time: invalid duration "x\\x01"' },
  { input: '9223372036854775808ns', want: 'time: invalid duration "9223372036854775808ns"' },
  { input: '-9223372036854775809ns', want: 'time: invalid duration "-9223372036854775809ns"' },
  { input: '3000000h', want: 'time: invalid duration "3000000h"' },
];
for (const c of errorTexts) {
  test(`parseGoDurationOrError explains ${JSON.stringify(c.input)}`, () => assert.equal(parseGoDurationOrError(c.input), c.want));
}
test('parseGoDurationOrError gives the nanoseconds of a valid duration', () => assert.equal(parseGoDurationOrError('1h30m'), 90n * MIN));

test('goTimeQuote escapes quotes, backslashes, control and non-ASCII bytes but not DEL (go.dev/issue/45391)', () => {
  assert.equal(goTimeQuote('a"b\\c\x7f'), '"a\\"b\\\\c\x7f"');
  assert.equal(goTimeQuote('\u263a \x04'), '"\\xe2\\x98\\xba \\x04"');
});

// From durationTests (Duration.String).
const formatCases: { ns: bigint; want: string }[] = [
  { ns: 0n, want: '0s' },
  { ns: 1n, want: '1ns' },
  { ns: 1100n, want: '1.1µs' },
  { ns: 2200n * US, want: '2.2ms' },
  { ns: 3300n * MS, want: '3.3s' },
  { ns: 4n * MIN + 5n * S, want: '4m5s' },
  { ns: 4n * MIN + 5001n * MS, want: '4m5.001s' },
  { ns: 5n * H + 6n * MIN + 7001n * MS, want: '5h6m7.001s' },
  { ns: 8n * MIN + 1n, want: '8m0.000000001s' },
  { ns: H, want: '1h0m0s' },
  { ns: 90n * MIN, want: '1h30m0s' },
  { ns: 1500n * MS, want: '1.5s' },
  { ns: -1500n * MS, want: '-1.5s' },
  { ns: MAX_DURATION, want: '2562047h47m16.854775807s' },
  { ns: MIN_DURATION, want: '-2562047h47m16.854775808s' },
];
for (const c of formatCases) {
  test(`formatGoDuration prints ${c.ns}ns as ${c.want}`, () => assert.equal(formatGoDuration(c.ns), c.want));
}

test('printed durations parse back to the same nanoseconds', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: MIN_DURATION, max: MAX_DURATION }), (ns) => {
      assert.equal(parseGoDuration(formatGoDuration(ns)), ns);
    }),
    fcParams(100),
  );
});
