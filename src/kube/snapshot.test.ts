import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObjects } from '../cluster/index.js';
import type { KubeObject, LoadedObject } from './object.js';
import { allObjects, buildSnapshot, namespaceLabels } from './snapshot.js';

let line = 0;
const lo = (apiVersion: string, kind: string, name: string, namespace?: string, labels?: Record<string, string>): LoadedObject => ({
  object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) } } as KubeObject,
  source: { file: 'dump.yaml', document: 0, line: ++line },
});

const input: LoadedObject[] = [
  lo('v1', 'Namespace', 'ray-restricted', undefined, { team: 'ray' }),
  lo('v1', 'Namespace', 'ray-restricted'),
  lo('v1', 'Pod', 'p', 'ray-restricted'),
  lo('apps/v1', 'Deployment', 'd', 'ray-restricted'),
  lo('batch/v1', 'CronJob', 'cj', 'kyverno'),
  lo('policy/v1beta1', 'PodSecurityPolicy', 'privileged'),
  lo('rbac.authorization.k8s.io/v1', 'ClusterRole', 'psp:privileged'),
  lo('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'kube-system'),
  lo('v1', 'ServiceAccount', 'default', 'ray-restricted'),
  lo('kyverno.io/v1', 'ClusterPolicy', 'disallow-host-path'),
  lo('kyverno.io/v2beta1', 'Policy', 'ray-l9x71kv-lhv', 'ray-restricted'),
  lo('nvidia.com/v1', 'ClusterPolicy', 'cluster-policy'),
  lo('v1', 'ConfigMap', 'cm', 'gpu-operator'),
];
const snap = buildSnapshot(input);
const names = (l: LoadedObject[]) => l.map((o) => o.object.metadata.name);

const groups: { name: string; got: () => unknown; want: unknown }[] = [
  { name: 'pods and every pod controller are workloads', got: () => names(snap.workloads), want: ['p', 'd', 'cj'] },
  { name: 'PodSecurityPolicies are grouped', got: () => names(snap.podSecurityPolicies), want: ['privileged'] },
  { name: 'RBAC kinds and ServiceAccounts are grouped', got: () => names(snap.rbac), want: ['psp:privileged', 'rb', 'default'] },
  { name: 'only kyverno.io ClusterPolicy/Policy are Kyverno policies', got: () => names(snap.kyvernoPolicies), want: ['disallow-host-path', 'ray-l9x71kv-lhv'] },
  { name: "another group's ClusterPolicy (the GPU operator's) is carried as other", got: () => names(snap.other), want: ['cluster-policy', 'cm'] },
  {
    name: 'namespaces are listed once, first listing wins, and referenced ones are added',
    got: () => snap.namespaces.map((n) => [n.name, n.labels]),
    want: [
      ['ray-restricted', { team: 'ray' }],
      ['kyverno', { 'kubernetes.io/metadata.name': 'kyverno' }],
      ['kube-system', { 'kubernetes.io/metadata.name': 'kube-system' }],
      ['gpu-operator', { 'kubernetes.io/metadata.name': 'gpu-operator' }],
    ],
  },
  { name: 'a listed namespace keeps its source', got: () => snap.namespaces[0]?.source?.line, want: input[0]?.source.line },
  { name: 'namespaceLabels adds the automatic name label', got: () => namespaceLabels(snap, 'ray-restricted'), want: { 'kubernetes.io/metadata.name': 'ray-restricted', team: 'ray' } },
  { name: 'namespaceLabels of an unknown namespace is just the name label', got: () => namespaceLabels(snap, 'nope'), want: { 'kubernetes.io/metadata.name': 'nope' } },
  { name: 'allObjects returns every non-namespace object once', got: () => allObjects(snap).length, want: input.length - 2 },
];

for (const g of groups) {
  test(g.name, () => {
    assert.deepEqual(g.got(), g.want);
  });
}

test('the bundled BCM sample groups into the seed cluster: 15 namespaces, 4 PSPs, PSP RBAC, workloads', () => {
  const r = loadObjects([new URL('../../examples/bcm-9.2-k8s-1.24/cluster', import.meta.url).pathname]);
  assert.deepEqual(r.errors, []);
  const s = buildSnapshot(r.objects);
  assert.deepEqual(
    s.namespaces.map((n) => n.name),
    ['default', 'kube-system', 'cm', 'cm-permissions', 'local-path-storage', 'prometheus', 'gpu-operator', 'network-operator', 'runai', 'ceph-csi-rbd', 'metallb-system', 'ovn-kubernetes', 'kyverno', 'cmsupport-restricted', 'ray-restricted'],
  );
  assert.deepEqual(names(s.podSecurityPolicies).sort(), ['cmsupport-restricted', 'local-path-provisioner-psp', 'privileged', 'ray-restricted']);
  assert.ok(s.workloads.some((w) => w.object.kind === 'DaemonSet' && w.object.metadata.name === 'gpu-operator-node-feature-discovery-worker'));
  assert.ok(s.rbac.some((o) => o.object.kind === 'RoleBinding'));
  assert.deepEqual(s.kyvernoPolicies, []);
  assert.ok(s.other.some((o) => o.object.kind === 'CmKubernetesPermissionUser'));
});

test('a CRD kind named like a workload (Volcano Job) is not a workload', () => {
  const objects = [
    { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'vj', namespace: 'ml' }, spec: { tasks: [] } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'kj', namespace: 'ml' }, spec: { template: { spec: { containers: [] } } } },
  ].map((object, i) => ({ object: object as KubeObject, source: { file: 'mem', document: i, line: 1 } }));
  const snap = buildSnapshot(objects);
  assert.deepEqual(
    snap.workloads.map((w) => w.object.metadata.name),
    ['kj'],
  );
  assert.deepEqual(
    snap.other.map((w) => w.object.metadata.name),
    ['vj'],
  );
});
