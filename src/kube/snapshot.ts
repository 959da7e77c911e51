// A cluster snapshot: the objects podgate reasons about, sorted by role.
import { type KubeObject, type LoadedObject, splitApiVersion } from './object.js';
import { isPodBearingKind } from './pod-spec.js';

/** A namespace with its labels. */
export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  source?: LoadedObject['source'];
  /** Why the namespace is being deleted (`deletionTimestamp …`, `status.phase Terminating`), when it is. */
  terminating?: string;
}

/** Everything read from a dump or a live cluster, grouped by role. */
export interface ClusterSnapshot {
  namespaces: NamespaceInfo[];
  /** Pods and pod controllers. */
  workloads: LoadedObject[];
  podSecurityPolicies: LoadedObject[];
  /** ClusterRole, Role, ClusterRoleBinding, RoleBinding, ServiceAccount. */
  rbac: LoadedObject[];
  /** Kyverno ClusterPolicy and Policy objects. */
  kyvernoPolicies: LoadedObject[];
  /** Everything else, carried along, never dropped. */
  other: LoadedObject[];
  /**
   * Namespaces given twice whose copies differ in what decides admission (labels: namespaceSelector
   * matches, PSA labels; being deleted). The first copy is the one in `namespaces`; what differs is worded.
   */
  namespaceConflicts: { name: string; first: NamespaceInfo; second: NamespaceInfo; differs: string[] }[];
}

/** What differs between two copies of one Namespace that decides admission (labels, being deleted). */
export function namespaceDifferences(a: NamespaceInfo, b: NamespaceInfo): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(a.labels), ...Object.keys(b.labels)])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const show = (l: Record<string, string>, k: string) => (Object.hasOwn(l, k) ? JSON.stringify(l[k]) : '(not set)');
  for (const k of keys) if (a.labels[k] !== b.labels[k] || Object.hasOwn(a.labels, k) !== Object.hasOwn(b.labels, k)) out.push(`label ${k}: ${show(a.labels, k)} / ${show(b.labels, k)}`);
  if ((a.terminating === undefined) !== (b.terminating === undefined)) out.push(`being deleted: ${a.terminating ?? 'no'} / ${b.terminating ?? 'no'}`);
  return out;
}

/** A v1 Namespace object as the snapshot keeps it. */
export function namespaceInfo(lo: LoadedObject): NamespaceInfo {
  const o = lo.object;
  const ns: NamespaceInfo = {
    name: o.metadata.name ?? '',
    labels: { ...(o.metadata.labels ?? {}) },
    annotations: { ...(o.metadata.annotations ?? {}) },
    source: lo.source,
  };
  const deleted = (o.metadata as { deletionTimestamp?: unknown }).deletionTimestamp;
  const phase = (o.status as { phase?: unknown } | undefined)?.phase;
  if (deleted !== undefined && deleted !== null) ns.terminating = `deletionTimestamp ${String(deleted)}`;
  else if (phase === 'Terminating') ns.terminating = 'status.phase Terminating';
  return ns;
}

const RBAC_KINDS = new Set(['ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'ServiceAccount']);
/** API groups of the built-in pod-bearing kinds: a CRD kind named `Job` (Volcano, …) is not a workload. */
export const POD_GROUPS: ReadonlySet<string> = new Set(['', 'apps', 'batch', 'extensions']);

/** Groups loaded objects into a snapshot. Namespaces referenced by objects but not listed are added. */
export function buildSnapshot(objects: readonly LoadedObject[]): ClusterSnapshot {
  const snap: ClusterSnapshot = {
    namespaces: [],
    workloads: [],
    podSecurityPolicies: [],
    rbac: [],
    kyvernoPolicies: [],
    other: [],
    namespaceConflicts: [],
  };
  const seen = new Map<string, NamespaceInfo>();
  for (const lo of objects) {
    const o = lo.object;
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') {
      const ns = namespaceInfo(lo);
      const first = seen.get(ns.name);
      if (first === undefined) {
        seen.set(ns.name, ns);
        snap.namespaces.push(ns);
      } else {
        const differs = namespaceDifferences(first, ns);
        if (differs.length > 0) snap.namespaceConflicts.push({ name: ns.name, first, second: ns, differs });
      }
    } else if (isPodBearingKind(o.kind) && POD_GROUPS.has(splitApiVersion(o.apiVersion).group)) {
      snap.workloads.push(lo);
    } else if (o.kind === 'PodSecurityPolicy') {
      snap.podSecurityPolicies.push(lo);
    } else if ((RBAC_KINDS.has(o.kind) && o.apiVersion.startsWith('rbac.authorization.k8s.io/')) || (o.kind === 'ServiceAccount' && o.apiVersion === 'v1')) {
      snap.rbac.push(lo);
    } else if ((o.kind === 'ClusterPolicy' || o.kind === 'Policy') && o.apiVersion.startsWith('kyverno.io/')) {
      snap.kyvernoPolicies.push(lo);
    } else {
      snap.other.push(lo);
    }
  }
  for (const lo of objects) {
    const ns = lo.object.metadata.namespace;
    if (ns && !seen.has(ns)) {
      const info: NamespaceInfo = { name: ns, labels: { 'kubernetes.io/metadata.name': ns }, annotations: {} };
      seen.set(ns, info);
      snap.namespaces.push(info);
    }
  }
  return snap;
}

/** The labels of a namespace in the snapshot (with the automatic `kubernetes.io/metadata.name`). */
export function namespaceLabels(snap: ClusterSnapshot, name: string): Record<string, string> {
  const ns = snap.namespaces.find((n) => n.name === name);
  return { 'kubernetes.io/metadata.name': name, ...(ns?.labels ?? {}) };
}

/** All objects of a snapshot in one list. */
export function allObjects(snap: ClusterSnapshot): KubeObject[] {
  return [...snap.workloads, ...snap.podSecurityPolicies, ...snap.rbac, ...snap.kyvernoPolicies, ...snap.other].map((l) => l.object);
}
