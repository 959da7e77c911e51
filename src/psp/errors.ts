// Error codes of the psp area and builders for field errors rendered exactly as Kubernetes 1.24
// renders them (k8s.io/apimachinery/pkg/util/validation/field/errors.go ErrorBody: bare ints and
// bools, `%q` strings, nil pointers as `"null"`, other values as Go `%#v`).
import { type FieldError, FieldPath } from '../kube/index.js';

/** Codes of the FieldErrors the psp area produces. */
export type PspErrorCode =
  /** The pod breaks a rule of a PSP (provider.go and the strategies). */
  | 'PSP_DENIED'
  /** The PSP object would have been rejected by the API server (policy/validation/validation.go). */
  | 'PSP_INVALID'
  /** The PSP is valid but its strategies cannot be built (factory.go); admission skips it. */
  | 'PSP_UNUSABLE'
  /** The pod would have been rejected by pod validation (core/validation), which runs between PSP Admit and PSP Validate. */
  | 'POD_INVALID';

/** Go `%#v` of a []int64 (nil when absent): `[]int64{1, 2}` / `[]int64(nil)`. */
export function goInt64Slice(v: readonly number[] | undefined): string {
  return v === undefined ? '[]int64(nil)' : `[]int64{${v.join(', ')}}`;
}

/** Go `%#v` of a []core.Capability: `[]core.Capability{"A", "B"}` / `[]core.Capability(nil)`. */
export function goCapabilitySlice(v: readonly string[] | undefined): string {
  return v === undefined ? '[]core.Capability(nil)' : `[]core.Capability{${v.map((c) => goQuote(c)).join(', ')}}`;
}

/** Go `%v` of []IDRange: `[{1 1} {5 10}]`. */
export function goRanges(ranges: readonly { min: number; max: number }[]): string {
  return `[${ranges.map((r) => `{${r.min} ${r.max}}`).join(' ')}]`;
}

/** Go `%q` of a string (JSON escaping is identical for the printable ASCII that names and paths use). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** An `Invalid value` error whose value prints as Go would print it. */
export function invalid(path: FieldPath, value: string | number | boolean | null | undefined, detail: string, code: PspErrorCode = 'PSP_DENIED'): FieldError {
  const text = value === null || value === undefined ? '"null"' : typeof value === 'string' ? goQuote(value) : String(value);
  return { type: 'Invalid', path, badValue: value ?? null, badValueText: text, detail, code };
}

/** An `Invalid value` error with a pre-rendered Go value (slices, structs). */
export function invalidText(path: FieldPath, badValueText: string, detail: string, code: PspErrorCode = 'PSP_DENIED'): FieldError {
  return { type: 'Invalid', path, badValueText, detail, code };
}

/** A `Required value` error. */
export function required(path: FieldPath, detail = '', code: PspErrorCode = 'PSP_DENIED'): FieldError {
  return { type: 'Required', path, detail, code };
}

/** A `Forbidden` error. */
export function forbidden(path: FieldPath, detail: string, code: PspErrorCode = 'PSP_DENIED'): FieldError {
  return { type: 'Forbidden', path, detail, code };
}

/** An `Unsupported value` error listing the supported values as Go does (`supported values: "a", "b"`). */
export function notSupported(path: FieldPath, value: string, supported: readonly string[], code: PspErrorCode = 'PSP_INVALID'): FieldError {
  return {
    type: 'NotSupported',
    path,
    badValue: value,
    badValueText: goQuote(value),
    detail: `supported values: ${supported.map(goQuote).join(', ')}`,
    code,
  };
}

/** `spec.<...>` path helper. */
export function specPath(...names: string[]): FieldPath {
  return FieldPath.of('spec', ...names);
}
