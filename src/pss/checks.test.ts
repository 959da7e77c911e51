// Table tests for every check: a small pod, a level and version, and the exact PSA message (or allow).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../util/index.js';
import { evaluatePod } from './evaluate.js';
import type { PssLevel } from './types.js';

/** A pod whose containers are restricted-clean, with overrides merged into pod spec / first container. */
function pod(spec: JsonObject = {}, c1: JsonObject = {}, annotations?: Record<string, string>): { metadata: JsonObject; spec: JsonObject } {
  const sc = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  return {
    metadata: annotations ? { name: 'p', annotations } : { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c1', image: 'i', securityContext: sc, ...c1 }],
      ...spec,
    },
  };
}

const cases: { name: string; level: PssLevel; version: string; pod: ReturnType<typeof pod>; want: string | null }[] = [
  { name: 'a clean pod passes restricted latest', level: 'restricted', version: 'latest', pod: pod(), want: null },
  {
    name: 'hostNamespaces lists hostNetwork, hostPID and hostIPC in that order',
    level: 'baseline',
    version: 'v1.24',
    pod: pod({ hostIPC: true, hostNetwork: true, hostPID: true }),
    want: 'violates PodSecurity "baseline:v1.24": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
  },
  {
    name: 'host namespaces and hostPath volumes are reported together, baseline checks ordered by ID',
    level: 'baseline',
    version: 'v1.24',
    pod: pod({ hostNetwork: true, volumes: [{ name: 'etc', hostPath: { path: '/etc' } }] }),
    want: 'violates PodSecurity "baseline:v1.24": host namespaces (hostNetwork=true), hostPath volumes (volume "etc")',
  },
  {
    name: 'privileged names the container',
    level: 'baseline',
    version: 'latest',
    pod: pod({}, { securityContext: { privileged: true } }),
    want: 'violates PodSecurity "baseline:latest": privileged (container "c1" must not set securityContext.privileged=true)',
  },
  {
    name: 'capabilities_baseline lists non-default capabilities sorted',
    level: 'baseline',
    version: 'v1.24',
    pod: pod({}, { securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_RAW', 'CHOWN'] } } }),
    want: 'violates PodSecurity "baseline:v1.24": non-default capabilities (container "c1" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
  },
  {
    name: 'hostPorts sorts ports as strings',
    level: 'baseline',
    version: 'v1.24',
    pod: pod({}, { ports: [{ containerPort: 80, hostPort: 9 }, { containerPort: 81, hostPort: 10 }] }),
    want: 'violates PodSecurity "baseline:v1.24": hostPort (container "c1" uses hostPorts 10, 9)',
  },
  {
    name: 'appArmorProfile reports field types and annotations',
    level: 'baseline',
    version: 'v1.30',
    pod: pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }, {}, { 'container.apparmor.security.beta.kubernetes.io/c1': 'unconfined' }),
    want: 'violates PodSecurity "baseline:v1.30": forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c1="unconfined"")',
  },
  {
    name: 'seLinuxOptions reports types, user and role',
    level: 'baseline',
    version: 'v1.24',
    pod: pod({}, { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u', role: 'r' } } }),
    want: 'violates PodSecurity "baseline:v1.24": seLinuxOptions (container "c1" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
  },
  { name: 'seLinuxOptions allows container_engine_t from 1.31', level: 'baseline', version: 'v1.31', pod: pod({}, { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }), want: null },
  {
    name: 'seLinuxOptions forbids container_engine_t before 1.31',
    level: 'baseline',
    version: 'v1.30',
    pod: pod({}, { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }),
    want: 'violates PodSecurity "baseline:v1.30": seLinuxOptions (container "c1" set forbidden securityContext.seLinuxOptions: type "container_engine_t")',
  },
  {
    name: 'procMount names the type',
    level: 'baseline',
    version: 'v1.34',
    pod: pod({}, { securityContext: { procMount: 'Unmasked' } }),
    want: 'violates PodSecurity "baseline:v1.34": procMount (container "c1" must not set securityContext.procMount to "Unmasked")',
  },
  { name: 'procMount is relaxed for user-namespace pods at baseline 1.35', level: 'baseline', version: 'v1.35', pod: pod({ hostUsers: false }, { securityContext: { procMount: 'Unmasked' } }), want: null },
  {
    name: 'procMount_restricted replaces procMount at restricted 1.35 and ignores hostUsers',
    level: 'restricted',
    version: 'v1.35',
    pod: pod({ hostUsers: false }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Unmasked' } }),
    want: 'violates PodSecurity "restricted:v1.35": procMount (container "c1" must not set securityContext.procMount to "Unmasked")',
  },
  {
    name: 'seccompProfile_baseline reads annotations before 1.19',
    level: 'baseline',
    version: 'v1.18',
    pod: pod({}, {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
    want: 'violates PodSecurity "baseline:v1.18": seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")',
  },
  {
    name: 'seccompProfile_baseline reads the fields from 1.19',
    level: 'baseline',
    version: 'v1.19',
    pod: pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }),
    want: 'violates PodSecurity "baseline:v1.19": seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
  },
  {
    name: 'sysctls lists unsafe names in order',
    level: 'baseline',
    version: 'v1.26',
    pod: pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }, { name: 'kernel.msgmax', value: '1' }] } }),
    want: 'violates PodSecurity "baseline:v1.26": forbidden sysctls (net.ipv4.ip_local_reserved_ports, kernel.msgmax)',
  },
  { name: 'sysctls allows ip_local_reserved_ports from 1.27', level: 'baseline', version: 'v1.27', pod: pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] } }), want: null },
  {
    name: 'windowsHostProcess names pod and containers',
    level: 'baseline',
    version: 'latest',
    pod: pod({ securityContext: { windowsOptions: { hostProcess: true } } }, { securityContext: { windowsOptions: { hostProcess: true } } }),
    want: 'violates PodSecurity "baseline:latest": hostProcess (pod and container "c1" must not set securityContext.windowsOptions.hostProcess=true)',
  },
  {
    name: 'hostProbesAndHostLifecycle applies from 1.34',
    level: 'baseline',
    version: 'v1.34',
    pod: pod({}, { livenessProbe: { httpGet: { host: 'evil', port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: 'a', port: 1 } } } }),
    want: 'violates PodSecurity "baseline:v1.34": probe or lifecycle host (container "c1" uses probe or lifecycle hosts "a", "evil")',
  },
  { name: 'hostProbesAndHostLifecycle does not apply before 1.34', level: 'baseline', version: 'v1.33', pod: pod({}, { livenessProbe: { httpGet: { host: 'evil', port: 80 } } }), want: null },
  {
    name: 'restrictedVolumes replaces hostPathVolumes at restricted',
    level: 'restricted',
    version: 'latest',
    pod: pod({ volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'b', nfs: { server: 's', path: '/' } }, { name: 'c', image: { reference: 'x' } }] }),
    want: 'violates PodSecurity "restricted:latest": restricted volume types (volumes "a", "b" use restricted volume types "hostPath", "nfs")',
  },
  {
    name: 'allowPrivilegeEscalation must be false on every container',
    level: 'restricted',
    version: 'v1.24',
    pod: pod({}, { securityContext: { capabilities: { drop: ['ALL'] } } }),
    want: 'violates PodSecurity "restricted:v1.24": allowPrivilegeEscalation != false (container "c1" must set securityContext.allowPrivilegeEscalation=false)',
  },
  { name: 'allowPrivilegeEscalation does not apply before 1.8', level: 'restricted', version: 'v1.7', pod: pod({}, { securityContext: {} }), want: null },
  {
    name: 'runAsNonRoot reports explicit false before missing',
    level: 'restricted',
    version: 'v1.24',
    pod: pod({ securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }),
    want: 'violates PodSecurity "restricted:v1.24": runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
  },
  {
    name: 'runAsNonRoot names containers when the pod does not set it',
    level: 'restricted',
    version: 'v1.24',
    pod: pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
    want: 'violates PodSecurity "restricted:v1.24": runAsNonRoot != true (pod or container "c1" must set securityContext.runAsNonRoot=true)',
  },
  { name: 'runAsNonRoot is skipped for user-namespace pods from 1.35', level: 'restricted', version: 'v1.35', pod: pod({ hostUsers: false, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), want: null },
  {
    name: 'runAsUser=0 is forbidden from 1.23',
    level: 'restricted',
    version: 'v1.23',
    pod: pod({ securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } } }),
    want: 'violates PodSecurity "restricted:v1.23": runAsUser=0 (pod must not set runAsUser=0)',
  },
  {
    name: 'seccompProfile_restricted requires a profile on pod or containers',
    level: 'restricted',
    version: 'v1.24',
    pod: pod({ securityContext: { runAsNonRoot: true } }),
    want: 'violates PodSecurity "restricted:v1.24": seccompProfile (pod or container "c1" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  { name: 'Windows pods are exempt from seccomp, capabilities and privilege escalation from 1.25', level: 'restricted', version: 'v1.25', pod: pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true } }, { securityContext: {} }), want: null },
  {
    name: 'capabilities_restricted reports missing drop ALL and forbidden adds',
    level: 'restricted',
    version: 'v1.22',
    pod: pod({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } } }),
    want: 'violates PodSecurity "restricted:v1.22": unrestricted capabilities (container "c1" must set securityContext.capabilities.drop=["ALL"]; container "c1" must not include "CHOWN" in securityContext.capabilities.add)',
  },
  { name: 'privileged level allows everything', level: 'privileged', version: 'latest', pod: pod({ hostPID: true }, { securityContext: { privileged: true } }), want: null },
];

for (const c of cases) {
  test(c.name, () => {
    const r = evaluatePod(c.pod, c.level, c.version);
    assert.equal(r.message ?? null, c.want);
    assert.equal(r.allowed, c.want === null);
  });
}
