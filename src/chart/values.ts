// Values files and how Helm combines them: each -f file deep-merges over the previous one (maps merge,
// everything else is replaced), --set is applied on top, then the result is coalesced with the chart's
// values.yaml (a user null deletes a default). Mirrors helm@v3 pkg/cli/values/options.go (MergeValues,
// mergeMaps) and pkg/chartutil/coalesce.go (CoalesceValues).
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { HELM_YAML } from '../kube/index.js';
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';
import { ChartRenderError } from './errors.js';

/** A problem reading a values file, with the file and 1-based line when known. */
export interface ValuesError {
  code: 'VALUES_YAML_SYNTAX' | 'VALUES_NOT_A_MAP' | 'VALUES_READ_FAILED';
  file: string;
  line?: number;
  message: string;
}

/** Renders a values error as `file:line: message`. */
export function formatValuesError(e: ValuesError): string {
  return `${e.line !== undefined ? `${e.file}:${e.line}` : e.file}: ${e.message}`;
}

/** Parses the text of a values file; an empty file is an empty map, as in Helm. */
export function parseValuesText(text: string, file: string): { values: JsonObject; errors: ValuesError[] } {
  const lc = new LineCounter();
  // Helm reads values with go-yaml v2, a YAML 1.1 reader: `<<` merge keys apply, yes/no/on/off/y/n are
  // booleans, 012 is octal. A key given twice is refused here, where Helm silently keeps the last one
  // (helm/helm#4107): the user sees the value that would be lost (docs/compatibility.md).
  const docs = parseAllDocuments(text, { ...HELM_YAML, lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const errors: ValuesError[] = [];
  for (const d of list) {
    const e = d.errors[0];
    if (e) {
      const what = e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'YAML syntax error';
      errors.push({ code: 'VALUES_YAML_SYNTAX', file, line: lc.linePos(e.pos[0]).line, message: `${what}: ${e.message.split('\n')[0]}` });
      return { values: {}, errors };
    }
  }
  // Helm reads a values file with one yaml.Unmarshal: only the first document counts.
  const first = list[0];
  let value: unknown = null;
  try {
    value = first ? first.toJS({ maxAliasCount: 100 }) : null;
  } catch (err) {
    // An alias bomb (or an unresolved alias) only surfaces when the aliases are expanded.
    const line = first?.contents?.range ? lc.linePos(first.contents.range[0]).line : 1;
    const bomb = /alias count/i.test((err as Error).message);
    const message = bomb ? 'YAML aliases expand past the limit of 100 (a "billion laughs" document?); refusing to expand it' : `YAML error: ${(err as Error).message}`;
    errors.push({ code: 'VALUES_YAML_SYNTAX', file, line, message });
    return { values: {}, errors };
  }
  if (value === null || value === undefined) return { values: {}, errors };
  if (!isObject(value)) {
    const line = first?.contents?.range ? lc.linePos(first.contents.range[0]).line : 1;
    errors.push({ code: 'VALUES_NOT_A_MAP', file, line, message: 'a values file must be a YAML map at the top level' });
    return { values: {}, errors };
  }
  return { values: value, errors };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads and parses a values file; throws ChartRenderError (code CHART_VALUES_INVALID) naming file and line. */
export function loadValuesFile(path: string): JsonObject {
  let text: string;
  try {
    text = utf8.decode(readFileSync(path));
  } catch (err) {
    if (err instanceof TypeError) throw new ChartRenderError('CHART_VALUES_INVALID', `${path}: not UTF-8 text (convert it, e.g. iconv -f latin1 -t utf-8)`);
    throw new ChartRenderError('CHART_VALUES_INVALID', `${path}: cannot read values file: ${(err as Error).message}`);
  }
  const r = parseValuesText(text, path);
  const e = r.errors[0];
  if (e) throw new ChartRenderError('CHART_VALUES_INVALID', formatValuesError(e));
  return r.values;
}

/** Helm's mergeMaps: b over a, recursing where both sides are maps. Returns a new map. */
export function mergeValueMaps(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = getOwn(out, k);
    setOwn(out, k, isObject(v) && isObject(cur) ? mergeValueMaps(cur, v) : v);
  }
  return out;
}

/**
 * Helm's CoalesceValues: user values over chart defaults. A user null removes a defaulted key; a map
 * meets a map recursively; otherwise the user value wins. Key order: defaults first, then user-only keys.
 */
export function coalesceValues(defaults: JsonObject, user: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, dv] of Object.entries(defaults)) {
    if (!Object.hasOwn(user, k)) {
      setOwn(out, k, dv);
      continue;
    }
    const uv = getOwn(user, k) as JsonValue;
    if (uv === null) continue;
    setOwn(out, k, isObject(uv) && isObject(dv) ? coalesceValues(dv, uv) : uv);
  }
  for (const [k, uv] of Object.entries(user)) {
    // Keys without a default are kept as given, nulls included (Helm deletes only nulls that hide a default).
    if (!Object.hasOwn(defaults, k)) setOwn(out, k, uv);
  }
  return out;
}
