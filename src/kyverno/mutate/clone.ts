// A deep copy of a JSON value for the patch steps (patches are copied before preprocessing changes them in
// place, and values are copied into patched documents). Same result as structuredClone on JSON data —
// own keys in their order, `__proto__` an ordinary key — without its serialisation cost, which dominates
// for the few nodes a patch holds. Scalars are returned as they are.
import { type JsonObject, type JsonValue, setOwn } from '../../util/index.js';

export function cloneJson<T extends JsonValue>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: JsonValue[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i] as JsonValue);
    return out as T;
  }
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const child = (v as JsonObject)[k] as JsonValue;
    if (k === '__proto__') setOwn(out, k, cloneJson(child));
    else out[k] = cloneJson(child);
  }
  return out as T;
}
