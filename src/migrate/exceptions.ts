// The minimal exceptions: which namespaces each chart policy must exclude so that no existing system
// workload is refused. User namespaces are never excluded automatically. Also narrower Kyverno
// PolicyException objects per workload and rule, and warnings for values globs that exempt too much.
import type { KubeObject } from '../kube/index.js';
import { isObject, wildcardMatch } from '../util/index.js';
import type { AuditResult, Violation } from './audit.js';
import { BUILTIN_COMPONENTS, type ComponentDef } from './components.js';
import type { UserNamespace } from './user-namespaces.js';
import type { NamespaceAddition } from './values-merge.js';

/** What `migrate exceptions` computes. */
export interface ExceptionPlan {
  /** Policy → namespaces to add (beyond what the values already exclude), in first-seen order. */
  exceptions: Record<string, string[]>;
  /** Policy → additions with their component comment, for the values merge. */
  additions: Map<string, NamespaceAddition[]>;
  /** Violations in user namespaces: listed, never exempted. */
  userViolations: Violation[];
  /** Violations of workloads PSP refuses today: not exempted (that would admit what PSP keeps out). */
  deniedToday: Violation[];
  /** One line per such workload (migrate run's summary says it in its own words). */
  deniedTodayWarnings: string[];
  warnings: string[];
}

/** Computes the namespace additions from an audit of the cluster against the chart's policies. */
export function computeExceptions(
  audit: AuditResult,
  opts: {
    chartPolicies: ReadonlySet<string>;
    existing: ReadonlyMap<string, ReadonlySet<string>>;
    userNamespaces: ReadonlyMap<string, UserNamespace>;
    namespaces: readonly string[];
    catalog?: readonly ComponentDef[];
    /** Workloads (`Kind/namespace/name`) PSP refuses today. */
    pspDenied?: ReadonlySet<string>;
    /**
     * `policy\u0000namespace` → component: what pods a component creates later (in no snapshot) need there
     * (components' laterPodsNeed, e.g. local-path-provisioner's helper pods mount hostPath).
     */
    laterNeeds?: ReadonlyMap<string, string>;
    /**
     * Namespaces being deleted, with why: no exclusion is made there (it would outlive the namespace and
     * exempt whatever is created later under the same name).
     */
    terminating?: ReadonlyMap<string, string>;
  },
): ExceptionPlan {
  const catalog = opts.catalog ?? BUILTIN_COMPONENTS;
  const plan: ExceptionPlan = { exceptions: {}, additions: new Map(), userViolations: [], deniedToday: [], deniedTodayWarnings: [], warnings: [] };
  const comments = new Map<string, Set<string>>();
  const warnedDenied = new Set<string>();
  const dying = new Map<string, Set<string>>();
  for (const v of audit.violations) {
    if (v.userViolation) {
      plan.userViolations.push(v);
      continue;
    }
    const workload = `${v.kind}/${v.namespace}/${v.name}`;
    if (opts.pspDenied?.has(workload)) {
      plan.deniedToday.push(v);
      if (!warnedDenied.has(workload)) {
        warnedDenied.add(workload);
        plan.deniedTodayWarnings.push(`${workload} is refused by PSP today and stays refused: no exclusion is made for it (one would let its namespace in as PSP does not); fix the workload, or exclude it yourself`);
      }
      continue;
    }
    if (!opts.chartPolicies.has(v.policy)) continue;
    if (opts.terminating?.has(v.namespace)) {
      const ws = dying.get(v.namespace) ?? new Set<string>();
      dying.set(v.namespace, ws.add(workload));
      continue;
    }
    const existing = opts.existing.get(v.policy);
    if (existing && [...existing].some((p) => wildcardMatch(p, v.namespace))) continue;
    if (!plan.exceptions[v.policy]) plan.exceptions[v.policy] = [];
    const list = plan.exceptions[v.policy]!;
    if (!list.includes(v.namespace)) list.push(v.namespace);
    const key = `${v.policy}\u0000${v.namespace}`;
    const comp = catalog.find((c) => c.id === v.component)?.comment ?? (v.component === 'unknown' ? undefined : v.component);
    if (!comments.has(key)) comments.set(key, new Set());
    if (comp) comments.get(key)!.add(comp);
  }
  // Pods a component creates later are in no snapshot, so no violation calls for them; refused after the
  // switch, they would break the component (a PVC that is never provisioned).
  for (const [key, component] of opts.laterNeeds ?? []) {
    const [policy, ns] = key.split('\u0000') as [string, string];
    if (!opts.chartPolicies.has(policy) || opts.userNamespaces.has(ns) || opts.terminating?.has(ns)) continue;
    if ([...(opts.existing.get(policy) ?? [])].some((p) => wildcardMatch(p, ns))) continue;
    if (!plan.exceptions[policy]) plan.exceptions[policy] = [];
    const list = plan.exceptions[policy]!;
    if (!list.includes(ns)) list.push(ns);
    if (!comments.has(key)) comments.set(key, new Set());
    const comp = catalog.find((c) => c.id === component)?.comment ?? component;
    comments.get(key)!.add(`${comp} (pods it creates later)`);
  }
  for (const [ns, ws] of dying) {
    plan.warnings.push(terminatingWarning(ns, opts.terminating?.get(ns) ?? '', [...ws]));
  }
  for (const [policy, nss] of Object.entries(plan.exceptions)) {
    plan.additions.set(
      policy,
      nss.map((ns) => {
        const c = [...(comments.get(`${policy}\u0000${ns}`) ?? [])].join(', ');
        return c ? { namespace: ns, comment: c } : { namespace: ns };
      }),
    );
  }
  for (const [policy, patterns] of opts.existing) {
    for (const p of patterns) {
      if (!/[*?]/.test(p)) continue;
      const hits = opts.namespaces.filter((ns) => wildcardMatch(p, ns));
      const notUser = hits.filter((ns) => !opts.userNamespaces.has(ns));
      if (notUser.length > 0) {
        plan.warnings.push(`policyExclude.${policy}: '${p}' also exempts ${notUser.join(', ')}, which no cluster user owns (no permission-user record or RoleBinding to a User): pods there are not checked by ${policy}`);
      }
    }
  }
  return plan;
}

/** The warning for the violating workloads of a namespace being deleted, which get no exclusion. */
export function terminatingWarning(namespace: string, why: string, workloads: readonly string[]): string {
  return `namespace ${namespace} is being deleted (${why}): no exclusion is made for it (one would outlive it and exempt whatever anyone with namespace-create rights creates later under that name); its violating workloads ${workloads.join(', ')} are not exempted, and no pod can be created there until it is gone (NamespaceLifecycle)`;
}

/** Autogen rule names a workload kind is checked under. */
function ruleNamesFor(kind: string, rule: string): string[] {
  if (kind === 'Pod') return [rule];
  if (kind === 'CronJob') return [`autogen-cronjob-${rule.replace(/^autogen-cronjob-|^autogen-/, '')}`];
  return [rule.startsWith('autogen-') ? rule : `autogen-${rule}`];
}

/** The 5 random characters the API server appends to a generateName (names.SimpleNameGenerator), its base cut to 58. */
const generated = (base: string) => `${base.slice(0, 58)}?????`;
const upTo = (n: number, f: (marks: string) => string) => Array.from({ length: n }, (_, i) => f('?'.repeat(i + 1)));

/** The prefix the job controller gives an Indexed Job's pod (`<job>-<index>-`), the job name cut so that it fits 58. */
export function indexedPodPrefix(job: string, index: string): string {
  const tail = `-${index}-`;
  return `${job}${tail}`.length > 58 ? `${job.slice(0, 58 - tail.length)}${tail}` : `${job}${tail}`;
}

/** The names of an Indexed Job's pods: an index of 1 to 5 digits (completions is at most 10^5). */
const indexedPodNames = (job: string) => upTo(5, (index) => generated(indexedPodPrefix(job, index)));

/** Whether the Jobs of a Job or CronJob object are Indexed (their pods are named with the index). */
export function makesIndexedJobs(o: KubeObject): boolean {
  const spec = o.kind === 'CronJob' ? (o.spec as { jobTemplate?: { spec?: unknown } } | undefined)?.jobTemplate?.spec : o.kind === 'Job' ? o.spec : undefined;
  return isObject(spec) && spec.completionMode === 'Indexed';
}

/**
 * The names a controller's objects get, by kind, as Kyverno wildcards (`?` is one character): the
 * controller's own name, then what the Kubernetes controllers name what they create, so that an exception
 * made for `web` does not exempt `web-evil`.
 * - Deployment `d`: ReplicaSets `d-<pod-template-hash>` (the hash of the template, a uint32 written with
 *   rand.SafeEncodeString: 1 to 10 characters), their Pods `d-<hash>-<5 random characters>`.
 * - CronJob `c`: Jobs `c-<scheduled time in minutes since 1970>` (8 digits until the year 2160), their Pods.
 * - StatefulSet `s`: Pods `s-<ordinal>` (up to 5 digits here).
 * - DaemonSet, Job, ReplicaSet, ReplicationController `x`: Pods `x-<5 random characters>`.
 * - With `indexed` (a Job, or a CronJob's Jobs, of completionMode Indexed): the Job's Pods are also
 *   `j-<index>-<5 random characters>` (Kubernetes ≥ 1.22, podGenerateNameWithIndex: an index below 10^5,
 *   and a prefix over 58 characters loses the end of the job name, never the index).
 * Another kind (a custom controller) names its pods its own way: `x-*`, said in a note.
 */
export function createdNames(kind: string, name: string, indexed = false): { byKind: [string, string[]][]; note?: string } {
  switch (kind) {
    case 'Pod':
      return { byKind: [['Pod', [name]]] };
    case 'Deployment':
      return {
        byKind: [
          ['Deployment', [name]],
          ['ReplicaSet', upTo(10, (hash) => `${name}-${hash}`)],
          ['Pod', upTo(10, (hash) => generated(`${name}-${hash}-`))],
        ],
      };
    case 'CronJob': {
      const job = `${name}-????????`;
      return { byKind: [['CronJob', [name]], ['Job', [job]], ['Pod', [generated(`${job}-`), ...(indexed ? indexedPodNames(job) : [])]]] };
    }
    case 'StatefulSet':
      return { byKind: [['StatefulSet', [name]], ['Pod', upTo(5, (ordinal) => `${name}-${ordinal}`)]] };
    case 'Job':
      return { byKind: [[kind, [name]], ['Pod', [generated(`${name}-`), ...(indexed ? indexedPodNames(name) : [])]]] };
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return { byKind: [[kind, [name]], ['Pod', [generated(`${name}-`)]]] };
    default:
      return {
        byKind: [[kind, [name]], ['Pod', [`${name}-*`]]],
        note: `${kind} is not a Kubernetes controller: how it names its pods is unknown, so every pod named ${name}-* in the namespace is exempted; narrow the names if you know its format`,
      };
  }
}

/**
 * Narrow Kyverno PolicyExceptions: one per workload, naming exactly the policy rules it violates.
 * Needs Kyverno ≥ 1.9 with PolicyExceptions enabled (kyverno.io/v2alpha1; in the 3.0.x kyverno chart set
 * `features.policyExceptions.enabled=true` and put them in the namespace given by
 * `features.policyExceptions.namespace`); kyverno.io/v2beta1 from Kyverno 1.11.
 */
export function policyExceptions(
  audit: AuditResult,
  exceptionNamespace = 'kyverno',
  apiVersion = 'kyverno.io/v2alpha1',
  terminating: ReadonlyMap<string, string> = new Map(),
  // Jobs and CronJobs (`Kind/namespace/name`) whose Jobs are Indexed (makesIndexedJobs).
  indexed: ReadonlySet<string> = new Set(),
): KubeObject[] {
  const byWorkload = new Map<string, Violation[]>();
  for (const v of audit.violations) {
    // A namespace being deleted gets none (computeExceptions says why).
    if (v.userViolation || terminating.has(v.namespace)) continue;
    const k = `${v.kind}/${v.namespace}/${v.name}`;
    byWorkload.set(k, [...(byWorkload.get(k) ?? []), v]);
  }
  const out: KubeObject[] = [];
  for (const [, vs] of byWorkload) {
    const v0 = vs[0]!;
    const byPolicy = new Map<string, Set<string>>();
    for (const v of vs) {
      if (!byPolicy.has(v.policy)) byPolicy.set(v.policy, new Set());
      for (const r of ruleNamesFor(v.kind, v.rule)) byPolicy.get(v.policy)!.add(r);
      // Pods the controller creates are checked by the Pod rule; the Jobs a CronJob creates by the rule
      // autogen makes for Job (autogen-<rule>), which the CronJob's (autogen-cronjob-<rule>) is not.
      const base = v.rule.replace(/^autogen-cronjob-|^autogen-/, '');
      if (v.kind !== 'Pod') byPolicy.get(v.policy)!.add(base);
      if (v.kind === 'CronJob') byPolicy.get(v.policy)!.add(`autogen-${base}`);
    }
    const created = createdNames(v0.kind, v0.name, indexed.has(`${v0.kind}/${v0.namespace}/${v0.name}`));
    out.push({
      apiVersion,
      kind: 'PolicyException',
      metadata: {
        name: `${v0.namespace}-${v0.name}`.toLowerCase().slice(0, 253),
        namespace: exceptionNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'podgate' },
        annotations: {
          'podgate.io/component': v0.component,
          'podgate.io/reason': `existing workload ${v0.kind}/${v0.namespace}/${v0.name}`,
          ...(created.note ? { 'podgate.io/note': created.note } : {}),
        },
      },
      spec: {
        exceptions: [...byPolicy].map(([policyName, rules]) => ({ policyName, ruleNames: [...rules].sort() })),
        match: { any: created.byKind.map(([kind, names]) => ({ resources: { kinds: [kind], namespaces: [v0.namespace], names } })) },
      },
    });
  }
  return out;
}
