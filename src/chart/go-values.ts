// How Go templates, sprig and sigs.k8s.io/yaml treat values, as far as the chart's templates use them:
// truthiness of `if`/`with`, `{{ . }}` printing re-read as YAML, `toYaml` key order, sprig `merge`.
// Mirrors text/template exec.go (isTrue), sprig v3 dict.go (merge → mergo.Merge) and sigs.k8s.io/yaml.
import { parseDocument } from 'yaml';
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';
import { ChartRenderError } from './errors.js';

/** Go template truth: false for nil, false, 0, "" and empty lists/maps. */
export function isTruthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** What `{{ v }}` prints (Helm turns `<no value>` into the empty string). */
export function goPrint(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${goPrint(v[k])}`)
    .join(' ')}]`;
}

/**
 * The value a consumer reads back from `key: {{ v }}` (unquoted): the printed text parsed as a YAML 1.1
 * scalar, as sigs.k8s.io/yaml (yaml.v2) does, so `true`/`on`/`1` change type and empty becomes null.
 */
export function renderUnquoted(v: JsonValue | undefined, path: string): JsonValue {
  const text = goPrint(v);
  if (text.includes('\n')) throw new ChartRenderError('CHART_RENDER_FAILED', `${path}: a multi-line value breaks the rendered YAML`, path);
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) throw new ChartRenderError('CHART_RENDER_FAILED', `${path}: ${JSON.stringify(text)} renders invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, path);
  return (doc.toJS() ?? null) as JsonValue;
}

/** What `key: {{ v | quote }}` reads back as: always a string. */
export function renderQuoted(v: JsonValue | undefined): string {
  return goPrint(v);
}

/** `toYaml`: sigs.k8s.io/yaml marshals through JSON, so map keys come out sorted. */
export function toYamlValue(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(toYamlValue);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) setOwn(out, k, toYamlValue(v[k]!));
  return out;
}

/** Zero values mergo lets a source overwrite. */
function isEmptyValue(v: JsonValue | undefined): boolean {
  return !isTruthy(v);
}

/**
 * sprig `merge dst src...` (all = [dst, ...srcs]): keys missing (or empty) in dst are taken from src, nested maps merge
 * recursively, and everything else (lists included) keeps dst's value. Never mutates its inputs.
 */
export function sprigMerge(all: readonly (JsonValue | undefined)[]): JsonObject {
  const out: JsonObject = {};
  all.forEach((m, i) => {
    if (m === undefined || m === null) return;
    if (!isObject(m)) throw new ChartRenderError('CHART_RENDER_FAILED', `merge: wrong type for value; expected map[string]interface {}; got ${goTypeName(m)} (argument ${i + 1})`);
  });
  for (const m of all) if (isObject(m)) mergeInto(out, m);
  return out;
}

function mergeInto(dst: JsonObject, src: JsonObject): void {
  for (const [k, sv] of Object.entries(src)) {
    const dv = getOwn(dst, k);
    if (isObject(dv) && isObject(sv)) {
      const merged = { ...dv };
      mergeInto(merged, sv);
      setOwn(dst, k, merged);
    } else if (!Object.hasOwn(dst, k) || isEmptyValue(dv)) {
      setOwn(dst, k, sv);
    }
  }
}

/** Go's name for a JSON value's type, for error messages that match Helm's. */
export function goTypeName(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}
