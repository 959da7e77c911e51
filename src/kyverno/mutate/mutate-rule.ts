// One mutate rule on one (already matched) resource: rule context, preconditions, then the patch — or the
// foreach declarations (nested too), element by element, each seeing the resource as it was when the
// declaration started. Mirrors kyverno@v1.10.7:pkg/engine/handlers/mutation/common.go (forEachMutator,
// buildSuccessMessage), mutate_resource.go, pkg/engine/mutate/mutation.go (Mutate, ForEach) and
// pkg/engine/engine.go (invokeRuleHandler: context, then preconditions).
import type { KubeObject } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { checkPreconditions, type ContextResolver, DEFAULT_PROFILE, type EngineProfile, errorMessage, loadContext, prepareRule } from '../engine/index.js';
import type { AnyAllConditions, ContextEntry, Rule } from '../model/index.js';
import { searchJmespath } from '../jmespath/index.js';
import { failedEntryError, substituteAll, withElement, withVariable } from '../variables/index.js';
import { applyPatchSpec, hasPatch, type PatchSpec } from './patcher.js';

/**
 * A mutate rule's outcome:
 * - pass: the resource changed; `patched` is the new resource.
 * - skip: preconditions not met, no foreach element applied, or the patch changed nothing.
 * - error: context, preconditions, variables, the list or the patch could not be evaluated.
 * - fail: reserved (Kyverno's mutate handlers never produce it).
 */
export interface MutateOutcome {
  status: 'pass' | 'skip' | 'error' | 'fail';
  message: string;
  patched: KubeObject;
}

/** What a mutate rule may use besides its context data. */
export interface MutateOptions {
  isDelete?: boolean;
  /** Values-file variables for this rule. */
  ruleValues?: Readonly<Record<string, JsonValue>>;
  /** Values-file foreach variables for this rule, by element index. */
  foreachValues?: Readonly<Record<string, readonly JsonValue[]>>;
  resolve?: ContextResolver;
  /**
   * 1.11+ behaviour: a foreach whose elements change nothing is skipped (`no patches applied`, and a rule
   * with no declaration applied is skipped). Without it, 1.10.7's: every declaration processed without
   * error counts, so the rule passes.
   */
  skipUnchangedForeach?: boolean;
  /** Engine profile (default 1.10): `foreachNoPatch: 'skip'` is the 1.11+ behaviour above. */
  profile?: EngineProfile;
}

/** A `mutate.foreach` declaration, read from the rule's JSON. */
interface ForEachMutation extends PatchSpec {
  list: string;
  order?: string;
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
  foreach?: JsonValue[];
}

type Step = { status: MutateOutcome['status']; message: string; patched: JsonObject };

/** `mutated <Kind>/<name>[ in namespace <ns>]`, as buildSuccessMessage. */
function mutatedMessage(r: JsonObject): string {
  const md = isObject(r.metadata) ? r.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '';
  const ns = typeof md.namespace === 'string' ? md.namespace : '';
  const kind = typeof r.kind === 'string' ? r.kind : '';
  return ns === '' ? `mutated ${kind}/${name}` : `mutated ${kind}/${name} in namespace ${ns}`;
}

/** Applies one mutate rule (already matched) to a resource with the rule's context data. */
export function applyMutateRule(rule: Rule, resource: KubeObject, data: JsonObject, opts: MutateOptions = {}): MutateOutcome {
  const res = resource as unknown as JsonObject;
  const out = (s: Step): MutateOutcome => ({ status: s.status, message: s.message, patched: s.patched as unknown as KubeObject });
  const isDelete = opts.isDelete ?? false;
  const loaded = prepareRule(data, { entries: rule.context ?? NO_ENTRIES, ruleValues: opts.ruleValues, resolve: opts.resolve, isDelete, profile: opts.profile }, rule.preconditions);
  if (!loaded.ok) return out({ status: loaded.status, message: loaded.message, patched: res });
  const mutate = rule.mutate ?? {};
  let step: Step;
  if (Array.isArray(mutate.foreach) && mutate.foreach.length > 0) {
    step = mutateForEach(readForEach(mutate.foreach), res, loaded.data, 0, opts);
  } else {
    step = patchOnce(patchParts(mutate as PatchSpec), res, loaded.data, isDelete, true);
  }
  if (step.status === 'pass') return out({ ...step, message: mutatedMessage(step.patched) });
  return out(step);
}

// Compiled once per rule (keyed by the rule's own objects, which are never changed in place): the foreach
// declarations, and the patch parts of a rule or declaration as one stable document, so that variable
// substitution finds its plan (cached by document identity) instead of re-planning a new object per call.
const forEachCache = new WeakMap<readonly JsonValue[], readonly ForEachMutation[]>();

function readForEach(list: readonly JsonValue[]): readonly ForEachMutation[] {
  let decls = forEachCache.get(list);
  if (decls === undefined) {
    decls = list.filter(isObject).map((f) => f as unknown as ForEachMutation);
    forEachCache.set(list, decls);
  }
  return decls;
}

const partsCache = new WeakMap<PatchSpec, JsonObject>();

/** `{ patchStrategicMerge, patchesJson6902 }` of a mutate rule or foreach declaration (those set), built once. */
function patchParts(spec: PatchSpec): JsonObject {
  let parts = partsCache.get(spec);
  if (parts === undefined) {
    parts = {};
    if (spec.patchStrategicMerge !== undefined) parts.patchStrategicMerge = spec.patchStrategicMerge;
    if (spec.patchesJson6902 !== undefined) parts.patchesJson6902 = spec.patchesJson6902;
    partsCache.set(spec, parts);
  }
  return parts;
}

const ruleDocCache = new WeakMap<JsonObject, JsonObject>();

/**
 * `{ mutate: parts }`, built once per rule: a rule's patches as Kyverno substitutes them, inside the whole
 * rule (kyverno@v1.10.7:pkg/engine/mutate/mutation.go Mutate: variables.SubstituteAllInRule), so that a
 * failure names `/mutate/patchStrategicMerge/…` and `{{@}}` reads `request.object` past `mutate` and the
 * patch's name. podgate substitutes the `mutate` block's patches only (docs/compatibility.md).
 */
function ruleDocument(parts: JsonObject): JsonObject {
  let doc = ruleDocCache.get(parts);
  if (doc === undefined) {
    doc = { mutate: parts };
    ruleDocCache.set(parts, doc);
  }
  return doc;
}

/**
 * Substitutes variables in the patch parts of a rule (`inRule`, within `{ mutate: parts }`) or of a foreach
 * declaration, applies them, and reports pass or "no patches applied". A declaration's parts are a document
 * of their own (kyverno@v1.10.7:pkg/engine/mutate/mutation.go ForEach: substituteAllInForEach), so a
 * failure names `/patchStrategicMerge/…` and `{{@}}` drops `patchStrategicMerge` and the key under it: at
 * `spec.containers[0].image` of the patch it reads `request.object.containers[0].image`.
 */
function patchOnce(parts: JsonObject, resource: JsonObject, data: JsonObject, isDelete: boolean, inRule: boolean): Step {
  const s = substituteAll(inRule ? ruleDocument(parts) : parts, data, { isDelete });
  if (!s.ok) return { status: 'error', message: errorMessage('variable substitution failed', s.error), patched: resource };
  const value = inRule && isObject(s.value) ? s.value.mutate : s.value;
  const substituted = (isObject(value) ? value : {}) as PatchSpec;
  if (!hasPatch(substituted)) return { status: 'error', message: 'empty mutate rule', patched: resource };
  const r = applyPatchSpec(resource, substituted);
  if (!r.ok) return { status: 'error', message: errorMessage('failed to patch resource', r.error), patched: resource };
  if (sameJson(resource, r.value)) return { status: 'skip', message: 'no patches applied', patched: resource };
  return { status: 'pass', message: 'resource patched', patched: r.value };
}

/**
 * deepEqual (util/json) with loops instead of callbacks: patched documents share every unchanged subtree
 * with their input, so the walk mostly compares identical references and stops at the first difference.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !sameJson(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function evaluateList(list: string, data: JsonObject, isDelete: boolean): { ok: true; elements: JsonValue[] } | { ok: false; error: string } {
  const expr = isDelete ? list.replaceAll('request.object', 'request.oldObject') : list;
  // A list reading a context entry that failed to load fails with it (Kyverno loads the entry then).
  const failed = failedEntryError(data, expr);
  if (failed !== undefined) return { ok: false, error: failed };
  try {
    const v = searchJmespath(expr, data) as JsonValue | undefined;
    return { ok: true, elements: Array.isArray(v) ? v : [v ?? null] };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function mutateForEach(decls: readonly ForEachMutation[], resource: JsonObject, data: JsonObject, nesting: number, opts: MutateOptions): Step {
  let current = resource;
  let ctx = data;
  let applied = 0;
  for (const decl of decls) {
    const list = evaluateList(decl.list, ctx, opts.isDelete ?? false);
    if (!list.ok) return { status: 'error', message: `failed to evaluate list ${decl.list}: ${list.error}`, patched: current };
    const r = mutateElements(decl, list.elements, current, ctx, nesting, opts);
    if (r.status === 'error' || r.status === 'fail') return { status: 'error', message: `failed to mutate elements: ${r.message}`, patched: current };
    // 1.10.7 (forEachMutator.mutateForEach): every declaration whose elements were processed without
    // error counts, whether or not it changed anything, so a foreach that patches nothing passes; 1.11+
    // skips declarations that changed nothing.
    if (r.status === 'skip') continue;
    applied++;
    current = r.patched;
    // The next declaration sees the patched resource (AddResource).
    ctx = withVariable(ctx, 'request.object', current);
  }
  if (applied === 0) return { status: 'skip', message: `${applied} elements processed`, patched: current };
  return { status: 'pass', message: `${applied} elements processed`, patched: current };
}

const NO_ENTRIES: readonly ContextEntry[] = [];

// Strategic-merge declarations run over the elements in reverse (so that list merges keep their order)
// unless `order` says otherwise (kyverno PR #7336, in 1.10 through #7558); `order: Descending` reverses the
// others. elementIndex always is the element's position in the list.
function mutateElements(decl: ForEachMutation, elements: readonly JsonValue[], resource: JsonObject, data: JsonObject, nesting: number, opts: MutateOptions): Step {
  const isDelete = opts.isDelete ?? false;
  const strategic = decl.patchStrategicMerge !== undefined && decl.patchStrategicMerge !== null;
  const reverse = decl.order !== undefined ? decl.order === 'Descending' : strategic;
  const indices = elements.map((_, i) => i);
  if (reverse) indices.reverse();
  let patched = resource;
  for (const index of indices) {
    const element = elements[index];
    if (element === undefined || element === null) continue;
    // loadContext treats absent and undefined options alike (no conditional spreads: V8's slow path, per element).
    const loaded = loadContext(withElement(data, element, index, nesting), {
      entries: decl.context ?? NO_ENTRIES,
      ruleValues: opts.ruleValues,
      foreachValues: opts.foreachValues,
      foreachIndex: index,
      resolve: opts.resolve,
      isDelete,
      profile: opts.profile,
    });
    if (!loaded.ok) return { status: 'error', message: `failed to load to mutate.foreach[${index}].context: ${loaded.error}`, patched };
    const pre = checkPreconditions(decl.preconditions, loaded.data, isDelete);
    if (!pre.ok) return { status: 'error', message: `failed to evaluate mutate.foreach[${index}].preconditions: ${pre.error}`, patched };
    if (!pre.value) continue;
    const r =
      Array.isArray(decl.foreach) && decl.foreach.length > 0
        ? mutateForEach(readForEach(decl.foreach), patched, loaded.data, nesting + 1, opts)
        : patchOnce(patchParts(decl), patched, loaded.data, isDelete, false);
    if (r.status === 'error' || r.status === 'fail') return r;
    if (r.status === 'pass') patched = r.patched;
  }
  // One switch: the profile's foreachNoPatch (or a 1.11+-format test suite, which sets skipUnchangedForeach).
  const skipUnchanged = opts.skipUnchangedForeach === true || (opts.profile ?? DEFAULT_PROFILE).foreachNoPatch === 'skip';
  if (skipUnchanged && sameJson(resource, patched)) return { status: 'skip', message: 'no patches applied', patched };
  return { status: 'pass', message: '', patched };
}
