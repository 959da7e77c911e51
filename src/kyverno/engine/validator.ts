// The validate handler: deny, then pattern/anyPattern, then foreach (elementScope, nesting), producing
// Kyverno's statuses and messages. Mirrors kyverno@v1.10.7:pkg/engine/handlers/validation/
// validate_resource.go (validator.validate, validateForEach, validateElements, validatePatterns) and
// pkg/engine/utils/foreach.go (EvaluateList, AddElementToContext); under the 1.12 profile, the 1.11+
// comparison of a pattern result with the old object's (validateOldObject).
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import type { AnyAllConditions, ContextEntry, ForEachValidation, Rule } from '../model/index.js';
import { goTypeName } from '../pattern/index.js';
import { validatePattern } from '../validate/index.js';
import { searchJmespath } from '../jmespath/index.js';
import { failedEntryError, type SubstituteOptions, substituteAll, substitutePattern, withElement } from '../variables/index.js';
import { checkDenyConditions, hasConditions } from './conditions.js';
import { checkRulePreconditions, type LoaderInput, type PreparedRule, prepareRule } from './context-loader.js';
import type { EngineProfile } from './profile.js';
import { anyPatternErrorMessage, denyMessage, errorMessage, foreachFailureMessage, passMessage, patternErrorMessage } from './messages.js';
import type { ContextResolver, RuleStatus } from './types.js';

/**
 * A handler response; undefined means "no response" (the rule is left out of the results). Some are shared
 * (frozen, the same object on every request: a rule's pass, a foreach's pass or skip; see below).
 */
export type HandlerResponse = Response | undefined;
type Response = { readonly status: RuleStatus; readonly message: string; readonly path?: string };

/** The response of a rule whose pattern or deny passes, made once per rule (ValidatorState.pass). */
export function passResponse(rule: string): Response {
  return Object.freeze({ status: 'pass', message: passMessage(rule) });
}

/** The responses of a foreach that passes, or that no element applied to: shared. */
export const FOREACH_PASS: Response = Object.freeze({ status: 'pass', message: 'rule passed' });
export const FOREACH_SKIP: Response = Object.freeze({ status: 'skip', message: 'rule skipped' });

/** What the validator needs besides the rule. */
export interface ValidatorState {
  rule: Rule;
  data: JsonObject;
  /** The new resource; empty on DELETE. */
  resource: JsonObject;
  /** The current foreach element when element-scoped. */
  element?: JsonObject;
  isDelete: boolean;
  nesting: number;
  ruleValues?: Readonly<Record<string, JsonValue>>;
  foreachValues?: Readonly<Record<string, readonly JsonValue[]>>;
  resolve?: ContextResolver;
  /** String patterns follow Kyverno 1.12's comparison order (EngineProfile.stringPatternOrder). */
  firstParsed: boolean;
  /** Reads the values' keys (EngineProfile.valueKeyQuotes). */
  profile: EngineProfile | undefined;
  /**
   * Set when a pattern result is compared with the old object's (EngineProfile.updateComparesOldObject,
   * a request with a new and an old object): the old object, and whether the operation is UPDATE.
   */
  old: OldObjectCheck | undefined;
  /** The rule's pass response (passResponse), shared by every request. */
  pass: Response;
}

/** The old object of a request whose pattern results are compared (Kyverno 1.11+). */
export interface OldObjectCheck {
  resource: JsonObject;
  isUpdate: boolean;
}

/** Loads again what the validator loads before its body (preconditions; a foreach element's context too). */
type Reload = (data: JsonObject) => PreparedRule;

/** One validate body: the rule's own, or a foreach declaration's. */
interface Body {
  pattern?: JsonValue;
  anyPattern?: JsonValue[];
  /**
   * After substitution that kept the shape of the policy's pattern (or anyPattern): that pattern, whose
   * walk plans (key order, anchors) are made once and hold for the substituted copy too.
   */
  shape?: JsonValue;
  deny?: { conditions?: AnyAllConditions };
  foreach?: ForEachValidation[];
}

/** Runs the rule's validate body (context and preconditions were handled by the caller). */
export function validateRuleBody(state: ValidatorState): HandlerResponse {
  const v = state.rule.validate ?? {};
  // The reload is made only when it can be used (no closure per rule on the common path).
  return validateBody(state, v, state.old === undefined ? NO_RELOAD : reloadRule(state));
}

// What a validator without context entries or preconditions loads again: nothing.
const NO_RELOAD: Reload = (data) => ({ ok: true, data });

// The rule's own validator checks the rule's preconditions (its context was loaded by the engine).
function reloadRule(state: ValidatorState): Reload {
  return (data) => checkRulePreconditions(data, state.rule.preconditions, state.isDelete);
}

function validateBody(state: ValidatorState, body: Body, reload: Reload): HandlerResponse {
  if (body.deny) return validateDeny(state, body.deny.conditions);
  if (body.pattern !== undefined || body.anyPattern !== undefined) {
    const target = patternTarget(state);
    if (!target && state.isDelete) return undefined;
    const patterns = substitutePatterns(state, body);
    if (patterns instanceof SubstitutionFailed) return patterns.response;
    const resp = validatePatterns(state, patterns, target ?? {});
    return state.old === undefined ? resp : compareWithOld(state, patterns, resp, reload);
  }
  if (body.foreach) return validateForEach(state, body.foreach);
  return undefined;
}

function patternTarget(state: ValidatorState): JsonObject | undefined {
  return state.element ?? (hasOwnKeys(state.resource) ? state.resource : undefined);
}

// Object.keys(o).length > 0 without making the list of keys (once per pattern rule).
function hasOwnKeys(o: JsonObject): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

const UNCHANGED = 'skipping modified resource as validation results have not changed';

// Kyverno 1.11+ (validateOldObject): the validator runs again on the old policy context, where
// request.object and request.oldObject are null and the resource is the old object (a foreach element
// stays the element it was given), with the patterns as already substituted, substituted once more there.
// The same status and message keep a pass and turn anything else into a skip.
function compareWithOld(state: ValidatorState, body: Body, resp: Response, reload: Reload): HandlerResponse {
  const old = state.old as OldObjectCheck;
  // OldPolicyContext refuses a request that is not an UPDATE (old and new objects on another operation).
  if (!old.isUpdate) return { status: 'error', message: errorMessage('failed to validate old object', 'cannot get old policy context: cannot create old policy context') };
  const prior = oldResponse(state, old, body, reload);
  if (prior === undefined || prior.status !== resp.status || prior.message !== resp.message) return resp;
  return resp.status === 'pass' ? resp : { status: 'skip', message: UNCHANGED };
}

function oldResponse(state: ValidatorState, old: OldObjectCheck, body: Body, reload: Reload): HandlerResponse {
  const loaded = reload(withoutRequestObjects(state.data));
  if (!loaded.ok) return { status: loaded.status, message: loaded.message };
  const oldState: ValidatorState = Object.assign({}, state, { data: loaded.data, resource: old.resource, old: undefined });
  // The old run substitutes the already substituted patterns again, in the old context (validate →
  // substitutePatterns on the validator's replaced pattern): an escaped `\{{ }}`, a literal after the
  // first pass, is resolved there.
  const again = substitutePatterns(oldState, body);
  if (again instanceof SubstitutionFailed) return again.response;
  const target = patternTarget(oldState);
  return validatePatterns(oldState, again, target ?? {});
}

function withoutRequestObjects(data: JsonObject): JsonObject {
  const request = data.request;
  if (!isObject(request)) return data;
  return Object.assign({}, data, { request: Object.assign({}, request, { object: null, oldObject: null }) });
}

/** Why a pattern's substitution failed (a class: a validate body may hold any key). */
class SubstitutionFailed {
  readonly response: Response;
  constructor(response: Response) {
    this.response = response;
  }
}

function substitutionFailed(message: string): SubstitutionFailed {
  return new SubstitutionFailed({ status: 'error', message });
}

// substitutePatterns: the pattern (else the anyPattern) with its variables substituted; the body itself
// when nothing was substituted.
function substitutePatterns(state: ValidatorState, body: Body): Body | SubstitutionFailed {
  if (body.pattern !== undefined) {
    const s = substitutePattern(body.pattern, state.data, state.isDelete ? PATTERN_DELETE : PATTERN);
    if (!s.ok) return substitutionFailed(errorMessage('variable substitution failed', s.error));
    if (s.value === body.pattern) return body;
    return s.reshaped ? { pattern: s.value } : { pattern: s.value, shape: body.shape ?? body.pattern };
  }
  const s = substitutePattern(body.anyPattern ?? [], state.data, state.isDelete ? ANY_PATTERN_DELETE : ANY_PATTERN);
  if (!s.ok) return substitutionFailed(errorMessage('variable substitution failed', s.error));
  if (!Array.isArray(s.value)) return substitutionFailed('failed to deserialize anyPattern, expected type array');
  if (s.value === body.anyPattern) return body;
  return s.reshaped ? { anyPattern: s.value } : { anyPattern: s.value, shape: body.shape ?? body.anyPattern };
}

function ruleMessage(state: ValidatorState): { message?: string; failed: boolean } {
  const raw = state.rule.validate?.message;
  if (raw === undefined || raw === '') return { failed: false };
  const s = substituteAll(raw, state.data, state.isDelete ? DELETE : NOT_DELETE);
  if (!s.ok) return { message: raw, failed: true };
  return { message: typeof s.value === 'string' ? s.value : "the produced message didn't resolve to a string, check your policy definition.", failed: false };
}

function validateDeny(state: ValidatorState, conds: AnyAllConditions | undefined): HandlerResponse {
  const r = checkDenyConditions(conds, state.data, state.isDelete);
  if (!r.ok) return { status: 'error', message: errorMessage('failed to check deny preconditions', r.error) };
  if (!r.value) return state.pass;
  const m = ruleMessage(state);
  // getDenyMessage falls back to the raw message when substitution fails.
  return { status: 'fail', message: denyMessage(state.rule.name, m.message) };
}

// `{{@}}` in a pattern reads request.object at the same path: a pattern's paths drop `validate.pattern`; an
// anyPattern's start with the pattern's index, dropped with `validate`.
const PATTERN_PREFIX = ['validate', 'pattern'];
const ANY_PATTERN_PREFIX = ['validate'];
// The options of those substitutions, made once (not frozen: the same object shape as the literals other
// callers pass; substituteAll only reads them).
const PATTERN: SubstituteOptions = { isDelete: false, pointerPrefix: PATTERN_PREFIX };
const PATTERN_DELETE: SubstituteOptions = { isDelete: true, pointerPrefix: PATTERN_PREFIX };
const ANY_PATTERN: SubstituteOptions = { isDelete: false, pointerPrefix: ANY_PATTERN_PREFIX };
const ANY_PATTERN_DELETE: SubstituteOptions = { isDelete: true, pointerPrefix: ANY_PATTERN_PREFIX };
const NOT_DELETE: SubstituteOptions = { isDelete: false };
const DELETE: SubstituteOptions = { isDelete: true };

// validatePattern's options (read only) by firstParsed and floats, made once.
const MATCH = { firstParsed: false, floats: false };
const MATCH_FLOATS = { firstParsed: false, floats: true };
const MATCH_FIRST_PARSED = { firstParsed: true, floats: false };
const MATCH_FIRST_PARSED_FLOATS = { firstParsed: true, floats: true };

function matchOptions(state: ValidatorState, floats: boolean): { firstParsed: boolean; floats: boolean } {
  if (state.firstParsed) return floats ? MATCH_FIRST_PARSED_FLOATS : MATCH_FIRST_PARSED;
  return floats ? MATCH_FLOATS : MATCH;
}

// Matches the substituted pattern or anyPattern against the target.
function validatePatterns(state: ValidatorState, body: Body, target: JsonObject): Response {
  const name = state.rule.name;
  // A foreach element is validated as AddElementToContext left it: after DocumentToUntyped's JSON round
  // trip, so its numbers are float64s (the resource itself keeps unstructured's int64s).
  const floats = state.element !== undefined && target === state.element;
  if (body.pattern !== undefined) {
    const out = validatePattern(target, body.pattern, matchOptions(state, floats), body.shape);
    if (out.kind === 'pass') return state.pass;
    if (out.kind === 'skip') return { status: 'skip', message: out.reason };
    const m = ruleMessage(state);
    if (out.kind === 'error') return { status: 'error', message: patternErrorMessage(name, m.message, '', out.detail, m.failed) };
    return { status: 'fail', message: patternErrorMessage(name, m.message, out.path, out.detail, m.failed), path: out.path };
  }
  const failed: string[] = [];
  const skipped: string[] = [];
  const shapes = Array.isArray(body.shape) ? body.shape : undefined;
  for (const [i, p] of (body.anyPattern ?? []).entries()) {
    const out = validatePattern(target, p, matchOptions(state, floats), shapes?.[i]);
    if (out.kind === 'pass') return { status: 'pass', message: `validation rule '${name}' anyPattern[${i}] passed.` };
    if (out.kind === 'skip') skipped.push(`rule ${name}[${i}] skipped: ${out.reason}`);
    else if (out.kind === 'error' || out.path === '') failed.push(`rule ${name}[${i}] failed: ${out.detail}`);
    else failed.push(`rule ${name}[${i}] failed at path ${out.path}`);
  }
  if (skipped.length > 0 && failed.length === 0) return { status: 'skip', message: skipped.join(' ') };
  if (failed.length > 0) return { status: 'fail', message: anyPatternErrorMessage(state.rule.validate?.message, failed) };
  return { status: 'pass', message: state.rule.validate?.message ?? '' };
}

function evaluateList(list: string, data: JsonObject): unknown[] | undefined {
  // A list reading a context entry that failed to load fails with it (Kyverno loads the entry then).
  if (failedEntryError(data, list) !== undefined) return undefined;
  try {
    const v = searchJmespath(list, data);
    return Array.isArray(v) ? v : [v];
  } catch {
    return undefined;
  }
}

function validateForEach(state: ValidatorState, decls: readonly ForEachValidation[]): HandlerResponse {
  let applied = 0;
  for (const decl of decls) {
    const list = state.isDelete ? decl.list.replaceAll('request.object', 'request.oldObject') : decl.list;
    // A list that fails to evaluate is skipped silently (validateForEach logs and continues).
    const elements = evaluateList(list, state.data);
    if (!elements) continue;
    const r = validateElements(state, decl, elements);
    if (typeof r !== 'number') return r;
    applied += r;
  }
  return applied === 0 ? FOREACH_SKIP : FOREACH_PASS;
}

/** The number of elements the declaration applied to, or the response that ends the foreach. */
function validateElements(state: ValidatorState, decl: ForEachValidation, elements: unknown[]): number | Response {
  let applied = 0;
  for (let index = 0; index < elements.length; index++) {
    const el = elements[index];
    if (el === null || el === undefined) continue;
    const element = el as JsonValue;
    const scoped = decl.elementScope ?? isObject(element);
    if (decl.elementScope === true && !isObject(element)) {
      return {
        status: 'error',
        // AddElementToContext prints the %T of the element after jsonutils.DocumentToUntyped, a JSON round
        // trip: every number is a float64 there, whole or not.
        message: errorMessage('failed to process foreach', `cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${typeof element === 'number' ? 'float64' : goTypeName(element)}`),
      };
    }
    const data = withElement(state.data, element, index, state.nesting);
    const r = validateElement(state, decl, index, data, scoped && isObject(element) ? element : state.element);
    if (r === undefined || r.status === 'skip') continue;
    if (r.status !== 'pass') {
      // An error on any element but the last is ignored (validateElements).
      if (r.status === 'error' && index < elements.length - 1) continue;
      return { status: r.status, message: foreachFailureMessage(r.message), ...(r.path ? { path: r.path } : {}) };
    }
    applied++;
  }
  return applied;
}

// One literal with every field, so that all element states share one object shape (an Object.assign or
// spread copy of the parent costs several times more per element).
function elementState(state: ValidatorState, data: JsonObject, element: JsonObject | undefined): ValidatorState {
  return {
    rule: state.rule,
    data,
    resource: state.resource,
    element,
    isDelete: state.isDelete,
    nesting: state.nesting + 1,
    ruleValues: state.ruleValues,
    foreachValues: state.foreachValues,
    resolve: state.resolve,
    firstParsed: state.firstParsed,
    profile: state.profile,
    old: state.old,
    pass: state.pass,
  };
}

// One element: its context loaded on top of `data` (the parent's data with the element added), then the
// foreach body on an element state made once, with the loaded data (no copy of a copy per element).
function validateElement(parent: ValidatorState, decl: ForEachValidation, index: number, data: JsonObject, element: JsonObject | undefined): HandlerResponse {
  // Without context entries, values or preconditions the loader would hand the element's data back unchanged.
  if (!decl.context?.length && !parent.ruleValues && !parent.foreachValues && !hasConditions(decl.preconditions)) return validateBody(elementState(parent, data, element), decl, NO_RELOAD);
  // One literal with every field (absent ones undefined, which the loader reads as absent): spreads of
  // optional fields cost more than the load itself when the resolver has nothing to add.
  const input: LoaderInput = {
    entries: decl.context ?? NO_ENTRIES,
    ruleValues: parent.ruleValues,
    foreachValues: parent.foreachValues,
    foreachIndex: index,
    resolve: parent.resolve,
    isDelete: parent.isDelete,
    profile: parent.profile,
  };
  const loaded = prepareRule(data, input, decl.preconditions);
  if (!loaded.ok) return { status: loaded.status, message: loaded.message };
  const reload: Reload = parent.old === undefined ? NO_RELOAD : (d) => prepareRule(d, input, decl.preconditions);
  return validateBody(elementState(parent, loaded.data, element), decl, reload);
}

const NO_ENTRIES: readonly ContextEntry[] = [];
