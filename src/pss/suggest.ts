// Suggests Pod Security Admission namespace labels from the workloads a namespace runs: the
// strictest level (and version) they all satisfy, the enforce/audit/warn labels to set, and the
// workloads that keep the namespace from the next stricter setting.
// No upstream counterpart: built on evaluatePod (pod-security-admission policy/registry.go semantics).
import { type ClusterSnapshot, type LoadedObject, podView } from '../kube/index.js';
import { evaluatePod } from './evaluate.js';
import type { PssLevel, PssPod } from './types.js';
import { formatPssVersion } from './version.js';

/** The PSA namespace label prefix. */
export const PSA_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** A workload that fails the next stricter setting, with PSA's message. */
export interface Blocker {
  kind: string;
  name: string;
  file: string;
  level: PssLevel;
  message: string;
}

/** The suggestion for one namespace. */
export interface NamespaceSuggestion {
  namespace: string;
  /** Strictest level every workload satisfies. */
  level: PssLevel;
  /** The pinned version (the cluster's, e.g. `v1.24`), or an older one at which `level` still holds. Never `latest`. */
  version: string;
  /** The pod-security.kubernetes.io labels to set. */
  labels: Record<string, string>;
  /** The namespace's current pod-security.kubernetes.io labels. */
  current: Record<string, string>;
  /** Number of pod-bearing workloads evaluated. */
  workloads: number;
  /** Workloads failing the next stricter level at the pinned version (empty at restricted). */
  blockers: Blocker[];
}

/** Options of suggestNamespaceLabels. */
export interface SuggestOptions {
  /** The cluster's Kubernetes minor every label is pinned to (default 24: `v1.24`). */
  minor?: number;
}

interface PodOf {
  lo: LoadedObject;
  pod: PssPod;
}

function allPass(pods: readonly PodOf[], level: PssLevel, version: string): boolean {
  return pods.every((p) => evaluatePod(p.pod, level, version).allowed);
}

/** Strictest (level, version): restricted before baseline before privileged; the pinned version before older ones. */
function strictest(pods: readonly PodOf[], pin: number): { level: PssLevel; version: string } {
  for (const level of ['restricted', 'baseline'] as const) {
    for (let v = pin; v >= 0; v--) {
      const version = formatPssVersion(v);
      if (allPass(pods, level, version)) return { level, version };
    }
  }
  return { level: 'privileged', version: formatPssVersion(pin) };
}

/** Suggests PSA labels for every namespace of a snapshot (sorted by name). */
export function suggestNamespaceLabels(snap: ClusterSnapshot, opts: SuggestOptions = {}): NamespaceSuggestion[] {
  // Pinned, never `latest`: a label pinned to latest changes meaning when the cluster is upgraded.
  const pin = opts.minor ?? 24;
  const pinned = formatPssVersion(pin);
  const byNs = new Map<string, PodOf[]>();
  for (const ns of snap.namespaces) byNs.set(ns.name, []);
  for (const lo of snap.workloads) {
    const view = podView(lo.object);
    if (!view) continue;
    const ns = lo.object.metadata.namespace || 'default';
    const list = byNs.get(ns) ?? [];
    list.push({ lo, pod: { metadata: view.metadata, spec: view.spec } });
    byNs.set(ns, list);
  }
  const out: NamespaceSuggestion[] = [];
  for (const [namespace, pods] of [...byNs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { level, version } = strictest(pods, pin);
    const next: PssLevel | undefined = level === 'restricted' ? (version === pinned ? undefined : 'restricted') : level === 'baseline' ? 'restricted' : 'baseline';
    const blockers: Blocker[] = [];
    if (next) {
      for (const p of pods) {
        const r = evaluatePod(p.pod, next, pinned);
        if (!r.allowed) blockers.push({ kind: p.lo.object.kind, name: p.lo.object.metadata.name ?? '', file: p.lo.source.file, level: next, message: r.message ?? '' });
      }
    }
    const labels: Record<string, string> = {
      [`${PSA_LABEL_PREFIX}enforce`]: level,
      [`${PSA_LABEL_PREFIX}enforce-version`]: version,
      [`${PSA_LABEL_PREFIX}audit`]: 'restricted',
      [`${PSA_LABEL_PREFIX}audit-version`]: pinned,
      [`${PSA_LABEL_PREFIX}warn`]: 'restricted',
      [`${PSA_LABEL_PREFIX}warn-version`]: pinned,
    };
    const labelsOfNs = snap.namespaces.find((n) => n.name === namespace)?.labels ?? {};
    const current = Object.fromEntries(Object.entries(labelsOfNs).filter(([k]) => k.startsWith(PSA_LABEL_PREFIX)));
    out.push({ namespace, level, version, labels, current, workloads: pods.length, blockers });
  }
  return out;
}
