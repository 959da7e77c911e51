// Autogen: derives pod-controller rules (`autogen-<rule>`, `autogen-cronjob-<rule>`) from Pod rules.
// Mirrors kyverno@v1.10.7:pkg/autogen/autogen.go (CanAutoGen, computeRules, the autogen-controllers
// annotation) and pkg/autogen/rule.go (generateRuleForControllers, generateCronJobRule, updateGenRuleByte):
// validate patterns and mutate strategic merge patches alike are wrapped into the pod template.
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import type { MatchResources, Policy, ResourceDescription, ResourceFilter, Rule } from '../model/index.js';
import { findAndShiftReferences, type GoBytes, goBytes, goJsonString } from './references.js';

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

/** Kyverno 1.10's PodControllers: the controller list used when the annotation is absent. */
const POD_CONTROLLERS = [...TEMPLATE_CONTROLLERS, 'CronJob'].join(',');

// The controller list as Kyverno 1.10's computeRules keeps it: the annotation text as written, or every
// controller; 'none' when autogen is off (Mirrors kyverno@v1.10.7:pkg/autogen/autogen.go computeRules).
function controllerList(policy: Policy): string {
  if (!canAutoGen(policy)) return 'none';
  return policy.annotations[AUTOGEN_CONTROLLERS_ANNOTATION] ?? POD_CONTROLLERS;
}

// generateRuleForControllers' kinds: the list is split on ',' untrimmed; 'all' is the six template
// controllers; otherwise the entries naming one of them, in the list's order, or the whole list when none does.
function templateKindsOf(controllers: string): string[] {
  if (controllers === 'all') return [...TEMPLATE_CONTROLLERS];
  const entries = controllers.split(',');
  const valid = entries.filter((c) => (TEMPLATE_CONTROLLERS as readonly string[]).includes(c));
  return valid.length > 0 ? valid : entries;
}

/**
 * Entries of the autogen-controllers annotation that name a pod controller only once their spaces are
 * trimmed (`Deployment, StatefulSet`): Kyverno 1.10 takes entries as written, so no rule is generated for
 * that controller. Said at load time, since the policy is otherwise valid and silently checks less.
 */
export function autogenAnnotationWarnings(policy: Policy): string[] {
  const list = policy.annotations[AUTOGEN_CONTROLLERS_ANNOTATION];
  if (list === undefined) return [];
  // CronJob is looked for anywhere in the text (strings.Contains), so only the template controllers are missed.
  const known: readonly string[] = TEMPLATE_CONTROLLERS;
  return list
    .split(',')
    .filter((e) => e !== e.trim() && known.includes(e.trim()))
    .map((e) => `metadata.annotations.${AUTOGEN_CONTROLLERS_ANNOTATION}: entry "${e}" is not ${e.trim()}: Kyverno takes the entries as written (no spaces trimmed), so no rule is generated for ${e.trim()}`);
}

/** The controllers autogen targets for this policy (empty when autogen is off). */
export function autogenControllers(policy: Policy): string[] {
  const list = controllerList(policy);
  if (list === 'none') return [];
  const stripped = list.split(',').filter((c) => c !== 'CronJob').join(',');
  const kinds = stripped === '' ? [] : templateKindsOf(stripped);
  return list.includes('CronJob') || list.includes('all') ? [...kinds, 'CronJob'] : kinds;
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
// generateRuleForControllers / generateCronJobRule). The patch is the whole new mutation: targets are not
// kept. JSON6902 patches never get here: they disable autogen.
function autogenMutate(mutate: JsonObject, cronJob: boolean): JsonObject | undefined {
  if (mutate.patchStrategicMerge !== undefined && mutate.patchStrategicMerge !== null) {
    return { patchStrategicMerge: wrap(mutate.patchStrategicMerge, cronJob) };
  }
  if (Array.isArray(mutate.foreach) && mutate.foreach.length > 0) {
    const foreach = mutate.foreach.filter(isObject).map((f) => {
      const out: JsonObject = { list: f.list ?? '' };
      if (Array.isArray(f.context) && f.context.length > 0) out.context = f.context;
      if (f.preconditions !== undefined) out.preconditions = f.preconditions;
      out.patchStrategicMerge = wrap(f.patchStrategicMerge ?? null, cronJob);
      return out;
    });
    return { foreach };
  }
  return undefined;
}

// generateRule moves the first of these it finds: a strategic merge patch, a foreach mutation, a pattern, a
// deny, podSecurity, an anyPattern, a foreach validation; a rule with none of them is generated only for its
// verifyImages, and otherwise not at all (e.g. validate.manifests).
function generateRule(rule: Rule, name: string, kinds: string[], cronJob: boolean, warn?: Warn): Rule | undefined {
  const out: Rule = { name, match: rewriteMatch(rule.match, kinds, !cronJob, false) };
  if (rule.exclude) out.exclude = rewriteMatch(rule.exclude, kinds, !cronJob, true);
  if (rule.context && rule.context.length > 0) out.context = rule.context;
  if (rule.preconditions) out.preconditions = rule.preconditions;
  const mutate = rule.mutate ? autogenMutate(rule.mutate, cronJob) : undefined;
  const validate = mutate ? undefined : autogenValidate(rule, cronJob, warn);
  if (mutate) out.mutate = mutate;
  else if (validate) out.validate = validate;
  else if (rule.verifyImages === undefined) return undefined;
  if (rule.verifyImages) out.verifyImages = rule.verifyImages;
  return shiftText(out, cronJob);
}

type Warn = (message: string) => void;

// The `$(…)` shift of the message (references.ts). The CronJob rule is generated from the controller rule
// (generateCronJobRule calls generateRule on generateRuleForControllers' result), so its message is shifted
// twice, by spec/template and then by spec/jobTemplate/spec/template, from the controller rule's Go bytes
// (not yet marshalled); convertRule's json.Marshal then writes each byte of an invalid sequence as U+FFFD.
function shiftMessage(message: string, pivot: string, cronJob: boolean, rule: string, warn?: Warn): string {
  let bytes: GoBytes = goBytes(message);
  for (const shift of cronJob ? ['spec/template', 'spec/jobTemplate/spec/template'] : ['spec/template']) {
    const r = findAndShiftReferences(bytes, shift, pivot);
    // The first pass is the controller rule's, where Go would stop; a later pass cannot panic after it did not.
    if (r.panic && shift === 'spec/template') warn?.(shiftPanicWarning(rule, r.panic.reference, r.panic.error));
    bytes = r.value;
  }
  return goJsonString(bytes);
}

function shiftPanicWarning(rule: string, reference: GoBytes, error: string): string {
  return `spec.rules[${rule}].validate.message: Kyverno 1.10 panics generating the autogen rules (FindAndShiftReferences on ${goJsonString(reference)}: ${error}): the anyPattern pivot reads the pattern index 11 bytes into the first reference; podgate leaves that reference and the rest unshifted`;
}

function autogenValidate(rule: Rule, cronJob: boolean, warn?: Warn): Rule['validate'] | undefined {
  const v = rule.validate;
  if (!v) return undefined;
  const message = (pivot: string) => (v.message ? { message: shiftMessage(v.message, pivot, cronJob, rule.name, warn) } : {});
  if (v.pattern !== undefined) return { ...message('pattern'), pattern: wrap(v.pattern, cronJob) };
  if (v.deny) return { ...message('deny'), deny: v.deny };
  if (v.podSecurity) return { ...message('podSecurity'), podSecurity: v.podSecurity };
  if (v.anyPattern) return { ...message('anyPattern'), anyPattern: v.anyPattern.map((p) => wrap(p, cronJob)) };
  if (v.foreach && v.foreach.length > 0) return { ...message('pattern'), foreach: v.foreach };
  return undefined;
}

function eligible(rule: Rule): boolean {
  if (rule.name.startsWith('autogen-')) return false;
  const matchKinds = kindsOf(rule.match);
  const excludeKinds = kindsOf(rule.exclude);
  return matchKinds.includes('Pod') && (excludeKinds.length === 0 || excludeKinds.includes('Pod'));
}

/** The rules Kyverno evaluates for a policy: the user's rules, then the generated ones (autogen.go computeRules). */
export function computeRules(policy: Policy): Rule[] {
  return computeRulesWarning(policy);
}

/**
 * Generated rules Kyverno 1.10 cannot build: a `$(…)` reference in an anyPattern rule's message too short
 * for FindAndShiftReferences (a Go panic there). Said at load time, with what podgate generates instead.
 */
export function autogenReferenceWarnings(policy: Policy): string[] {
  const warnings = new Set<string>();
  computeRulesWarning(policy, (w) => warnings.add(w));
  return [...warnings];
}

function computeRulesWarning(policy: Policy, warn?: Warn): Rule[] {
  const controllers = autogenControllers(policy);
  if (controllers.length === 0) return policy.rules;
  const templateKinds = controllers.filter((c) => c !== 'CronJob');
  const generated: Rule[] = [];
  for (const rule of policy.rules) {
    if (!eligible(rule)) continue;
    const forControllers = templateKinds.length > 0 ? generateRule(rule, autogenRuleName('autogen', rule.name), templateKinds, false, warn) : undefined;
    if (forControllers) generated.push(forControllers);
    const forCronJob = controllers.includes('CronJob') ? generateRule(rule, autogenRuleName('autogen-cronjob', rule.name), ['CronJob'], true, warn) : undefined;
    if (forCronJob) generated.push(forCronJob);
  }
  // When it generates rules, Kyverno replaces any the user named autogen-* with them.
  if (generated.length === 0) return policy.rules;
  return [...policy.rules.filter((r) => !r.name.startsWith('autogen-')), ...generated];
}
