// Test builders shared by the psp tests: the default PSP and pod of upstream provider_test.go
// (RunAsAny everywhere, allowPrivilegeEscalation true; one container with privileged=false).
import type { KubeObject } from '../../kube/index.js';
import type { JsonObject } from '../../util/index.js';
import { type Psp, readPsp } from '../model.js';

/** A PSP object: the permissive default spec merged with overrides. */
export function pspObject(name: string, spec: JsonObject = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name, annotations },
    spec: {
      runAsUser: { rule: 'RunAsAny' },
      runAsGroup: { rule: 'RunAsAny' },
      seLinux: { rule: 'RunAsAny' },
      fsGroup: { rule: 'RunAsAny' },
      supplementalGroups: { rule: 'RunAsAny' },
      allowPrivilegeEscalation: true,
      ...spec,
    },
  };
}

/** A typed PSP (see pspObject). */
export function psp(spec: JsonObject = {}, annotations: Record<string, string> = {}, name = 'psp-sa'): Psp {
  return readPsp(pspObject(name, spec, annotations)).psp;
}

/** The default pod: one container `c` with privileged=false; spec/container fields merged in. */
export function pod(spec: JsonObject = {}, container: JsonObject = {}, annotations?: Record<string, string>): KubeObject {
  const { securityContext: csc, ...restContainer } = container;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test-pod', namespace: 'ns', ...(annotations ? { annotations } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: false, ...((csc as JsonObject | undefined) ?? {}) }, ...restContainer }],
      ...spec,
    },
  };
}
