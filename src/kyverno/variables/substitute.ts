// `{{ }}` variable and `$()` reference substitution over any JSON document (pattern, message, conditions).
// Mirrors kyverno@v1.10.7:pkg/engine/variables/vars.go (SubstituteAll, substituteVariablesIfAny,
// substituteReferencesIfAny, newPreconditionsVariableResolver): innermost variables first, a string that is
// exactly one variable takes the typed value, others are spliced in (non-strings JSON-encoded). A plain path
// through a map that lacks a key fails as Kyverno's go-jmespath fork does (NotFoundError, "Unknown key").
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { searchJmespath } from '../jmespath/index.js';

/** How unresolvable variables are treated: `strict` fails, `conditions` substitutes "" (preconditions). */
export type ResolveMode = 'strict' | 'conditions';

/** A substituted document, or why substitution failed. */
export type SubstituteOutcome = { ok: true; value: JsonValue } | { ok: false; error: string };

/** Options for substituteAll. */
export interface SubstituteOptions {
  mode?: ResolveMode;
  /** DELETE requests read request.oldObject wherever request.object is written. */
  isDelete?: boolean;
}

const MAX_ROUNDS = 32;

class SubstitutionError extends Error {}

// What a document (pattern, conditions, message) holds: compiled policies are evaluated many times, so
// each document object is looked at once. 0: nothing to substitute; 1: variables only; 2: `$(` references too.
const docKinds = new WeakMap<object, 0 | 1 | 2>();

function docKind(doc: JsonValue): 0 | 1 | 2 {
  if (typeof doc !== 'object' || doc === null) {
    if (typeof doc !== 'string' || !hasVariables(doc)) return 0;
    return doc.includes('$(') ? 2 : 1;
  }
  let kind = docKinds.get(doc);
  if (kind === undefined) {
    kind = !hasVariables(doc) ? 0 : hasReferences(doc) ? 2 : 1;
    docKinds.set(doc, kind);
  }
  return kind;
}

function hasReferences(doc: JsonValue): boolean {
  if (typeof doc === 'string') return doc.includes('$(');
  if (Array.isArray(doc)) return doc.some(hasReferences);
  if (isObject(doc)) return Object.entries(doc).some(([k, v]) => k.includes('$(') || hasReferences(v));
  return false;
}

/** Substitutes references and variables everywhere in doc, against the context data. */
export function substituteAll(doc: JsonValue, data: JsonObject, opts: SubstituteOptions = {}): SubstituteOutcome {
  const kind = docKind(doc);
  if (kind === 0) return { ok: true, value: doc };
  try {
    const withRefs = kind === 2 ? walk(doc, [], (s, path) => substituteReferences(s, path, doc)) : doc;
    return { ok: true, value: walk(withRefs, [], (s, path) => substituteVariables(s, path, data, opts)) };
  } catch (err) {
    if (err instanceof SubstitutionError) return { ok: false, error: err.message };
    throw err;
  }
}

/** True when a string contains a `{{` variable or `$(` reference worth substituting. */
function hasVariables(doc: JsonValue): boolean {
  if (typeof doc === 'string') return doc.includes('{{') || doc.includes('$(');
  if (Array.isArray(doc)) return doc.some(hasVariables);
  if (isObject(doc)) return Object.entries(doc).some(([k, v]) => k.includes('{{') || hasVariables(v));
  return false;
}

// `path` is one stack shared by the whole walk (pushed and popped around each child): leaves read it
// synchronously and copy it when they keep it.
function walk(doc: JsonValue, path: string[], leaf: (s: string, path: string[]) => JsonValue): JsonValue {
  if (typeof doc === 'string') return leaf(doc, path);
  // A subtree with nothing to substitute is shared, not copied (documents are never mutated).
  if (docKind(doc) === 0) return doc;
  if (Array.isArray(doc)) {
    const out: JsonValue[] = new Array(doc.length);
    for (let i = 0; i < doc.length; i++) {
      path.push(String(i));
      out[i] = walk(doc[i] as JsonValue, path, leaf);
      path.pop();
    }
    return out;
  }
  if (isObject(doc)) {
    const out: JsonObject = {};
    for (const k of Object.keys(doc)) {
      const key = k.includes('{{') ? leaf(k, path) : k;
      path.push(k);
      out[typeof key === 'string' ? key : JSON.stringify(key)] = walk(doc[k] as JsonValue, path, leaf);
      path.pop();
    }
    return out;
  }
  return doc;
}

/** Finds the next innermost `{{ ... }}` (inner `{...}` allowed, no nested braces) not preceded by `\`. */
function findVariable(s: string, from: number): { start: number; end: number } | undefined {
  let i = s.indexOf('{{', from);
  while (i >= 0) {
    if (i > 0 && s[i - 1] === '\\') {
      i = s.indexOf('{{', i + 1);
      continue;
    }
    let j = i + 2;
    let ok = false;
    while (j < s.length) {
      const c = s[j];
      if (c === '}' && s[j + 1] === '}') {
        ok = true;
        break;
      }
      if (c === '{') {
        // allow one level of `{...}` (a JMESPath multiselect hash)
        const close = s.indexOf('}', j + 1);
        const inner = close >= 0 ? s.slice(j + 1, close) : '';
        if (close < 0 || inner.includes('{')) break;
        j = close + 1;
        continue;
      }
      if (c === '}') break;
      j++;
    }
    if (ok) {
      // `{{a}}}` style: the match ends at the first `}}`
      return { start: i, end: j + 2 };
    }
    i = s.indexOf('{{', i + 1);
  }
  return undefined;
}

function jmesPathOf(path: readonly string[]): string {
  return path.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

function substituteVariables(s: string, path: string[], data: JsonObject, opts: SubstituteOptions): JsonValue {
  let value: JsonValue = s;
  for (let round = 0; round < MAX_ROUNDS && typeof value === 'string'; round++) {
    const current: string = value;
    const m = findVariable(current, 0);
    if (!m) break;
    const raw = current.slice(m.start, m.end);
    let expr = raw.slice(2, -2).trim();
    if (expr === '@') expr = jmesPathOf(path);
    if (opts.isDelete) expr = expr.replaceAll('request.object', 'request.oldObject');
    let resolved: unknown;
    try {
      resolved = searchJmespath(expr, data);
    } catch (err) {
      if (opts.mode === 'conditions') resolved = '';
      else throw new SubstitutionError(`failed to resolve ${expr} at path /${path.join('/')}: ${(err as Error).message}`);
    }
    if (resolved === undefined || resolved === null) {
      // Kyverno's fork fails where the community library yields null: a missing key of a map on a plain path.
      const key = missingKey(expr, data);
      if (key !== undefined) {
        if (opts.mode === 'conditions') resolved = '';
        else throw new SubstitutionError(`failed to resolve ${expr} at path /${path.join('/')}: JMESPath query failed: Unknown key "${key}" in path`);
      } else resolved = null;
    }
    if (raw === current) {
      value = resolved as JsonValue;
      break;
    }
    const text = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    value = current.slice(0, m.start) + text + current.slice(m.end);
  }
  if (typeof value === 'string' && value.includes('\\{{')) value = value.replaceAll('\\{{', '{{');
  return value;
}

// A plain path: identifiers or quoted identifiers joined by dots, each optionally followed by [n] indices.
const PLAIN_PATH = /^(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")(?:\[\d+\])*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")(?:\[\d+\])*)*$/;
const PATH_SEGMENT = /([A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")|\[(\d+)\]/g;

/**
 * The first key a plain path misses in a map (Kyverno's NotFoundError), or undefined. A field of a non-map
 * (null, a list, a scalar) and an index out of range are null without error, as in go-jmespath. Paths with
 * functions, projections, filters or `||` are not checked: the fork's behaviour there was not confirmed.
 */
function missingKey(expr: string, data: JsonObject): string | undefined {
  if (!PLAIN_PATH.test(expr)) return undefined;
  let cur: JsonValue | undefined = data;
  for (const m of expr.matchAll(PATH_SEGMENT)) {
    if (m[2] !== undefined) {
      cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
    } else {
      const raw = m[1] ?? '';
      const key = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
      if (!isObject(cur)) return undefined;
      if (!Object.hasOwn(cur, key)) return key;
      cur = cur[key];
    }
    if (cur === undefined || cur === null) return undefined;
  }
  return undefined;
}

// `$(./../key)`: a path relative to the current position in the same document; anchors in keys are ignored.
const REFERENCE = /\$\(([^ )]*)\)/g;

function substituteReferences(s: string, path: string[], doc: JsonValue): JsonValue {
  if (!s.includes('$(')) return s;
  const whole = /^\$\(([^ )]*)\)$/.exec(s);
  const resolve = (ref: string): JsonValue => {
    const abs = absolutePath(ref, path);
    const v = lookup(doc, abs);
    if (v === undefined) throw new SubstitutionError(`failed to resolve reference $(${ref}) at path /${path.join('/')}: not found`);
    return v;
  };
  if (whole) return resolve(whole[1] ?? '');
  return s.replace(REFERENCE, (_m, ref: string) => {
    const v = resolve(ref);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

function absolutePath(ref: string, current: readonly string[]): string[] {
  if (ref.startsWith('/')) return ref.split('/').filter((p) => p !== '');
  const out = current.slice(0, -1);
  for (const part of ref.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

function stripAnchor(k: string): string {
  const m = /^\s*[+<=X^]?\((.+)\)\s*$/.exec(k);
  return m ? (m[1] ?? k) : k;
}

function lookup(doc: JsonValue, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) {
      const key: string | undefined = Object.keys(cur).find((k) => k === p || stripAnchor(k) === p);
      cur = key === undefined ? undefined : cur[key];
    } else return undefined;
  }
  return cur;
}
