import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import { applyApiServerDefaults, isServerObject } from './defaulting.js';

const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec }) as KubeObject;

const cases: { name: string; input: KubeObject; changes: number; check: (o: KubeObject) => void }[] = [
  {
    name: 'hostNetwork defaults hostPort from containerPort',
    input: pod({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 9100, protocol: 'TCP' }] }] }),
    changes: 1,
    check: (o) => assert.equal((o.spec as { containers: { ports: { hostPort: number }[] }[] }).containers[0]!.ports[0]!.hostPort, 9100),
  },
  {
    name: 'without hostNetwork, ports are left alone',
    input: pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
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
    name: 'spec.serviceAccount (deprecated alias) fills an empty serviceAccountName',
    input: pod({ serviceAccount: 'foo', containers: [{ name: 'c' }] }),
    changes: 1,
    check: (o) => assert.equal((o.spec as { serviceAccountName?: string }).serviceAccountName, 'foo'),
  },
  {
    name: 'serviceAccountName wins over spec.serviceAccount',
    input: pod({ serviceAccountName: 'bar', serviceAccount: 'foo', containers: [{ name: 'c' }] }),
    changes: 0,
    check: (o) => assert.equal((o.spec as { serviceAccountName?: string }).serviceAccountName, 'bar'),
  },
  {
    name: 'Deployment templates get port defaulting but no seccomp syncing',
    input: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 1, protocol: 'TCP' }] }] } } },
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

// API-server normalisation, one rule per row: the object as written and as the 1.24 API server stores it.
const ds = (template: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'ns' }, spec: { selector: { matchLabels: { a: 'b' } }, template } }) as KubeObject;

const rules: { rule: string; before: KubeObject; after: KubeObject; changes: string[] }[] = [
  {
    rule: 'a null map (annotations: with nothing under it) is dropped',
    before: ds({ metadata: { labels: { a: 'b' }, annotations: null }, spec: { containers: [{ name: 'c', imagePullPolicy: 'Always' }] } }),
    after: ds({ metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', imagePullPolicy: 'Always' }] } }),
    changes: ['/spec/template/metadata/annotations: null dropped (decoding)'],
  },
  {
    rule: 'a null list is dropped',
    before: pod({ volumes: null, containers: [{ name: 'c', env: null }] }),
    after: pod({ containers: [{ name: 'c' }] }),
    changes: ['/spec/volumes: null dropped (decoding)', '/spec/containers/0/env: null dropped (decoding)'],
  },
  {
    rule: 'a null value in a string map is stored as ""',
    before: pod({ containers: [{ name: 'c' }] }, { note: null as unknown as string }),
    after: pod({ containers: [{ name: 'c' }] }, { note: '' }),
    changes: ['/metadata/annotations/note: null stored as "" (decoding)'],
  },
  {
    rule: 'empty omitempty maps and lists are dropped',
    before: pod({ nodeSelector: {}, volumes: [], containers: [{ name: 'c', args: [], securityContext: { capabilities: { add: [] } } }] }, {}),
    after: pod({ containers: [{ name: 'c', securityContext: { capabilities: {} } }] }),
    changes: [
      '/metadata/annotations: empty map dropped (omitempty)',
      '/spec/nodeSelector: empty map dropped (omitempty)',
      '/spec/volumes: empty list dropped (omitempty)',
      '/spec/containers/0/args: empty list dropped (omitempty)',
      '/spec/containers/0/securityContext/capabilities/add: empty list dropped (omitempty)',
    ],
  },
  {
    rule: 'empty strings of omitempty string fields are dropped (SELinux user/type)',
    before: pod({ containers: [{ name: 'c', securityContext: { seLinuxOptions: { user: '', type: '' } } }] }),
    after: pod({ containers: [{ name: 'c', securityContext: { seLinuxOptions: {} } }] }),
    changes: ['/spec/containers/0/securityContext/seLinuxOptions/user: empty string dropped (omitempty)', '/spec/containers/0/securityContext/seLinuxOptions/type: empty string dropped (omitempty)'],
  },
  {
    rule: 'an annotation value "" is kept (map values are not omitempty)',
    before: pod({ containers: [{ name: 'c' }] }, { note: '' }),
    after: pod({ containers: [{ name: 'c' }] }, { note: '' }),
    changes: [],
  },
  {
    rule: 'creation defaults: port protocol TCP, imagePullPolicy from the tag',
    before: pod({ containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'nginx:1.25' }] }),
    after: pod({ containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'Always' }, { name: 'b', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }] }),
    changes: ['/spec/containers/0/imagePullPolicy defaulted to Always', '/spec/containers/0/ports/0/protocol defaulted to TCP', '/spec/containers/1/imagePullPolicy defaulted to IfNotPresent'],
  },
  {
    rule: 'hostPort from containerPort under hostNetwork is kept (and hostPort: 0 counts as unset)',
    before: pod({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 7472, hostPort: 0, protocol: 'TCP' }] }] }),
    after: pod({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 7472, hostPort: 7472, protocol: 'TCP' }] }] }),
    changes: ['/spec/containers/0/ports/0/hostPort defaulted to 7472 (hostNetwork)'],
  },
  {
    rule: 'hostPort: 0 without hostNetwork is dropped (omitempty)',
    before: pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 0, protocol: 'TCP' }] }] }),
    after: pod({ containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }),
    changes: ['/spec/containers/0/ports/0/hostPort: zero dropped (omitempty)'],
  },
];
for (const r of rules) {
  test(`normalisation: ${r.rule}`, () => {
    const got = applyApiServerDefaults(r.before);
    assert.deepEqual(got.object, r.after);
    assert.deepEqual(got.changes, r.changes);
  });
}
