// Cases from kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider_test.go, restated as
// facts (inputs and the exact error texts) in our own tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError, type KubeObject } from '../kube/index.js';
import { clone, deepEqual, type JsonObject } from '../util/index.js';
import { pod, psp } from './internal/test-fixtures.js';
import type { Psp } from './model.js';
import { mutatePod, validatePod } from './provider.js';

const errorsOf = (p: Psp, o: KubeObject) => validatePod(p, o).map(formatFieldError);
const hostPathPod = (path: string, readOnly = false) =>
  pod({ volumes: [{ name: 'h', hostPath: { path } }] }, { volumeMounts: [{ name: 'h', mountPath: '/m', readOnly }] });

const podFailures: { name: string; psp: Psp; pod: KubeObject; want: string }[] = [
  { name: 'host network is refused when the PSP does not allow it', psp: psp(), pod: pod({ hostNetwork: true }), want: 'spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used' },
  { name: 'host PID is refused when the PSP does not allow it', psp: psp(), pod: pod({ hostPID: true }), want: 'spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used' },
  { name: 'host IPC is refused when the PSP does not allow it', psp: psp(), pod: pod({ hostIPC: true }), want: 'spec.securityContext.hostIPC: Invalid value: true: Host IPC is not allowed to be used' },
  {
    name: 'a supplemental group outside a MustRunAs range is refused with the Go slice value',
    psp: psp({ supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 1 }] } }),
    pod: pod({ securityContext: { supplementalGroups: [999] } }),
    want: 'spec.securityContext.supplementalGroups: Invalid value: []int64{999}: group 999 must be in the ranges: [{1 1}]',
  },
  {
    name: 'a supplemental group outside a MayRunAs range is refused',
    psp: psp({ supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 50, max: 50 }] } }),
    pod: pod({ securityContext: { supplementalGroups: [999] } }),
    want: 'spec.securityContext.supplementalGroups: Invalid value: []int64{999}: group 999 must be in the ranges: [{50 50}]',
  },
  {
    name: 'no supplemental groups under MustRunAs is refused (nil slice)',
    psp: psp({ supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 1 }] } }),
    pod: pod(),
    want: 'spec.securityContext.supplementalGroups: Invalid value: []int64(nil): unable to validate empty groups against required ranges',
  },
  {
    name: 'an fsGroup outside a MustRunAs range is refused',
    psp: psp({ fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 1 }] } }),
    pod: pod({ securityContext: { fsGroup: 999 } }),
    want: 'spec.securityContext.fsGroup: Invalid value: []int64{999}: group 999 must be in the ranges: [{1 1}]',
  },
  {
    name: 'an fsGroup outside a MayRunAs range is refused',
    psp: psp({ fsGroup: { rule: 'MayRunAs', ranges: [{ min: 10, max: 20 }, { min: 30, max: 30 }] } }),
    pod: pod({ securityContext: { fsGroup: 999 } }),
    want: 'spec.securityContext.fsGroup: Invalid value: []int64{999}: group 999 must be in the ranges: [{10 20} {30 30}]',
  },
  {
    name: 'no fsGroup under MustRunAs is refused',
    psp: psp({ fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 1 }] } }),
    pod: pod(),
    want: 'spec.securityContext.fsGroup: Invalid value: []int64(nil): unable to validate empty groups against required ranges',
  },
  {
    name: 'missing pod seLinuxOptions under MustRunAs are required',
    psp: psp({ seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 'foo' } } }),
    pod: pod(),
    want: 'spec.securityContext.seLinuxOptions: Required value',
  },
  {
    name: 'a pod seLinux level other than the PSP level is refused',
    psp: psp({ seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 'foo' } } }),
    pod: pod({ securityContext: { seLinuxOptions: { level: 'bar' } } }),
    want: 'spec.securityContext.seLinuxOptions.level: Invalid value: "bar": must be foo',
  },
  { name: 'hostPath volumes are refused when not listed', psp: psp({ volumes: [] }), pod: hostPathPod('/foo'), want: 'spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used' },
  {
    name: 'a host path outside the allowed prefix is refused',
    psp: psp({ volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/foo/bar' }] }),
    pod: hostPathPod('/fail'),
    want: 'spec.volumes[0].hostPath.pathPrefix: Invalid value: "/fail": is not allowed to be used',
  },
  {
    name: 'a read-only allowed host path mounted writable is refused at the mount',
    psp: psp({ volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/foo', readOnly: true }] }),
    pod: hostPathPod('/foo'),
    want: 'spec.containers[0].volumeMounts[0].readOnly: Invalid value: false: must be read-only',
  },
  {
    name: 'a forbidden safe sysctl is refused',
    psp: psp({ forbiddenSysctls: ['kernel.shm_rmid_forced'] }),
    pod: pod({ securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '0' }] } }),
    want: 'pod.spec.securityContext.sysctls[0]: Forbidden: sysctl "kernel.shm_rmid_forced" is not allowed',
  },
  {
    name: 'a sysctl forbidden by a prefix pattern is refused',
    psp: psp({ forbiddenSysctls: ['net.*'] }),
    pod: pod({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '0' }] } }),
    want: 'pod.spec.securityContext.sysctls[0]: Forbidden: sysctl "net.ipv4.tcp_syncookies" is not allowed',
  },
  {
    name: 'an unsafe sysctl not listed as allowed is refused',
    psp: psp({ allowedUnsafeSysctls: ['foo'] }),
    pod: pod({ securityContext: { sysctls: [{ name: 'kernel.sem', value: '0' }] } }),
    want: 'pod.spec.securityContext.sysctls[0]: Forbidden: unsafe sysctl "kernel.sem" is not allowed',
  },
  {
    name: 'a pod seccomp profile not in the allowed list is refused',
    psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'foo' }),
    pod: pod({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'bar' }),
    want: 'pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden: bar is not an allowed seccomp profile. Valid values are foo',
  },
  {
    name: 'a flexVolume driver not allowed is refused',
    psp: psp({ volumes: ['flexVolume'], allowedFlexVolumes: [{ driver: 'example/bar' }] }),
    pod: pod({ volumes: [{ name: 'f', flexVolume: { driver: 'example/foo' } }] }),
    want: 'spec.volumes[0].driver: Invalid value: "example/foo": Flexvolume driver is not allowed to be used',
  },
  {
    name: 'a flexVolume driver list is enforced even when every volume type is allowed',
    psp: psp({ volumes: ['*'], allowedFlexVolumes: [{ driver: 'example/bar' }] }),
    pod: pod({ volumes: [{ name: 'f', flexVolume: { driver: 'example/foo' } }] }),
    want: 'spec.volumes[0].driver: Invalid value: "example/foo": Flexvolume driver is not allowed to be used',
  },
  {
    name: 'an inline CSI driver not allowed is refused',
    psp: psp({ volumes: ['csi'], allowedCSIDrivers: [{ name: 'csi.example.com' }] }),
    pod: pod({ volumes: [{ name: 'c', csi: { driver: 'csi.other.com' } }] }),
    want: 'spec.volumes[0].csi.driver: Invalid value: "csi.other.com": Inline CSI driver is not allowed to be used',
  },
  {
    name: 'csi volumes are refused when the type is not listed',
    psp: psp({ volumes: ['secret'], allowedCSIDrivers: [{ name: 'csi.example.com' }] }),
    pod: pod({ volumes: [{ name: 'c', csi: { driver: 'csi.example.com' } }] }),
    want: 'spec.volumes[0]: Invalid value: "csi": csi volumes are not allowed to be used',
  },
  {
    name: 'an inline CSI driver list is enforced under *',
    psp: psp({ volumes: ['*'], allowedCSIDrivers: [{ name: 'csi.example.com' }] }),
    pod: pod({ volumes: [{ name: 'c', csi: { driver: 'csi.other.com' } }] }),
    want: 'spec.volumes[0].csi.driver: Invalid value: "csi.other.com": Inline CSI driver is not allowed to be used',
  },
  { name: 'the default PSP allows no csi volumes', psp: psp(), pod: pod({ volumes: [{ name: 'c', csi: { driver: 'x' } }] }), want: 'spec.volumes[0]: Invalid value: "csi": csi volumes are not allowed to be used' },
  {
    name: 'a runtimeClassName not in the allowed list is refused with an empty detail',
    psp: psp({ runtimeClass: { allowedRuntimeClassNames: ['good'] } }),
    pod: pod({ runtimeClassName: 'bad' }),
    want: 'spec.runtimeClassName: Invalid value: "bad"',
  },
];

const containerFailures: { name: string; psp: Psp; pod: KubeObject; want: string }[] = [
  {
    name: 'a runAsUser outside the MustRunAs ranges is refused',
    psp: psp({ runAsUser: { rule: 'MustRunAs', ranges: [{ min: 200, max: 200 }] } }),
    pod: pod({}, { securityContext: { runAsUser: 100 } }),
    want: 'spec.containers[0].securityContext.runAsUser: Invalid value: 100: must be in the ranges: [{200 200}]',
  },
  {
    name: 'a container seLinux level other than the PSP level is refused',
    psp: psp({ seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 'foo' } } }),
    pod: pod({ securityContext: { seLinuxOptions: { level: 'foo' } } }, { securityContext: { seLinuxOptions: { level: 'bar' } } }),
    want: 'spec.containers[0].securityContext.seLinuxOptions.level: Invalid value: "bar": must be foo',
  },
  {
    name: 'a missing AppArmor profile is refused when profiles are restricted',
    psp: psp({}, { 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default' }),
    pod: pod(),
    want: 'pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: Forbidden: AppArmor profile must be set',
  },
  {
    name: 'an AppArmor profile not in the allowed list is refused',
    psp: psp({}, { 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default' }),
    pod: pod({}, {}, { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/foo' }),
    want: 'pod.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: Forbidden: localhost/foo is not an allowed profile. Allowed values: "runtime/default"',
  },
  { name: 'a privileged container is refused', psp: psp(), pod: pod({}, { securityContext: { privileged: true } }), want: 'spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed' },
  { name: 'an Unmasked procMount is refused by default', psp: psp(), pod: pod({}, { securityContext: { procMount: 'Unmasked' } }), want: 'spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": ProcMountType is not allowed' },
  { name: 'adding a capability that is not allowed is refused', psp: psp(), pod: pod({}, { securityContext: { capabilities: { add: ['foo'] } } }), want: 'spec.containers[0].securityContext.capabilities.add: Invalid value: "foo": capability may not be added' },
  { name: 'a host port with no allowed ranges is refused', psp: psp(), pod: pod({}, { ports: [{ containerPort: 1, hostPort: 1 }] }), want: 'spec.containers[0].hostPort: Invalid value: 1: Host port 1 is not allowed to be used. Allowed ports: []' },
  {
    name: 'a host port outside the allowed ranges lists them, single ports bare',
    psp: psp({ hostPorts: [{ min: 1, max: 10 }, { min: 443, max: 443 }] }),
    pod: pod({}, { ports: [{ containerPort: 80, hostPort: 80 }] }),
    want: 'spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: [1-10,443]',
  },
  { name: 'an unset readOnlyRootFilesystem is refused when required', psp: psp({ readOnlyRootFilesystem: true }), pod: pod(), want: 'spec.containers[0].securityContext.readOnlyRootFilesystem: Invalid value: "null": ReadOnlyRootFilesystem may not be nil and must be set to true' },
  {
    name: 'a false readOnlyRootFilesystem is refused when required',
    psp: psp({ readOnlyRootFilesystem: true }),
    pod: pod({}, { securityContext: { readOnlyRootFilesystem: false } }),
    want: 'spec.containers[0].securityContext.readOnlyRootFilesystem: Invalid value: false: ReadOnlyRootFilesystem must be set to true',
  },
  {
    name: 'a container seccomp annotation not allowed is refused',
    psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'foo' }),
    pod: pod({}, {}, { 'container.seccomp.security.alpha.kubernetes.io/c': 'bar' }),
    want: 'pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]: Forbidden: bar is not an allowed seccomp profile. Valid values are foo',
  },
  {
    name: 'a pod seccomp annotation also counts for each container',
    psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'foo' }),
    pod: pod({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'bar' }),
    want: 'pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]: Forbidden: bar is not an allowed seccomp profile. Valid values are foo',
  },
  {
    name: 'seccomp may not be set when the PSP lists no profiles',
    psp: psp(),
    pod: pod({}, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
    want: 'pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]: Forbidden: seccomp may not be set',
  },
  {
    name: 'a runAsGroup outside MustRunAs ranges is reported at the securityContext itself',
    psp: psp({ runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 3 }] } }),
    pod: pod({}, { securityContext: { runAsGroup: 5 } }),
    want: 'spec.containers[0].securityContext: Invalid value: []int64{5}: group 5 must be in the ranges: [{1 3}]',
  },
  { name: 'root is refused under MustRunAsNonRoot', psp: psp({ runAsUser: { rule: 'MustRunAsNonRoot' } }), pod: pod({}, { securityContext: { runAsUser: 0 } }), want: 'spec.containers[0].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden' },
  { name: 'runAsNonRoot false is refused under MustRunAsNonRoot', psp: psp({ runAsUser: { rule: 'MustRunAsNonRoot' } }), pod: pod({}, { securityContext: { runAsNonRoot: false } }), want: 'spec.containers[0].securityContext.runAsNonRoot: Invalid value: false: must be true' },
  { name: 'an unset user is refused under MustRunAsNonRoot without defaulting', psp: psp({ runAsUser: { rule: 'MustRunAsNonRoot' } }), pod: pod(), want: 'spec.containers[0].securityContext.runAsNonRoot: Required value: must be true' },
  {
    name: 'a required drop that is missing names the drop list in Go syntax',
    psp: psp({ requiredDropCapabilities: ['CHOWN'] }),
    pod: pod({}, { securityContext: { capabilities: { drop: ['NET_RAW'] } } }),
    want: 'spec.containers[0].securityContext.capabilities.drop: Invalid value: []core.Capability{"NET_RAW"}: CHOWN is required to be dropped but was not found',
  },
  { name: 'nil capabilities are refused when the PSP requires drops', psp: psp({ requiredDropCapabilities: ['CHOWN'] }), pod: pod(), want: 'spec.containers[0].securityContext.capabilities: Invalid value: "null": required capabilities are not set on the securityContext' },
  { name: 'init containers are validated with their own path', psp: psp(), pod: pod({ initContainers: [{ name: 'i', securityContext: { privileged: true } }] }), want: 'spec.initContainers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed' },
  { name: 'ephemeral containers are validated with their own path', psp: psp(), pod: pod({ ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }] }), want: 'spec.ephemeralContainers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed' },
];

for (const c of [...podFailures, ...containerFailures]) {
  test(c.name, () => {
    assert.ok(errorsOf(c.psp, c.pod).includes(c.want), `want ${c.want}\ngot ${JSON.stringify(errorsOf(c.psp, c.pod), null, 1)}`);
  });
}

const successes: { name: string; psp: Psp; pod: KubeObject }[] = [
  { name: 'the default PSP admits the default pod', psp: psp(), pod: pod() },
  { name: 'host network is admitted when allowed', psp: psp({ hostNetwork: true }), pod: pod({ hostNetwork: true }) },
  { name: 'a supplemental group inside MustRunAs ranges is admitted', psp: psp({ supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 5 }] } }), pod: pod({ securityContext: { supplementalGroups: [3] } }) },
  { name: 'no supplemental groups are fine under MayRunAs', psp: psp({ supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 1, max: 5 }] } }), pod: pod() },
  { name: 'seLinux levels compare categories in any order', psp: psp({ seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 's0:c0,c6' } } }), pod: pod({ securityContext: { seLinuxOptions: { level: 's0:c6,c0' } } }) },
  { name: 'a host path equal to the prefix with a trailing slash is admitted', psp: psp({ volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/foo/' }] }), pod: hostPathPod('/foo') },
  { name: 'a read-only host path mounted read-only is admitted', psp: psp({ volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/foo', readOnly: true }] }), pod: hostPathPod('/foo/bar', true) },
  {
    name: 'a writable overlapping prefix wins over read-only ones',
    psp: psp({ volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/foo/bar/baz', readOnly: true }, { pathPrefix: '/foo', readOnly: true }, { pathPrefix: '/foo/bar' }] }),
    pod: hostPathPod('/foo/bar'),
  },
  { name: 'an allowed unsafe sysctl prefix admits', psp: psp({ allowedUnsafeSysctls: ['kernel.*'] }), pod: pod({ securityContext: { sysctls: [{ name: 'kernel.sem', value: '1' }] } }) },
  { name: 'a safe sysctl is admitted without listing', psp: psp(), pod: pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1 2' }] } }) },
  { name: 'seccomp * admits any profile', psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' }), pod: pod({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/x' }) },
  { name: 'docker/default and runtime/default allow each other', psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default' }), pod: pod({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }) },
  { name: 'the Unmasked procMount is admitted when allowed', psp: psp({ allowedProcMountTypes: ['Default', 'Unmasked'] }), pod: pod({}, { securityContext: { procMount: 'Unmasked' } }) },
  { name: 'capabilities under * skip even required drops', psp: psp({ allowedCapabilities: ['*'], requiredDropCapabilities: [] }), pod: pod({}, { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }) },
  { name: 'a host port inside a range is admitted', psp: psp({ hostPorts: [{ min: 1, max: 10 }] }), pod: pod({}, { ports: [{ containerPort: 5, hostPort: 5 }] }) },
  { name: 'runtimeClass * admits any name', psp: psp({ runtimeClass: { allowedRuntimeClassNames: ['*'] } }), pod: pod({ runtimeClassName: 'x' }) },
  { name: 'an unset runtimeClassName is admitted by an empty allowed list', psp: psp({ runtimeClass: { allowedRuntimeClassNames: [] } }), pod: pod() },
  {
    name: 'a projected volume with only the bound token sources is admitted where secrets are',
    psp: psp({ volumes: ['secret'] }),
    pod: pod({
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
    }),
  },
];

for (const c of successes) {
  test(c.name, () => {
    assert.deepEqual(errorsOf(c.psp, c.pod), []);
  });
}

test('a permissive PSP does not mutate the pod', () => {
  const p = pod({ volumes: [{ name: 'e', emptyDir: {} }] });
  const copy = clone(p);
  mutatePod(psp({}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' }), copy);
  assert.ok(deepEqual(p, copy));
});

const rorfs: { name: string; pspRO: boolean; podRO?: boolean; want?: boolean }[] = [
  { name: 'PSP not requiring a read-only root leaves nil alone', pspRO: false, want: undefined },
  { name: 'PSP not requiring a read-only root keeps false', pspRO: false, podRO: false, want: false },
  { name: 'PSP not requiring a read-only root keeps true', pspRO: false, podRO: true, want: true },
  { name: 'PSP requiring a read-only root defaults nil to true', pspRO: true, want: true },
  { name: 'PSP requiring a read-only root keeps an explicit false (then validation fails)', pspRO: true, podRO: false, want: false },
  { name: 'PSP requiring a read-only root keeps true', pspRO: true, podRO: true, want: true },
];
for (const c of rorfs) {
  test(c.name, () => {
    const p = pod({}, c.podRO === undefined ? {} : { securityContext: { readOnlyRootFilesystem: c.podRO } });
    mutatePod(psp({ readOnlyRootFilesystem: c.pspRO }), p);
    const sc = ((p.spec as JsonObject).containers as JsonObject[])[0]!.securityContext as JsonObject;
    assert.equal(sc.readOnlyRootFilesystem, c.want);
  });
}

// TestAllowPrivilegeEscalation: pspAPE × pspDAPE × podAPE → resulting value, and whether it validates.
const apeCases: { pspAPE: boolean; pspDAPE?: boolean; podAPE?: boolean; want?: boolean; ok: boolean }[] = [
  { pspAPE: true, want: undefined, ok: true },
  { pspAPE: true, podAPE: false, want: false, ok: true },
  { pspAPE: true, podAPE: true, want: true, ok: true },
  { pspAPE: false, want: false, ok: true },
  { pspAPE: false, podAPE: false, want: false, ok: true },
  { pspAPE: false, podAPE: true, want: true, ok: false },
  { pspAPE: true, pspDAPE: false, want: false, ok: true },
  { pspAPE: true, pspDAPE: false, podAPE: false, want: false, ok: true },
  { pspAPE: true, pspDAPE: false, podAPE: true, want: true, ok: true },
  { pspAPE: false, pspDAPE: false, want: false, ok: true },
  { pspAPE: false, pspDAPE: false, podAPE: false, want: false, ok: true },
  { pspAPE: false, pspDAPE: false, podAPE: true, want: true, ok: false },
  { pspAPE: true, pspDAPE: true, want: true, ok: true },
  { pspAPE: true, pspDAPE: true, podAPE: false, want: false, ok: true },
  { pspAPE: true, pspDAPE: true, podAPE: true, want: true, ok: true },
];
for (const c of apeCases) {
  test(`allowPrivilegeEscalation: PSP ${c.pspAPE}, default ${c.pspDAPE}, pod ${c.podAPE} gives ${c.want} and ${c.ok ? 'passes' : 'fails'}`, () => {
    const p = pod({}, c.podAPE === undefined ? {} : { securityContext: { allowPrivilegeEscalation: c.podAPE } });
    const policy = psp({ allowPrivilegeEscalation: c.pspAPE, ...(c.pspDAPE === undefined ? {} : { defaultAllowPrivilegeEscalation: c.pspDAPE }) });
    mutatePod(policy, p);
    const sc = ((p.spec as JsonObject).containers as JsonObject[])[0]!.securityContext as JsonObject;
    assert.equal(sc.allowPrivilegeEscalation, c.want);
    const errs = errorsOf(policy, p);
    assert.equal(errs.length === 0, c.ok, errs.join('\n'));
    if (!c.ok) assert.deepEqual(errs, ['spec.containers[0].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed']);
  });
}

const defaulting: { name: string; psp: Psp; pod: KubeObject; path: (string | number)[]; want: unknown }[] = [
  { name: 'MustRunAs supplementalGroups default to the first range minimum', psp: psp({ supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 7, max: 9 }] } }), pod: pod(), path: ['spec', 'securityContext', 'supplementalGroups'], want: [7] },
  { name: 'MustRunAs fsGroup defaults to the first range minimum', psp: psp({ fsGroup: { rule: 'MustRunAs', ranges: [{ min: 5, max: 9 }] } }), pod: pod(), path: ['spec', 'securityContext', 'fsGroup'], want: 5 },
  { name: 'MustRunAs runAsUser defaults per container', psp: psp({ runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } }), pod: pod(), path: ['spec', 'containers', 0, 'securityContext', 'runAsUser'], want: 1000 },
  { name: 'a pod-level runAsUser is not copied into the container', psp: psp({ runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } }), pod: pod({ securityContext: { runAsUser: 1500 } }), path: ['spec', 'containers', 0, 'securityContext', 'runAsUser'], want: undefined },
  { name: 'MustRunAsNonRoot sets runAsNonRoot when nothing is set', psp: psp({ runAsUser: { rule: 'MustRunAsNonRoot' } }), pod: pod(), path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], want: true },
  { name: 'MustRunAsNonRoot leaves runAsNonRoot unset when a user is set', psp: psp({ runAsUser: { rule: 'MustRunAsNonRoot' } }), pod: pod({}, { securityContext: { runAsUser: 5 } }), path: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'], want: undefined },
  { name: 'default capabilities are added and required drops dropped, sorted', psp: psp({ defaultAddCapabilities: ['NET_ADMIN', 'CHOWN'], requiredDropCapabilities: ['SYS_ADMIN'] }), pod: pod(), path: ['spec', 'containers', 0, 'securityContext', 'capabilities'], want: { add: ['CHOWN', 'NET_ADMIN'], drop: ['SYS_ADMIN'] } },
  { name: 'a default capability the container drops is not added', psp: psp({ defaultAddCapabilities: ['CHOWN'] }), pod: pod({}, { securityContext: { capabilities: { drop: ['CHOWN'] } } }), path: ['spec', 'containers', 0, 'securityContext', 'capabilities'], want: { drop: ['CHOWN'] } },
  { name: 'the default seccomp profile is written to the pod annotation', psp: psp({}, { 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default' }), pod: pod(), path: ['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'], want: 'runtime/default' },
  { name: 'the default AppArmor profile is written per container', psp: psp({}, { 'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default' }), pod: pod(), path: ['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/c'], want: 'runtime/default' },
  { name: 'the default runtimeClassName is set when unset', psp: psp({ runtimeClass: { allowedRuntimeClassNames: ['gvisor'], defaultRuntimeClassName: 'gvisor' } }), pod: pod(), path: ['spec', 'runtimeClassName'], want: 'gvisor' },
  { name: 'privileged is not defaulted', psp: psp(), pod: pod({}, { securityContext: {} }), path: ['spec', 'containers', 0, 'securityContext', 'privileged'], want: false },
];
for (const c of defaulting) {
  test(c.name, () => {
    const p = clone(c.pod);
    mutatePod(c.psp, p);
    let cur: unknown = p;
    for (const k of c.path) cur = (cur as Record<string | number, unknown> | undefined)?.[k];
    assert.deepEqual(cur, c.want);
    assert.deepEqual(errorsOf(c.psp, p), []);
  });
}
