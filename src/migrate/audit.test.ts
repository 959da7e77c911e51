import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKyvernoConfig } from '../kyverno/config/index.js';
import { buildSnapshot, type KubeObject } from '../kube/index.js';
import { runAudit } from './audit.js';
import { buildTargetPolicies } from './target.js';

// Verifier probe: checking the pods a controller covers looked each owner up with a search of every
// workload, so the audit was quadratic: 48,000 objects (Deployments, their ReplicaSets and pods) took 99 s
// instead of 1 s. Counted here as reads of the workload list (no timing): a few per workload, not one per
// workload and owner.
test('the audit reads the workload list a bounded number of times per workload, however many owners cover pods', () => {
  const objects: KubeObject[] = [];
  const owners = 60;
  for (let i = 0; i < owners; i++) {
    const labels = { app: `app-${i}` };
    const spec = { containers: [{ name: 'c', image: 'nginx:1.25', securityContext: { privileged: i % 3 === 0 } }] };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `app-${i}-6d4cf56db6`, namespace: `team-${i % 4}`, uid: `rs-${i}` },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
    } as KubeObject);
  }
  for (let i = 0; i < owners; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `app-${i}-6d4cf56db6-x1`,
        namespace: `team-${i % 4}`,
        labels: { app: `app-${i}` },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${i}-6d4cf56db6`, uid: `rs-${i}`, controller: true }],
      },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25', securityContext: { privileged: i % 3 === 0 } }] },
    } as KubeObject);
  }
  const snapshot = buildSnapshot(objects.map((object, i) => ({ object, source: { file: 'dump.yaml', document: i, line: 1 } })));
  let reads = 0;
  const list = snapshot.workloads;
  const counted = new Proxy(list, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
  const target = buildTargetPolicies({ chartVersion: '3.0.7', values: [{}], users: [], extra: [] });
  const res = runAudit({ snapshot: { ...snapshot, workloads: counted }, policies: target.policies, kyvernoConfig: defaultKyvernoConfig(), userNamespaces: new Map() });
  // Every pod is covered by its ReplicaSet (the pods carry nothing their template lacks).
  assert.equal(res.coveredByOwner.length, owners);
  assert.ok(reads <= 5 * list.length, `${reads} reads of ${list.length} workloads`);
});
