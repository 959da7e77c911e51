// Every mutate rule of a policy, in order (autogen rules included), each on the output of the previous one:
// match against the current resource, context with request.object updated, then the rule. Mirrors
// kyverno@v1.10.7:pkg/engine/mutation.go (mutate: matchedResource threading, ApplyOne).
import type { KubeObject } from '../../kube/index.js';
import { getOwn } from '../../util/index.js';
import {
  buildBaseContext,
  buildMatchBase,
  type CompiledPolicy,
  contextResolverOf,
  DEFAULT_PROFILE,
  type EvaluationContext,
  exceptionPolicyKey,
  exceptionSkipMessage,
  matchingException,
  type RuleResult,
  toCompiledPolicy,
} from '../engine/index.js';
import { setJmespathClock, setJmespathTimeParseEpoch } from '../jmespath/index.js';
import { matchRule } from '../match/index.js';
import type { Policy } from '../model/index.js';
import { applyMutateRule, type MutateOptions } from './mutate-rule.js';

/** The result of mutating one resource with one policy. */
export interface PolicyMutation {
  /** One result per matching mutate rule, in evaluation order. */
  rules: RuleResult[];
  /** The resource after every rule that passed. */
  patched: KubeObject;
}

/** Applies every matching mutate rule of a policy (compiled or not) in order (incl. autogen) → the mutated resource and per-rule results. */
export function mutatePolicy(policyOrCompiled: Policy | CompiledPolicy, resource: KubeObject, ctx: EvaluationContext = {}): PolicyMutation {
  const compiled = toCompiledPolicy(policyOrCompiled);
  const { policy } = compiled;
  if (ctx.clock) setJmespathClock(ctx.clock);
  setJmespathTimeParseEpoch((ctx.profile ?? DEFAULT_PROFILE).timeParseEpochLayout);
  const isDelete = ctx.operation === 'DELETE';
  const matchBase = buildMatchBase(policy, resource, ctx);
  const results: RuleResult[] = [];
  const resolve = contextResolverOf(ctx);
  const exceptions = ctx.exceptions !== undefined && ctx.exceptions.length > 0 ? ctx.exceptions : undefined;
  let current = resource;
  // The match input follows the current resource (rebuilt only after a rule changed it).
  let matchInput = Object.assign({}, matchBase, { resource: current });
  const options: MutateOptions = { isDelete, resolve, skipUnchangedForeach: ctx.skipUnchangedForeach === true, profile: ctx.profile };
  for (const rule of compiled.rules) {
    if (!rule.mutate) continue;
    if (matchInput.resource !== current) matchInput = Object.assign({}, matchBase, { resource: current });
    if (!matchRule(rule, matchInput).matched) continue;
    // An exception's match stands on its own: the policy's namespace does not constrain it.
    const ex = exceptions && matchingException(exceptions, exceptionPolicyKey(policy), rule.name, { ...matchBase, policyNamespace: undefined, resource: current });
    if (ex !== undefined) {
      results.push({ policy: policy.name, rule: rule.name, ruleType: 'mutate', status: 'skip', message: exceptionSkipMessage(ex) });
      continue;
    }
    // Each rule sees the output of the previous one as request.object.
    const data = buildBaseContext(current, ctx);
    const ruleValues = ctx.values?.rules && getOwn(ctx.values.rules, rule.name);
    const foreachValues = ctx.values?.foreach && getOwn(ctx.values.foreach, rule.name);
    // applyMutateRule treats absent and undefined options alike.
    const r = applyMutateRule(rule, current, data, ruleValues === undefined && foreachValues === undefined ? options : Object.assign({}, options, { ruleValues, foreachValues }));
    results.push({ policy: policy.name, rule: rule.name, ruleType: 'mutate', status: r.status, message: r.message });
    if (r.status === 'pass') current = r.patched;
    if (policy.applyRules === 'One' && r.status === 'pass') break;
  }
  return { rules: results, patched: current };
}
