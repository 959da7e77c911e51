// "Refused by PSP today" read from the input's RBAC, while a pod of the workload runs admitted by PSP
// (kubernetes.io/psp): the input cannot tell a binding left out of the dump (the switch would refuse a
// workload that runs) from RBAC tightened on purpose (nothing changes). It stays a blocker, and says why,
// what it found in the input, and how to clear it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = join(sample, 'inputs', 'kyverno-policies-values.minimal.yaml');

const oldPod = `apiVersion: v1
kind: Pod
metadata:
  name: ovnkube-node-9wq4d
  namespace: ovn-kubernetes
  uid: 2b3c4d5e-7777-4a5b-8c9d-0e1f2a3b4c5d
  resourceVersion: "5120"
  annotations: {kubernetes.io/psp: privileged}
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: ovnkube-node, uid: 3c4d5e6f-8888-4a5b-8c9d-0e1f2a3b4c5d, controller: true}]
spec:
  hostNetwork: true
  containers: [{name: ovnkube-node, image: ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-f:master, securityContext: {privileged: true}}]
`;

const cases: { name: string; drop: (o: { kind: string; metadata: { name: string } }) => boolean; blocker: RegExp }[] = [
  {
    name: 'a role the bindings name is missing from the input',
    drop: (o) => o.kind === 'ClusterRole' && o.metadata.name === 'psp:privileged',
    blocker: /runs admitted by PSP privileged.*RoleBinding ovn-kubernetes\/psp:privileged:ovn-kubernetes refers to ClusterRole psp:privileged, which is not in the input/,
  },
  {
    name: 'the binding was removed (RBAC tightened, or left out of the dump)',
    drop: (o) => o.kind === 'RoleBinding' && o.metadata.name === 'psp:privileged:ovn-kubernetes',
    blocker: /runs admitted by PSP privileged.*cannot tell.*left out of the input.*tightened.*delete/,
  },
];

for (const c of cases) {
  test(`migrate run: PSP's refusal read from RBAC contradicted by an admitted pod, when ${c.name}: a blocker that says why and how to clear it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-evidence-'));
    const cluster = join(dir, 'cluster');
    cpSync(join(sample, 'cluster'), cluster, { recursive: true });
    writeFileSync(join(cluster, 'zz-pod.yaml'), oldPod);
    const rbacFile = join(cluster, '02-rbac-psp.yaml');
    const list = parse(readFileSync(rbacFile, 'utf8')) as { items: { kind: string; metadata: { name: string } }[] };
    list.items = list.items.filter((o) => !c.drop(o));
    writeFileSync(rbacFile, JSON.stringify(list));
    const out = join(dir, 'out');
    const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
    assert.equal(r.code, 1, r.stdout);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { blockers: string[] };
    const b = s.blockers.filter((x) => x.startsWith('system workload DaemonSet/ovn-kubernetes/ovnkube-node '));
    assert.equal(b.length, 1, s.blockers.join('\n'));
    assert.match(b[0]!, c.blocker);
  });
}
