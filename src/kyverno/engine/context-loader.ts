// Loads a rule's (or foreach's) context offline: values-file variables first, then context entries —
// `variable` evaluated here, configMap/apiCall/imageRegistry only through an injected resolver — then
// foreach values. Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/utils/store (mock context loader) and
// pkg/engine/api/contextloader.go (LoadVariable); prepareRule is the context-then-preconditions step of
// engine.go (invokeRuleHandler) and validate_resource.go (validate). Never calls a cluster or registry.
import { getOwn, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import type { AnyAllConditions, ContextEntry } from '../model/index.js';
import { searchJmespath } from '../jmespath/index.js';
import { failedEntryError, mergeContextEntry, recordFailedEntry, substituteAll, withVariable } from '../variables/index.js';
import { checkPreconditions, preconditionsNotMet } from './conditions.js';
import { errorMessage } from './messages.js';
import type { EngineProfile } from './profile.js';
import type { ContextResolver, EvaluationContext } from './types.js';
import { valueKeyPath } from './values-keys.js';

/** A loaded context, or why it failed. */
export type ContextOutcome = { ok: true; data: JsonObject } | { ok: false; error: string };

/** What the loader may use. */
export interface LoaderInput {
  entries: readonly ContextEntry[];
  ruleValues?: Readonly<Record<string, JsonValue>>;
  foreachValues?: Readonly<Record<string, readonly JsonValue[]>>;
  foreachIndex?: number;
  resolve?: ContextResolver;
  isDelete: boolean;
  /** Reads the values' keys (EngineProfile.valueKeyQuotes; default 1.10). */
  profile?: EngineProfile | undefined;
}

/**
 * A copy of a context this loader may fill in place. A context holding a `__proto__` variable is copied by
 * spread: Object.assign would set the copy's prototype instead (as withElement does).
 */
function ownCopy(ctx: JsonObject): JsonObject {
  return Object.hasOwn(ctx, '__proto__') ? { ...ctx } : Object.assign({}, ctx);
}

/**
 * Stores a configMap, apiCall or imageRegistry value under its entry's name as Kyverno's AddContextEntry
 * does (v1.10.7 and v1.12.5 alike): merged into what the name already holds (an earlier entry of that name,
 * the rule's own or its foreach's, or a values-file variable), so a key the new value does not set keeps
 * its earlier value. A `variable` entry replaces the name whole (ReplaceContextEntry; setOwn above).
 */
function addEntry(ctx: JsonObject, name: string, value: JsonValue): void {
  setOwn(ctx, name, mergeContextEntry(getOwn(ctx, name), value));
}

/** The context (a copy unless `owned`) with a failed entry recorded. */
function withFailure(ctx: JsonObject, owned: boolean, name: string, error: string): JsonObject {
  const out = owned ? ctx : ownCopy(ctx);
  recordFailedEntry(out, name, error);
  return out;
}

/** Loads context entries on top of data, returning the new context. */
export function loadContext(data: JsonObject, input: LoaderInput): ContextOutcome {
  let ctx = data;
  if (input.ruleValues) {
    for (const [k, v] of Object.entries(input.ruleValues)) {
      const key = valueKeyPath(k, input.profile);
      if (key.ok) ctx = withVariable(ctx, key.path, v);
    }
  }
  // The context of this rule is copied once, on its first entry, then filled in place: a copy per entry
  // copied every earlier entry again (quadratic; a converted PSP union has ~80 entries per rule). A variable
  // evaluated to a map or list gets a new copy (it may hold the context filled so far).
  let owned = false;
  // An entry whose load fails is recorded, not returned: Kyverno loads an entry when a query first names
  // it (deferred loading), so the failure is an error of the query that reads it (failedEntryError), and a
  // rule that never reads it is evaluated as usual. (withFailure, not a closure made per call.)
  for (const entry of input.entries) {
    if (entry.variable) {
      const r = loadVariable(entry, ctx, input.isDelete);
      if (!r.ok) {
        ctx = withFailure(ctx, owned, entry.name, r.error);
        owned = true;
        continue;
      }
      // A map or list may hold the context itself (`@`, `[@]`, `{x: @}`): Kyverno stores the value as JSON,
      // a snapshot, so the context it holds is left as it is and the entry goes into a new copy.
      if (!owned || typeof r.value === 'object') ctx = ownCopy(ctx);
      owned = true;
      setOwn(ctx, entry.name, r.value);
    } else if (entry.configMap) {
      if (!input.resolve) continue;
      const r = configMapEntry(entry, entry.configMap, ctx, input.isDelete);
      if (!r.ok) {
        ctx = withFailure(ctx, owned, entry.name, r.error);
        owned = true;
        continue;
      }
      const v = input.resolve(r.entry);
      if (v instanceof Error) {
        ctx = withFailure(ctx, owned, entry.name, `failed to retrieve config map for context entry ${entry.name}: ${v.message}`);
        owned = true;
        continue;
      }
      if (v === undefined) continue;
      if (!owned) ctx = ownCopy(ctx);
      owned = true;
      addEntry(ctx, entry.name, v);
    } else if (entry.apiCall || entry.imageRegistry) {
      const v = input.resolve?.(entry);
      if (v instanceof Error) {
        ctx = withFailure(ctx, owned, entry.name, v.message);
        owned = true;
        continue;
      }
      if (v === undefined) continue;
      if (!owned) ctx = ownCopy(ctx);
      owned = true;
      addEntry(ctx, entry.name, v);
    }
  }
  if (input.foreachValues) {
    const i = input.foreachIndex ?? 0;
    for (const [k, list] of Object.entries(input.foreachValues)) {
      const v = list[i];
      const key = valueKeyPath(k, input.profile);
      if (v !== undefined && key.ok) ctx = withVariable(ctx, key.path, v);
    }
  }
  return { ok: true, data: ctx };
}

/** A rule's context ready for its body, or the error/skip response that ends the rule there. */
export type PreparedRule = { ok: true; data: JsonObject } | { ok: false; status: 'error' | 'skip'; message: string };

/** Loads a rule's (or foreach element's) context, then checks its preconditions against it. */
export function prepareRule(data: JsonObject, input: LoaderInput, preconditions: AnyAllConditions | undefined): PreparedRule {
  // Without entries or values the loader hands the data back as it is.
  if (input.entries.length === 0 && input.ruleValues === undefined && input.foreachValues === undefined) return checkRulePreconditions(data, preconditions, input.isDelete);
  const loaded = loadContext(data, input);
  if (!loaded.ok) return { ok: false, status: 'error', message: errorMessage('failed to load context', loaded.error) };
  return checkRulePreconditions(loaded.data, preconditions, input.isDelete);
}

/** The preconditions step of prepareRule alone, on a loaded context: the data, or the rule's error or skip. */
export function checkRulePreconditions(data: JsonObject, preconditions: AnyAllConditions | undefined, isDelete: boolean): PreparedRule {
  const pre = checkPreconditions(preconditions, data, isDelete);
  if (!pre.ok) return { ok: false, status: 'error', message: errorMessage('failed to evaluate preconditions', pre.error) };
  if (!pre.value) return { ok: false, status: 'skip', message: preconditionsNotMet(pre) };
  return { ok: true, data };
}

/** A configMap entry with its name and namespace substituted (an empty namespace means `default`). */
function configMapEntry(entry: ContextEntry, cm: NonNullable<ContextEntry['configMap']>, ctx: JsonObject, isDelete: boolean): { ok: true; entry: ContextEntry } | { ok: false; error: string } {
  const name = substituteAll(cm.name, ctx, { isDelete });
  if (!name.ok) return { ok: false, error: `failed to retrieve config map for context entry ${entry.name}: failed to substitute variables in context ${entry.name} configMap.name ${cm.name}: ${name.error}` };
  const namespace = substituteAll(cm.namespace ?? '', ctx, { isDelete });
  if (!namespace.ok) {
    return { ok: false, error: `failed to retrieve config map for context entry ${entry.name}: failed to substitute variables in context ${entry.name} configMap.namespace ${cm.namespace ?? ''}: ${namespace.error}` };
  }
  const str = (v: JsonValue) => (typeof v === 'string' ? v : JSON.stringify(v));
  return { ok: true, entry: { ...entry, configMap: { name: str(name.value), namespace: str(namespace.value) || 'default' } } };
}

/** A ConfigMap the cluster does not have (the API server's NotFound text). */
export class ContextLoadError extends Error {}

// One resolver per ConfigMap set (plain data that may come from another thread): the object is the key.
const configMapResolvers = new WeakMap<object, ContextResolver>();

/** The context resolver of an evaluation: the injected one, else one over `ctx.configMaps`. */
export function contextResolverOf(ctx: EvaluationContext): ContextResolver | undefined {
  if (ctx.resolveContext || !ctx.configMaps) return ctx.resolveContext;
  const maps = ctx.configMaps;
  let r = configMapResolvers.get(maps);
  if (r === undefined) {
    r = (entry) => {
      const cm = entry.configMap;
      if (!cm) return undefined;
      const ns = cm.namespace || 'default';
      const found = Object.hasOwn(maps, `${ns}/${cm.name}`) ? maps[`${ns}/${cm.name}`] : undefined;
      if (!found) return new ContextLoadError(`failed to get configmap ${ns}/${cm.name} : configmaps "${cm.name}" not found`);
      return { data: { ...found.data }, metadata: { ...found.metadata } } as JsonObject;
    };
    configMapResolvers.set(maps, r);
  }
  return r;
}

function loadVariable(entry: ContextEntry, ctx: JsonObject, isDelete: boolean): { ok: true; value: JsonValue } | { ok: false; error: string } {
  const spec = entry.variable ?? {};
  let path = '';
  if (spec.jmesPath) {
    const s = substituteAll(spec.jmesPath, ctx, { isDelete });
    if (!s.ok) return { ok: false, error: `failed to substitute variables in context entry ${entry.name} ${spec.jmesPath}: ${s.error}` };
    path = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
  }
  let defaultValue: JsonValue | undefined;
  if (spec.default !== undefined && spec.default !== null) {
    const s = substituteAll(spec.default, ctx, { isDelete });
    if (!s.ok) return { ok: false, error: `failed to substitute variables in context entry ${entry.name} default: ${s.error}` };
    defaultValue = s.value;
  }
  let output: JsonValue | undefined = defaultValue;
  if (spec.value !== undefined && spec.value !== null) {
    const s = substituteAll(spec.value, ctx, { isDelete });
    if (!s.ok) return { ok: false, error: `failed to substitute variables in context entry ${entry.name} value: ${s.error}` };
    if (path !== '') {
      try {
        output = searchJmespath(path, s.value) as JsonValue;
      } catch (err) {
        if (defaultValue === undefined) return { ok: false, error: `failed to apply jmespath ${path} to variable ${JSON.stringify(s.value)}: ${(err as Error).message}` };
      }
    } else output = s.value;
  } else if (path !== '') {
    const failed = failedEntryError(ctx, path);
    if (failed !== undefined) return { ok: false, error: failed };
    try {
      const v = searchJmespath(path, ctx) as JsonValue | undefined;
      if (v !== null && v !== undefined) output = v;
    } catch (err) {
      if (defaultValue === undefined) return { ok: false, error: `failed to apply jmespath ${path} to variable: ${(err as Error).message}` };
    }
  }
  if (output === undefined || output === null) return { ok: false, error: `unable to add context entry for variable ${entry.name} since it evaluated to nil` };
  return { ok: true, value: output };
}
