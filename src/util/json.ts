// JSON value types shared by every layer, and small pure helpers over them.

/** Any JSON value as parsed from YAML or JSON input. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True when v is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep structural equality over JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The own property `key` of a JSON object, or undefined. Data keys such as `__proto__`, `constructor` or
 * `toString` are ordinary keys (as in Go); a plain `o[key]` would read Object.prototype's members instead.
 * JSON data never holds functions and never holds Object.prototype, so one cheap check tells inherited
 * members apart without a hasOwn lookup on the common path.
 */
export function getOwn<T = JsonValue>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  const v = o[key];
  return typeof v === 'function' || v === OBJECT_PROTOTYPE ? undefined : v;
}

const OBJECT_PROTOTYPE: unknown = Object.prototype;

/**
 * Sets the own property `key` of a JSON object. `o.__proto__ = v` would change o's prototype (and a later
 * write through it would pollute every object); that one key is defined as a data property instead.
 */
export function setOwn<T = JsonValue>(o: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Reads a nested value by keys; undefined when any step is missing. */
export function getPath(v: unknown, keys: readonly (string | number)[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    if (typeof k === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[k];
    } else {
      if (!isObject(cur)) return undefined;
      cur = getOwn(cur, k);
    }
  }
  return cur;
}

/**
 * Orders two strings by UTF-16 code unit, as Go's `<` orders ASCII names: output order must not depend on
 * the machine's locale (String#localeCompare follows LANG; in Danish "aa" sorts after "z").
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
