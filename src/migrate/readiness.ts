// Readiness as data: whether the cluster can switch from PSP to Kyverno now, with every blocker and
// warning spelled out. `migrate run` writes it as summary.json; the console line and the HTML banner are
// rendered from it, and the exit code follows `ready`. No upstream counterpart.
import { admitResource, type CompiledPolicy, type EngineProfile, type PolicyException } from '../kyverno/index.js';
import type { KubeObject } from '../kube/index.js';
import { excludedRequester, filteredBy, type KyvernoConfig, webhookSkipsNamespace } from '../kyverno/config/index.js';
import { verdictLine } from '../util/index.js';
import type { AuditResult } from './audit.js';
import type { DiffResult } from './diff-types.js';
import { pspRemoved } from './plan.js';

/** The public `summary.json` shape: `ready`, `blockers`, `warnings`, plus counts. */
export interface Readiness {
  ready: boolean;
  /** Each one alone makes the cluster not ready. */
  blockers: string[];
  /** Worth reading, not blocking: regressions, a dump without PSPs, user violations kept denied. */
  warnings: string[];
  source: string;
  kubernetes: string;
  chartVersion: string;
  /** `Enforce`, or `Audit` when the run was asked for --audit-only. */
  validationFailureAction: 'Enforce' | 'Audit';
  counts: {
    workloads: number;
    evaluated: number;
    /** System workload violations left with the generated values. */
    systemViolations: number;
    userViolations: number;
    breakages: number;
    regressions: number;
    exclusionsAdded: number;
    /** Pods not compared with PSP: their creator (a controller missing from the input) is unknown. */
    notCompared: number;
  };
  /** Why the PSP comparison was skipped, when it was. */
  pspComparisonSkipped?: string;
}

/** What readiness is judged from. */
export interface ReadinessInput {
  source: string;
  kubernetes: string;
  chartVersion: string;
  /** Problems reading the cluster (kinds that could not be listed): each is a blocker. */
  readProblems: readonly string[];
  /** The audit with the generated values. */
  audit: AuditResult;
  /** The diff with the generated values. */
  diff: DiffResult;
  /** The chart policies rendered from the generated values. */
  chartPolicies: readonly CompiledPolicy[];
  /** The run was asked to leave the policies in Audit (`--audit-only`). */
  auditOnly: boolean;
  /** What the user's values asked for instead of Enforce (e.g. `validationFailureAction: audit`), if anything. */
  userAskedAudit?: string;
  exclusionsAdded: number;
  /** Other warnings already worded (values globs that exempt too much, chart traps...). */
  extraWarnings?: readonly string[];
  /** What the chart said of the values (e.g. a podSecurityStandard that is not a profile). */
  chartWarnings?: readonly string[];
  /** The Kyverno version followed (default 1.10). */
  profile?: EngineProfile;
  /** How many PodSecurityPolicies the cluster input holds (none can exist on Kubernetes 1.25+). */
  podSecurityPolicies?: number;
  /** The live API server's version (GET /version, e.g. `v1.26.3`), when the cluster was read live. */
  serverVersion?: string;
  /** The PolicyExceptions in effect (cluster and --exception files, where the kyverno values enable them). */
  exceptions?: readonly PolicyException[];
  /** Kyverno's configuration (excludeGroups/excludeUsernames: requests Kyverno never checks). */
  kyvernoConfig?: KyvernoConfig;
  /**
   * Kyverno's own controllers in the input (`Kind/namespace/name`) and the PSP the plan grants them while
   * PSP still enforces (findPspAdmitting), undefined when no PSP admits their pods unchanged.
   */
  kyvernoPods?: { workloads: readonly string[]; psp?: string };
  /** User namespaces the webhooks' namespaceSelector (config.webhooks) never sends to Kyverno. */
  unsentUserNamespaces?: readonly string[];
  /** Pods of the input PSP admitted (`kubernetes.io/psp`), by workload (`Kind/namespace/name`): see pspAdmittedPods. */
  pspAdmitted?: ReadonlyMap<string, { pod: string; psp: string }>;
  /**
   * Workloads of the input that were not evaluated at all, worded (an object whose kind is a misspelt
   * workload kind, which no API server returns): each is a blocker.
   */
  notEvaluated?: readonly string[];
  /** Bindings of the input whose role it lacks (diff.ts danglingBindings). */
  danglingBindings?: readonly { namespace?: string; text: string }[];
  /** Namespaces being deleted (no exclusion is made there), with why. */
  terminatingNamespaces?: ReadonlyMap<string, string>;
  /**
   * Namespaces the input gives twice with copies that differ in labels or in being deleted (where each
   * copy is, what differs): each is a blocker, as the run judged with the first copy only.
   */
  namespaceConflicts?: readonly { name: string; first: string; second: string; differs: readonly string[] }[];
}

/** The pod every chart profile refuses, in a namespace no values name: the check that the policies check pods. */
const CANARY: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'podgate-canary', namespace: 'podgate-canary-namespace' },
  spec: {
    hostNetwork: true,
    hostPID: true,
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
    containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } }, volumeMounts: [{ name: 'root', mountPath: '/host' }] }],
  },
};

/**
 * Whether some chart policy fails the canary pod (its action aside: not enforcing is a blocker of its own),
 * and the PolicyExceptions that let it through when it passes.
 */
function canaryRefused(policies: readonly CompiledPolicy[], profile: EngineProfile | undefined, exceptions: readonly PolicyException[] = []): { refused: boolean; exemptedBy: string[] } {
  const r = admitResource(policies, CANARY, {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'podgate-canary-namespace' },
    ...(profile ? { profile } : {}),
    ...(exceptions.length > 0 ? { exceptions } : {}),
  });
  const rules = r.validateResults.flatMap((p) => p.rules);
  const exemptedBy = [...new Set(rules.flatMap((x) => (x.status === 'skip' ? [/policy exception (\S+)/.exec(x.message)?.[1]] : [])).filter((x): x is string => x !== undefined))];
  return { refused: rules.some((x) => x.status === 'fail'), exemptedBy };
}

/** Chart policies that would not enforce everywhere, with where they do not. */
export function notEnforcing(policies: readonly CompiledPolicy[]): string[] {
  const out: string[] = [];
  for (const p of policies) {
    const pol = p.policy;
    if (pol.validationFailureAction !== 'Enforce') out.push(`${pol.name}: validationFailureAction ${pol.validationFailureAction}`);
    for (const o of pol.validationFailureActionOverrides) {
      if (o.action === 'Enforce') continue;
      const where = [o.namespaces?.length ? `namespaces ${o.namespaces.join(', ')}` : '', o.namespaceSelector ? 'a namespaceSelector' : ''].filter(Boolean).join(' and ');
      out.push(`${pol.name}: validationFailureActionOverrides set ${o.action} for ${where || 'some namespaces'}`);
    }
  }
  return out;
}

/**
 * The blocker when the plan installs Kyverno while PSP enforces (no unenforced window) and no PSP of the
 * cluster admits its pods, or undefined. Shared by `migrate run` and `migrate plan --cluster`.
 */
export function kyvernoPodsBlocker(kubernetes: string, psps: number, kyvernoPods: ReadinessInput['kyvernoPods']): string | undefined {
  if (psps === 0 || pspRemoved(kubernetes) || !kyvernoPods || kyvernoPods.workloads.length === 0 || kyvernoPods.psp !== undefined) return undefined;
  return `no PodSecurityPolicy of the cluster admits Kyverno's own pods as they are (${kyvernoPods.workloads.join(', ')}): the plan installs Kyverno while PSP still enforces, so its pods would be refused and the plan's PSP grant names no policy; create a PSP that admits them (their seccomp profile, volumes and user) first`;
}

/** Judges readiness. Blockers: failed reads, values that do not enforce, system violations and breakages left. */
export function judgeReadiness(i: ReadinessInput): Readiness {
  const blockers: string[] = [];
  const warnings: string[] = [];
  for (const p of i.readProblems) blockers.push(`cluster read failed: ${p}`);
  if (i.readProblems.length > 0) blockers.push('the snapshot is partial: every result below covers only what could be read, not the cluster');
  for (const c of i.namespaceConflicts ?? []) {
    blockers.push(
      `Namespace ${c.name} is given twice with copies that differ (${c.first} / ${c.second}: ${c.differs.join('; ')}): its labels decide namespaceSelector matches and Pod Security Admission, and a namespace being deleted gets no exclusion, but the run used the first copy only; keep the copy the cluster has now (kubectl get namespace ${c.name} -o yaml) and remove the other`,
    );
  }
  for (const w of i.notEvaluated ?? []) blockers.push(`not evaluated: ${w}; no API server returns such a kind, so the input is not the cluster as it is: correct the kind`);
  // Nothing checked earns no green: a cluster input without workloads (a wrong folder, a misspelt kind) or
  // values that render no chart policy for pods (a podSecurityStandard typo, `privileged`), which would
  // replace PSP by nothing.
  if (i.audit.summary.workloads === 0) {
    blockers.push('the cluster input holds no workload (no Pod or pod controller): nothing was audited or compared; check the --cluster path and the objects\' kinds (other kinds are skipped)');
  }
  // PSP objects on a Kubernetes without PSP: the version given is not the cluster's, or the cluster was
  // upgraded before the switch and nothing has enforced since. Either way, this run judged the wrong thing.
  // A live cluster says which Kubernetes it runs: the plan and the PSP judgement are for i.kubernetes.
  const minorOf = (v: string) => /^v?(\d+)\.(\d+)/.exec(v)?.slice(1, 3).join('.');
  const running = i.serverVersion !== undefined ? minorOf(i.serverVersion) : undefined;
  if (running !== undefined && running !== minorOf(i.kubernetes)) {
    blockers.push(`the API server reports Kubernetes ${i.serverVersion} (GET /version), but this run judged and planned for ${i.kubernetes}: pass --kubernetes ${running}`);
  }
  const psps = i.podSecurityPolicies ?? 0;
  if (psps > 0 && pspRemoved(i.kubernetes)) {
    blockers.push(`the cluster input holds ${psps} PodSecurityPolicies, which Kubernetes ${i.kubernetes} no longer has (removed in 1.25): if the cluster runs 1.24 or older, pass its version (--kubernetes); if it already runs ${i.kubernetes}, the input is older than the cluster, or PSP stopped enforcing at the upgrade and pods have been admitted unchecked since`);
  }
  const kyvernoPods = kyvernoPodsBlocker(i.kubernetes, psps, i.kyvernoPods);
  if (kyvernoPods) blockers.push(kyvernoPods);
  const chartWarnings = i.chartWarnings ?? [];
  if (!i.chartPolicies.some((p) => p.rules.some((r) => r.validate !== undefined))) {
    const why = chartWarnings.length > 0 ? ` (${chartWarnings.join('; ')})` : '';
    blockers.push(`the values render no chart policy that checks pods: once PSP is disabled nothing would check them${why}; set podSecurityStandard to baseline or restricted`);
  } else if (!canaryRefused(i.chartPolicies, i.profile).refused) {
    // Policies that exist but check no pod: exclusions of every pod (`kinds: [Pod]`, `namespaces: ['*']`).
    blockers.push(`a privileged pod (hostNetwork, hostPID, a hostPath of /) in a new namespace passes every chart policy: the values exclude it everywhere (policyExclude), so once PSP is disabled nothing would check such pods`);
  } else if ((i.exceptions?.length ?? 0) > 0) {
    // The same through PolicyExceptions that select every pod (`namespaces: ['*']`).
    const c = canaryRefused(i.chartPolicies, i.profile, i.exceptions);
    if (!c.refused) {
      blockers.push(`a privileged pod (hostNetwork, hostPID, a hostPath of /) in a new namespace passes every chart policy: the PolicyExceptions in effect exempt it (${c.exemptedBy.join(', ') || 'PolicyExceptions'}), so once PSP is disabled nothing would check such pods; narrow them to the workloads that need them`);
    }
  }
  // Requests Kyverno never checks: PSP checked every pod, whoever created it. Skipping the kubelet (mirror
  // pods) or kube-system's controllers is usual; skipping every user or every service account is not.
  if (i.kyvernoConfig) {
    const requesters = [
      { what: 'every authenticated user (a user in group system:authenticated)', user: 'podgate-canary-user', groups: ['system:authenticated'] },
      {
        what: 'every service account (system:serviceaccount:<namespace>:<name>, group system:serviceaccounts)',
        user: 'system:serviceaccount:podgate-canary-namespace:default',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:podgate-canary-namespace', 'system:authenticated'],
      },
    ];
    // Namespaces the API server never sends to Kyverno: PSP checked pods in every namespace.
    if (webhookSkipsNamespace(i.kyvernoConfig, { 'kubernetes.io/metadata.name': 'podgate-canary-namespace' })) {
      blockers.push(`a new namespace (with no labels) is never sent to Kyverno: the webhooks' namespaceSelector (config.webhooks) leaves it out, so once PSP is disabled nothing would check pods there; select namespaces by what leaves them out (NotIn), not by what lets them in`);
    }
    const filter = filteredBy(i.kyvernoConfig, 'Pod', 'podgate-canary-namespace', 'podgate-canary');
    if (filter) {
      blockers.push(`Kyverno's resourceFilters skip a Pod in a new namespace (${filter.text}): once PSP is disabled nothing would check pods created directly (kubectl run, an operator, a pod's own token), where PSP checked every pod`);
    }
    if ((i.unsentUserNamespaces?.length ?? 0) > 0) {
      blockers.push(`user namespaces whose pods Kyverno never checks: ${i.unsentUserNamespaces?.join(', ')}: their users are confined by PSP today and by nothing once it is disabled`);
    }
    for (const r of requesters) {
      if (!excludedRequester(i.kyvernoConfig, r.user, r.groups)) continue;
      blockers.push(
        `Kyverno's config.excludeGroups/excludeUsernames (${[...i.kyvernoConfig.excludeGroups, ...i.kyvernoConfig.excludeUsernames].join(', ')}) skip the requests of ${r.what}: once PSP is disabled nothing would check the pods and workloads they create (operators, CI, a pod's own token), where PSP checked every pod`,
      );
      break;
    }
  }
  const lax = notEnforcing(i.chartPolicies);
  if (lax.length > 0) {
    const why = i.userAskedAudit ? ` (your values ask for it: ${i.userAskedAudit})` : '';
    const text = `the generated values do not enforce ${lax.length} chart ${lax.length === 1 ? 'policy' : 'policies'}${why}: ${lax.join('; ')}`;
    if (i.auditOnly) warnings.push(`--audit-only: ${text}; nothing Kyverno finds is refused until the policies are switched to Enforce`);
    else blockers.push(`${text}; once PSP is disabled nothing would refuse these pods (set validationFailureAction: Enforce, or pass --audit-only to choose Audit on purpose)`);
  }
  const system = i.audit.violations.filter((v) => !v.userViolation);
  const byWorkload = new Map<string, string[]>();
  for (const v of system) {
    const k = `${v.kind}/${v.namespace}/${v.name}`;
    byWorkload.set(k, [...(byWorkload.get(k) ?? []), `${v.policy}/${v.rule}`]);
  }
  const admitted = new Set(i.diff.entries.filter((x) => x.class === 'breakage').map((e) => `${e.kind}/${e.namespace}/${e.name}`));
  // A workload PSP refuses today does not run now: staying refused breaks nothing (exceptions.ts makes no
  // exclusion for it, which would let in what PSP keeps out).
  const refusedToday = new Set(i.diff.entries.filter((x) => !x.psp.allowed).map((e) => `${e.kind}/${e.namespace}/${e.name}`));
  for (const [w, rules] of byWorkload) {
    const rs = [...new Set(rules)].join(', ');
    const admittedPod = i.pspAdmitted?.get(w);
    const dying = i.terminatingNamespaces?.get(w.split('/')[1] ?? '');
    if (dying !== undefined) {
      // No exclusion on purpose (exceptions.ts); the API server creates no pod in a namespace being deleted
      // (NamespaceLifecycle), so nothing running today is refused at the switch.
      warnings.push(`system workload ${w} still violates ${rs}: its namespace is being deleted (${dying}), so no exclusion was made and none is needed (no pod can be created there until it is gone; one re-created under that name is checked like any new namespace)`);
    } else if (refusedToday.has(w) && admittedPod) {
      // The input's RBAC says PSP refuses it, yet PSP admitted its pod. Either a role or binding is missing
      // from the input (PSP admits it today: the switch would refuse a workload that runs, a breakage) or
      // RBAC was tightened after the pod started (PSP refuses its next pod today: nothing changes). The
      // input cannot tell which, so it is no green result: a blocker, which says how to clear it either way.
      const ns = w.split('/')[1] ?? '';
      const dangling = (i.danglingBindings ?? []).filter((d) => d.namespace === undefined || d.namespace === ns).map((d) => d.text);
      const why =
        dangling.length > 0
          ? `the input's RBAC is incomplete: ${dangling.join('; ')} (left out of the dump, or deleted from the cluster); dump the roles too, or, if deleted on purpose, see below`
          : 'podgate cannot tell a role or binding left out of the input (then PSP admits it today and the switch would refuse a workload that runs) from RBAC tightened after the pod started (then PSP refuses its next pod today and nothing changes)';
      blockers.push(
        `system workload ${w} still violates ${rs} with these values: by the input's RBAC PSP refuses it today, so no exclusion was made, but its pod ${admittedPod.pod} runs admitted by PSP ${admittedPod.psp} (annotation kubernetes.io/psp): ${why}. If the RBAC is as intended, delete the old pod (its replacement shows PSP's refusal, and the next run sees no admitted pod) or exclude the workload yourself (policyExclude); if not, add the missing RBAC to the input`,
      );
    } else if (refusedToday.has(w)) warnings.push(`refused today by PSP and after the switch: ${w} (${rs})`);
    else blockers.push(`system workload ${w} still violates ${rs} with these values${admitted.has(w) ? ' (PSP admits it today: a breakage)' : ''}`);
  }
  // User namespaces are never exempted: their violations stay denied on purpose (a warning, one per
  // workload), even where PSP admits the workload today.
  const userRules = new Map<string, string[]>();
  for (const v of i.audit.violations.filter((x) => x.userViolation)) {
    const k = `${v.kind}/${v.namespace}/${v.name}`;
    userRules.set(k, [...(userRules.get(k) ?? []), `${v.policy}/${v.rule}`]);
  }
  const breakages = i.diff.entries.filter((x) => x.class === 'breakage');
  const admittedByPsp = new Set(breakages.map((e) => `${e.kind}/${e.namespace}/${e.name}`));
  for (const e of breakages) {
    const w = `${e.kind}/${e.namespace}/${e.name}`;
    if (userRules.has(w) || byWorkload.has(w)) continue;
    blockers.push(`breakage: ${e.kind}/${e.namespace}/${e.name}: PSP admits it (${e.psp.policy ?? '-'}), Kyverno would deny it (${e.kyverno.denials.map((d) => `${d.policy}/${d.rule}`).join(', ')})`);
  }
  // Audited (the Kyverno side), but PSP's decision of today is unknown: a regression, or an exclusion that
  // admits what PSP refuses, cannot be ruled out for them. A warning, as for custom controllers' templates:
  // the pods run today, the audit judged them, and only the comparison is missing.
  for (const n of i.diff.notCompared ?? []) {
    warnings.push(`not compared with PSP: ${n.kind}/${n.namespace}/${n.name}: ${n.reason}; audited as a Pod, but an exclusion made for it may admit what PSP refuses today (add its controller to the input)`);
  }
  if (i.diff.summary.undecidable) blockers.push(`PSP comparison impossible: ${i.diff.summary.skipped}; breakages cannot be ruled out`);
  else if (i.diff.summary.skipped) warnings.push(`PSP comparison skipped: ${i.diff.summary.skipped}`);
  for (const e of i.diff.entries.filter((x) => x.class === 'regression')) {
    const psp = e.psp.allowed ? `PSP admits it only after forcing safer values (${e.psp.policy})` : 'PSP denies it';
    warnings.push(`regression: ${e.kind}/${e.namespace}/${e.name}: ${psp}, Kyverno admits it as written; PSP protection lost: ${e.lostFields.join(', ')}`);
  }
  for (const [w, rules] of userRules) {
    const today = admittedByPsp.has(w) ? ' (PSP admits it today: grant it through the user\'s permissions, or exclude the namespace yourself)' : '';
    warnings.push(`user violation kept denied on purpose: ${w}: ${[...new Set(rules)].join(', ')}${today}`);
  }
  // PSP is enforced inside the API server; a webhook that fails open is not while Kyverno is down.
  const failOpen = i.chartPolicies.filter((p) => p.policy.failurePolicy === 'Ignore').map((p) => p.policy.name);
  if (failOpen.length > 0) warnings.push(`failurePolicy Ignore on ${failOpen.length === i.chartPolicies.length ? 'every chart policy' : failOpen.join(', ')}: while Kyverno is down or times out these pods are admitted unchecked, where PSP never failed open`);
  warnings.push(...chartWarnings.map((w) => `chart: ${w}`));
  warnings.push(...(i.extraWarnings ?? []));
  const out: Readiness = {
    ready: blockers.length === 0,
    blockers,
    warnings,
    source: i.source,
    kubernetes: i.kubernetes,
    chartVersion: i.chartVersion,
    validationFailureAction: i.auditOnly ? 'Audit' : 'Enforce',
    counts: {
      workloads: i.audit.summary.workloads,
      evaluated: i.audit.summary.evaluated,
      systemViolations: system.length,
      userViolations: i.audit.summary.userViolations,
      breakages: i.diff.summary.breakage,
      regressions: i.diff.summary.regression,
      exclusionsAdded: i.exclusionsAdded,
      notCompared: i.diff.summary.notCompared ?? 0,
    },
  };
  if (i.diff.summary.skipped) out.pspComparisonSkipped = i.diff.summary.skipped;
  return out;
}

/** The console block: the verdict, then every blocker and warning. */
export function formatReadiness(r: Readiness): string {
  const out = [verdictLine(r)];
  for (const b of r.blockers) out.push(`  blocker: ${b}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  return `${out.join('\n')}\n`;
}
