// The PSP-versus-Kyverno diff: for every pod and pod template, the PSP decision its creator would get
// today (with defaulting) against the Kyverno decision of the target policy set. Breakages are what the
// switch would refuse; regressions are protections PSP gave (a denial, or a safer value it forced) that
// Kyverno does not keep, each naming the PSP field that was lost.
import { type CompiledPolicy, effectiveAction, type EngineProfile } from '../kyverno/index.js';
import { type ClusterSnapshot, FieldPath, formatFieldError, formatSource, type KubeObject, namespaceLabels, podView } from '../kube/index.js';
import { admitPod, loadProviders, SYSTEM_MASTERS } from '../psp/index.js';
import type { ClusterContext, KyvernoConfig } from '../kyverno/config/index.js';
import { excludedRequester, filteredBy, webhookSkipsNamespace } from '../kyverno/config/index.js';
import { customPodTemplates, ownerIn } from './audit.js';
import { BUILTIN_COMPONENTS, type ComponentDef, recognizeComponent } from './components.js';
import { applyApiServerDefaults, isServerObject, podAtAdmission, syncSeccompFields } from './defaulting.js';
import type { Creator, DiffEntry, DiffResult, KyvernoDecision, PspDecision } from './diff-types.js';
import { admitPaired, findingsOnce, type PairedAdmission, podFromTemplate, podOnlyPolicies } from './pod-admission.js';
import type { UserNamespace } from './user-namespaces.js';
import { compareText } from '../util/index.js';

export { podFromTemplate };

/** The controller-manager service account that creates pods for each controller kind. */
const CONTROLLER_SA: Record<string, string> = {
  Deployment: 'replicaset-controller',
  ReplicaSet: 'replicaset-controller',
  DaemonSet: 'daemon-set-controller',
  StatefulSet: 'statefulset-controller',
  ReplicationController: 'replication-controller',
  Job: 'job-controller',
  CronJob: 'job-controller',
};

const controllerCreator = (sa: string, via = ''): Creator => ({
  user: `system:serviceaccount:kube-system:${sa}`,
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  via: `controller service account ${sa} (kube-controller-manager)${via}`,
});

/** The controller reference of an object (`controller: true`), if any. */
function controllerRef(o: KubeObject) {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * Who creates the pods of a workload, as PSP authorises it. A Pod with a controller is created by that
 * controller (a built-in one's service account; the kubelet for a mirror pod, owned by its Node); undefined
 * when the controller is of a kind podgate does not model (its service account is not known).
 */
export function creatorOf(o: KubeObject, userNamespaces: ReadonlyMap<string, UserNamespace>): Creator;
export function creatorOf(o: KubeObject, userNamespaces: ReadonlyMap<string, UserNamespace>, ownerAware: true): Creator | undefined;
export function creatorOf(o: KubeObject, userNamespaces: ReadonlyMap<string, UserNamespace>, ownerAware = false): Creator | undefined {
  const ns = o.metadata.namespace ?? 'default';
  const sa = CONTROLLER_SA[o.kind];
  if (sa) return controllerCreator(sa);
  const ref = o.kind === 'Pod' && ownerAware ? controllerRef(o) : undefined;
  if (ref) {
    const owner = `${String(ref.kind)}/${String(ref.name)}`;
    const refSa = CONTROLLER_SA[String(ref.kind)];
    if (refSa) return controllerCreator(refSa, `, for its controller ${owner}`);
    if (ref.kind === 'Node') {
      const node = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
      return { user: `system:node:${typeof node === 'string' ? node : String(ref.name)}`, groups: ['system:nodes', 'system:authenticated'], via: `the kubelet of ${owner} (mirror pod)` };
    }
    return undefined;
  }
  const owner = userNamespaces.get(ns);
  // A member of the group: whatever the group (and every authenticated user) may use; no User binding
  // can name this placeholder.
  if (owner?.group) return { user: `(a member of ${owner.user})`, groups: [owner.user, 'system:authenticated'], via: `namespace group ${owner.user}` };
  if (owner) return { user: owner.user, groups: ['system:authenticated'], via: `namespace user ${owner.user}` };
  return { user: 'kubernetes-admin', groups: [SYSTEM_MASTERS, 'system:authenticated'], via: 'cluster administrator (system:masters)' };
}

/** Maps a PSP error path or a defaulted pointer to the PSP field that governs it. */
export function pspFieldOf(path: string): string {
  const rules: [RegExp, string][] = [
    [/hostPath/, 'allowedHostPaths'],
    [/flexVolume/, 'allowedFlexVolumes'],
    [/\bcsi\b/, 'allowedCSIDrivers'],
    [/privileged/, 'privileged'],
    [/hostNetwork/, 'hostNetwork'],
    [/hostPID/, 'hostPID'],
    [/hostIPC/, 'hostIPC'],
    [/hostPort/, 'hostPorts'],
    [/capabilities[./]add/, 'allowedCapabilities'],
    [/capabilities[./]drop/, 'requiredDropCapabilities'],
    [/allowPrivilegeEscalation/, 'allowPrivilegeEscalation'],
    [/runAsNonRoot|runAsUser/, 'runAsUser'],
    [/runAsGroup/, 'runAsGroup'],
    [/fsGroup/, 'fsGroup'],
    [/supplementalGroups/, 'supplementalGroups'],
    [/seLinux/, 'seLinux'],
    [/readOnlyRootFilesystem/, 'readOnlyRootFilesystem'],
    [/sysctl/i, 'forbiddenSysctls'],
    [/procMount/, 'allowedProcMountTypes'],
    [/runtimeClass/, 'runtimeClass'],
    [/seccomp/, 'seccomp'],
    [/apparmor/i, 'apparmor'],
    [/volumes/, 'volumes'],
  ];
  return rules.find(([re]) => re.test(path))?.[1] ?? path;
}

/** JSON pointers of every leaf that differs between a and b (added, removed or changed). */
export function leafChanges(a: unknown, b: unknown, at: FieldPath): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isMap(a) && isMap(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => leafChanges(a[k], b[k], at.child(k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => leafChanges(a[i], b[i], at.index(i))).flat();
  }
  if (a === undefined && isMap(b)) return Object.keys(b).flatMap((k) => leafChanges(undefined, b[k], at.child(k)));
  if (b === undefined && isMap(a)) return Object.keys(a).flatMap((k) => leafChanges(a[k], undefined, at.child(k)));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at.toPointer()];
}

function pspDecision(pod: KubeObject, snap: ClusterSnapshot, creator: Creator): PspDecision & { mutatedPod?: KubeObject } {
  const r = admitPod(pod, { snapshot: snap, user: creator.user, groups: creator.groups, namespace: pod.metadata.namespace, operation: 'CREATE' });
  const defaulted: string[] = [];
  if (r.allowed && r.mutated && r.mutatedPod) {
    for (const p of leafChanges(pod, r.mutatedPod, FieldPath.root())) {
      if (p.endsWith('/kubernetes.io~1psp')) continue;
      defaulted.push(p);
    }
  }
  // The pod as stored: PrepareForCreate syncs the seccomp fields and annotations after admission.
  if (r.mutatedPod) syncSeccompFields(r.mutatedPod, []);
  return {
    allowed: r.allowed,
    policy: r.policy ?? null,
    message: r.allowed ? null : (r.message ?? r.errors.map(formatFieldError).join(', ')),
    mutated: r.mutated,
    defaulted,
    ...(r.mutatedPod ? { mutatedPod: r.mutatedPod } : {}),
  };
}

/** Reads a value by JSON pointer. */
function atPointer(v: unknown, pointer: string): unknown {
  let cur = v;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (typeof cur === 'object' && cur !== null) cur = (cur as Record<string, unknown>)[k];
    else return undefined;
  }
  return cur;
}

/** Why the PSP comparison is skipped for a snapshot without PodSecurityPolicies. */
export const NO_RBAC_REASON = 'the cluster input has PodSecurityPolicies but no RoleBindings or ClusterRoleBindings, so which PSP each pod may use (RBAC `use`) is unknown; include RBAC in the dump (kubectl get … rolebindings,clusterrolebindings,clusterroles,roles)';
export const NO_ROLES_REASON =
  'the cluster input has PodSecurityPolicies and RBAC bindings but no ClusterRoles or Roles, so no binding can be followed to the PSPs it grants (RBAC `use`) and every pod would read as refused by PSP; include the roles in the dump (kubectl get … clusterroles,roles)';
export const NO_PSP_REASON = 'the cluster input has no PodSecurityPolicy objects, so there is no PSP decision to compare with (on Kubernetes >= 1.25 PSP no longer exists)';

/** Inputs of the diff. */
export interface DiffInput {
  snapshot: ClusterSnapshot;
  policies: readonly CompiledPolicy[];
  kyvernoConfig: KyvernoConfig;
  userNamespaces: ReadonlyMap<string, UserNamespace>;
  catalog?: readonly ComponentDef[];
  /** ConfigMaps and the PolicyExceptions in effect, as in the audit. */
  context?: ClusterContext;
  /** Called after each workload (progress on a terminal). */
  onProgress?: (done: number, total: number) => void;
  /** Kyverno version to follow (default 1.10). */
  profile?: EngineProfile;
}

/**
 * Workloads PSP refuses today (`Kind/namespace/name`), asked for the given ones only: their pods do not run
 * now, so an exclusion made for them would admit what PSP keeps out. Empty when the snapshot cannot say
 * (no PSPs, or no RBAC bindings to know who may use them).
 */
export function pspDeniesToday(snapshot: ClusterSnapshot, userNamespaces: ReadonlyMap<string, UserNamespace>, keys: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (snapshot.podSecurityPolicies.length === 0 || rbacGap(snapshot) !== undefined) return out;
  for (const w of snapshot.workloads) {
    const raw = w.object;
    const key = `${raw.kind}/${raw.metadata.namespace ?? ''}/${raw.metadata.name ?? raw.metadata.generateName ?? ''}`;
    if (!keys.has(key)) continue;
    const p = pspOfWorkload(raw, snapshot, userNamespaces);
    if (p && !p.decision.allowed) out.add(key);
  }
  return out;
}

/**
 * Pods of the input that PSP admitted (the `kubernetes.io/psp` annotation PSP writes on admission), by the
 * workload they belong to (`Kind/namespace/name`: the pod, its controller, a ReplicaSet's Deployment, a
 * Job's CronJob): evidence against a "PSP refuses it today" read from the input's RBAC.
 */
export function pspAdmittedPods(snapshot: ClusterSnapshot): Map<string, { pod: string; psp: string }> {
  const out = new Map<string, { pod: string; psp: string }>();
  const byKey = new Map(snapshot.workloads.map((w) => [`${w.object.kind}/${w.object.metadata.namespace ?? ''}/${w.object.metadata.name ?? ''}`, w.object]));
  const add = (key: string, e: { pod: string; psp: string }) => {
    if (!out.has(key)) out.set(key, e);
  };
  for (const { object: o } of snapshot.workloads) {
    if (o.kind !== 'Pod') continue;
    const psp = o.metadata.annotations?.['kubernetes.io/psp'];
    if (typeof psp !== 'string' || psp === '') continue;
    const ns = o.metadata.namespace ?? '';
    const e = { pod: `${ns}/${o.metadata.name ?? ''}`, psp };
    add(`Pod/${ns}/${o.metadata.name ?? ''}`, e);
    for (const r of o.metadata.ownerReferences ?? []) {
      if (r.controller !== true) continue;
      const key = `${r.kind}/${ns}/${r.name}`;
      add(key, e);
      const owner = byKey.get(key);
      // One level up: a ReplicaSet's Deployment, a Job's CronJob (by reference, else by the name's hash).
      const up = owner?.metadata.ownerReferences?.find((x) => x.controller === true);
      if (up) add(`${up.kind}/${ns}/${up.name}`, e);
      else if (r.kind === 'ReplicaSet') add(`Deployment/${ns}/${String(r.name).replace(/-[a-z0-9]{5,10}$/, '')}`, e);
    }
  }
  return out;
}

/**
 * Bindings of the input whose role is not in it (left out of the dump, or deleted from the cluster: the API
 * server allows a binding to a missing role), each with its namespace (none for a ClusterRoleBinding).
 */
export function danglingBindings(snapshot: ClusterSnapshot): { namespace?: string; text: string }[] {
  const roles = new Set(snapshot.rbac.filter((l) => l.object.kind === 'ClusterRole' || l.object.kind === 'Role').map((l) => `${l.object.kind}/${l.object.kind === 'Role' ? (l.object.metadata.namespace ?? '') : ''}/${l.object.metadata.name ?? ''}`));
  const out: { namespace?: string; text: string }[] = [];
  for (const { object: b } of snapshot.rbac) {
    if (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') continue;
    const ref = (b as { roleRef?: { kind?: unknown; name?: unknown } }).roleRef;
    const kind = String(ref?.kind ?? '');
    const ns = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : undefined;
    if (roles.has(`${kind}/${kind === 'Role' ? (ns ?? '') : ''}/${String(ref?.name ?? '')}`)) continue;
    out.push({ ...(ns !== undefined ? { namespace: ns } : {}), text: `${b.kind} ${ns !== undefined ? `${ns}/` : ''}${b.metadata.name ?? ''} refers to ${kind} ${String(ref?.name ?? '')}, which is not in the input` });
  }
  return out;
}

/**
 * Why the RBAC of the input cannot say who may use which PSP, or undefined: no bindings, or bindings
 * without any role to follow them to (a dump of bindings only). Either way every pod would read "PSP denies".
 */
function rbacGap(snapshot: ClusterSnapshot): string | undefined {
  if (!snapshot.rbac.some((o) => o.object.kind === 'RoleBinding' || o.object.kind === 'ClusterRoleBinding')) return NO_RBAC_REASON;
  if (!snapshot.rbac.some((o) => o.object.kind === 'ClusterRole' || o.object.kind === 'Role')) return NO_ROLES_REASON;
  return undefined;
}

/**
 * Why the input's PSPs cannot stand for the cluster's: a PodSecurityPolicy the API server would have refused
 * (a field of the wrong type, an unknown rule) is not what the cluster holds, so what PSP decides is unknown.
 * PSPs that are valid but unusable (MustRunAs without ranges) are left out by admission too: no gap.
 */
function unreadablePsps(snapshot: ClusterSnapshot): string | undefined {
  const { diagnostics } = loadProviders(snapshot.podSecurityPolicies);
  const bad = diagnostics.filter((d) => d.errors.some((e) => e.code === 'PSP_INVALID'));
  if (bad.length === 0) return undefined;
  const where = (name: string) => {
    const at = snapshot.podSecurityPolicies.find((l) => (l.object.metadata.name ?? '') === name);
    return at ? ` (${formatSource(at.source)})` : '';
  };
  const each = bad.map((d) => `PodSecurityPolicy ${JSON.stringify(d.psp)}${where(d.psp)} cannot be read: ${d.errors.filter((e) => e.code === 'PSP_INVALID').map(formatFieldError).join('; ')}`);
  return `${each.join('; ')}; the API server would have refused ${bad.length === 1 ? 'it' : 'them'}, so the input does not hold what the cluster has and PSP's decisions cannot be known; fix the input or dump it again`;
}

/** PSP's decision today on the pods of a workload: its object as stored (defaulted), the pod, who creates it. */
function pspOfWorkload(raw: KubeObject, snapshot: ClusterSnapshot, userNamespaces: ReadonlyMap<string, UserNamespace>) {
  const object = isServerObject(raw) ? raw : applyApiServerDefaults(raw).object;
  const pod = podFromTemplate(object);
  if (!pod) return undefined;
  // PSP sees the pod as created: with the ServiceAccount plugin's token volume and without the seccomp
  // sync that follows admission (podAtAdmission); Kyverno's side keeps the stored object.
  const pspPod = podAtAdmission(raw, serviceAccountsOf(snapshot)) ?? pod;
  const creator = creatorOf(raw, userNamespaces, true);
  if (!creator) return undefined;
  return { object, pod, pspPod, creator, decision: pspDecision(pspPod, snapshot, creator) };
}

const serviceAccountMemo = new WeakMap<ClusterSnapshot, KubeObject[]>();
/** The snapshot's ServiceAccount objects. */
function serviceAccountsOf(snapshot: ClusterSnapshot): KubeObject[] {
  let out = serviceAccountMemo.get(snapshot);
  if (!out) {
    out = snapshot.rbac.filter((o) => o.object.kind === 'ServiceAccount').map((o) => o.object);
    serviceAccountMemo.set(snapshot, out);
  }
  return out;
}

/** Builds the diff over every workload of the snapshot. */
export function runDiff(input: DiffInput): DiffResult {
  if (input.snapshot.podSecurityPolicies.length === 0) {
    // Without PSPs every pod would read as "PSP: denied, no providers available": a comparison with nothing.
    return { entries: [], summary: { breakage: 0, regression: 0, same: 0, total: 0, skipped: NO_PSP_REASON } };
  }
  const gap = rbacGap(input.snapshot) ?? unreadablePsps(input.snapshot);
  if (gap !== undefined) {
    return { entries: [], summary: { breakage: 0, regression: 0, same: 0, total: 0, skipped: gap, undecidable: true } };
  }
  const catalog = input.catalog ?? BUILTIN_COMPONENTS;
  const entries: DiffEntry[] = [];
  const notCompared: NonNullable<DiffResult['notCompared']> = [];
  // Controllers are compared through their templates, so the objects they own are left out, but only when
  // the controller is in the input: a pod whose ReplicaSet or Job is missing is compared as a Pod.
  const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const present = new Set([...input.snapshot.workloads, ...customPodTemplates(input.snapshot).map((c) => c.source)].map((w) => keyOf(w.object)));
  let done = 0;
  for (const w of input.snapshot.workloads) {
    input.onProgress?.(++done, input.snapshot.workloads.length);
    const raw = w.object;
    if (raw.kind === 'ReplicaSet' && ownerIn(raw, present)) continue;
    if (raw.kind === 'Pod' && ownerIn(raw, present)) continue;
    const today = pspOfWorkload(raw, input.snapshot, input.userNamespaces);
    if (!today) {
      const ref = raw.kind === 'Pod' ? controllerRef(raw) : undefined;
      if (ref && podFromTemplate(raw)) {
        notCompared.push({
          kind: raw.kind,
          namespace: raw.metadata.namespace ?? 'default',
          name: raw.metadata.name ?? '',
          reason: `its controller ${String(ref.kind)}/${String(ref.name)} (${String(ref.apiVersion)}) is not in the input and creates its pods with a service account podgate cannot know, so which PSP admits them today is unknown`,
        });
      }
      continue;
    }
    const { object, pod, pspPod, creator } = today;
    const ns = raw.metadata.namespace ?? 'default';
    const name = raw.metadata.name ?? '';
    const { mutatedPod, ...psp } = today.decision;
    const kyverno: KyvernoDecision = { allowed: true, denials: [] };
    let kyvernoPatched: KubeObject = object;
    const labels = namespaceLabels(input.snapshot, ns);
    // A namespace the webhooks' selector leaves out is never sent to Kyverno: controller and pods pass.
    const unsent = webhookSkipsNamespace(input.kyvernoConfig, labels) !== undefined;
    // A mirror pod's requests come from the kubelet, which Kyverno's excludeGroups (system:nodes) may skip.
    const kubelet = creator.user.startsWith('system:node:') && excludedRequester(input.kyvernoConfig, creator.user, creator.groups);
    const filtered = unsent || kubelet || filteredBy(input.kyvernoConfig, raw.kind, ns, name) !== undefined;
    // The controller (unless filtered), then the pods it creates against the policies autogen leaves to
    // them, or all of them when the controller is filtered (pod-admission.ts).
    const podPolicies = unsent || kubelet || raw.kind === 'Pod' || filteredBy(input.kyvernoConfig, 'Pod', ns, pod.metadata.name ?? '') ? [] : filtered ? input.policies : podOnlyPolicies(input.policies, raw.kind);
    const ctx = {
      namespaceLabels: labels,
      ...(input.profile ? { profile: input.profile } : {}),
      ...(input.context?.configMaps ? { configMaps: input.context.configMaps } : {}),
      ...(input.context && input.context.exceptions.length > 0 ? { exceptions: input.context.exceptions } : {}),
    };
    const admissions: PairedAdmission[] = [];
    if (!filtered) {
      const admitted = admitPaired(input.policies, object, ctx);
      kyvernoPatched = admitted.patched;
      admissions.push(admitted);
    }
    if (podPolicies.length > 0) admissions.push(admitPaired(podPolicies, pod, ctx));
    // A result denies under Enforce, or with an error under failurePolicy Fail (then its fails deny too).
    const failsHard = (p: CompiledPolicy, x: { status: string }) => x.status === 'error' && p.policy.failurePolicy === 'Fail';
    const denies = (p: CompiledPolicy, r: { rules: readonly { status: string }[] }, rule: { status: string }) =>
      (effectiveAction(p.policy, ns, labels) === 'Enforce' || r.rules.some((x) => failsHard(p, x))) && (rule.status === 'fail' || failsHard(p, rule));
    for (const { rule } of findingsOnce(admissions, denies)) {
      kyverno.allowed = false;
      kyverno.denials.push({ policy: rule.policy, rule: rule.rule, message: rule.message });
    }
    let cls: DiffEntry['class'] = 'same';
    const lost = new Set<string>();
    if (psp.allowed && !kyverno.allowed) cls = 'breakage';
    else if (!psp.allowed && kyverno.allowed) {
      cls = 'regression';
      const r = admitPod(pspPod, { snapshot: input.snapshot, user: creator.user, groups: creator.groups, namespace: ns, operation: 'CREATE' });
      for (const e of r.errors) lost.add(pspFieldOf(e.path.toString()));
      if (lost.size === 0) lost.add('(no usable PSP)');
    } else if (psp.allowed && kyverno.allowed && psp.defaulted.length > 0) {
      // A value PSP forced is kept when Kyverno's mutations set the same value at the same place.
      const pv = podView(object);
      const toObject = (p: string) => (p.startsWith('/spec') ? `${pv?.specPointer ?? '/spec'}${p.slice(5)}` : `${pv?.metadataPointer ?? '/metadata'}${p.slice(9)}`);
      for (const p of psp.defaulted) {
        if (JSON.stringify(atPointer(mutatedPod, p)) !== JSON.stringify(atPointer(kyvernoPatched, toObject(p)))) lost.add(pspFieldOf(p));
      }
      if (lost.size > 0) cls = 'regression';
    }
    entries.push({ kind: raw.kind, namespace: ns, name, component: recognizeComponent(raw, catalog)?.id ?? 'unknown', creator, psp, kyverno, class: cls, lostFields: [...lost].sort() });
  }
  const summary: DiffResult['summary'] = { breakage: 0, regression: 0, same: 0, total: entries.length };
  for (const e of entries) summary[e.class]++;
  if (notCompared.length === 0) return { entries, summary };
  summary.notCompared = notCompared.length;
  return { entries, summary, notCompared };
}

/**
 * The least privileged PSP that admits every given workload's pods unchanged (non-privileged PSPs
 * first, then by name), or undefined (with allowMutation: one that admits them after its defaults). Used to
 * let Kyverno's own pods through PSP during the switch.
 */
export function findPspAdmitting(workloads: readonly KubeObject[], snap: ClusterSnapshot, allowMutation = false): string | undefined {
  // The pods as PSP sees them at admission (defaults, the token volume), not as the manifests write them.
  const serviceAccounts = serviceAccountsOf(snap);
  const pods = workloads.map((w) => podAtAdmission(w, serviceAccounts)).filter((p): p is KubeObject => p !== undefined);
  if (pods.length === 0) return undefined;
  const psps = [...snap.podSecurityPolicies.map((l) => l.object)].sort((a, b) => {
    const pa = (a.spec as { privileged?: boolean } | undefined)?.privileged === true ? 1 : 0;
    const pb = (b.spec as { privileged?: boolean } | undefined)?.privileged === true ? 1 : 0;
    return pa - pb || compareText(a.metadata.name ?? '', b.metadata.name ?? '');
  });
  for (const psp of psps) {
    const ok = pods.every((pod) => {
      const r = admitPod(pod, { psps: [psp], rbac: [], user: 'kubernetes-admin', groups: [SYSTEM_MASTERS], namespace: pod.metadata.namespace, operation: 'CREATE' });
      return r.allowed && (allowMutation || !r.mutated);
    });
    if (ok) return psp.metadata.name;
  }
  return undefined;
}
