// Per-policy orchestration: autogen once at compile time, then per resource match/exclude → context →
// preconditions → validate (or podSecurity) for every rule, with the effective action and failurePolicy.
// Mirrors kyverno@v1.10.7:pkg/engine/validation.go (validate), engine.go (invokeRuleHandler, matches) and
// pkg/utils/engine/response.go (GetValidateFailureAction / overrides).
import type { KubeObject } from '../../kube/index.js';
import { getOwn, type JsonObject, RecentMap, REQUEST_MEMO_SLOTS, wildcardMatch } from '../../util/index.js';
import { computeRules } from '../autogen/index.js';
import { setJmespathClock, setJmespathTimeParseEpoch } from '../jmespath/index.js';
import { checkSelector, kindSelectedMatches, kindSelection, type MatchInput, type RuleMatcher, ruleMatcher } from '../match/index.js';
import { type Policy, type Rule, type RuleType, ruleType, type ValidationFailureAction } from '../model/index.js';
import { type CompiledPodSecurityRule, compilePodSecurityRule, evaluateCompiledPodSecurityRule } from '../pod-security/index.js';
import { type ConditionsOutcome, checkPreconditions, hasConditions, preconditionsNotMet } from './conditions.js';
import { contextResolverOf, type LoaderInput, prepareRule } from './context-loader.js';
import { exceptionPolicyKey, exceptionSkipMessage, matchingException } from './exceptions.js';
import { DEFAULT_PROFILE } from './profile.js';
import { errorMessage } from './messages.js';
import { buildBaseContext, requestState } from './request-context.js';
import type { EvaluationContext, PolicyResult, RuleResult } from './types.js';
import { FOREACH_PASS, FOREACH_SKIP, type HandlerResponse, type OldObjectCheck, passResponse, validateRuleBody } from './validator.js';

/** A policy prepared for repeated evaluation: rules computed (autogen) once. */
export interface CompiledPolicy {
  policy: Policy;
  /** The user's rules followed by the generated ones. */
  rules: readonly Rule[];
}

/** Prepares a policy for evaluation (autogen expansion happens here, once). */
export function compilePolicy(policy: Policy): CompiledPolicy {
  return { policy, rules: computeRules(policy) };
}

/** The compiled form of a policy, compiling it when it is not compiled yet. */
export function toCompiledPolicy(policyOrCompiled: Policy | CompiledPolicy): CompiledPolicy {
  return 'rules' in policyOrCompiled && 'policy' in policyOrCompiled ? policyOrCompiled : compilePolicy(policyOrCompiled);
}

/**
 * The action that applies to a resource: the first matching override, else the policy's. As
 * GetValidationFailureAction: only an entry without `namespaces` is matched by its namespaceSelector
 * alone; `namespaces: []` (a non-nil empty list in Go) matches no namespace, whatever the selector.
 */
export function effectiveAction(policy: Policy, namespace: string, namespaceLabels: Readonly<Record<string, string>>): ValidationFailureAction {
  // Runs for every policy of every request: no closure made per call (most policies have no overrides).
  if (policy.validationFailureActionOverrides.length === 0) return policy.validationFailureAction;
  for (const o of policy.validationFailureActionOverrides) {
    if (o.namespaces === undefined) {
      if (o.namespaceSelector && selects(o.namespaceSelector, namespaceLabels)) return o.action;
      continue;
    }
    if (!o.namespaces.some((p) => wildcardMatch(p, namespace))) continue;
    if (!o.namespaceSelector || selects(o.namespaceSelector, namespaceLabels)) return o.action;
  }
  return policy.validationFailureAction;
}

function selects(selector: NonNullable<Policy['validationFailureActionOverrides'][number]['namespaceSelector']>, namespaceLabels: Readonly<Record<string, string>>): boolean {
  const r = checkSelector(selector, namespaceLabels);
  return r.ok && r.matched;
}

// Whether a rule reads the JSON context at all (variables, context entries, foreach lists). Rules that do
// not are evaluated against an empty context, so a policy whose rules need none never builds one.
const EMPTY_CONTEXT: JsonObject = Object.freeze({}) as JsonObject;

function needsContext(rule: Rule): boolean {
  const text = JSON.stringify([rule.validate ?? null, rule.preconditions ?? null]);
  return (rule.context !== undefined && rule.context.length > 0) || text.includes('{{') || text.includes('"foreach"');
}

/** What evaluatePolicy decides about a rule once per compiled policy, not once per request. */
interface RulePlan {
  rule: Rule;
  matches: RuleMatcher;
  /** The kinds the rule selects when it selects by bare kind names alone (it matches no other kind), else null. */
  kinds: ReadonlySet<string> | null;
  needsContext: boolean;
  /** Set when the rule's preconditions can be shared with same-text preconditions of the request (see below). */
  preconditionsKey: string | undefined;
  /** The rule's `validate.podSecurity`, parsed once. */
  podSecurity: CompiledPodSecurityRule | undefined;
  /** Set when a matching rule is left unevaluated (no validate body but signed manifests, or not a validate rule): its type. */
  unevaluated: RuleType | undefined;
  /** The rule's shared pass response (validator.ts). */
  pass: NonNullable<HandlerResponse>;
  /** The result last made of a shared handler response, and that response. */
  shared: { response: HandlerResponse; result: RuleResult } | undefined;
}

// Policy sets repeat the same preconditions on many rules (the chart's `request.operation || 'BACKGROUND'`
// on every rule with a deny). Evaluated against the same request context they give the same outcome
// when they call no JMESPath function (no `(`: time_now, random, ...) and the rule adds nothing to the
// context, so each distinct text is evaluated once per request. Keyed by the request's base context,
// which lives as long as the request does.
function preconditionsKeyOf(rule: Rule): string | undefined {
  if (!hasConditions(rule.preconditions) || (rule.context !== undefined && rule.context.length > 0)) return undefined;
  const text = JSON.stringify(rule.preconditions);
  return text.includes('(') ? undefined : text;
}

// The most recent request contexts (util/recent.ts): no weak-map insert per request.
const sharedPreconditions = new RecentMap<JsonObject, Map<string, ConditionsOutcome>>(REQUEST_MEMO_SLOTS);

function requestPreconditions(key: string, rule: Rule, base: JsonObject, isDelete: boolean): ConditionsOutcome {
  let outcomes = sharedPreconditions.get(base);
  if (!outcomes) {
    outcomes = new Map();
    sharedPreconditions.set(base, outcomes);
  }
  const fullKey = isDelete ? `delete:${key}` : key;
  let outcome = outcomes.get(fullKey);
  if (outcome === undefined) {
    outcome = checkPreconditions(rule.preconditions, base, isDelete);
    outcomes.set(fullKey, outcome);
  }
  return outcome;
}

// Per compiled policy (one lookup per evaluation), made from per-rule plans (so that a policy compiled
// again, as evaluatePolicy does for an uncompiled one, reuses the plans of its unchanged rule objects).
// Autogen gives most policies rules for Pods, for pod controllers and for CronJobs: per resource kind,
// the plans of rules that select other kinds only are left out (their matcher is false for that kind),
// for the first few kinds seen (a request's kind is not trusted to be one of a bounded set).
interface PolicyPlans {
  all: readonly RulePlan[];
  byKind: Map<string, readonly RulePlan[]>;
  /** The kind of the last lookup and its plans (admission sees one kind far more than others). */
  lastKind: string | undefined;
  lastPlans: readonly RulePlan[];
  /** The policy as its results name it (frozen: shared by them). */
  ref: PolicyResult['policy'];
}
const MAX_KINDS_PER_POLICY = 16;
const policyPlans = new WeakMap<CompiledPolicy, PolicyPlans>();
const rulePlans = new WeakMap<Rule, RulePlan>();

function policyPlansOf(compiled: CompiledPolicy): PolicyPlans {
  let plans = policyPlans.get(compiled);
  if (plans === undefined) {
    const { policy } = compiled;
    const all = compiled.rules.map(rulePlanOf);
    const ref = Object.freeze(policy.namespace !== undefined ? { name: policy.name, namespace: policy.namespace } : { name: policy.name });
    plans = { all, byKind: new Map(), lastKind: undefined, lastPlans: all, ref };
    policyPlans.set(compiled, plans);
  }
  return plans;
}

function rulePlansOf(plans: PolicyPlans, kind: unknown): readonly RulePlan[] {
  if (typeof kind !== 'string') return plans.all;
  if (kind === plans.lastKind) return plans.lastPlans;
  let forKind = plans.byKind.get(kind);
  if (forKind === undefined) {
    forKind = plans.all.filter((p) => p.kinds === null || p.kinds.has(kind));
    if (forKind.length === plans.all.length) forKind = plans.all;
    if (plans.byKind.size < MAX_KINDS_PER_POLICY) plans.byKind.set(kind, forKind);
  }
  plans.lastKind = kind;
  plans.lastPlans = forKind;
  return forKind;
}

function rulePlanOf(rule: Rule): RulePlan {
  let plan = rulePlans.get(rule);
  if (plan === undefined) {
    const ps = rule.validate?.podSecurity;
    plan = {
      rule,
      matches: ruleMatcher(rule),
      kinds: kindSelection(rule),
      needsContext: needsContext(rule),
      preconditionsKey: preconditionsKeyOf(rule),
      podSecurity: ps ? compilePodSecurityRule({ name: rule.name, level: ps.level, ...(ps.version !== undefined ? { version: ps.version } : {}), ...(ps.exclude !== undefined ? { exclude: ps.exclude } : {}) }) : undefined,
      // validate.manifests (signed YAML) is not evaluated either: it has no other body to check.
      unevaluated: !rule.validate || isManifestsOnly(rule.validate) ? ruleType(rule) : undefined,
      pass: passResponse(rule.name),
      shared: undefined,
    };
    rulePlans.set(rule, plan);
  }
  return plan;
}

function withPolicyNamespace(input: MatchInput | undefined, policy: Policy): MatchInput | undefined {
  return input === undefined || policy.namespace === undefined ? input : Object.assign({}, input, { policyNamespace: policy.namespace });
}

/** Evaluates every rule of a policy (compiled or not) against one resource. */
export function evaluatePolicy(policyOrCompiled: Policy | CompiledPolicy, resource: KubeObject, ctx: EvaluationContext = {}): PolicyResult {
  const compiled = toCompiledPolicy(policyOrCompiled);
  const { policy } = compiled;
  // time_now/time_since read the injected clock; the engine itself never reads the wall clock.
  if (ctx.clock) setJmespathClock(ctx.clock);
  setJmespathTimeParseEpoch((ctx.profile ?? DEFAULT_PROFILE).timeParseEpochLayout);
  const request = requestState(resource, ctx);
  const { isDelete, newObject, subject, namespace } = request.objects;
  const plans = policyPlansOf(compiled);
  let base: JsonObject | undefined;
  // Made on the first entry: an empty literal has no room, and a push on it makes room for 17.
  let rules: RuleResult[] | undefined;
  let unevaluated: { rule: string; ruleType: RuleType }[] | undefined;
  // The match inputs are the same for every rule (and every policy of the request but for a namespaced
  // policy's namespace).
  const old = oldObjectCheck(request.objects, ctx);
  const newMatch = withPolicyNamespace(request.newMatch, policy);
  const oldMatch = withPolicyNamespace(request.oldMatch, policy);
  // Both match inputs share the request's gvk (matchBaseOf). The plans for a kind hold only rules that
  // select it, so a rule selecting by bare kind names is decided by what is left of its matcher, the same
  // for all of them (kindSelectedMatches).
  const requestKind = (newMatch ?? oldMatch)?.gvk.kind;
  const kindKnown = typeof requestKind === 'string';
  const kindSelected = kindKnown && ((newMatch !== undefined && kindSelectedMatches(newMatch)) || (oldMatch !== undefined && kindSelectedMatches(oldMatch)));
  for (const plan of rulePlansOf(plans, requestKind)) {
    const { rule } = plan;
    const matched = kindKnown && plan.kinds !== null ? kindSelected : (newMatch !== undefined && plan.matches(newMatch)) || (oldMatch !== undefined && plan.matches(oldMatch));
    if (!matched) continue;
    if (plan.unevaluated !== undefined) {
      const u = { rule: rule.name, ruleType: plan.unevaluated };
      if (unevaluated === undefined) unevaluated = [u];
      else unevaluated.push(u);
      continue;
    }
    if (ctx.exceptions !== undefined && ctx.exceptions.length > 0) {
      const ex = matchingException(ctx.exceptions, exceptionPolicyKey(policy), rule.name, request.newMatch ?? request.oldMatch);
      if (ex !== undefined) {
        rules = added(rules, { policy: policy.name, rule: rule.name, ruleType: 'validate', status: 'skip', message: exceptionSkipMessage(ex) });
        if (policy.applyRules === 'One') break;
        continue;
      }
    }
    let data = EMPTY_CONTEXT;
    if (plan.needsContext) {
      base ??= buildBaseContext(resource, ctx);
      data = base;
    }
    const resp = evaluateRule(plan, data, newObject, subject, isDelete, ctx, old);
    if (!resp) continue;
    rules = added(rules, resp === plan.pass || resp === FOREACH_PASS || resp === FOREACH_SKIP ? sharedResult(plan, policy.name, resp) : ruleResult(policy.name, rule.name, resp));
    if (policy.applyRules === 'One') break;
  }
  return {
    policy: plans.ref,
    resource: request.ref,
    rules: rules ?? [],
    action: effectiveAction(policy, namespace, ctx.namespaceLabels ?? {}),
    failurePolicy: policy.failurePolicy,
    unevaluated: unevaluated ?? NONE_UNEVALUATED,
  };
}

// Most results have no unevaluated rule: they share one empty list.
const NONE_UNEVALUATED: PolicyResult['unevaluated'] = Object.freeze([]);

function added(rules: RuleResult[] | undefined, rr: RuleResult): RuleResult[] {
  if (rules === undefined) return [rr];
  rules.push(rr);
  return rules;
}

function ruleResult(policy: string, rule: string, resp: NonNullable<HandlerResponse>): RuleResult {
  return resp.path !== undefined
    ? { policy, rule, ruleType: 'validate', status: resp.status, message: resp.message, path: resp.path }
    : { policy, rule, ruleType: 'validate', status: resp.status, message: resp.message };
}

// A response the validator shares (the same object on every request) gives a result shared as well,
// frozen; kept per rule plan for the last response and policy name seen (a rule object may be in
// several policies).
function sharedResult(plan: RulePlan, policy: string, resp: NonNullable<HandlerResponse>): RuleResult {
  const last = plan.shared;
  if (last !== undefined && last.response === resp && last.result.policy === policy) return last.result;
  const result = Object.freeze(ruleResult(policy, plan.rule.name, resp));
  plan.shared = { response: resp, result };
  return result;
}

// Kyverno 1.11+ compares a pattern result with the old object's when the request carries both objects
// (engineutils.IsUpdateRequest); the profile says whether it does.
function oldObjectCheck(objects: ReturnType<typeof requestState>['objects'], ctx: EvaluationContext): OldObjectCheck | undefined {
  if (!(ctx.profile ?? DEFAULT_PROFILE).updateComparesOldObject) return undefined;
  const { newObject, oldObject, operation } = objects;
  if (newObject === undefined || newObject === null || oldObject === undefined || oldObject === null) return undefined;
  return { resource: oldObject as unknown as JsonObject, isUpdate: operation === 'UPDATE' };
}

function isManifestsOnly(v: NonNullable<Rule['validate']>): boolean {
  return v.manifests !== undefined && v.pattern === undefined && v.anyPattern === undefined && v.deny === undefined && v.foreach === undefined && v.podSecurity === undefined;
}

function evaluateRule(
  plan: RulePlan,
  base: JsonObject,
  newObject: KubeObject | undefined,
  subject: KubeObject,
  isDelete: boolean,
  ctx: EvaluationContext,
  old: OldObjectCheck | undefined,
): HandlerResponse {
  const { rule } = plan;
  const ruleValues = ctx.values?.rules && getOwn(ctx.values.rules, rule.name);
  const foreachValues = ctx.values?.foreach && getOwn(ctx.values.foreach, rule.name);
  let data = base;
  // Without context entries, values or preconditions the loader would hand the base context back
  // unchanged; shared preconditions give prepareRule's answers without it.
  if (plan.preconditionsKey !== undefined && !ruleValues && base !== EMPTY_CONTEXT) {
    const pre = requestPreconditions(plan.preconditionsKey, rule, base, isDelete);
    if (!pre.ok) return { status: 'error', message: errorMessage('failed to evaluate preconditions', pre.error) };
    if (!pre.value) return { status: 'skip', message: preconditionsNotMet(pre) };
  } else if (rule.context?.length || ruleValues || hasConditions(rule.preconditions)) {
    const input: LoaderInput = { entries: rule.context ?? [], isDelete, profile: ctx.profile };
    if (ruleValues) input.ruleValues = ruleValues;
    const resolve = contextResolverOf(ctx);
    if (resolve) input.resolve = resolve;
    const loaded = prepareRule(base, input, rule.preconditions);
    if (!loaded.ok) return { status: loaded.status, message: loaded.message };
    data = loaded.data;
  }
  if (plan.podSecurity) {
    if (isDelete) return undefined;
    const r = evaluateCompiledPodSecurityRule(subject, plan.podSecurity, (ctx.profile ?? DEFAULT_PROFILE).psaMaxVersion);
    return { status: r.status, message: r.message };
  }
  // Every field present (possibly undefined): the same object shape as the foreach element states.
  return validateRuleBody({
    rule,
    data,
    resource: (newObject ?? {}) as unknown as JsonObject,
    element: undefined,
    isDelete,
    nesting: 0,
    ruleValues,
    foreachValues,
    resolve: contextResolverOf(ctx),
    firstParsed: (ctx.profile ?? DEFAULT_PROFILE).stringPatternOrder === 'first-parsed',
    profile: ctx.profile,
    old,
    pass: plan.pass,
  });
}
