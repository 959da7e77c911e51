// Cost bounds for JMESPath evaluation: functions that build strings can amplify their input
// (nested pad_left, join over a multiselect of the same string, to_string over shared references,
// replace_all), so their output size is checked before it is built. No upstream counterpart: Go's
// implementation has the same amplification but allocates fast enough that Kyverno never bounded it.
import { goJsonMarshal } from '../../util/index.js';
import { functionError, type JmespathError } from './errors.js';

/** Longest string (characters) a JMESPath function may produce. */
export const MAX_FUNCTION_OUTPUT = 1_000_000;

/** The error for an output over the bound. */
export function outputTooLarge(fn: string): JmespathError {
  return functionError(fn, `result longer than ${MAX_FUNCTION_OUTPUT} characters`);
}

/**
 * An upper bound of JSON.stringify(value).length, walking at most until the bound is passed (shared
 * references are counted every time they would be printed, as JSON.stringify prints them).
 */
export function serializedSizeOver(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        size += k.length + 4;
        stack.push(x);
      }
      size += 2;
    } else size += 24;
    if (size > limit) return true;
  }
  return false;
}

/** pad_left/pad_right: the community functions, with the width bounded before padding. */
export function pad(fn: 'pad_left' | 'pad_right', args: readonly unknown[]): string {
  const [subject, width, padding] = args as [string, number, string | undefined];
  const p = padding || ' ';
  if (p.length > 1) throw functionError(fn, `invalid value, ${fn} expects its 'pad' parameter to be a valid string with a single codepoint`);
  if (typeof width !== 'number' || width < 0 || Math.floor(width) !== width) throw functionError(fn, 'invalid-value: expecting a non-negative integer.');
  if (width > MAX_FUNCTION_OUTPUT) throw outputTooLarge(fn);
  if (!subject) return '';
  return fn === 'pad_left' ? subject.padStart(width, p) : subject.padEnd(width, p);
}

/** join: the community function, with the joined length bounded first. */
export function join(args: readonly unknown[]): string {
  const [glue, list] = args as [string, string[]];
  let size = 0;
  for (const s of list) {
    size += s.length + glue.length;
    if (size > MAX_FUNCTION_OUTPUT) throw outputTooLarge('join');
  }
  return list.join(glue);
}

/** to_string: the community function, with the serialised size bounded first. */
export function toJsonString(args: readonly unknown[]): string {
  const [v] = args;
  if (typeof v === 'string') return v;
  if (serializedSizeOver(v, MAX_FUNCTION_OUTPUT)) throw outputTooLarge('to_string');
  // go-jmespath's to_string is json.Marshal: map keys sorted, <, > and & escaped.
  return goJsonMarshal(v);
}

/** Throws when a replace of `search` by `by` in `subject` would produce an over-long string. */
export function checkReplaceSize(fn: string, subject: string, search: string, by: string): void {
  if (by.length <= search.length) return;
  let count = 0;
  if (search === '') count = subject.length + 1;
  else for (let i = subject.indexOf(search); i >= 0; i = subject.indexOf(search, i + search.length)) count++;
  if (subject.length + count * (by.length - search.length) > MAX_FUNCTION_OUTPUT) throw outputTooLarge(fn);
}
