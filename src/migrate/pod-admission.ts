// Kyverno sees a controller's pods too. A Deployment is checked through the autogen rules Kyverno derives
// from its Pod rules; its pods are checked again as Pods when the replicaset controller creates them. The
// two agree when autogen covers the controller's kind, which is what the audit and the diff relied on. They
// do not when it does not: `autogenControllers: none` in the values (or a list without the kind) leaves
// the controller unchecked and its pods denied; a controller the resourceFilters skip (a standalone
// ReplicaSet, a `[DaemonSet,*,*]` filter) is never seen while its pods are. Those pods are admitted here as
// the Pods the controller will create, against the policies that need it.
import { admissionPolicies, admitResource, type CompiledPolicy, DEFAULT_PROFILE, type EvaluationContext, type PolicyResult, type RuleResult } from '../kyverno/index.js';
import { type KubeObject, podView } from '../kube/index.js';

type Rule = CompiledPolicy['rules'][number];

/** The kinds a rule's match names (without group and version). */
function ruleKinds(rule: Rule): Set<string> {
  const out = new Set<string>();
  const m = rule.match as { any?: { resources?: { kinds?: string[] } }[]; all?: { resources?: { kinds?: string[] } }[]; resources?: { kinds?: string[] } } | undefined;
  const add = (kinds: readonly string[] | undefined) => {
    for (const k of kinds ?? []) out.add(k.slice(k.lastIndexOf('/') + 1));
  };
  for (const f of [...(m?.any ?? []), ...(m?.all ?? [])]) add(f.resources?.kinds);
  add(m?.resources?.kinds);
  return out;
}

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
        if (r.name.startsWith('autogen-') || !ruleKinds(r).has('Pod')) return false;
        return !p.rules.some((a) => (a.name === `autogen-${r.name}` || a.name === `autogen-cronjob-${r.name}`) && ruleKinds(a).has(kind));
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

/** A rule name without Kyverno's autogen prefixes: the Pod rule a controller's result stands for. */
export function podRuleName(rule: string): string {
  return rule.startsWith('autogen-cronjob-') ? rule.slice('autogen-cronjob-'.length) : rule.startsWith('autogen-') ? rule.slice('autogen-'.length) : rule;
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
    metadata: { ...structuredClone(pv.metadata), name: `${name}-podgate`, namespace: o.metadata.namespace ?? 'default' },
    spec: structuredClone(pv.spec),
  };
}
