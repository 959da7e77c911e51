// Recognises which component a workload belongs to (GPU operator, Prometheus stack, …) from its
// labels and namespace, with a built-in catalog of the components BCM installs, extendable by a file.
import type { KubeObject } from '../kube/index.js';
import { podView } from '../kube/index.js';
import { isObject } from '../util/index.js';

/** One catalog entry. `comment` is what the seed writes next to the namespace in values files. */
export interface ComponentDef {
  id: string;
  /** Human name, used as the comment on generated exceptions. */
  comment: string;
  /** Namespaces the component is normally installed into. */
  namespaces: string[];
  /** Label values (of app.kubernetes.io/name, part-of, app, k8s-app, helm.sh/chart prefix, release) that identify it. */
  labelValues: string[];
  /** True for cluster infrastructure that may be exempted; false for user workloads. */
  system: boolean;
  /**
   * Policies that pods the component creates later (not in any snapshot) need exempted in its
   * namespace: e.g. local-path-provisioner's per-volume helper pods mount hostPath.
   */
  laterPodsNeed?: string[];
}

/** The components of a BCM 9.2 Kubernetes cluster (the seed's full values file names them). */
export const BUILTIN_COMPONENTS: readonly ComponentDef[] = [
  { id: 'prometheus', comment: 'Kube Prometheus Stack', namespaces: ['prometheus', 'monitoring'], labelValues: ['kube-prometheus-stack', 'prometheus-node-exporter', 'node-exporter', 'prometheus', 'alertmanager', 'grafana', 'kube-state-metrics'], system: true },
  { id: 'gpu-operator', comment: 'NVIDIA GPU Operator', namespaces: ['gpu-operator'], labelValues: ['gpu-operator', 'node-feature-discovery', 'nvidia-device-plugin-daemonset', 'nvidia-dcgm-exporter', 'nvidia-container-toolkit-daemonset', 'nvidia-operator-validator', 'gpu-feature-discovery'], system: true },
  { id: 'network-operator', comment: 'NVIDIA Network Operator', namespaces: ['network-operator', 'nvidia-network-operator'], labelValues: ['network-operator', 'mofed', 'rdma-shared-dp', 'sriov-network-operator', 'multus', 'whereabouts'], system: true },
  { id: 'runai', comment: 'Run:AI SaaS', namespaces: ['runai'], labelValues: ['runai', 'runai-operator', 'runai-cluster', 'run-ai'], system: true },
  { id: 'ceph-csi-rbd', comment: 'CEPH', namespaces: ['ceph-csi-rbd', 'ceph-csi-cephfs'], labelValues: ['ceph-csi-rbd', 'ceph-csi-cephfs', 'csi-rbdplugin', 'csi-rbdplugin-provisioner'], system: true },
  { id: 'metallb', comment: 'MetalLB (Load Balancer)', namespaces: ['metallb-system'], labelValues: ['metallb'], system: true },
  { id: 'ovn-kubernetes', comment: 'Kubernetes OVN CNI', namespaces: ['ovn-kubernetes'], labelValues: ['ovn-kubernetes', 'ovnkube-node', 'ovnkube-master', 'ovnkube-db', 'ovs-node'], system: true },
  { id: 'local-path-storage', comment: 'Local Path Provisioner', namespaces: ['local-path-storage'], labelValues: ['local-path-provisioner'], system: true, laterPodsNeed: ['disallow-host-path'] },
  { id: 'cm', comment: 'BCM (cmdaemon integration, permissions manager)', namespaces: ['cm', 'cm-permissions'], labelValues: ['cm-kubernetes-permissions-manager', 'permissions-manager', 'cm-kubernetes-mpi-operator', 'cmdaemon'], system: true },
  { id: 'kube-system', comment: 'Kubernetes system (CNI, DNS, kube-proxy)', namespaces: ['kube-system'], labelValues: ['calico-node', 'calico-kube-controllers', 'coredns', 'kube-dns', 'kube-proxy', 'metrics-server', 'nginx-ingress'], system: true },
  { id: 'kyverno', comment: 'Kyverno', namespaces: ['kyverno'], labelValues: ['kyverno', 'kyverno-policies'], system: true },
];

const LABEL_KEYS = ['app.kubernetes.io/part-of', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app', 'k8s-app', 'release', 'helm.sh/chart', 'name'];

function labelsOf(o: KubeObject): Record<string, string> {
  const pv = podView(o);
  return { ...(pv?.metadata.labels ?? {}), ...(o.metadata.labels ?? {}) };
}

/** Finds the component of a workload: by labels first, then by namespace; undefined when unknown. */
export function recognizeComponent(o: KubeObject, catalog: readonly ComponentDef[] = BUILTIN_COMPONENTS): ComponentDef | undefined {
  const labels = labelsOf(o);
  for (const key of LABEL_KEYS) {
    const raw = labels[key];
    if (!raw) continue;
    // helm.sh/chart is `<chart>-<version>`: compare the chart name.
    const value = key === 'helm.sh/chart' ? raw.replace(/-v?\d[\w.+-]*$/, '') : raw;
    const hit = catalog.find((c) => c.labelValues.includes(value));
    if (hit) return hit;
  }
  const ns = o.metadata.namespace ?? '';
  return catalog.find((c) => c.namespaces.includes(ns));
}

/** Reads an extra catalog file's content: `{components: [{id, comment, namespaces, labelValues, system, laterPodsNeed}]}`. */
export function parseCatalog(doc: unknown, file: string): ComponentDef[] {
  if (!isObject(doc) || !Array.isArray(doc.components)) throw new Error(`${file}: expected a mapping with a "components" list`);
  return doc.components.map((c, i) => {
    if (!isObject(c) || typeof c.id !== 'string') throw new Error(`${file}: components[${i}].id: Required value`);
    const strs = (v: unknown, f: string) => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${file}: components[${i}].${f}: must be a list of strings`);
      return v as string[];
    };
    return {
      id: c.id,
      comment: typeof c.comment === 'string' ? c.comment : c.id,
      namespaces: strs(c.namespaces, 'namespaces'),
      labelValues: strs(c.labelValues, 'labelValues'),
      system: c.system !== false,
      ...(c.laterPodsNeed !== undefined ? { laterPodsNeed: strs(c.laterPodsNeed, 'laterPodsNeed') } : {}),
    };
  });
}
