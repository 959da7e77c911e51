import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addQuantities,
  compareQuantities,
  divideQuantities,
  formatQuantity,
  makeQuantity,
  multiplyQuantity,
  parseQuantity,
  type QuantityFormat,
  subtractQuantities,
} from './quantity.js';
import { fcParams } from '../../test/helpers/fc.js';

// Cases from k8s.io/apimachinery pkg/api/resource/quantity_test.go (TestQuantityParse): input → value and format.
const parseCases: { name: string; input: string; unscaled: bigint; exponent: number; format: QuantityFormat }[] = [
  { name: 'plain zero is DecimalSI', input: '0', unscaled: 0n, exponent: 0, format: 'DecimalSI' },
  { name: 'zero with a binary suffix stays BinarySI', input: '0Ki', unscaled: 0n, exponent: 0, format: 'BinarySI' },
  { name: 'Ki multiplies by 1024', input: '1Ki', unscaled: 1024n, exponent: 0, format: 'BinarySI' },
  { name: 'Mi multiplies by 2^20', input: '7Mi', unscaled: 7n * 1024n * 1024n, exponent: 0, format: 'BinarySI' },
  { name: 'n is 10^-9', input: '5n', unscaled: 5n, exponent: -9, format: 'DecimalSI' },
  { name: 'u is 10^-6', input: '4u', unscaled: 4n, exponent: -6, format: 'DecimalSI' },
  { name: 'm is 10^-3', input: '3m', unscaled: 3n, exponent: -3, format: 'DecimalSI' },
  { name: 'k is 10^3', input: '50k', unscaled: 50n, exponent: 3, format: 'DecimalSI' },
  { name: 'E alone is exa, not an exponent', input: '12E', unscaled: 12n, exponent: 18, format: 'DecimalSI' },
  { name: 'upper-case E with a number is an exponent', input: '1E-9', unscaled: 1n, exponent: -9, format: 'DecimalExponent' },
  { name: 'lower-case e exponent', input: '1e14', unscaled: 1n, exponent: 14, format: 'DecimalExponent' },
  { name: 'explicit plus in an exponent', input: '1e+3', unscaled: 1n, exponent: 3, format: 'DecimalExponent' },
  { name: 'fractional binary amounts are exact', input: '0.5Mi', unscaled: 5n * 1024n * 1024n, exponent: -1, format: 'BinarySI' },
  { name: 'fractional binary keeps decimals', input: '100.035Ki', unscaled: 102435840n, exponent: -3, format: 'BinarySI' },
  { name: 'sub-nano values round up to whole nanos', input: '3.001n', unscaled: 4n, exponent: -9, format: 'DecimalSI' },
  { name: 'rounding keeps the exponent format', input: '1.1E-9', unscaled: 2n, exponent: -9, format: 'DecimalExponent' },
  { name: 'a tiny decimal rounds up to 1n', input: '0.0000000001', unscaled: 1n, exponent: -9, format: 'DecimalSI' },
  { name: 'rounding is upward, not to nearest', input: '0.00000012345', unscaled: 124n, exponent: -9, format: 'DecimalSI' },
  { name: 'negative rounding goes away from zero', input: '-0.1n', unscaled: -1n, exponent: -9, format: 'DecimalSI' },
  { name: 'binary amounts are capped at max int64', input: '9Ei', unscaled: (1n << 63n) - 1n, exponent: 0, format: 'BinarySI' },
  { name: 'a tiny binary amount switches to DecimalSI', input: '0.000000000001Ki', unscaled: 2n, exponent: -9, format: 'DecimalSI' },
  { name: 'a leading dot is allowed', input: '.001', unscaled: 1n, exponent: -3, format: 'DecimalSI' },
  { name: 'a trailing dot is allowed', input: '1.', unscaled: 1n, exponent: 0, format: 'DecimalSI' },
  { name: 'a trailing dot before a suffix is allowed', input: '1.G', unscaled: 1n, exponent: 9, format: 'DecimalSI' },
  { name: 'a negative sign is kept', input: '-3m', unscaled: -3n, exponent: -3, format: 'DecimalSI' },
];

for (const c of parseCases) {
  test(`parseQuantity: ${c.name}`, () => {
    const q = parseQuantity(c.input);
    assert.ok(q, `${c.input} should parse`);
    assert.equal(compareQuantities(q, makeQuantity(c.unscaled, c.exponent, c.format)), 0, `${c.input} value`);
    assert.equal(q.format, c.format);
  });
}

// From TestQuantityParse's invalid list.
const invalid = ['', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 ', '1e', '1Mi ', '1KiB', '1.5x'];
for (const s of invalid) {
  test(`parseQuantity rejects ${JSON.stringify(s)}`, () => assert.equal(parseQuantity(s), undefined));
}

// From TestQuantityCanonicalize / TestQuantityString: value and format → canonical text.
const formatCases: { unscaled: bigint; exponent: number; format: QuantityFormat; want: string }[] = [
  { unscaled: 1024n * 1024n, exponent: 0, format: 'BinarySI', want: '1Mi' },
  { unscaled: 300n * 1024n * 1024n, exponent: 0, format: 'BinarySI', want: '300Mi' },
  { unscaled: 1024n ** 4n, exponent: 0, format: 'BinarySI', want: '1Ti' },
  { unscaled: 5n, exponent: 0, format: 'BinarySI', want: '5' },
  { unscaled: 500n, exponent: -3, format: 'BinarySI', want: '500m' },
  { unscaled: 1025n, exponent: 0, format: 'BinarySI', want: '1025' },
  { unscaled: 1234567n, exponent: -3, format: 'BinarySI', want: '1234567m' },
  { unscaled: 1000n, exponent: 6, format: 'DecimalSI', want: '1G' },
  { unscaled: 1000000000n, exponent: 0, format: 'DecimalSI', want: '1G' },
  { unscaled: 108n, exponent: -2, format: 'DecimalSI', want: '1080m' },
  { unscaled: 10800n, exponent: -4, format: 'DecimalSI', want: '1080m' },
  { unscaled: 1234567n, exponent: 6, format: 'DecimalSI', want: '1234567M' },
  { unscaled: 10800n, exponent: -10, format: 'DecimalSI', want: '1080n' },
  { unscaled: 1n, exponent: 9, format: 'DecimalExponent', want: '1e9' },
  { unscaled: 80n, exponent: -3, format: 'DecimalExponent', want: '80e-3' },
  { unscaled: 300n, exponent: 6, format: 'DecimalExponent', want: '300e6' },
  { unscaled: 0n, exponent: 0, format: 'DecimalExponent', want: '0' },
  { unscaled: 1n, exponent: 21, format: 'DecimalSI', want: '1e21' },
  { unscaled: -2048n, exponent: 0, format: 'BinarySI', want: '-2Ki' },
];
for (const c of formatCases) {
  test(`formatQuantity prints ${c.unscaled}e${c.exponent} (${c.format}) as ${c.want}`, () => {
    assert.equal(formatQuantity(makeQuantity(c.unscaled, c.exponent, c.format)), c.want);
  });
}

const roundTrips: [string, string][] = [
  ['1.5Gi', '1536Mi'],
  ['0.5Gi', '512Mi'],
  ['1024Ki', '1Mi'],
  ['1.5', '1500m'],
  ['1000m', '1'],
  ['1.1Ki', '1126400m'],
  ['100m', '100m'],
  ['0Mi', '0'],
  ['12e6', '12e6'],
  ['1000E', '1e21'],
];
for (const [input, want] of roundTrips) {
  test(`formatQuantity(parseQuantity(${input})) is ${want}`, () => assert.equal(formatQuantity(parseQuantity(input)!), want));
}

test('adding 512Mi to 1Gi gives 1536Mi in the first operand format', () => {
  assert.equal(formatQuantity(addQuantities(parseQuantity('1Gi')!, parseQuantity('512Mi')!)), '1536Mi');
});
test('adding to a zero quantity takes the second operand format', () => {
  assert.equal(formatQuantity(addQuantities(parseQuantity('0')!, parseQuantity('2Ki')!)), '2Ki');
});
test('subtracting 500m from 1 gives 500m', () => {
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1')!, parseQuantity('500m')!)), '500m');
});
test('multiplying 1Gi by 1.5 gives 1536Mi', () => {
  assert.equal(formatQuantity(multiplyQuantity(parseQuantity('1Gi')!, parseQuantity('1.5')!)), '1536Mi');
});
test('dividing 1Gi by 512Mi gives exactly 2', () => {
  assert.deepEqual(divideQuantities(parseQuantity('1Gi')!, parseQuantity('512Mi')!), { num: 2n, den: 1n });
});
test('dividing by a zero quantity is undefined', () => {
  assert.equal(divideQuantities(parseQuantity('1')!, parseQuantity('0Mi')!), undefined);
});
test('1Gi compares greater than 1G and 1000Mi equal to 1000Mi', () => {
  assert.equal(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1G')!), 1);
  assert.equal(compareQuantities(parseQuantity('1000Mi')!, parseQuantity('1000Mi')!), 0);
  assert.equal(compareQuantities(parseQuantity('100m')!, parseQuantity('0.1')!), 0);
});

test('formatted quantities re-parse to the same value', () => {
  const quantity = fc.record({
    digits: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    frac: fc.integer({ min: 0, max: 6 }),
    suffix: fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'e3', 'e-2', 'E5'),
  });
  fc.assert(
    fc.property(quantity, ({ digits, frac, suffix }) => {
      const sign = digits < 0n ? '-' : '';
      const abs = (digits < 0n ? -digits : digits).toString().padStart(frac + 1, '0');
      const text = frac === 0 ? abs : `${abs.slice(0, -frac)}.${abs.slice(-frac)}`;
      const q = parseQuantity(`${sign}${text}${suffix}`);
      assert.ok(q);
      const printed = formatQuantity(q);
      const again = parseQuantity(printed);
      assert.ok(again, printed);
      // BinarySI printing rounds nothing (non-integers fall back to DecimalSI), so values match exactly.
      assert.equal(compareQuantities(q, again), 0, `${sign}${text}${suffix} → ${printed}`);
    }),
    fcParams(100),
  );
});

test('parseQuantity never throws on arbitrary strings', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.+-eEinumkKMGTPx ') }), (s) => {
      const q = parseQuantity(s);
      if (q) formatQuantity(q);
    }),
    fcParams(100),
  );
});
