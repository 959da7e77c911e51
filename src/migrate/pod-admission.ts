// Kyverno sees a controller's pods too. A Deployment is checked through the autogen rules Kyverno derives
// from its Pod rules; its pods are checked again as Pods when the replicaset controller creates them. The
// two agree when autogen covers the controller's kind, which is what the audit and the diff relied on. They
// do not when it does not: `autogenControllers: none` in the values (or a list without the kind) leaves
// the controller unchecked and its pods denied; a controller the resourceFilters skip (a standalone
// ReplicaSet, a `[DaemonSet,*,*]` filter) is never seen while its pods are. Those pods are admitted here as
// the Pods the controller will create, against the policies that need it.
import { admissionPolicies, admitResource, autogenRuleName, type CompiledPolicy, DEFAULT_PROFILE, type EvaluationContext, type PolicyResult, type RuleResult, ruleKinds } from '../kyverno/index.js';
import { type KubeObject, podView } from '../kube/index.js';
import { indexedPodPrefix, makesIndexedJobs } from './exceptions.js';

const memo = new WeakMap<readonly CompiledPolicy[], Map<string, readonly CompiledPolicy[]>>();

/**
 * The policies with a Pod rule that autogen does not carry over to `kind` (no `autogen-<rule>` or
 * `autogen-cronjob-<rule>` selecting it): a `kind` controller's pods meet them as Pods only.
 */
export function podOnlyPolicies(policies: readonly CompiledPolicy[], kind: string): readonly CompiledPolicy[] {
  let byKind = memo.get(policies);
  if (!byKind) {
    byKind = new Map();
    memo.set(policies, byKind);
  }
  let out = byKind.get(kind);
  if (out === undefined) {
    out = policies.filter((p) =>
      p.rules.some((r) => {
        if (r.name.startsWith('autogen-') || !ruleKinds(r)?.has('Pod')) return false;
        const generated = [autogenRuleName('autogen', r.name), autogenRuleName('autogen-cronjob', r.name)];
        return !p.rules.some((a) => generated.includes(a.name) && ruleKinds(a)?.has(kind));
      }),
    );
    byKind.set(kind, out);
  }
  return out;
}

/** One admission's outcome, each validation result beside its policy. */
export interface PairedAdmission {
  mutateResults: RuleResult[];
  patched: KubeObject;
  validated: { policy: CompiledPolicy; result: PolicyResult }[];
}

/** admitResource, with each result paired with the policy that gave it (admission may leave policies out). */
export function admitPaired(policies: readonly CompiledPolicy[], resource: KubeObject, ctx: EvaluationContext): PairedAdmission {
  const admitted = admitResource(policies, resource, ctx);
  const applied = admissionPolicies(policies, ctx.profile ?? DEFAULT_PROFILE);
  return {
    mutateResults: admitted.mutateResults,
    patched: admitted.patched,
    validated: admitted.validateResults.map((result, i) => ({ policy: applied[i] as CompiledPolicy, result })),
  };
}

/**
 * The rule results of a workload's admissions (the controller's first) that `counts` keeps, each finding
 * once: a pod's result for a rule the controller already gave as its autogen rule (`autogen-<rule>`, cut
 * to 63 characters as Kyverno names it) is the same finding.
 */
export function findingsOnce(admissions: readonly PairedAdmission[], counts: (policy: CompiledPolicy, result: PolicyResult, rule: RuleResult) => boolean): { policy: CompiledPolicy; rule: RuleResult }[] {
  const seen = new Set<string>();
  const out: { policy: CompiledPolicy; rule: RuleResult }[] = [];
  for (const { policy, result } of admissions.flatMap((a) => a.validated)) {
    for (const rule of result.rules) {
      if (!counts(policy, result, rule)) continue;
      const key = (name: string) => `${rule.policy}\u0000${name}`;
      if ([rule.rule, autogenRuleName('autogen', rule.rule), autogenRuleName('autogen-cronjob', rule.rule)].some((n) => seen.has(key(n)))) continue;
      seen.add(key(rule.rule));
      out.push({ policy, rule });
    }
  }
  return out;
}

/**
 * The name of a pod that a controller of this kind and name creates, in the Kubernetes controllers' format
 * (exceptions.ts createdNames), with `0` for each generated character: a generateName suffix and a
 * pod-template-hash never hold a 0, so no real pod has this name, but a name-based match (a PolicyException,
 * a resource filter) sees the shape real pods have. A StatefulSet's first pod is `<name>-0`; an Indexed
 * Job's (`indexed`) is `<job>-0-<5 characters>`.
 */
export function createdPodName(kind: string, name: string, indexed = false): string {
  const generated = (base: string) => `${base.slice(0, 58)}00000`;
  switch (kind) {
    case 'Deployment':
      return generated(`${name}-0000000000-`);
    case 'CronJob':
      return generated(indexed ? indexedPodPrefix(`${name}-00000000`, '0') : `${name}-00000000-`);
    case 'Job':
      return generated(indexed ? indexedPodPrefix(name, '0') : `${name}-`);
    case 'StatefulSet':
      return `${name}-0`;
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return generated(`${name}-`);
    default:
      return `${name}-podgate`;
  }
}

/** The pod a workload's controller would create from its template. */
export function podFromTemplate(o: KubeObject): KubeObject | undefined {
  const pv = podView(o);
  if (!pv) return undefined;
  if (o.kind === 'Pod') return o;
  const name = o.metadata.name ?? 'pod';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...structuredClone(pv.metadata), name: createdPodName(o.kind, name, makesIndexedJobs(o)), namespace: o.metadata.namespace ?? 'default' },
    spec: structuredClone(pv.spec),
  };
}
