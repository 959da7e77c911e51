// Errors raised while compiling or evaluating Kyverno JMESPath, with Kyverno's message formats.
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/error.go (errorPrefix, zeroDivisionError, ...).

/** Any failure to compile or evaluate a Kyverno JMESPath expression. */
export class JmespathError extends Error {
  override name = 'JmespathError';
}

/** `JMESPath function '<fn>': <detail>` (genericError). */
export function functionError(fn: string, detail: string): JmespathError {
  return new JmespathError(`JMESPath function '${fn}': ${detail}`);
}

/** `JMESPath function '<fn>': <n> argument is expected of <type> type` (invalidArgumentTypeError). */
export function argumentTypeError(fn: string, position: number, type: string): JmespathError {
  return functionError(fn, `${position} argument is expected of ${type} type`);
}

/** `JMESPath function '<fn>': Zero divisor passed` (zeroDivisionError). */
export function zeroDivisionError(fn: string): JmespathError {
  return functionError(fn, 'Zero divisor passed');
}

/** `JMESPath function '<fn>': Non-integer argument(s) passed for modulo` (nonIntModuloError). */
export function nonIntModuloError(fn: string): JmespathError {
  return functionError(fn, 'Non-integer argument(s) passed for modulo');
}

/** `JMESPath function '<fn>': Types mismatch` (typeMismatchError in error.go: a capital T). */
export function typeMismatchError(fn: string): JmespathError {
  return functionError(fn, 'Types mismatch');
}
