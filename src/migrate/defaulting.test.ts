import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import { applyApiServerDefaults, isServerObject } from './defaulting.js';

const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec }) as KubeObject;

const cases: { name: string; input: KubeObject; changes: number; check: (o: KubeObject) => void }[] = [
  {
    name: 'hostNetwork defaults hostPort from containerPort',
    input: pod({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 9100 }] }] }),
    changes: 1,
    check: (o) => assert.equal((o.spec as { containers: { ports: { hostPort: number }[] }[] }).containers[0]!.ports[0]!.hostPort, 9100),
  },
  {
    name: 'without hostNetwork, ports are left alone',
    input: pod({ containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }),
    changes: 0,
    check: (o) => assert.equal((o.spec as { containers: { ports: { hostPort?: number }[] }[] }).containers[0]!.ports[0]!.hostPort, undefined),
  },
  {
    name: 'a pod seccomp annotation sets the pod seccompProfile field',
    input: pod({ containers: [{ name: 'c' }] }, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }),
    changes: 1,
    check: (o) => assert.deepEqual((o.spec as { securityContext: unknown }).securityContext, { seccompProfile: { type: 'RuntimeDefault' } }),
  },
  {
    name: 'a container seccompProfile field sets the container annotation',
    input: pod({ containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }] }),
    changes: 1,
    check: (o) => assert.equal(o.metadata.annotations?.['container.seccomp.security.alpha.kubernetes.io/c'], 'localhost/p.json'),
  },
  {
    name: 'Deployment templates get port defaulting but no seccomp syncing',
    input: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 1 }] }] } } },
    } as KubeObject,
    changes: 1,
    check: (o) => assert.equal(JSON.stringify(o).includes('seccompProfile'), false),
  },
];
for (const c of cases) {
  test(c.name, () => {
    const before = JSON.stringify(c.input);
    const r = applyApiServerDefaults(c.input);
    assert.equal(r.changes.length, c.changes, r.changes.join('\n'));
    c.check(r.object);
    assert.equal(JSON.stringify(c.input), before, 'the input is not modified');
  });
}

test('objects read back from an API server are recognised by uid/resourceVersion', () => {
  assert.equal(isServerObject(pod({})), false);
  assert.equal(isServerObject({ ...pod({}), metadata: { name: 'p', uid: 'x' } }), true);
});
