// The Kyverno upgrade the KB ends with (kyverno chart 3.0.9 → 3.2.6, kyverno-policies 3.0.7 → 3.2.5,
// Kyverno 1.10 → 1.12), judged before it is run: every workload's findings under the current state and
// the target, and for each change whether the policies' content (the new chart) or the engine (Kyverno
// 1.12's behaviour) caused it. The cause is found with a third audit, the new policies under the old
// engine: current → (new policies, 1.10) is the policy change, that → (new policies, 1.12) the engine's.
import { CHART_LINES, kubeMinor, kubernetesHopsFor, type KubernetesHop, kyvernoRange } from '../chart/index.js';
import type { KubeObject } from '../kube/index.js';
import type { CompiledPolicy, ForEachValidation, Rule } from '../kyverno/index.js';
import { deepEqual, isObject } from '../util/index.js';
import type { AuditResult, Violation } from './audit.js';

/** The upgrade podgate judges: from what the KB installs on 1.24 to what it upgrades to after 1.26. */
export const UPGRADE = {
  from: { kyverno: '1.10', kyvernoChart: '3.0.9', policiesChart: '3.0.7' },
  to: { kyverno: '1.12', kyvernoChart: '3.2.6', policiesChart: '3.2.5' },
} as const;

/** What a workload gets: denied (an Enforce finding), warned (Audit findings only) or allowed. */
export type Decision = 'allowed' | 'warned' | 'denied';

/** One workload whose findings differ between the current state and the target. */
export interface DecisionChange {
  kind: string;
  namespace: string;
  name: string;
  before: Decision;
  after: Decision;
  /** Findings (`policy/rule: message`) only the target has, and only the current state has. */
  added: string[];
  removed: string[];
  /**
   * What changed them: the policies' content (chart 3.0.7 → 3.2.5 with the translated values) or the kyverno
   * chart's values (resource filters, PolicyExceptions in effect) — `policies` —, the engine (Kyverno
   * 1.10 → 1.12), or both.
   */
  causes: ('policies' | 'engine')[];
}

/** A chart policy whose rendered content differs between the two charts. */
export interface PolicyContentChange {
  policy: string;
  change: 'added' | 'removed' | 'changed';
}

/** The comparison `migrate upgrade` reports. */
export interface UpgradeComparison {
  workloads: number;
  changes: DecisionChange[];
  policyChanges: PolicyContentChange[];
  summary: { changed: number; newlyDenied: number; noLongerDenied: number; byCause: { policies: number; engine: number } };
}

const workloadKey = (v: { kind: string; namespace: string; name: string }) => `${v.kind}/${v.namespace}/${v.name}`;
const finding = (v: Violation) => `${v.policy}/${v.rule} (${v.result}, ${v.action}): ${v.message}`;

function byWorkload(a: AuditResult): Map<string, Violation[]> {
  const out = new Map<string, Violation[]>();
  for (const v of a.violations) {
    const k = workloadKey(v);
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

function decisionOf(vs: readonly Violation[] | undefined): Decision {
  if (!vs || vs.length === 0) return 'allowed';
  return vs.some((v) => v.action === 'Enforce') ? 'denied' : 'warned';
}

const findings = (vs: readonly Violation[] | undefined) => new Set((vs ?? []).map(finding));
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** Compares the three audits: current, target policies under the current engine, and the target. */
export function compareUpgrade(current: AuditResult, newPolicies: AuditResult, target: AuditResult): Omit<UpgradeComparison, 'policyChanges'> {
  const a = byWorkload(current);
  const c = byWorkload(newPolicies);
  const b = byWorkload(target);
  const keys = [...new Set([...a.keys(), ...b.keys(), ...c.keys()])].sort();
  const changes: DecisionChange[] = [];
  for (const k of keys) {
    const fa = findings(a.get(k));
    const fb = findings(b.get(k));
    if (sameSet(fa, fb)) continue;
    const fc = findings(c.get(k));
    const causes: DecisionChange['causes'] = [];
    if (!sameSet(fa, fc)) causes.push('policies');
    if (!sameSet(fc, fb)) causes.push('engine');
    const v = (a.get(k) ?? b.get(k) ?? c.get(k))![0]!;
    changes.push({
      kind: v.kind,
      namespace: v.namespace,
      name: v.name,
      before: decisionOf(a.get(k)),
      after: decisionOf(b.get(k)),
      added: [...fb].filter((x) => !fa.has(x)).sort(),
      removed: [...fa].filter((x) => !fb.has(x)).sort(),
      causes,
    });
  }
  const newlyDenied = changes.filter((x) => x.after === 'denied' && x.before !== 'denied').length;
  const noLongerDenied = changes.filter((x) => x.before === 'denied' && x.after !== 'denied').length;
  return {
    workloads: Math.max(current.summary.evaluated, target.summary.evaluated),
    changes,
    summary: {
      changed: changes.length,
      newlyDenied,
      noLongerDenied,
      byCause: { policies: changes.filter((x) => x.causes.includes('policies')).length, engine: changes.filter((x) => x.causes.includes('engine')).length },
    },
  };
}

/** A workload an UPDATE of which Kyverno 1.12 admits without its violation fixed, and the rules concerned (`policy/rule`). */
export interface UpdateAdmitted {
  kind: string;
  namespace: string;
  name: string;
  rules: string[];
}

/** True when a foreach declaration (or one nested in it) checks its elements with pattern/anyPattern. */
const foreachHasPattern = (fs: readonly ForEachValidation[] | undefined): boolean => (fs ?? []).some((f) => f.pattern !== undefined || f.anyPattern !== undefined || foreachHasPattern(f.foreach));

/**
 * Whether Kyverno 1.12 compares the rule's result with the old object's on an UPDATE: pattern and anyPattern,
 * at the top of the rule or in a foreach (validate_resource.go); deny, podSecurity and CEL are not compared.
 */
const comparedOnUpdate = (r: Rule) => r.validate !== undefined && (r.validate.pattern !== undefined || r.validate.anyPattern !== undefined || foreachHasPattern(r.validate.foreach));

/**
 * The workloads with an Enforce finding of a rule Kyverno 1.12 compares with the old object on UPDATE (in the
 * target audit): an UPDATE that leaves that finding as it is (same status and message) is skipped there, so
 * admitted, where 1.10 denies it. CREATE decisions are not affected, so compareUpgrade cannot show it.
 */
export function updatesAdmittedWithoutFix(target: AuditResult, policies: readonly CompiledPolicy[]): UpdateAdmitted[] {
  const compared = new Set<string>();
  for (const p of policies) for (const r of p.rules) if (comparedOnUpdate(r)) compared.add(`${p.policy.name}/${r.name}`);
  const out = new Map<string, UpdateAdmitted>();
  for (const v of target.violations) {
    const rule = `${v.policy}/${v.rule}`;
    if (v.action !== 'Enforce' || !compared.has(rule)) continue;
    const k = workloadKey(v);
    const entry = out.get(k) ?? { kind: v.kind, namespace: v.namespace, name: v.name, rules: [] };
    if (!entry.rules.includes(rule)) entry.rules.push(rule);
    out.set(k, entry);
  }
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => ({ ...e, rules: [...e.rules].sort() }));
}

/** True for a label or annotation key in the kyverno.io domain (`kyverno.io/…`, `pod-policies.kyverno.io/…`). */
const isKyvernoKey = (k: string) => {
  const slash = k.indexOf('/');
  const domain = slash < 0 ? '' : k.slice(0, slash);
  return domain === 'kyverno.io' || domain.endsWith('.kyverno.io');
};

function kyvernoMetadata(v: unknown): Record<string, unknown> {
  return isObject(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => isKyvernoKey(k))) : {};
}

/**
 * What of a policy Kyverno reads: the spec, the validation failure actions as Kyverno understands them
 * (`audit` and `Audit` are one action) and the labels and annotations of the kyverno.io domains
 * (`pod-policies.kyverno.io/autogen-controllers`, `policies.kyverno.io/severity`, …). Chart bookkeeping
 * (`app.kubernetes.io/version`, `helm.sh/chart`) is not part of it.
 */
function kyvernoContent(p: CompiledPolicy): unknown {
  const raw = p.policy.raw;
  const spec: Record<string, unknown> = isObject(raw.spec) ? { ...raw.spec } : {};
  if (spec.validationFailureAction !== undefined) spec.validationFailureAction = p.policy.validationFailureAction;
  if (spec.validationFailureActionOverrides !== undefined) spec.validationFailureActionOverrides = p.policy.validationFailureActionOverrides;
  const md = isObject(raw.metadata) ? raw.metadata : {};
  return { spec, labels: kyvernoMetadata(md.labels), annotations: kyvernoMetadata(md.annotations) };
}

/** Chart policies whose content (what Kyverno reads, kyvernoContent) differs between the two policy sets (by name). */
export function policyContentChanges(before: readonly CompiledPolicy[], after: readonly CompiledPolicy[], isChart: (name: string) => boolean): PolicyContentChange[] {
  const a = new Map(before.filter((p) => isChart(p.policy.name)).map((p) => [p.policy.name, p]));
  const b = new Map(after.filter((p) => isChart(p.policy.name)).map((p) => [p.policy.name, p]));
  const out: PolicyContentChange[] = [];
  for (const [name, p] of b) {
    const old = a.get(name);
    if (!old) out.push({ policy: name, change: 'added' });
    else if (!deepEqual(kyvernoContent(old), kyvernoContent(p))) out.push({ policy: name, change: 'changed' });
  }
  for (const name of a.keys()) if (!b.has(name)) out.push({ policy: name, change: 'removed' });
  return out.sort((x, y) => (x.policy < y.policy ? -1 : x.policy > y.policy ? 1 : 0));
}

/**
 * Why the target cannot be judged on this Kubernetes, undefined when it can: Kyverno 1.12 is tested on
 * 1.26–1.29 (the version matrix). Below, the Kubernetes upgrades that must come first (`hops`); above or
 * not a 1.x version, the supported range (no hops).
 */
export function kubernetesGate(kubernetes: string): { message: string; hops: KubernetesHop[] } | undefined {
  const minor = kubeMinor(kubernetes);
  if (!minor) return { message: `${JSON.stringify(kubernetes)} is not a Kubernetes version like 1.26`, hops: [] };
  const [major, m] = minor.split('.').map(Number) as [number, number];
  const row = kyvernoRange(UPGRADE.to.kyverno);
  const line = CHART_LINES.find((l) => l.chart === 'kyverno' && l.kyverno === UPGRADE.to.kyverno);
  if (!row) return undefined;
  const target = `Kyverno ${UPGRADE.to.kyverno} (chart ${UPGRADE.to.kyvernoChart})`;
  const tested = `Kubernetes ${row.kubernetesMin}–${row.kubernetesMax}`;
  if (major !== 1) return { message: `${JSON.stringify(kubernetes)} is not a Kubernetes 1.x version; ${target} is tested on ${tested}`, hops: [] };
  const min = Number(row.kubernetesMin.split('.')[1]);
  const max = Number(row.kubernetesMax.split('.')[1]);
  if (m > max) {
    return {
      message: `Kubernetes ${minor} is above what ${target} supports: it is tested on ${tested}; podgate judges this upgrade on ${tested} only (run it before Kubernetes goes past ${row.kubernetesMax})`,
      hops: [],
    };
  }
  if (m >= min) return undefined;
  const hops = kubernetesHopsFor(UPGRADE.to.kyverno, m);
  const path = [minor, ...hops.map((h) => h.to)].join(' → ');
  const during = hops.map((h) => `${h.from} → ${h.to} with Kyverno ${h.kyverno?.kyverno ?? '(none verified)'}`).join(', ');
  return {
    message:
      `Kubernetes ${minor} is below what ${target} supports: it is tested on ${tested}` +
      `${line ? ` and its chart requires kubeVersion ${line.kubeVersion}` : ''}. Upgrade Kubernetes first, one minor at a time: ${path} (${during}), then run migrate upgrade --kubernetes ${row.kubernetesMin}`,
    hops,
  };
}

/**
 * A PolicyException as Kyverno 1.12.5 serves it: its CRD no longer serves kyverno.io/v2alpha1, so a
 * v2alpha1 exception becomes kyverno.io/v2beta1 (the same spec: exceptions, match, background,
 * podSecurity) without the server's fields. Objects of other versions are returned as they are.
 */
export function exceptionFor112(o: KubeObject): KubeObject {
  if (o.apiVersion !== 'kyverno.io/v2alpha1') return o;
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, ...metadata } = o.metadata;
  return { ...o, apiVersion: 'kyverno.io/v2beta1', metadata } as KubeObject;
}

/** The PolicyExceptions among `objects`, as Kyverno 1.12.5 serves them (exceptionFor112), and how many were v2alpha1. */
export function translateExceptions(objects: readonly KubeObject[]): { exceptions: KubeObject[]; translated: number } {
  const found = objects.filter((o) => o.kind === 'PolicyException' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kyverno.io/'));
  return { exceptions: found.map(exceptionFor112), translated: found.filter((o) => o.apiVersion === 'kyverno.io/v2alpha1').length };
}
