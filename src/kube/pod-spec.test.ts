import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath, type JsonObject } from '../util/index.js';
import type { KubeObject } from './object.js';
import { allContainers, isPodBearingKind, POD_CONTROLLER_KINDS, podView } from './pod-spec.js';

const spec: JsonObject = { containers: [{ name: 'c', image: 'busybox' }] };
const tmeta = { labels: { app: 'x' } };
const template = { metadata: tmeta, spec };

const obj = (apiVersion: string, kind: string, rest: JsonObject): KubeObject => ({ apiVersion, kind, metadata: { name: 'o', namespace: 'ns' }, ...rest });

const cases: { name: string; o: KubeObject; specPointer: string; metadataPointer: string; podMeta: unknown }[] = [
  { name: 'a Pod carries its own spec at /spec', o: obj('v1', 'Pod', { spec }), specPointer: '/spec', metadataPointer: '/metadata', podMeta: { name: 'o', namespace: 'ns' } },
  ...(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'] as const).map((kind) => ({
    name: `a ${kind} carries its pod at /spec/template/spec`,
    o: obj('apps/v1', kind, { spec: { template } }),
    specPointer: '/spec/template/spec',
    metadataPointer: '/spec/template/metadata',
    podMeta: tmeta,
  })),
  {
    name: 'a ReplicationController carries its pod at /spec/template/spec',
    o: obj('v1', 'ReplicationController', { spec: { template } }),
    specPointer: '/spec/template/spec',
    metadataPointer: '/spec/template/metadata',
    podMeta: tmeta,
  },
  { name: 'a Job carries its pod at /spec/template/spec', o: obj('batch/v1', 'Job', { spec: { template } }), specPointer: '/spec/template/spec', metadataPointer: '/spec/template/metadata', podMeta: tmeta },
  {
    name: 'a CronJob carries its pod at /spec/jobTemplate/spec/template/spec',
    o: obj('batch/v1', 'CronJob', { spec: { jobTemplate: { spec: { template } } } }),
    specPointer: '/spec/jobTemplate/spec/template/spec',
    metadataPointer: '/spec/jobTemplate/spec/template/metadata',
    podMeta: tmeta,
  },
  {
    name: 'a template without metadata gives empty pod metadata',
    o: obj('apps/v1', 'DaemonSet', { spec: { template: { spec } } }),
    specPointer: '/spec/template/spec',
    metadataPointer: '/spec/template/metadata',
    podMeta: {},
  },
];

const segments = (pointer: string) => pointer.split('/').slice(1);

for (const c of cases) {
  test(c.name, () => {
    const v = podView(c.o);
    assert.ok(v);
    assert.equal(v.kind, c.o.kind);
    assert.equal(v.specPointer, c.specPointer);
    assert.equal(v.metadataPointer, c.metadataPointer);
    // The pointer leads to the very spec object the view returns, so messages can name paths.
    assert.equal(getPath(c.o, segments(v.specPointer)), v.spec);
    assert.deepEqual(v.metadata, c.podMeta);
  });
}

test('every pod controller kind has a view (the table above is complete)', () => {
  const covered = new Set(cases.map((c) => c.o.kind));
  for (const k of POD_CONTROLLER_KINDS) assert.ok(covered.has(k), k);
  assert.ok(isPodBearingKind('Pod'));
});

const noView: { name: string; o: KubeObject }[] = [
  { name: 'a ConfigMap has no pod view', o: obj('v1', 'ConfigMap', { data: {} }) },
  { name: 'a Deployment without a template has no pod view', o: obj('apps/v1', 'Deployment', { spec: {} }) },
  { name: 'a Pod whose spec is not a mapping has no pod view', o: obj('v1', 'Pod', { spec: 'x' }) },
  { name: 'a CronJob without jobTemplate has no pod view', o: obj('batch/v1', 'CronJob', { spec: { template } }) },
  { name: 'a kind named like an Object prototype key has no pod view', o: obj('v1', 'toString', {}) },
];

for (const c of noView) {
  test(c.name, () => {
    assert.equal(podView(c.o), undefined);
  });
}

test('allContainers lists init, regular, then ephemeral containers with their indexes', () => {
  const s: JsonObject = {
    ephemeralContainers: [{ name: 'debug' }],
    containers: [{ name: 'a' }, 'junk', { name: 'b' }],
    initContainers: [{ name: 'init' }],
  };
  assert.deepEqual(
    allContainers(s).map((c) => [c.field, c.index, c.container.name]),
    [
      ['initContainers', 0, 'init'],
      ['containers', 0, 'a'],
      ['containers', 2, 'b'],
      ['ephemeralContainers', 0, 'debug'],
    ],
  );
  assert.deepEqual(allContainers({}), []);
});
