// The ServiceAccount admission plugin's CREATE changes that PSP sees (kubernetes@release-1.24
// plugin/pkg/admission/serviceaccount/admission.go, admission_test.go).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { admitServiceAccount, TOKEN_MOUNT_PATH, TOKEN_VOLUME_NAME, tokenVolumeSource } from './service-account.js';

const mount = (name = TOKEN_VOLUME_NAME) => ({ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH });
const podOf = (spec: JsonObject, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
});
const sa = (name: string, automount?: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'ns' },
  ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});

const cases: { name: string; pod: KubeObject; sas?: KubeObject[]; want: JsonObject }[] = [
  {
    name: 'a pod without a service account gets default and the token volume mounted in every container',
    pod: podOf({ initContainers: [{ name: 'i', image: 'x' }] }),
    want: {
      serviceAccountName: 'default',
      containers: [{ name: 'c', image: 'x', volumeMounts: [mount()] }],
      initContainers: [{ name: 'i', image: 'x', volumeMounts: [mount()] }],
      volumes: [{ name: TOKEN_VOLUME_NAME, projected: tokenVolumeSource() }],
    },
  },
  {
    name: "the pod's automountServiceAccountToken: false wins over the ServiceAccount's true",
    pod: podOf({ serviceAccountName: 'a', automountServiceAccountToken: false }),
    sas: [sa('a', true)],
    want: { serviceAccountName: 'a', automountServiceAccountToken: false, containers: [{ name: 'c', image: 'x' }] },
  },
  {
    name: "the ServiceAccount's automountServiceAccountToken: false applies when the pod says nothing",
    pod: podOf({ serviceAccountName: 'a' }),
    sas: [sa('a', false)],
    want: { serviceAccountName: 'a', containers: [{ name: 'c', image: 'x' }] },
  },
  {
    name: 'a ServiceAccount of another namespace does not count',
    pod: podOf({ serviceAccountName: 'a' }),
    sas: [{ ...sa('a', false), metadata: { name: 'a', namespace: 'other' } }],
    want: { serviceAccountName: 'a', containers: [{ name: 'c', image: 'x', volumeMounts: [mount()] }], volumes: [{ name: TOKEN_VOLUME_NAME, projected: tokenVolumeSource() }] },
  },
  {
    name: 'a container that mounts something at the token path keeps it; no container needs the volume',
    pod: podOf({ containers: [{ name: 'c', volumeMounts: [{ name: 'mine', mountPath: TOKEN_MOUNT_PATH }] }], volumes: [{ name: 'mine', secret: { secretName: 's' } }] }),
    want: { serviceAccountName: 'default', containers: [{ name: 'c', volumeMounts: [{ name: 'mine', mountPath: TOKEN_MOUNT_PATH }] }], volumes: [{ name: 'mine', secret: { secretName: 's' } }] },
  },
  {
    name: 'an existing kube-api-access- volume is reused, not added again',
    pod: podOf({ volumes: [{ name: 'kube-api-access-x7k2b', projected: { sources: [] } }] }),
    want: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'x', volumeMounts: [mount('kube-api-access-x7k2b')] }], volumes: [{ name: 'kube-api-access-x7k2b', projected: { sources: [] } }] },
  },
  {
    name: 'the deprecated serviceAccount alias names the account',
    pod: podOf({ serviceAccount: 'a' }),
    sas: [sa('a', false)],
    want: { serviceAccount: 'a', serviceAccountName: 'a', containers: [{ name: 'c', image: 'x' }] },
  },
  {
    name: 'mirror pods are left alone',
    pod: podOf({}, { 'kubernetes.io/config.mirror': 'x' }),
    want: { containers: [{ name: 'c', image: 'x' }] },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const p = structuredClone(c.pod);
    admitServiceAccount(p, 'ns', c.sas ?? []);
    assert.deepEqual(p.spec, c.want);
  });
}
