// The audit: every workload (bare pods and pod templates of every controller, through autogen) against
// the target policy set, as Kyverno will see it — resource filters applied, API-server defaulting applied
// to raw manifests — listing every would-be denial with Kyverno's exact message.
import type { ClusterContext, KyvernoConfig } from '../kyverno/config/index.js';
import { excludedRequester, filteredBy, webhookSkipsNamespace } from '../kyverno/config/index.js';
import { type CompiledPolicy, effectiveAction, type EngineProfile } from '../kyverno/index.js';
import { type ClusterSnapshot, type KubeObject, type LoadedObject, namespaceLabels, POD_GROUPS, splitApiVersion } from '../kube/index.js';
import { getOwn, isObject, setOwn } from '../util/index.js';
import { BUILTIN_COMPONENTS, type ComponentDef, recognizeComponent } from './components.js';
import { applyApiServerDefaults, isServerObject } from './defaulting.js';
import { admitPaired, findingsOnce, type PairedAdmission, podFromTemplate, podOnlyPolicies } from './pod-admission.js';
import type { UserNamespace } from './user-namespaces.js';

/** One would-be denial (or audit failure) of a workload by a rule. */
export interface Violation {
  kind: string;
  namespace: string;
  name: string;
  policy: string;
  rule: string;
  message: string;
  /** The component catalog id (e.g. `gpu-operator`), or `unknown`. */
  component: string;
  /** `fail` (pattern/deny) or `error` (the rule could not be evaluated; blocks under failurePolicy Fail). */
  result: 'fail' | 'error';
  /** The effective validationFailureAction: only Enforce blocks. */
  action: 'Audit' | 'Enforce';
  /** True when the namespace belongs to a cluster user: never exempted automatically. */
  userViolation: boolean;
  file?: string;
  line?: number;
}

/** A workload Kyverno will never see, and why. */
export interface Skipped {
  kind: string;
  namespace: string;
  name: string;
  reason: string;
}

/** What the audit found. */
export interface AuditResult {
  violations: Violation[];
  skipped: Skipped[];
  /** Raw manifests changed by API-server defaulting before evaluation. */
  defaulted: { kind: string; namespace: string; name: string; changes: string[] }[];
  /** Workloads Kyverno's mutate rules would change before validation, with the rules that applied. */
  mutated: { kind: string; namespace: string; name: string; rules: string[] }[];
  /** Pods left out because their controller is audited through its template. */
  coveredByOwner: { namespace: string; name: string; owner: string }[];
  summary: AuditSummary;
}

/** Counts for the report header. */
export interface AuditSummary {
  workloads: number;
  evaluated: number;
  skipped: number;
  workloadsWithViolations: number;
  violations: number;
  denials: number;
  userViolations: number;
  byPolicy: Record<string, number>;
  byNamespace: Record<string, number>;
  byComponent: Record<string, number>;
}

/** Audit inputs. */
export interface AuditInput {
  snapshot: ClusterSnapshot;
  policies: readonly CompiledPolicy[];
  kyvernoConfig: KyvernoConfig;
  userNamespaces: ReadonlyMap<string, UserNamespace>;
  catalog?: readonly ComponentDef[];
  /** Kyverno version to follow (default 1.10). */
  profile?: EngineProfile;
  /** Called after each workload (progress bars). */
  onProgress?: (done: number, total: number) => void;
  /** Namespaces, ConfigMaps and the PolicyExceptions in effect (see kyverno/config buildClusterContext). */
  context?: ClusterContext;
}

/** The controller of `o` among the `present` workloads (`Kind/namespace/name`), as `Kind/name`, or undefined. */
export function ownerIn(o: KubeObject, present: ReadonlySet<string>): string | undefined {
  const refs = o.metadata.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (r.controller !== true) continue;
    const key = `${String(r.kind)}/${o.metadata.namespace ?? ''}/${String(r.name)}`;
    if (present.has(key)) return `${String(r.kind)}/${String(r.name)}`;
    // Pods of a Deployment are owned by its ReplicaSet; the ReplicaSet may be filtered but its owner audited.
    if (r.kind === 'ReplicaSet' && typeof r.name === 'string') {
      const dep = r.name.replace(/-[a-z0-9]{5,10}$/, '');
      if (present.has(`Deployment/${o.metadata.namespace ?? ''}/${dep}`)) return `Deployment/${dep}`;
    }
  }
  return undefined;
}

function bump(m: Record<string, number>, k: string): void {
  setOwn(m, k, (getOwn(m, k) ?? 0) + 1);
}

/**
 * Objects of kinds podgate does not model that carry a pod template at `spec.template` (Argo Rollouts,
 * OpenKruise CloneSets, other custom controllers): their controllers create Pods (or ReplicaSets) from it,
 * which Kyverno checks like any other. Each with the Pod it would create.
 */
export function customPodTemplates(snap: ClusterSnapshot): { source: LoadedObject; pod: KubeObject }[] {
  const out: { source: LoadedObject; pod: KubeObject }[] = [];
  for (const lo of snap.other) {
    const o = lo.object;
    if (POD_GROUPS.has(splitApiVersion(o.apiVersion).group) || !o.metadata.namespace) continue;
    const t = isObject(o.spec) ? o.spec.template : undefined;
    if (!isObject(t) || !isObject(t.spec) || !Array.isArray(t.spec.containers)) continue;
    const name = o.metadata.name ?? 'pod';
    out.push({
      source: lo,
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...(isObject(t.metadata) ? structuredClone(t.metadata) : {}), name: `${name}-podgate`, namespace: o.metadata.namespace },
        spec: structuredClone(t.spec),
      } as KubeObject,
    });
  }
  return out;
}

/**
 * API groups whose objects only record pods or requests, and create none: Kyverno's UpdateRequests (the
 * Pod of the admission request they answer, in spec.context), its reports and policies, policy reports,
 * events, captured admission reviews and audit events, metrics, CRD schemas.
 */
const RECORD_GROUPS: ReadonlySet<string> = new Set([
  'kyverno.io',
  'wgpolicyk8s.io',
  'events.k8s.io',
  'admission.k8s.io',
  'audit.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'metrics.k8s.io',
  'authorization.k8s.io',
  'authentication.k8s.io',
]);

/** Whether an object of this API group and kind records pods rather than being a controller of them. */
function recordsPods(group: string, kind: string): boolean {
  return RECORD_GROUPS.has(group) || group.endsWith('.kyverno.io') || kind === 'Event';
}

/**
 * Custom resources that hold pod specs podgate does not read, with where: a `containers` list of images
 * anywhere but the `spec.template.spec` customPodTemplates reads (Volcano's `spec.tasks[].template.spec`),
 * or a single `container` with an image (Argo's `spec.templates[].container`). Their controllers create
 * pods from them that only an audit of those pods (when they are in the input) judges. Objects that only
 * record pods (recordsPods: a Kyverno UpdateRequest, a report) are left out: nothing creates pods from them.
 */
export function unreadPodSpecs(snap: ClusterSnapshot): { object: KubeObject; paths: string[] }[] {
  const out: { object: KubeObject; paths: string[] }[] = [];
  const hasImage = (v: unknown) => isObject(v) && typeof v.image === 'string';
  for (const { object: o } of snap.other) {
    const group = splitApiVersion(o.apiVersion).group;
    if (POD_GROUPS.has(group) || recordsPods(group, o.kind)) continue;
    const paths: string[] = [];
    const walk = (v: unknown, at: string, depth: number): void => {
      if (depth > 64) return;
      if (Array.isArray(v)) {
        for (const [i, x] of v.entries()) walk(x, `${at}[${i}]`, depth + 1);
        return;
      }
      if (!isObject(v)) return;
      if (Array.isArray(v.containers) && v.containers.some(hasImage) && at !== 'spec.template.spec') paths.push(at);
      else if (hasImage(v.container)) paths.push(`${at}.container`);
      for (const [k, x] of Object.entries(v)) if (k !== 'containers' && k !== 'container') walk(x, at ? `${at}.${k}` : k, depth + 1);
    };
    walk(o.spec, 'spec', 0);
    if (paths.length > 0) out.push({ object: o, paths });
  }
  return out;
}

/** Runs the audit. Pure: everything it needs comes in through AuditInput. */
export function runAudit(input: AuditInput): AuditResult {
  const catalog = input.catalog ?? BUILTIN_COMPONENTS;
  const res: AuditResult = {
    violations: [],
    skipped: [],
    defaulted: [],
    mutated: [],
    coveredByOwner: [],
    summary: { workloads: 0, evaluated: 0, skipped: 0, workloadsWithViolations: 0, violations: 0, denials: 0, userViolations: 0, byPolicy: {}, byNamespace: {}, byComponent: {} },
  };
  const workloads = input.snapshot.workloads;
  const context = input.context;
  const extra = {
    ...(context?.configMaps ? { configMaps: context.configMaps } : {}),
    ...(context && context.exceptions.length > 0 ? { exceptions: context.exceptions } : {}),
  };
  const custom = customPodTemplates(input.snapshot);
  const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const present = new Set([...workloads, ...custom.map((c) => c.source)].map((w) => keyOf(w.object)));
  // The pod each owner's template makes (as created), for the pods it covers.
  const ownerPods = new Map<string, KubeObject | undefined>(custom.map((c) => [keyOf(c.source.object), c.pod]));
  // Owners by key, built once: a search of the workloads per owner made the audit quadratic (48,000
  // objects of Deployments, ReplicaSets and their pods: 99 s instead of 1 s).
  let byKey: Map<string, KubeObject> | undefined;
  const ownerFails = new Map<string, Set<string>>();
  const ownerPod = (key: string): KubeObject | undefined => {
    if (!ownerPods.has(key)) {
      if (!byKey) {
        byKey = new Map();
        for (const w of workloads) {
          const k = keyOf(w.object);
          if (!byKey.has(k)) byKey.set(k, w.object);
        }
      }
      const o = byKey.get(key);
      ownerPods.set(key, o ? podFromTemplate(isServerObject(o) ? o : applyApiServerDefaults(o).object) : undefined);
    }
    const pod = ownerPods.get(key);
    return pod && !isServerObject(pod) ? applyApiServerDefaults(pod).object : pod;
  };
  const contextFor = (labels: Readonly<Record<string, string>>) => ({ namespaceLabels: labels, ...extra, ...(input.profile ? { profile: input.profile } : {}) });
  // A workload's admissions: the mutations applied, and each failing or erroring rule once (but for those
  // its owner's template already has, which are reported there).
  const record = (admissions: readonly PairedAdmission[], at: { kind: string; namespace: string; name: string; component: string; labels: Readonly<Record<string, string>>; source: LoadedObject['source'] }, ownerFindings?: ReadonlySet<string>) => {
    const { kind, namespace, name } = at;
    const applied = [...new Set(admissions.flatMap((a) => a.mutateResults.filter((m) => m.status === 'pass').map((m) => `${m.policy}/${m.rule}`)))];
    if (applied.length > 0) res.mutated.push({ kind, namespace, name, rules: applied });
    const userViolation = input.userNamespaces.get(namespace) !== undefined;
    let any = false;
    for (const { policy: p, rule } of findingsOnce(admissions, isFinding)) {
      if (ownerFindings?.has(`${rule.policy}\u0000${rule.rule}`)) continue;
      any = true;
      res.violations.push({
        kind,
        namespace,
        name,
        policy: rule.policy,
        rule: rule.rule,
        message: rule.message,
        component: at.component,
        result: rule.status as Violation['result'],
        action: effectiveAction(p.policy, namespace, at.labels),
        userViolation,
        file: at.source.file,
        line: at.source.line,
      });
    }
    if (any) res.summary.workloadsWithViolations++;
  };
  const total = workloads.length + custom.length;
  workloads.forEach((w, i) => {
    input.onProgress?.(i + 1, total);
    res.summary.workloads++;
    const raw = w.object;
    const ns = raw.metadata.namespace ?? '';
    const name = raw.metadata.name ?? raw.metadata.generateName ?? '';
    const labels = namespaceLabels(input.snapshot, ns);
    const unsent = webhookSkipsNamespace(input.kyvernoConfig, labels);
    if (unsent) {
      res.skipped.push({ kind: raw.kind, namespace: ns, name, reason: unsent });
      return;
    }
    // A mirror pod (a static pod's copy in the API server) is created by the kubelet, whose requests the
    // default excludeGroups (system:nodes) keep from Kyverno: no exclusion is needed for it.
    const mirror = mirrorPodCreator(raw);
    if (mirror && excludedRequester(input.kyvernoConfig, mirror, ['system:nodes', 'system:authenticated'])) {
      res.skipped.push({ kind: raw.kind, namespace: ns, name, reason: `mirror pod of a static pod: created by the kubelet (${mirror}, group system:nodes), whose requests Kyverno's excludeGroups/excludeUsernames skip` });
      return;
    }
    const filter = filteredBy(input.kyvernoConfig, raw.kind, ns, name);
    // The pods a controller creates: seen by Kyverno as Pods even when the controller is filtered, and
    // checked by Pod rules that autogen does not carry over to the controller (pod-admission.ts). A
    // controller owned by another workload of the snapshot (a Deployment's ReplicaSet) is covered by it.
    const ownedByWorkload = raw.metadata.ownerReferences?.some((r) => r.controller === true && present.has(`${r.kind}/${ns}/${r.name}`)) === true;
    const needed = raw.kind === 'Pod' || ownedByWorkload ? [] : filter ? input.policies : podOnlyPolicies(input.policies, raw.kind);
    // The template is copied only when some policy needs the pods (none with the default chart).
    const template = needed.length > 0 ? podFromTemplate(raw) : undefined;
    const podPolicies = template && !filteredBy(input.kyvernoConfig, 'Pod', ns, template.metadata.name ?? '') ? needed : [];
    if (filter && podPolicies.length === 0) {
      res.skipped.push({ kind: raw.kind, namespace: ns, name, reason: `Kyverno resourceFilters ${filter.text}` });
      return;
    }
    let ownerFindings: Set<string> | undefined;
    let asCreated: KubeObject | undefined;
    if (raw.kind === 'Pod') {
      const owner = ownerIn(raw, present);
      if (owner) {
        // A pod that carries what its owner's template does not (a container or capability a mutating
        // webhook injected, e.g. istio-init's NET_ADMIN) is refused after the switch for it, as Kyverno
        // validates the pod after every mutating webhook: only such findings are reported for it.
        const ownerKey = `${owner.split('/')[0]}/${ns}/${owner.slice(owner.indexOf('/') + 1)}`;
        const template = ownerPod(ownerKey);
        const ctx = contextFor(labels);
        const fails = (a: PairedAdmission) => findingsOnce([a], isFinding).map((f) => `${f.rule.policy}\u0000${f.rule.rule}`);
        // The owner's template is judged once for all the pods it covers (its namespace, so its context, is theirs).
        ownerFindings = ownerFails.get(ownerKey);
        if (!ownerFindings) {
          ownerFindings = new Set(template ? fails(admitPaired(input.policies, template, ctx)) : []);
          ownerFails.set(ownerKey, ownerFindings);
        }
        // As created: ephemeral containers come later, through a subresource neither PSP nor these rules see.
        const stored = isServerObject(raw) ? raw : applyApiServerDefaults(raw).object;
        const { ephemeralContainers: _debug, ...spec } = (stored.spec ?? {}) as Record<string, unknown>;
        asCreated = { ...stored, spec } as KubeObject;
        if (!template || fails(admitPaired(input.policies, asCreated, ctx)).every((f) => ownerFindings?.has(f))) {
          res.coveredByOwner.push({ namespace: ns, name, owner });
          return;
        }
      }
    }
    let object = asCreated ?? raw;
    if (!asCreated && !isServerObject(raw)) {
      const d = applyApiServerDefaults(raw);
      if (d.changes.length > 0) res.defaulted.push({ kind: raw.kind, namespace: ns, name, changes: d.changes });
      object = d.object;
    }
    res.summary.evaluated++;
    const component = recognizeComponent(raw, catalog)?.id ?? 'unknown';
    const ctx = contextFor(labels);
    // Admission order: every mutation first, then validation of the mutated object. The controller
    // (unless filtered), then its pods against the policies autogen leaves to them; a pod's result for a
    // rule the controller already failed (as `autogen-<rule>`) is the same finding, said once.
    const admissions: PairedAdmission[] = [];
    if (!filter) admissions.push(admitPaired(input.policies, object, ctx));
    if (template && podPolicies.length > 0) admissions.push(admitPaired(podPolicies, isServerObject(raw) ? template : (podFromTemplate(object) ?? template), ctx));
    record(admissions, { kind: raw.kind, namespace: ns, name, component, labels, source: w.source }, ownerFindings);
  });
  // Custom controllers' templates: the Pods they create, as Kyverno sees them (created, so defaulted).
  custom.forEach(({ source, pod }, i) => {
    input.onProgress?.(workloads.length + i + 1, total);
    res.summary.workloads++;
    const raw = source.object;
    const ns = raw.metadata.namespace ?? '';
    const name = raw.metadata.name ?? '';
    const labels = namespaceLabels(input.snapshot, ns);
    const unsent = webhookSkipsNamespace(input.kyvernoConfig, labels);
    const filter = unsent ? undefined : filteredBy(input.kyvernoConfig, 'Pod', ns, pod.metadata.name ?? '');
    if (unsent || filter) {
      res.skipped.push({ kind: raw.kind, namespace: ns, name, reason: unsent ?? `Kyverno resourceFilters ${filter?.text ?? ''} (its pods)` });
      return;
    }
    const d = applyApiServerDefaults(pod);
    if (d.changes.length > 0) res.defaulted.push({ kind: raw.kind, namespace: ns, name, changes: d.changes });
    res.summary.evaluated++;
    const component = recognizeComponent(pod, catalog)?.id ?? 'unknown';
    record([admitPaired(input.policies, d.object, contextFor(labels))], { kind: raw.kind, namespace: ns, name, component, labels, source: source.source });
  });
  for (const v of res.violations) {
    res.summary.violations++;
    if (v.action === 'Enforce') res.summary.denials++;
    if (v.userViolation) res.summary.userViolations++;
    bump(res.summary.byPolicy, v.policy);
    bump(res.summary.byNamespace, v.namespace);
    bump(res.summary.byComponent, v.component);
  }
  res.summary.skipped = res.skipped.length;
  return res;
}

/** What the audit reports of a rule result: a failure or an error. */
function isFinding(_policy: unknown, _result: unknown, rule: { status: string }): boolean {
  return rule.status === 'fail' || rule.status === 'error';
}

/** The kubelet user that creates a mirror pod (`kubernetes.io/config.mirror` annotation), or undefined. */
export function mirrorPodCreator(o: KubeObject): string | undefined {
  if (o.kind !== 'Pod' || getOwn(o.metadata.annotations ?? {}, 'kubernetes.io/config.mirror') === undefined) return undefined;
  const node = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return `system:node:${typeof node === 'string' ? node : ''}`;
}

/** Source of a violation as `file:line`. */
export function violationSource(v: Violation): string {
  return v.file ? `${v.file}:${v.line ?? 1}` : '';
}

