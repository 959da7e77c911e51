// Every mutate rule of a policy, in order (autogen rules included), each on the output of the previous one:
// match against the current resource, context with request.object updated, then the rule. Mirrors
// kyverno@v1.10.7:pkg/engine/mutation.go (mutate: matchedResource threading, ApplyOne) and pkg/autogen/rule.go
// (generateRuleForControllers / generateCronJobRule: strategic merge patches wrapped into the pod template).
import { type KubeObject, splitApiVersion } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { computeRules } from '../autogen/index.js';
import type { EvaluationContext, RuleResult } from '../engine/types.js';
import { type MatchInput, matchRule } from '../match/index.js';
import type { Policy, Rule } from '../model/index.js';
import { buildContext, withVariable } from '../variables/index.js';
import { applyMutateRule } from './mutate-rule.js';

/** The result of mutating one resource with one policy. */
export interface PolicyMutation {
  /** One result per matching mutate rule, in evaluation order. */
  rules: RuleResult[];
  /** The resource after every rule that passed. */
  patched: KubeObject;
}

function wrapPatch(patch: JsonValue, cronJob: boolean): JsonValue {
  return cronJob ? { spec: { jobTemplate: patch } } : { spec: { template: patch } };
}

// The shared autogen copies `mutate` as is; Kyverno wraps each strategic merge patch into the template
// (and, for CronJobs, the already-wrapped patch into spec.jobTemplate), keeping list/context/preconditions.
function autogenMutate(mutate: JsonObject, cronJob: boolean): JsonObject {
  if (mutate.patchStrategicMerge !== undefined && mutate.patchStrategicMerge !== null) {
    const inner = cronJob ? wrapPatch(mutate.patchStrategicMerge, false) : mutate.patchStrategicMerge;
    const out: JsonObject = { patchStrategicMerge: wrapPatch(inner, cronJob) };
    if (mutate.targets !== undefined) out.targets = mutate.targets;
    return out;
  }
  if (Array.isArray(mutate.foreach) && mutate.foreach.length > 0) {
    const foreach = mutate.foreach.filter(isObject).map((f) => {
      const out: JsonObject = { list: f.list ?? '' };
      if (f.context !== undefined) out.context = f.context;
      if (f.preconditions !== undefined) out.preconditions = f.preconditions;
      if (f.patchStrategicMerge !== undefined && f.patchStrategicMerge !== null) {
        const inner = cronJob ? wrapPatch(f.patchStrategicMerge, false) : f.patchStrategicMerge;
        out.patchStrategicMerge = wrapPatch(inner, cronJob);
      }
      return out;
    });
    return { foreach };
  }
  return mutate;
}

/** The policy's rules as Kyverno evaluates them for mutation: the user's, then the generated ones. */
export function computeMutateRules(policy: Policy): Rule[] {
  const rules = computeRules(policy);
  return rules.map((rule, i) => {
    if (i < policy.rules.length || !rule.mutate) return rule;
    return { ...rule, mutate: autogenMutate(rule.mutate, rule.name.startsWith('autogen-cronjob-')) };
  });
}

/** Applies every matching mutate rule of a policy in order (incl. autogen) → the mutated resource and per-rule results. */
export function mutatePolicy(policy: Policy, resource: KubeObject, ctx: EvaluationContext = {}): PolicyMutation {
  const operation = ctx.operation ?? 'CREATE';
  const isDelete = operation === 'DELETE';
  const namespace = resource.metadata?.namespace ?? '';
  const { group, version } = splitApiVersion(resource.apiVersion ?? '');
  const matchBase: Omit<MatchInput, 'resource'> = {
    gvk: ctx.gvk ?? { group, version, kind: resource.kind },
    subresource: ctx.subresource ?? '',
    operation,
    namespaceLabels: ctx.namespaceLabels ?? {},
    ...(ctx.requestInfo ? { requestInfo: ctx.requestInfo } : {}),
    ...(policy.namespace !== undefined ? { policyNamespace: policy.namespace } : {}),
  };
  const results: RuleResult[] = [];
  let current = resource;
  for (const rule of computeMutateRules(policy)) {
    if (!rule.mutate) continue;
    if (!matchRule(rule, { ...matchBase, resource: current }).matched) continue;
    const data = baseContext(current, operation, namespace, ctx);
    const ruleValues = ctx.values?.rules?.[rule.name];
    const foreachValues = ctx.values?.foreach?.[rule.name];
    const r = applyMutateRule(rule, current, data, {
      isDelete,
      ...(ruleValues ? { ruleValues } : {}),
      ...(foreachValues ? { foreachValues } : {}),
      ...(ctx.resolveContext ? { resolve: ctx.resolveContext } : {}),
    });
    results.push({ policy: policy.name, rule: rule.name, ruleType: 'mutate', status: r.status, message: r.message });
    if (r.status === 'pass') current = r.patched;
    if (policy.applyRules === 'One' && r.status === 'pass') break;
  }
  return { rules: results, patched: current };
}

// The engine builds the same context inline in evaluatePolicy; kept in step with it here (see report).
function baseContext(object: KubeObject, operation: string, namespace: string, ctx: EvaluationContext): JsonObject {
  const isDelete = operation === 'DELETE';
  let data = buildContext({
    ...(isDelete ? { oldObject: object } : { object }),
    ...(!isDelete && ctx.oldObject ? { oldObject: ctx.oldObject } : {}),
    operation,
    namespace,
    ...(ctx.requestInfo?.userInfo ? { userInfo: ctx.requestInfo.userInfo } : {}),
    ...(ctx.requestInfo?.roles ? { roles: ctx.requestInfo.roles } : {}),
    ...(ctx.requestInfo?.clusterRoles ? { clusterRoles: ctx.requestInfo.clusterRoles } : {}),
  });
  for (const [k, v] of Object.entries(ctx.values?.global ?? {})) {
    if (!k.startsWith('request.object')) data = withVariable(data, k, v);
  }
  return data;
}
