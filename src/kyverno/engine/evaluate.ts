// Per-policy orchestration: autogen once at compile time, then per resource match/exclude → context →
// preconditions → validate (or podSecurity) for every rule, with the effective action and failurePolicy.
// Mirrors kyverno@v1.10.7:pkg/engine/validation.go (validate), engine.go (invokeRuleHandler, matches) and
// pkg/utils/engine/response.go (GetValidateFailureAction / overrides).
import type { KubeObject } from '../../kube/index.js';
import { type JsonObject, wildcardMatch } from '../../util/index.js';
import { computeRules } from '../autogen/index.js';
import { setJmespathClock } from '../jmespath/index.js';
import { checkSelector, type MatchInput, matchRule } from '../match/index.js';
import { type Policy, type Rule, ruleType, type ValidationFailureAction } from '../model/index.js';
import { evaluatePodSecurityRule } from '../pod-security/index.js';
import { prepareRule } from './context-loader.js';
import { buildBaseContext, buildMatchBase, requestObjects } from './request-context.js';
import type { EvaluationContext, PolicyResult, RuleResult } from './types.js';
import { type HandlerResponse, validateRuleBody } from './validator.js';

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

/** The action that applies to a resource: the first matching override, else the policy's. */
export function effectiveAction(policy: Policy, namespace: string, namespaceLabels: Readonly<Record<string, string>>): ValidationFailureAction {
  for (const o of policy.validationFailureActionOverrides) {
    if (o.namespaces && o.namespaces.length > 0) {
      if (!o.namespaces.some((p) => wildcardMatch(p, namespace))) continue;
      if (o.namespaceSelector) {
        const r = checkSelector(o.namespaceSelector, namespaceLabels);
        if (!r.ok || !r.matched) continue;
      }
      return o.action;
    }
    if (o.namespaceSelector) {
      const r = checkSelector(o.namespaceSelector, namespaceLabels);
      if (r.ok && r.matched) return o.action;
    }
  }
  return policy.validationFailureAction;
}

// Whether a rule reads the JSON context at all (variables, context entries, foreach lists). Rules that do
// not are evaluated against an empty context, so a policy whose rules need none never builds one.
// Decided once per rule object of a compiled policy.
const needsContextCache = new WeakMap<Rule, boolean>();
const EMPTY_CONTEXT: JsonObject = Object.freeze({}) as JsonObject;

function needsContext(rule: Rule): boolean {
  let needs = needsContextCache.get(rule);
  if (needs === undefined) {
    const text = JSON.stringify([rule.validate ?? null, rule.preconditions ?? null]);
    needs = (rule.context !== undefined && rule.context.length > 0) || text.includes('{{') || text.includes('"foreach"');
    needsContextCache.set(rule, needs);
  }
  return needs;
}

function isEmptyObject(o: KubeObject | undefined): boolean {
  return !o || Object.keys(o).length === 0;
}

/** Evaluates every rule of a policy (compiled or not) against one resource. */
export function evaluatePolicy(policyOrCompiled: Policy | CompiledPolicy, resource: KubeObject, ctx: EvaluationContext = {}): PolicyResult {
  const compiled = toCompiledPolicy(policyOrCompiled);
  const { policy } = compiled;
  // time_now/time_since read the injected clock; the engine itself never reads the wall clock.
  if (ctx.clock) setJmespathClock(ctx.clock);
  const { isDelete, newObject, oldObject, subject, namespace } = requestObjects(resource, ctx);
  const namespaceLabels = ctx.namespaceLabels ?? {};
  let base: JsonObject | undefined;
  const result: PolicyResult = {
    policy: { name: policy.name, ...(policy.namespace !== undefined ? { namespace: policy.namespace } : {}) },
    resource: {
      kind: subject.kind,
      apiVersion: subject.apiVersion,
      ...(namespace !== '' ? { namespace } : {}),
      name: subject.metadata?.name ?? subject.metadata?.generateName ?? '',
    },
    rules: [],
    action: effectiveAction(policy, namespace, namespaceLabels),
    failurePolicy: policy.failurePolicy,
    unevaluated: [],
  };
  const matchBase = buildMatchBase(policy, resource, ctx);
  // The match inputs are the same for every rule: build them once.
  const newMatch: MatchInput | undefined = isEmptyObject(newObject) ? undefined : Object.assign({}, matchBase, { resource: newObject as KubeObject });
  const oldMatch: MatchInput | undefined = isEmptyObject(oldObject) ? undefined : Object.assign({}, matchBase, { resource: oldObject as KubeObject });
  for (const rule of compiled.rules) {
    const matched = (newMatch !== undefined && matchRule(rule, newMatch).matched) || (oldMatch !== undefined && matchRule(rule, oldMatch).matched);
    if (!matched) continue;
    if (!rule.validate) {
      result.unevaluated.push({ rule: rule.name, ruleType: ruleType(rule) });
      continue;
    }
    let data = EMPTY_CONTEXT;
    if (needsContext(rule)) {
      base ??= buildBaseContext(resource, ctx);
      data = base;
    }
    const resp = evaluateRule(rule, data, newObject, subject, isDelete, ctx);
    if (!resp) continue;
    const rr: RuleResult = { policy: policy.name, rule: rule.name, ruleType: 'validate', status: resp.status, message: resp.message };
    if (resp.path !== undefined) rr.path = resp.path;
    result.rules.push(rr);
    if (policy.applyRules === 'One') break;
  }
  return result;
}

function evaluateRule(
  rule: Rule,
  base: JsonObject,
  newObject: KubeObject | undefined,
  subject: KubeObject,
  isDelete: boolean,
  ctx: EvaluationContext,
): HandlerResponse {
  const ruleValues = ctx.values?.rules?.[rule.name];
  const foreachValues = ctx.values?.foreach?.[rule.name];
  const loaded = prepareRule(
    base,
    { entries: rule.context ?? [], ...(ruleValues ? { ruleValues } : {}), ...(ctx.resolveContext ? { resolve: ctx.resolveContext } : {}), isDelete },
    rule.preconditions,
  );
  if (!loaded.ok) return { status: loaded.status, message: loaded.message };
  const v = rule.validate;
  if (v?.podSecurity) {
    if (isDelete) return undefined;
    const r = evaluatePodSecurityRule(subject, {
      name: rule.name,
      level: v.podSecurity.level,
      ...(v.podSecurity.version !== undefined ? { version: v.podSecurity.version } : {}),
      ...(v.podSecurity.exclude !== undefined ? { exclude: v.podSecurity.exclude } : {}),
    });
    return { status: r.status, message: r.message };
  }
  return validateRuleBody({
    rule,
    data: loaded.data,
    resource: (newObject ?? {}) as unknown as JsonObject,
    isDelete,
    nesting: 0,
    ...(ruleValues ? { ruleValues } : {}),
    ...(foreachValues ? { foreachValues } : {}),
    ...(ctx.resolveContext ? { resolve: ctx.resolveContext } : {}),
  });
}
