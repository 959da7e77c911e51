// Autogen: derives pod-controller rules (`autogen-<rule>`, `autogen-cronjob-<rule>`) from Pod rules.
// Mirrors kyverno@v1.10.7:pkg/autogen/autogen.go (CanAutoGen, computeRules, the autogen-controllers
// annotation) and pkg/autogen/rule.go (generateRuleForControllers, generateCronJobRule, updateGenRuleByte):
// validate patterns and mutate strategic merge patches alike are wrapped into the pod template.
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import type { MatchResources, Policy, ResourceDescription, ResourceFilter, Rule } from '../model/index.js';

/** The annotation that narrows (or with `none` disables) autogen. */
export const AUTOGEN_CONTROLLERS_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

/** Controllers whose pod template sits at spec.template, in Kyverno 1.10's order. */
export const TEMPLATE_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'] as const;

const MAX_RULE_NAME = 63;

/** `<prefix>-<rule>` cut to 63 characters, as Kyverno names generated rules. */
export function autogenRuleName(prefix: 'autogen' | 'autogen-cronjob', rule: string): string {
  return `${prefix}-${rule}`.slice(0, MAX_RULE_NAME);
}

function descriptions(m: MatchResources | undefined): ResourceDescription[] {
  if (!m) return [];
  return [...(m.resources ? [m.resources] : []), ...(m.any ?? []).map((f) => f.resources ?? {}), ...(m.all ?? []).map((f) => f.resources ?? {})];
}

function kindsOf(m: MatchResources | undefined): string[] {
  return descriptions(m).flatMap((d) => d.kinds ?? []);
}

/** The policy-wide gate: false when any rule uses fields autogen cannot carry over. */
function canAutoGen(policy: Policy): boolean {
  let needed = false;
  for (const rule of policy.rules) {
    if (rule.generate) return false;
    const mutate = rule.mutate;
    if (mutate && (mutate.patchesJson6902 || (Array.isArray(mutate.foreach) && mutate.foreach.some((f) => isObject(f) && f.patchesJson6902)))) return false;
    for (const d of [...descriptions(rule.match), ...descriptions(rule.exclude)]) {
      const kinds = d.kinds ?? [];
      if (d.name || (d.names && d.names.length > 0) || d.selector || d.annotations || (kinds.length > 1 && kinds.includes('Pod'))) return false;
      if (kinds.some((k) => k === 'Pod' || k === 'CronJob' || (TEMPLATE_CONTROLLERS as readonly string[]).includes(k))) needed = true;
    }
  }
  return needed;
}

/** The controllers autogen targets for this policy (empty when autogen is off). */
export function autogenControllers(policy: Policy): string[] {
  if (!canAutoGen(policy)) return [];
  const ann = policy.annotations[AUTOGEN_CONTROLLERS_ANNOTATION];
  const all = [...TEMPLATE_CONTROLLERS, 'CronJob'];
  if (ann === undefined || ann.trim() === 'all') return all;
  const wanted = ann.split(',').map((s) => s.trim());
  if (wanted.includes('none')) return [];
  return all.filter((c) => wanted.includes(c));
}

function replaceKinds(filters: ResourceFilter[], kinds: string[], onlyWithPod: boolean): ResourceFilter[] {
  return filters.map((f) => {
    if (onlyWithPod && !(f.resources?.kinds ?? []).includes('Pod')) return f;
    return { ...f, resources: { ...(f.resources ?? {}), kinds } };
  });
}

function rewriteMatch(m: MatchResources, kinds: string[], onlyWithPod: boolean, isExclude: boolean): MatchResources {
  if (m.any && m.any.length > 0) return { ...m, any: replaceKinds(m.any, kinds, onlyWithPod) };
  if (m.all && m.all.length > 0) return { ...m, all: replaceKinds(m.all, kinds, onlyWithPod) };
  if (isExclude && !(m.resources?.kinds && m.resources.kinds.length > 0)) return m;
  return { ...m, resources: { ...(m.resources ?? {}), kinds } };
}

function wrap(pattern: JsonValue, cronJob: boolean): JsonValue {
  const tpl = { spec: { template: pattern } };
  return cronJob ? { spec: { jobTemplate: tpl } } : tpl;
}

// Kyverno rewrites the serialised rule text, so every request.object.spec/metadata anywhere in the rule
// (messages, conditions, foreach lists) is shifted into the template (rule.go, updateGenRuleByte).
function shiftText(rule: Rule, cronJob: boolean): Rule {
  const target = cronJob ? 'spec.jobTemplate.spec.template' : 'spec.template';
  let text = JSON.stringify(rule);
  for (const obj of ['request.object', 'request.oldObject']) {
    text = text.replaceAll(`${obj}.spec`, `${obj}.${target}.spec`).replaceAll(`${obj}.metadata`, `${obj}.${target}.metadata`);
  }
  return JSON.parse(text) as Rule;
}

// Kyverno wraps each strategic merge patch into the template (for CronJobs, the template-wrapped patch again
// into spec.jobTemplate), keeping a foreach's list, context and preconditions (rule.go,
// generateRuleForControllers / generateCronJobRule). JSON6902 patches never get here: they disable autogen.
function autogenMutate(mutate: JsonObject, cronJob: boolean): JsonObject {
  if (mutate.patchStrategicMerge !== undefined && mutate.patchStrategicMerge !== null) {
    const out: JsonObject = { patchStrategicMerge: wrap(mutate.patchStrategicMerge, cronJob) };
    if (mutate.targets !== undefined) out.targets = mutate.targets;
    return out;
  }
  if (Array.isArray(mutate.foreach) && mutate.foreach.length > 0) {
    const foreach = mutate.foreach.filter(isObject).map((f) => {
      const out: JsonObject = { list: f.list ?? '' };
      if (f.context !== undefined) out.context = f.context;
      if (f.preconditions !== undefined) out.preconditions = f.preconditions;
      if (f.patchStrategicMerge !== undefined && f.patchStrategicMerge !== null) out.patchStrategicMerge = wrap(f.patchStrategicMerge, cronJob);
      return out;
    });
    return { foreach };
  }
  return mutate;
}

function generateRule(rule: Rule, name: string, kinds: string[], cronJob: boolean): Rule {
  const out: Rule = { name, match: rewriteMatch(rule.match, kinds, !cronJob, false) };
  if (rule.exclude) out.exclude = rewriteMatch(rule.exclude, kinds, !cronJob, true);
  if (rule.context) out.context = rule.context;
  if (rule.preconditions) out.preconditions = rule.preconditions;
  if (rule.mutate) out.mutate = autogenMutate(rule.mutate, cronJob);
  if (rule.verifyImages) out.verifyImages = rule.verifyImages;
  const v = rule.validate;
  if (v) {
    const message = v.message !== undefined ? { message: v.message } : {};
    if (v.deny) out.validate = { ...message, deny: v.deny };
    else if (v.podSecurity) out.validate = { ...message, podSecurity: v.podSecurity };
    else if (v.pattern !== undefined) out.validate = { ...message, pattern: wrap(v.pattern, cronJob) };
    else if (v.anyPattern) out.validate = { ...message, anyPattern: v.anyPattern.map((p) => wrap(p, cronJob)) };
    else if (v.foreach) out.validate = { ...message, foreach: v.foreach };
    else out.validate = { ...v };
  }
  return shiftText(out, cronJob);
}

function eligible(rule: Rule): boolean {
  if (rule.name.startsWith('autogen-')) return false;
  const matchKinds = kindsOf(rule.match);
  const excludeKinds = kindsOf(rule.exclude);
  return matchKinds.includes('Pod') && (excludeKinds.length === 0 || excludeKinds.includes('Pod'));
}

/** The rules Kyverno evaluates for a policy: the user's rules, then the generated ones. */
export function computeRules(policy: Policy): Rule[] {
  const controllers = autogenControllers(policy);
  if (controllers.length === 0) return policy.rules;
  const templateKinds = controllers.filter((c) => c !== 'CronJob');
  const generated: Rule[] = [];
  for (const rule of policy.rules) {
    if (!eligible(rule)) continue;
    if (templateKinds.length > 0) generated.push(generateRule(rule, autogenRuleName('autogen', rule.name), templateKinds, false));
    if (controllers.includes('CronJob')) generated.push(generateRule(rule, autogenRuleName('autogen-cronjob', rule.name), ['CronJob'], true));
  }
  return [...policy.rules, ...generated];
}
