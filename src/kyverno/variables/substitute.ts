// `{{ }}` variable and `$()` reference substitution over any JSON document (pattern, message, conditions).
// Mirrors kyverno@v1.10.7:pkg/engine/variables/vars.go (SubstituteAll, substituteVariablesIfAny,
// substituteReferencesIfAny, newPreconditionsVariableResolver): innermost variables first, a string that is
// exactly one variable takes the typed value, others are spliced in (non-strings JSON-encoded). A plain path
// through a map that lacks a key fails as Kyverno's go-jmespath fork does (NotFoundError, "Unknown key").
import { goJsonMarshal, goPathClean, isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import { formatFloatF6, formatGoFloatValue } from '../pattern/index.js';
import { failedEntryError } from './context.js';
import { deleteExpression, type Expression, evaluateExpression, expressionOf, findVariable, type Template, templateOf } from './template.js';

/** How unresolvable variables are treated: `strict` fails, `conditions` substitutes "" (preconditions). */
export type ResolveMode = 'strict' | 'conditions';

/** A substituted document, or why substitution failed. */
export type SubstituteOutcome = { ok: true; value: JsonValue } | { ok: false; error: string };

/**
 * substitutePattern's outcome. `reshaped`: some variable took a map or list value, a key was substituted,
 * or the document held `$()` references. When false, the document has the template's shape: the same keys
 * in every map, the same lengths in every list, and a scalar wherever the template has a string (so what is
 * decided from keys alone, like a pattern's key order and anchors, carries over from the template).
 */
export type PatternOutcome = { ok: true; value: JsonValue; reshaped: boolean } | { ok: false; error: string };

/** Options for substituteAll. */
export interface SubstituteOptions {
  mode?: ResolveMode;
  /** DELETE requests read request.oldObject wherever request.object is written. */
  isDelete?: boolean;
  /**
   * Where the document sits in its rule (e.g. `['mutate']` for `{patchStrategicMerge: …}`, `['validate',
   * 'pattern']` for a pattern): `{{@}}` names the value at the same path in request.object, found as
   * Kyverno does from the full path (past any `foreach`, then without its first two parts).
   */
  pointerPrefix?: readonly string[];
}

const MAX_ROUNDS = 32;

// The first failure (unresolvable variable or reference) of the substitution running now: recorded, not
// thrown, and substituteAll turns it into its result. Policy libraries fail some substitutions on every
// request (an entry with no registry resolver, once per container), and unwinding a throw through the plan
// closures cost more than the rest of the failed substitution. The rest of the document is still walked
// (its values are dropped; evaluation has no side effects), so the hot path of plans has no failure checks.
let failure: string | undefined;

function fail(text: string): JsonValue {
  failure ??= text;
  return null;
}

// Whether the substitution running now changed the document's shape (PatternOutcome.reshaped).
let reshaped = false;

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
  const value = substituteDocument(doc, data, opts);
  return lastError === undefined ? { ok: true, value } : { ok: false, error: lastError };
}

/** substituteAll, saying whether the document kept the template's shape (PatternOutcome). */
export function substitutePattern(doc: JsonValue, data: JsonObject, opts: SubstituteOptions = {}): PatternOutcome {
  const value = substituteDocument(doc, data, opts);
  return lastError === undefined ? { ok: true, value, reshaped: lastReshaped } : { ok: false, error: lastError };
}

// What the last substituteDocument left: its failure (if any) and whether it changed the shape.
let lastError: string | undefined;
let lastReshaped = false;

function substituteDocument(doc: JsonValue, data: JsonObject, opts: SubstituteOptions): JsonValue {
  const kind = typeof doc === 'object' && doc !== null ? undefined : docKind(doc);
  if (kind === 0) {
    lastError = undefined;
    lastReshaped = false;
    return doc;
  }
  // A substitution started while another runs (none does today) keeps the outer one's failure apart.
  const outer = failure;
  const outerReshaped = reshaped;
  failure = undefined;
  reshaped = false;
  // Maps and lists without references run their plan (one lookup); strings are decided as they come.
  const plan = kind === undefined ? documentPlan(doc as object) : undefined;
  let value: JsonValue;
  if (plan) value = plan(data, opts, []);
  else if (kind === 1) value = substituteVariables(doc as string, [], data, opts);
  else {
    reshaped = true;
    const withRefs = walk(doc, [], (s, path) => substituteReferences(s, path, doc));
    if (failure === undefined) value = walk(withRefs, [], (s, path) => substituteVariables(s, path, data, opts));
    else value = null;
  }
  lastError = failure;
  lastReshaped = reshaped;
  failure = outer;
  reshaped = outerReshaped;
  return value;
}

// A document without `$(` references is substituted through its plan: the shape of `walk` below with
// the per-evaluation decisions taken once per document object (which subtrees are constant, which keys
// hold variables, which strings are literal). Plans take the current path as a shared stack, like walk,
// so one plan serves a sub-document wherever it appears. Documents with references (null here) take
// the generic walk, since their variables are only known once the references are resolved.
type Plan = (data: JsonObject, opts: SubstituteOptions, path: string[]) => JsonValue;
const plans = new WeakMap<object, Plan | null>();

function documentPlan(doc: object): Plan | null {
  let plan = plans.get(doc);
  if (plan === undefined) {
    plan = docKind(doc as JsonValue) === 2 ? null : compilePlan(doc as JsonValue);
    plans.set(doc, plan);
  }
  return plan;
}

/** The plan of a sub-document of a document without references (so never null). */
function planOf(doc: JsonValue): Plan {
  if (typeof doc !== 'object' || doc === null) return compilePlan(doc);
  return documentPlan(doc) as Plan;
}

function constantPlan(value: JsonValue): Plan {
  return () => value;
}

function compilePlan(doc: JsonValue): Plan {
  if (typeof doc === 'string') {
    const template = templateOf(doc);
    if (template.kind === 'literal') return constantPlan(unescapeBraces(doc));
    return (data, opts, path) => substituteTemplate(doc, template, path, data, opts);
  }
  if (typeof doc !== 'object' || doc === null || docKind(doc) === 0) return constantPlan(doc);
  if (Array.isArray(doc)) {
    const items = doc.map(planOf);
    return (data, opts, path) => {
      const out: JsonValue[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        path.push(String(i));
        out[i] = (items[i] as Plan)(data, opts, path);
        path.pop();
      }
      return out;
    };
  }
  const entries = Object.keys(doc).map((key) => ({
    key,
    keyPlan: key.includes('{{') ? compilePlan(key) : undefined,
    value: planOf(doc[key] as JsonValue),
  }));
  return (data, opts, path) => {
    const out: JsonObject = {};
    for (const e of entries) {
      let key: JsonValue = e.key;
      if (e.keyPlan) {
        reshaped = true;
        key = e.keyPlan(data, opts, path);
      }
      path.push(e.key);
      setOwn(out, typeof key === 'string' ? key : JSON.stringify(key), e.value(data, opts, path));
      path.pop();
    }
    return out;
  };
}

/**
 * A condition block (`{any: [...], all: [...]}` of `{key, operator, value, message}` maps, the shape the
 * policy loader writes) compiled for substitution field by field: the substituted fields land in one flat
 * list, four slots per condition (key, operator, value, message; an absent field leaves its slot empty),
 * instead of a copy of the block. Fields are substituted in the document's order with the paths the
 * document walk gives them, so the first failure and its text are those of substituteAll on the block.
 */
export interface ConditionsPlan {
  /** Slot of the first `any` condition's key, or -1 when the block has no `any` list. */
  readonly anyStart: number;
  readonly anyCount: number;
  /** Slot of the first `all` condition's key, or -1 when the block has no `all` list. */
  readonly allStart: number;
  readonly allCount: number;
  /** Every field of every condition, in document order. */
  readonly fields: readonly ConditionField[];
  readonly size: number;
}

/** One field of a condition: its document path (list, index, field name), slot and plan. */
interface ConditionField {
  readonly list: string;
  readonly index: string;
  readonly name: string;
  readonly slot: number;
  readonly plan: Plan;
}

/** Slot offsets of a condition's fields. */
export const KEY_SLOT = 0;
export const OPERATOR_SLOT = 1;
export const VALUE_SLOT = 2;
export const MESSAGE_SLOT = 3;

function conditionSlot(field: string): number {
  switch (field) {
    case 'key':
      return KEY_SLOT;
    case 'operator':
      return OPERATOR_SLOT;
    case 'value':
      return VALUE_SLOT;
    case 'message':
      return MESSAGE_SLOT;
    default:
      return -1;
  }
}

const conditionsPlans = new WeakMap<object, ConditionsPlan | null>();

/**
 * The plan of a condition block, or null when the block is not of the plain shape (other keys, lists that
 * are not lists of maps, `{{` in a key, `$(` references): substituteAll handles those.
 */
export function conditionsPlanOf(conds: object): ConditionsPlan | null {
  let plan = conditionsPlans.get(conds);
  if (plan === undefined) {
    plan = compileConditionsPlan(conds as JsonValue);
    conditionsPlans.set(conds, plan);
  }
  return plan;
}

function compileConditionsPlan(conds: JsonValue): ConditionsPlan | null {
  if (!isObject(conds) || docKind(conds) === 2) return null;
  const fields: ConditionField[] = [];
  let anyStart = -1;
  let anyCount = 0;
  let allStart = -1;
  let allCount = 0;
  let size = 0;
  for (const list of Object.keys(conds)) {
    if (list !== 'any' && list !== 'all') return null;
    const conditions = conds[list];
    if (!Array.isArray(conditions)) return null;
    if (list === 'any') {
      anyStart = size;
      anyCount = conditions.length;
    } else {
      allStart = size;
      allCount = conditions.length;
    }
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i];
      if (!isObject(c)) return null;
      for (const name of Object.keys(c)) {
        const slot = conditionSlot(name);
        if (slot < 0) return null;
        fields.push({ list, index: String(i), name, slot: size + slot, plan: planOf(c[name] as JsonValue) });
      }
      size += 4;
    }
  }
  return { anyStart, anyCount, allStart, allCount, fields, size };
}

// The path stack of condition fields, shared by every block: its first three parts are the field's
// (`any`, `0`, `key`), set per field; plans push and pop deeper parts around each child and copy the
// stack when they keep it. No block is substituted while another is.
const conditionPath: string[] = ['', '', ''];

/** Substitutes a condition block by its plan: the slots, or the first failure's text. */
export function substituteConditions(plan: ConditionsPlan, data: JsonObject, opts: SubstituteOptions): (JsonValue | undefined)[] | string {
  const outer = failure;
  failure = undefined;
  const slots: (JsonValue | undefined)[] = new Array(plan.size);
  const path = conditionPath;
  // Should a throw have left deeper parts on the stack, they are dropped.
  if (path.length !== 3) path.length = 3;
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as ConditionField;
    path[0] = f.list;
    path[1] = f.index;
    path[2] = f.name;
    slots[f.slot] = f.plan(data, opts, path);
  }
  const error = failure;
  failure = outer;
  return error === undefined ? slots : error;
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
      setOwn(out, typeof key === 'string' ? key : JSON.stringify(key), walk(doc[k] as JsonValue, path, leaf));
      path.pop();
    }
    return out;
  }
  return doc;
}

/**
 * The JMESPath `{{@}}` stands for at `path` (kyverno@v1.10.7 vars.go with pkg/utils/jsonpointer): the
 * document path skips past the first `foreach`, drops its first two parts (`mutate.patchStrategicMerge`,
 * `validate.pattern`) and is read under `target` when the context has one, else under `request.object`.
 */
export function selfJmesPath(prefix: readonly string[], path: readonly string[], data: JsonObject): string {
  let p = [...prefix, ...path];
  p = p.slice(p.indexOf('foreach') + 1);
  p = p.length <= 2 ? [] : p.slice(2);
  const root = Object.hasOwn(data, 'target') ? ['target'] : ['request', 'object'];
  return pointerToJmesPath([...root, ...p]);
}

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_)]*$/;
const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A JSON pointer's parts as a JMESPath (jsonpointer.Pointer.JMESPath): unsigned integers are `[n]`, identifiers
 * stay bare, any other key is quoted (`"deploy-zone"`), with `"`, `\` and control characters escaped.
 */
export function pointerToJmesPath(parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      out += `[${part}]`;
      continue;
    }
    if (out.length > 0) out += '.';
    if (UNQUOTED.test(part)) {
      out += part;
      continue;
    }
    let quoted = '"';
    for (const ch of part) {
      const code = ch.codePointAt(0) ?? 0;
      const esc = JSON_ESCAPES[ch];
      if (esc !== undefined) quoted += esc;
      else if (code < 0x20) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
      else quoted += ch;
    }
    out += `${quoted}"`;
  }
  return out;
}

function substituteVariables(s: string, path: readonly string[], data: JsonObject, opts: SubstituteOptions): JsonValue {
  return substituteTemplate(s, templateOf(s), path, data, opts);
}

/** Substitutes the variables of s, whose template is t. */
function substituteTemplate(s: string, t: Template, path: readonly string[], data: JsonObject, opts: SubstituteOptions): JsonValue {
  if (t.kind === 'literal') return unescapeBraces(s);
  if (t.kind === 'single') {
    const v = resolve(opts.isDelete ? deleteExpression(t) : t.expr, path, data, opts);
    if (typeof v === 'object' && v !== null) reshaped = true;
    return unescapeBraces(v);
  }
  // Round by round, the first innermost variable of the current text. The first round's is the template's
  // (the string alone decides it); later ones are found in the text with the earlier values spliced in.
  let value: JsonValue = s;
  let start = t.start;
  let end = t.end;
  let expr = t.expr === undefined || !opts.isDelete ? t.expr : deleteExpression(t as { expr: Expression; deleteExpr?: Expression });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = value as string;
    if (round > 0) {
      const m = findVariable(current, 0);
      if (!m) break;
      start = m.start;
      end = m.end;
      expr = undefined;
    }
    expr ??= variableExpression(current.slice(start + 2, end - 2).trim(), path, data, opts);
    const resolved = resolve(expr, path, data, opts);
    if (failure !== undefined) return null;
    if (start === 0 && end === current.length) {
      value = resolved;
      if (typeof resolved === 'object' && resolved !== null) reshaped = true;
      break;
    }
    // substituteVarInPattern: a non-string value is spliced in as json.Marshal writes it (sorted keys, HTML-safe).
    const text = typeof resolved === 'string' ? resolved : goJsonMarshal(resolved);
    value = current.slice(0, start) + text + current.slice(end);
  }
  return unescapeBraces(value);
}

/** The expression of a variable's trimmed text: `@` is the document path, and DELETE reads the old object. */
function variableExpression(text: string, path: readonly string[], data: JsonObject, opts: SubstituteOptions): Expression {
  let expr = text === '@' ? selfJmesPath(opts.pointerPrefix ?? [], path, data) : text;
  if (opts.isDelete) expr = expr.replaceAll('request.object', 'request.oldObject');
  return expressionOf(expr);
}

/** Turns escaped `\\{{` back into `{{` once substitution is done. */
function unescapeBraces(value: JsonValue): JsonValue {
  return typeof value === 'string' && value.includes('\\{{') ? value.replaceAll('\\{{', '{{') : value;
}

/** The value of one variable (null after recording a failure); in `conditions` mode a failure resolves to "" instead. */
function resolve(expr: Expression, path: readonly string[], data: JsonObject, opts: SubstituteOptions): JsonValue {
  // A query naming an entry that failed to load fails with the load's error (Kyverno's Query loads it then).
  const failed = failedEntryError(data, expr.text);
  if (failed !== undefined) return unresolved(expr, path, opts, failed);
  let resolved: unknown;
  try {
    resolved = evaluateExpression(expr, data);
  } catch (err) {
    return unresolved(expr, path, opts, (err as Error).message);
  }
  if (resolved === undefined || resolved === null) {
    // Kyverno's fork fails where the community library yields null: a missing key of a map on a plain path.
    const key = missingKey(expr, data);
    if (key === undefined) return null;
    return unresolved(expr, path, opts, `JMESPath query failed: Unknown key "${key}" in path`);
  }
  return resolved as JsonValue;
}

function unresolved(expr: Expression, path: readonly string[], opts: SubstituteOptions, why: string): JsonValue {
  if (opts.mode === 'conditions') return '';
  return fail(`failed to resolve ${expr.text} at path /${path.join('/')}: ${why}`);
}

/**
 * The first key a plain path misses in a map (Kyverno's NotFoundError), or undefined. A field of a non-map
 * (null, a list, a scalar) and an index out of range are null without error, as in go-jmespath. Paths with
 * functions, projections, filters or `||` are not checked: the fork's behaviour there was not confirmed.
 */
function missingKey(expr: Expression, data: JsonObject): string | undefined {
  if (expr.plainPath === null) return undefined;
  let cur: JsonValue | undefined = data;
  for (const step of expr.plainPath) {
    if ('index' in step) {
      cur = Array.isArray(cur) ? cur[step.index] : undefined;
    } else {
      if (!isObject(cur)) return undefined;
      if (!Object.hasOwn(cur, step.key)) return step.key;
      cur = cur[step.key];
    }
    if (cur === undefined || cur === null) return undefined;
  }
  return undefined;
}

// `$(…)` references (kyverno@v1.10.7 vars.go substituteReferencesIfAny, resolveReference, formAbsolutePath,
// getValueFromReference): `$(` then any character, then non-spaces up to the last `)` before a space (so two
// references with nothing between them are one), at the start of the string or after a character that is
// not `\\`, which the match includes. Each match found in the original string is resolved in turn and its
// first occurrence in the string as it is by then is replaced; then `\\$(…)` loses its backslash.
const REFERENCE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCE = /\\\$\(.[^ ]*\)/g;

function substituteReferences(s: string, path: string[], doc: JsonValue): JsonValue {
  if (!s.includes('$(')) return s;
  const at = path.length === 0 ? '' : `/${path.join('/')}`;
  let value = s;
  for (const [old] of s.matchAll(REFERENCE)) {
    const initial = old.startsWith('$(');
    const ref = initial ? old : old.slice(1);
    const resolved = resolveReference(ref, at, doc);
    if (typeof resolved !== 'string') {
      if (resolved === undefined) return null;
      return fail(`NotResolvedReferenceErr,reference ${ref} not resolved at path ${at}`);
    }
    value = replaceFirst(value, old, (initial ? '' : old[0]) + resolved);
  }
  for (const [escaped] of value.matchAll(ESCAPED_REFERENCE)) value = value.split(escaped).join(escaped.slice(1));
  return value;
}

function replaceFirst(s: string, old: string, replacement: string): string {
  const i = s.indexOf(old);
  return i === -1 ? s : s.slice(0, i) + replacement + s.slice(i + old.length);
}

// The operators a reference may carry in front of its path (operator.GetOperatorFromStringPattern).
const REFERENCE_OPERATORS = ['>=', '<=', '>', '<', '!'] as const;

/**
 * The value `$(ref)` stands for at `at` (a JSON pointer, `` at the root): a string, or another JSON value
 * (which the caller refuses), or undefined after recording the failure.
 */
function resolveReference(ref: string, at: string, doc: JsonValue): JsonValue | undefined {
  let path = trimChars(ref, '$()');
  const op = path.length < 2 ? '' : (REFERENCE_OPERATORS.find((o) => path.startsWith(o)) ?? '');
  path = path.slice(op.length);
  if (path === '') {
    fail(`failed to resolve ${ref} at path ${at}: expected path, found empty reference`);
    return undefined;
  }
  const value = valueAt(doc, path.startsWith('/') ? path : goPathJoin(at, path));
  if (op === '') {
    if (value === undefined || value === null) {
      fail(`got nil resolved variable ${ref} at path ${at}: <nil>`);
      return undefined;
    }
    return value;
  }
  if (typeof value === 'string') return op + value;
  // The document's numbers are float64s there, printed with %f.
  if (typeof value === 'number') return op + formatFloatF6(value);
  fail(`failed to resolve ${ref} at path ${at}: incorrect expression: operator ${op} does not match with value ${formatGoFloatValue(value)}`);
  return undefined;
}

/** strings.Trim: drops every leading and trailing character found in `chars`. */
function trimChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && chars.includes(s[a] as string)) a++;
  while (b > a && chars.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** Go's path.Join(base, rel): the two joined, then cleaned. */
function goPathJoin(base: string, rel: string): string {
  return goPathClean(base === '' ? rel : `${base}/${rel}`);
}

function stripAnchor(k: string): string {
  const m = /^\s*[+<=X^]?\((.+)\)\s*$/.exec(k);
  return m ? (m[1] ?? k) : k;
}

/**
 * The leaf (not a map or a list) of doc whose path, written with its keys' anchors removed, is `path`
 * (getValueFromReference); the last one found when several are.
 */
function valueAt(doc: JsonValue, path: string): JsonValue | undefined {
  let found: JsonValue | undefined;
  const visit = (v: JsonValue, at: string): void => {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) visit(v[i] as JsonValue, `${at}/${i}`);
    else if (isObject(v)) for (const k of Object.keys(v)) visit(v[k] as JsonValue, `${at}/${stripAnchor(k)}`);
    else if (at === path) found = v;
  };
  visit(doc, '');
  return found;
}
