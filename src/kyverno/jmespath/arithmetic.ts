// Kyverno's typed arithmetic over numbers, Kubernetes quantities and Go durations:
// add, subtract, multiply, divide, modulo, round and sum.
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/arithmetic.go (parseArithemticOperands and the
// operand methods) and functions.go (jpRound, jpSum).

import {
  addQuantities,
  formatGoDuration,
  formatQuantity,
  makeQuantity,
  multiplyQuantity,
  parseGoDuration,
  parseQuantity,
  type Quantity,
  quantityToNumber,
  quotientQuantity,
  subtractQuantities,
  wrapDuration,
} from '../../kube/index.js';
import { functionError, nonIntModuloError, typeMismatchError, zeroDivisionError } from './errors.js';

type Operand =
  | { kind: 'scalar'; value: number }
  | { kind: 'quantity'; value: Quantity; text: string }
  | { kind: 'duration'; value: bigint };

const NS_PER_SECOND = 1_000_000_000n;

// inf.Dec scale Go gives a parsed quantity: its own scale on ParseQuantity's int64 fast path,
// otherwise 9 (the slow path rounds to nanos with inf.Dec.Round, fixing the scale at 9).
function goScale(text: string, q: Quantity): number {
  if (text === '0') return 0;
  const m = /^[+-]?0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m) return 9;
  const num = m[1] || '0';
  const denom = m[2] ?? '';
  if (q.format === 'BinarySI') {
    const exp = binaryExponent(m[3] ?? '');
    const precision = 15 - num.length - Math.trunc((exp * 3) / 10) - 1;
    const fits = (BigInt(num) << BigInt(exp)) < 1n << 63n;
    return exp >= 0 && denom === '' && precision >= 0 && fits ? 0 : 9;
  }
  const precision = 18 - (num.length + denom.length);
  const scale = q.exponent;
  return precision >= 0 && scale >= -9 ? -scale : 9;
}

function binaryExponent(suffix: string): number {
  return ({ Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 } as Record<string, number>)[suffix] ?? 0;
}

function toOperand(value: unknown): Operand | undefined {
  if (typeof value === 'number') return { kind: 'scalar', value };
  if (typeof value !== 'string') return undefined;
  const q = parseQuantity(value);
  // The inf.Dec scale (goScale) only matters to a quantity divided by a number: computed there.
  if (q) return { kind: 'quantity', value: q, text: value };
  const d = parseGoDuration(value);
  if (d !== undefined) return { kind: 'duration', value: d };
  return undefined;
}

function operands(args: readonly unknown[], fn: string): [Operand, Operand] {
  const a = toOperand(args[0]);
  const b = toOperand(args[1]);
  if (!a || !b) throw functionError(fn, 'invalid operands');
  return [a, b];
}

// Quantity × float goes through fmt.Sprintf("%v") and ParseQuantity; a non-finite float fails there.
function scalarQuantity(f: number, fn: string): { q: Quantity; scale: number } {
  const text = String(f);
  const q = Number.isFinite(f) ? parseQuantity(text) : undefined;
  if (!q) throw functionError(fn, `cannot parse '${text}' as a quantity`);
  return { q, scale: goScale(text, q) };
}

function seconds(d: bigint): number {
  return Number(d / NS_PER_SECOND) + Number(d % NS_PER_SECOND) / 1e9;
}

// time.Duration(seconds * float64(time.Second)): a float64 truncated to int64.
function durationFromSeconds(s: number): string {
  const ns = s * 1e9;
  if (!Number.isFinite(ns)) return formatGoDuration(-(1n << 63n));
  return formatGoDuration(wrapDuration(BigInt(Math.trunc(ns))));
}

/** Kyverno add(): number+number, quantity+quantity or duration+duration. */
export function add(args: readonly unknown[], fn = 'add'): unknown {
  const [a, b] = operands(args, fn);
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value + b.value;
  if (a.kind === 'quantity' && b.kind === 'quantity') return formatQuantity(addQuantities(a.value, b.value));
  if (a.kind === 'duration' && b.kind === 'duration') return formatGoDuration(wrapDuration(a.value + b.value));
  throw typeMismatchError(fn);
}

/** Kyverno subtract(): same operand rules as add(). */
export function subtract(args: readonly unknown[]): unknown {
  const [a, b] = operands(args, 'subtract');
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value - b.value;
  if (a.kind === 'quantity' && b.kind === 'quantity') return formatQuantity(subtractQuantities(a.value, b.value));
  if (a.kind === 'duration' && b.kind === 'duration') return formatGoDuration(wrapDuration(a.value - b.value));
  throw typeMismatchError('subtract');
}

/** Kyverno multiply(): a scalar times anything; quantity×quantity and duration×duration are errors. */
export function multiply(args: readonly unknown[]): unknown {
  let [a, b] = operands(args, 'multiply');
  if (a.kind === 'scalar' && b.kind !== 'scalar') [a, b] = [b, a];
  if (b.kind !== 'scalar') throw typeMismatchError('multiply');
  if (a.kind === 'scalar') return a.value * b.value;
  if (a.kind === 'quantity') return formatQuantity(multiplyQuantity(a.value, scalarQuantity(b.value, 'multiply').q));
  return durationFromSeconds(seconds(a.value) * b.value);
}

/** Kyverno divide(): quantity/quantity and duration/duration give numbers; zero divisors are errors. */
export function divide(args: readonly unknown[]): unknown {
  const [a, b] = operands(args, 'divide');
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    const divisor = quantityToNumber(b.value);
    if (divisor === 0) throw zeroDivisionError('divide');
    return quantityToNumber(a.value) / divisor;
  }
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (seconds(b.value) === 0) throw zeroDivisionError('divide');
    return seconds(a.value) / seconds(b.value);
  }
  if (b.kind !== 'scalar') throw typeMismatchError('divide');
  if (b.value === 0) throw zeroDivisionError('divide');
  if (a.kind === 'scalar') return a.value / b.value;
  if (a.kind === 'duration') return durationFromSeconds(seconds(a.value) / b.value);
  // inf.Dec QuoRound at the larger of both scales, rounding toward zero.
  const { q, scale } = scalarQuantity(b.value, 'divide');
  const result = quotientQuantity(a.value, q, Math.max(goScale(a.text, a.value), scale));
  if (!result) throw zeroDivisionError('divide');
  return formatQuantity(result);
}

function int64Of(f: number): bigint | undefined {
  return Number.isInteger(f) && Math.abs(f) < 2 ** 63 ? BigInt(f) : undefined;
}

/** Kyverno modulo(): integer operands only (numbers or whole quantities), or durations. */
export function modulo(args: readonly unknown[]): unknown {
  const [a, b] = operands(args, 'modulo');
  if (a.kind === 'duration' && b.kind === 'duration') {
    if (b.value === 0n) throw zeroDivisionError('modulo');
    return formatGoDuration(a.value % b.value);
  }
  let x: number;
  let y: number;
  if (a.kind === 'quantity' && b.kind === 'quantity') {
    x = quantityToNumber(a.value);
    y = quantityToNumber(b.value);
  } else if (a.kind === 'scalar' && b.kind === 'scalar') {
    x = a.value;
    y = b.value;
  } else throw typeMismatchError('modulo');
  const i = int64Of(x);
  const j = int64Of(y);
  if (i === undefined || j === undefined) throw nonIntModuloError('modulo');
  if (j === 0n) throw zeroDivisionError('modulo');
  if (a.kind === 'quantity') return formatQuantity(makeQuantity(i % j, 0, a.value.format));
  return Number(i % j);
}

/** Kyverno round(value, digits): half away from zero at a non-negative integer number of decimals. */
export function round(args: readonly unknown[]): unknown {
  const [value, digits] = args as [number, number];
  if (!Number.isInteger(digits)) throw functionError('round', 'Non-integer argument(s) passed for round off');
  if (digits < 0) throw functionError('round', `2 argument is out of bounds (${digits})`);
  const shift = 10 ** digits;
  const scaled = value * shift;
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / shift;
}

/** Kyverno sum(array): folds add() over the elements; an empty array is an error. */
export function sum(args: readonly unknown[]): unknown {
  const items = args[0] as readonly unknown[];
  if (items.length === 0) throw functionError('sum', 'at least one element in the array is required');
  let result = items[0];
  for (const item of items.slice(1)) result = add([result, item], 'sum');
  return result;
}
