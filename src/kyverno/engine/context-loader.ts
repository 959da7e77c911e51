// Loads a rule's (or foreach's) context offline: values-file variables first, then context entries —
// `variable` evaluated here, configMap/apiCall/imageRegistry only through an injected resolver — then
// foreach values. Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/utils/store (mock context loader) and
// pkg/engine/api/contextloader.go (LoadVariable); prepareRule is the context-then-preconditions step of
// engine.go (invokeRuleHandler) and validate_resource.go (validate). Never calls a cluster or registry.
import type { JsonObject, JsonValue } from '../../util/index.js';
import type { AnyAllConditions, ContextEntry } from '../model/index.js';
import { searchJmespath } from '../jmespath/index.js';
import { substituteAll, withVariable } from '../variables/index.js';
import { checkPreconditions, preconditionsNotMet } from './conditions.js';
import { errorMessage } from './messages.js';
import type { ContextResolver } from './types.js';

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
}

/** Loads context entries on top of data, returning the new context. */
export function loadContext(data: JsonObject, input: LoaderInput): ContextOutcome {
  let ctx = data;
  if (input.ruleValues) for (const [k, v] of Object.entries(input.ruleValues)) ctx = withVariable(ctx, k, v);
  for (const entry of input.entries) {
    if (entry.variable) {
      const r = loadVariable(entry, ctx, input.isDelete);
      if (!r.ok) return r;
      ctx = Object.assign({}, ctx, { [entry.name]: r.value });
    } else if (entry.configMap || entry.apiCall || entry.imageRegistry) {
      const v = input.resolve?.(entry);
      if (v !== undefined) ctx = Object.assign({}, ctx, { [entry.name]: v });
    }
  }
  if (input.foreachValues) {
    const i = input.foreachIndex ?? 0;
    for (const [k, list] of Object.entries(input.foreachValues)) {
      const v = list[i];
      if (v !== undefined) ctx = withVariable(ctx, k, v);
    }
  }
  return { ok: true, data: ctx };
}

/** A rule's context ready for its body, or the error/skip response that ends the rule there. */
export type PreparedRule = { ok: true; data: JsonObject } | { ok: false; status: 'error' | 'skip'; message: string };

/** Loads a rule's (or foreach element's) context, then checks its preconditions against it. */
export function prepareRule(data: JsonObject, input: LoaderInput, preconditions: AnyAllConditions | undefined): PreparedRule {
  const loaded = loadContext(data, input);
  if (!loaded.ok) return { ok: false, status: 'error', message: errorMessage('failed to load context', loaded.error) };
  const pre = checkPreconditions(preconditions, loaded.data, input.isDelete);
  if (!pre.ok) return { ok: false, status: 'error', message: errorMessage('failed to evaluate preconditions', pre.error) };
  if (!pre.value) return { ok: false, status: 'skip', message: preconditionsNotMet(pre) };
  return loaded;
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
