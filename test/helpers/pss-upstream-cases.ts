// Kubernetes' own Pod Security Standards unit tests, translated into one table: each upstream case's pod (as
// the JSON the API server stores), the check step it calls, and its expected reason, detail and, where the
// field-error variant of the test has them, its field errors. Read by src/pss/upstream-checks.test.ts (the
// check steps) and test/cli/pss-upstream.test.ts (`pss check` and `apply` of a `validate.podSecurity` rule).
// Source: kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, the newest
// stored version of each (the file's commit is in `file`); the field errors are from the tests' field-error
// variants ("enable field error list", the `withFieldErrors` option Kyverno's PSA fork reports).
import type { JsonObject } from '../../src/util/index.js';

/** One field error as the upstream test lists it (Detail is ignored there too). */
export interface UpstreamFieldError {
  type: 'Forbidden' | 'Required';
  field: string;
  badValue?: unknown;
}

/** One upstream test case. */
export interface UpstreamCase {
  /** Upstream test file and the commit read. */
  file: string;
  /** Upstream function under test. */
  fn: string;
  /** podgate check ID. */
  check: string;
  /** The minor whose step of the check is upstream's function. */
  version: number;
  name: string;
  pod: { metadata?: JsonObject; spec: JsonObject };
  /** Absent when the case expects the pod to be allowed. */
  reason?: string;
  detail?: string;
  errors?: UpstreamFieldError[];
}

const F = (field: string, badValue?: unknown): UpstreamFieldError => (badValue === undefined ? { type: 'Forbidden', field } : { type: 'Forbidden', field, badValue });
const sc = (name: string, securityContext?: JsonObject): JsonObject => (securityContext === undefined ? { name } : { name, securityContext });

const PRIV = 'check_privileged_test.go@ab3cf0b2a6dc9476c9fbc327afe925fd322b466e';
const APE = 'check_allowPrivilegeEscalation_test.go@04791b4906602ffda5ccf9bc4c84d3329f1d7080';
const AA = 'check_appArmorProfile_test.go (newest, field-error variant; read as file id 148948699)';
const CAPB = 'check_capabilities_baseline_test.go@04791b4906602ffda5ccf9bc4c84d3329f1d7080';
const CAPR = 'check_capabilities_restricted_test.go@04791b4906602ffda5ccf9bc4c84d3329f1d7080';
const HNS = 'check_hostNamespaces_test.go@89b74acb59c25bdaece19c02bf1daef308e54fc4';
const HPV = 'check_hostPathVolumes_test.go@7fc9c57df50702c276dcdc36c1e8f652a923eb16';
const HPORT = 'check_hostPorts_test.go@ab3cf0b2a6dc9476c9fbc327afe925fd322b466e';
const PROBE = 'check_hostProbesAndhostLifecycle_test.go (newest, hostProbesAndHostLifecycleV1Dot34; read as file id 3780264748)';
const PMB = 'check_procMount_baseline_test.go@1dc8b4f20f8cd7581b3175390bcca93dbcd517e5';
const PMR = 'check_procMount_restricted_test.go@0c9cbba9f88762ac3ec2f26f53f1216064a9fed3';
const RV = 'check_restrictedVolumes_test.go@030880a5dc5449403c6d1f0aa146a7dc21d6c6dc';
const RANR = 'check_runAsNonRoot_test.go@008b3652959ca58af8be3fb5b6ecfe9ae7638282';
const RAU = 'check_runAsUser_test.go@0e39963bea7bba03be3bfcf41716de1f96812488';
const SEL = 'check_seLinuxOptions_test.go@2e0908106e4420a601e50d6edfd41475de87a3e1';
const SCB = 'check_seccompProfile_baseline_test.go@ab3cf0b2a6dc9476c9fbc327afe925fd322b466e';
const SCR = 'check_seccompProfile_restricted_test.go@0f8a967b5c3a7c91b5579dfb2823e09d56ab1be6';
const SYS = 'check_sysctls_test.go@025f2834a128798cef30018a5e6a6ae82b5ad885';
const WHP = 'check_windowsHostProcess_test.go@78fc8e44052f699bf598f84b697b41e5a328c9c5';

const privilegedPod = { spec: { containers: [sc('a'), sc('b', {}), sc('c', { privileged: false }), sc('d', { privileged: true }), sc('e', { privileged: true })] } };

const AA_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const aaAnnotations = {
  [AA_PREFIX]: 'bogus',
  [`${AA_PREFIX}a`]: '',
  [`${AA_PREFIX}b`]: 'runtime/default',
  [`${AA_PREFIX}c`]: 'localhost/',
  [`${AA_PREFIX}d`]: 'localhost/foo',
  [`${AA_PREFIX}e`]: 'unconfined',
  [`${AA_PREFIX}f`]: 'unknown',
};

const hostPortsOne: { spec: JsonObject } = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 0 }] }, { name: 'b', ports: [{ containerPort: 80, hostPort: 0 }, { containerPort: 81, hostPort: 20 }] }] } };
const hostPortsMany: { spec: JsonObject } = {
  spec: {
    containers: [
      { name: 'a', ports: [{ containerPort: 80 }] },
      { name: 'b', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 10 }, { containerPort: 82, hostPort: 20 }] },
      { name: 'c', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 10 }, { containerPort: 82, hostPort: 30 }] },
    ],
  },
};

const probe = (kind: 'httpGet' | 'tcpSocket', host?: string): JsonObject => ({ [kind]: host === undefined ? { port: 80 } : { host, port: 80 } });

const procMountContainers = [sc('a'), sc('b', {}), sc('c', { procMount: 'Default' }), sc('d', { procMount: 'Unmasked' }), sc('e', { procMount: 'other' })];
const PROC_DETAIL = 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"';

const seLinuxContainers = (extra: boolean): JsonObject[] => [
  sc('a', { seLinuxOptions: { type: 'container_t' } }),
  sc('b', { seLinuxOptions: { type: 'container_init_t' } }),
  sc('c', { seLinuxOptions: { type: 'container_kvm_t' } }),
  sc('d', { seLinuxOptions: { type: 'container_engine_t' } }),
  ...(extra ? [sc('e', { seLinuxOptions: { type: 'bar' } }), sc('f', { seLinuxOptions: { user: 'bar' } }), sc('g', { seLinuxOptions: { role: 'baz' } })] : []),
];

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_C = 'container.seccomp.security.alpha.kubernetes.io/';
const seccompContainers = (pod: string) => ({
  securityContext: { seccompProfile: { type: pod } },
  containers: [
    sc('a'),
    sc('b', {}),
    sc('c', { seccompProfile: { type: 'Unconfined' } }),
    sc('d', { seccompProfile: { type: 'Unconfined' } }),
    sc('e', { seccompProfile: { type: 'RuntimeDefault' } }),
    sc('f', { seccompProfile: { type: 'RuntimeDefault' } }),
  ],
});

/** Every translated upstream case. */
export const UPSTREAM_CASES: readonly UpstreamCase[] = [
  {
    file: PRIV,
    fn: 'privilegedV1Dot0',
    check: 'privileged',
    version: 0,
    name: 'privileged',
    pod: privilegedPod,
    reason: 'privileged',
    detail: 'containers "d", "e" must not set securityContext.privileged=true',
    errors: [F('spec.containers[3].securityContext.privileged', true), F('spec.containers[4].securityContext.privileged', true)],
  },
  {
    file: APE,
    fn: 'allowPrivilegeEscalation_1_8',
    check: 'allowPrivilegeEscalation',
    version: 8,
    name: 'multiple containers',
    pod: { spec: { containers: [sc('a'), sc('b', {}), sc('c', { allowPrivilegeEscalation: true }), sc('d', { allowPrivilegeEscalation: false })] } },
    reason: 'allowPrivilegeEscalation != false',
    detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
  },
  // appArmorProfile: the allowed cases, then the forbidden ones.
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'container with default AppArmor + extra annotations', pod: { metadata: { annotations: { [`${AA_PREFIX}test`]: 'runtime/default', env: 'prod' } }, spec: {} } },
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'container with local AppArmor + extra annotations', pod: { metadata: { annotations: { [`${AA_PREFIX}test`]: 'localhost/sec-profile01', env: 'dev' } }, spec: {} } },
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'container with no AppArmor annotations', pod: { metadata: { annotations: { env: 'dev' } }, spec: {} } },
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'container with no annotations', pod: { metadata: {}, spec: {} } },
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'pod with runtime default', pod: { spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } } } },
  { file: AA, fn: 'appArmorProfileV1Dot0', check: 'appArmorProfile', version: 0, name: 'container with localhost profile', pod: { spec: { containers: [sc('foo', { appArmorProfile: { type: 'RuntimeDefault' } })] } } },
  {
    file: AA,
    fn: 'appArmorProfileV1Dot0',
    check: 'appArmorProfile',
    version: 0,
    name: 'unconfined pod',
    pod: { spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } } },
    reason: 'forbidden AppArmor profile',
    detail: 'pod must not set AppArmor profile type to "Unconfined"',
    errors: [F('spec.securityContext.appArmorProfile.type', 'Unconfined')],
  },
  {
    file: AA,
    fn: 'appArmorProfileV1Dot0',
    check: 'appArmorProfile',
    version: 0,
    name: 'unconfined container',
    pod: { spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [sc('foo', { appArmorProfile: { type: 'Unconfined' } })] } },
    reason: 'forbidden AppArmor profile',
    detail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
    errors: [F('spec.containers[0].securityContext.appArmorProfile.type', 'Unconfined')],
  },
  {
    file: AA,
    fn: 'appArmorProfileV1Dot0',
    check: 'appArmorProfile',
    version: 0,
    name: 'unconfined init container',
    pod: {
      spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [sc('foo')], initContainers: [sc('bar', { appArmorProfile: { type: 'Unconfined' } })] },
    },
    reason: 'forbidden AppArmor profile',
    detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
    errors: [F('spec.initContainers[0].securityContext.appArmorProfile.type', 'Unconfined')],
  },
  {
    file: AA,
    fn: 'appArmorProfileV1Dot0',
    check: 'appArmorProfile',
    version: 0,
    name: 'multiple containers',
    pod: { metadata: { annotations: aaAnnotations }, spec: {} },
    reason: 'forbidden AppArmor profiles',
    detail: `annotations must not set AppArmor profile type to ${[`"${AA_PREFIX}="bogus""`, `"${AA_PREFIX}e="unconfined""`, `"${AA_PREFIX}f="unknown""`].join(', ')}`,
    errors: [F(`metadata.annotations[${AA_PREFIX}]`, 'bogus'), F(`metadata.annotations[${AA_PREFIX}e]`, 'unconfined'), F(`metadata.annotations[${AA_PREFIX}f]`, 'unknown')],
  },
  {
    file: CAPB,
    fn: 'capabilitiesBaseline_1_0',
    check: 'capabilities_baseline',
    version: 0,
    name: 'multiple containers',
    pod: { spec: { containers: [sc('a', { capabilities: { add: ['FOO', 'BAR'] } }), sc('b', { capabilities: { add: ['BAR', 'BAZ'] } })] } },
    reason: 'non-default capabilities',
    detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
  },
  {
    file: CAPR,
    fn: 'capabilitiesRestricted_1_22',
    check: 'capabilities_restricted',
    version: 22,
    name: 'multiple containers',
    pod: {
      spec: {
        containers: [
          sc('a', { capabilities: { add: ['FOO', 'BAR'] } }),
          sc('b', { capabilities: { add: ['BAR', 'BAZ'] } }),
          sc('c', { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['ALL', 'FOO'] } }),
        ],
      },
    },
    reason: 'unrestricted capabilities',
    detail: 'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
  },
  {
    file: HNS,
    fn: 'hostNamespaces_1_0',
    check: 'hostNamespaces',
    version: 0,
    name: 'multiple host namespaces',
    pod: { spec: { hostNetwork: true, hostIPC: true, hostPID: true } },
    reason: 'host namespaces',
    detail: 'hostNetwork=true, hostPID=true, hostIPC=true',
  },
  {
    file: HPV,
    fn: 'hostPathVolumes_1_0',
    check: 'hostPathVolumes',
    version: 0,
    name: 'host path volumes',
    pod: { spec: { volumes: [{ name: 'a', hostPath: { path: '' } }, { name: 'b', hostPath: { path: '' } }, { name: 'c', emptyDir: {} }] } },
    reason: 'hostPath volumes',
    detail: 'volumes "a", "b"',
  },
  {
    file: HPORT,
    fn: 'hostPortsV1Dot0',
    check: 'hostPorts',
    version: 0,
    name: 'one container, one host port',
    pod: hostPortsOne,
    reason: 'hostPort',
    detail: 'container "b" uses hostPort 20',
    errors: [F('spec.containers[1].ports[1].hostPort', 20)],
  },
  {
    file: HPORT,
    fn: 'hostPortsV1Dot0',
    check: 'hostPorts',
    version: 0,
    name: 'multiple containers, multiple host port',
    pod: hostPortsMany,
    reason: 'hostPort',
    detail: 'containers "b", "c" use hostPorts 10, 20, 30',
    errors: [F('spec.containers[1].ports[1].hostPort', 10), F('spec.containers[1].ports[2].hostPort', 20), F('spec.containers[2].ports[1].hostPort', 10), F('spec.containers[2].ports[2].hostPort', 30)],
  },
  // hostProbesAndHostLifecycle (1.34).
  {
    file: PROBE,
    fn: 'hostProbesAndHostLifecycleV1Dot34',
    check: 'hostProbesAndHostLifecycle',
    version: 34,
    name: 'valid pod with unset hosts',
    pod: { spec: { containers: [{ name: 'a', livenessProbe: probe('httpGet'), readinessProbe: probe('tcpSocket'), lifecycle: { postStart: probe('httpGet') } }] } },
  },
  {
    file: PROBE,
    fn: 'hostProbesAndHostLifecycleV1Dot34',
    check: 'hostProbesAndHostLifecycle',
    version: 34,
    name: 'invalid pod with local host IP as probe host',
    pod: { spec: { containers: [{ name: 'a', livenessProbe: probe('httpGet', '127.0.0.1'), readinessProbe: probe('tcpSocket', '::1'), startupProbe: probe('httpGet', 'localhost') }] } },
    reason: 'probe or lifecycle host',
    detail: 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"',
  },
  ...(
    [
      ['invalid httpget host in liveness probe', { name: 'a', livenessProbe: probe('httpGet', 'invalid.host') }, 'container "a" uses probe or lifecycle host "invalid.host"'],
      ['invalid tcpsocket host in readiness probe', { name: 'b', readinessProbe: probe('tcpSocket', 'invalid.host') }, 'container "b" uses probe or lifecycle host "invalid.host"'],
      ['invalid httpget host in startup probe', { name: 'c', startupProbe: probe('httpGet', 'invalid.host') }, 'container "c" uses probe or lifecycle host "invalid.host"'],
      ['invalid poststart tcpsocket host', { name: 'd', lifecycle: { postStart: probe('tcpSocket', 'invalid.host') } }, 'container "d" uses probe or lifecycle host "invalid.host"'],
      ['invalid prestop httpget host', { name: 'e', lifecycle: { preStop: probe('httpGet', 'another.invalid.host') } }, 'container "e" uses probe or lifecycle host "another.invalid.host"'],
      ['invalid ipv4 host in probe', { name: 'a', livenessProbe: probe('httpGet', '8.8.8.8') }, 'container "a" uses probe or lifecycle host "8.8.8.8"'],
      ['invalid ipv6 host in probe', { name: 'a', livenessProbe: probe('tcpSocket', '2001:4860:4860::8888') }, 'container "a" uses probe or lifecycle host "2001:4860:4860::8888"'],
    ] as const
  ).map(
    ([name, container, detail]): UpstreamCase => ({
      file: PROBE,
      fn: 'hostProbesAndHostLifecycleV1Dot34',
      check: 'hostProbesAndHostLifecycle',
      version: 34,
      name,
      pod: { spec: { containers: [container] } },
      reason: 'probe or lifecycle host',
      detail,
    }),
  ),
  {
    file: PROBE,
    fn: 'hostProbesAndHostLifecycleV1Dot34',
    check: 'hostProbesAndHostLifecycle',
    version: 34,
    name: 'multiple containers with multiple invalid hosts',
    pod: {
      spec: {
        containers: [
          { name: 'valid' },
          { name: 'invalid1', livenessProbe: probe('httpGet', 'a.com') },
          { name: 'invalid2', lifecycle: { preStop: probe('tcpSocket', 'b.com') }, startupProbe: probe('httpGet', 'a.com') },
        ],
      },
    },
    reason: 'probe or lifecycle host',
    detail: 'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
  },
  {
    file: PROBE,
    fn: 'hostProbesAndHostLifecycleV1Dot34',
    check: 'hostProbesAndHostLifecycle',
    version: 34,
    name: 'invalid host in initcontainer',
    pod: { spec: { initContainers: [{ name: 'init', livenessProbe: probe('httpGet', 'invalid.init.host') }] } },
    reason: 'probe or lifecycle host',
    detail: 'container "init" uses probe or lifecycle host "invalid.init.host"',
  },
  // procMount: baseline 1.35 (user namespaces exempt), restricted (procMount_1_0 whatever hostUsers says).
  { file: PMB, fn: 'procMount1_35baseline', check: 'procMount', version: 35, name: 'procMount', pod: { spec: { containers: procMountContainers, hostUsers: true } }, reason: 'procMount', detail: PROC_DETAIL },
  { file: PMB, fn: 'procMount1_35baseline', check: 'procMount', version: 35, name: 'procMount with userns', pod: { spec: { containers: procMountContainers, hostUsers: false } } },
  { file: PMR, fn: 'procMount_1_0', check: 'procMount_restricted', version: 35, name: 'procMount (hostUsers true)', pod: { spec: { containers: procMountContainers, hostUsers: true } }, reason: 'procMount', detail: PROC_DETAIL },
  { file: PMR, fn: 'procMount_1_0', check: 'procMount_restricted', version: 35, name: 'procMount (hostUsers false)', pod: { spec: { containers: procMountContainers, hostUsers: false } }, reason: 'procMount', detail: PROC_DETAIL },
  {
    file: RV,
    fn: 'restrictedVolumes_1_0',
    check: 'restrictedVolumes',
    version: 0,
    name: 'host path volumes',
    pod: {
      spec: {
        volumes: [
          { name: 'a1', emptyDir: {} },
          { name: 'a2', secret: {} },
          { name: 'a3', persistentVolumeClaim: { claimName: '' } },
          { name: 'a4', downwardAPI: {} },
          { name: 'a5', configMap: {} },
          { name: 'a6', projected: { sources: null } },
          { name: 'a7', csi: { driver: '' } },
          { name: 'a8', ephemeral: {} },
          { name: 'a9', image: {} },
          { name: 'b1', hostPath: { path: '' } },
          { name: 'b2', gcePersistentDisk: { pdName: '' } },
          { name: 'b3', awsElasticBlockStore: { volumeID: '' } },
          { name: 'b4', gitRepo: { repository: '' } },
          { name: 'b5', nfs: { server: '', path: '' } },
          { name: 'b6', iscsi: { targetPortal: '', iqn: '', lun: 0 } },
          { name: 'b7', glusterfs: { endpoints: '', path: '' } },
          { name: 'b8', rbd: { monitors: null, image: '' } },
          { name: 'b9', flexVolume: { driver: '' } },
          { name: 'b10', cinder: { volumeID: '' } },
          { name: 'b11', cephfs: { monitors: null } },
          { name: 'b12', flocker: {} },
          { name: 'b13', fc: {} },
          { name: 'b14', azureFile: { secretName: '', shareName: '' } },
          { name: 'b15', vsphereVolume: { volumePath: '' } },
          { name: 'b16', quobyte: { registry: '', volume: '' } },
          { name: 'b17', azureDisk: { diskName: '', diskURI: '' } },
          { name: 'b18', photonPersistentDisk: { pdID: '' } },
          { name: 'b19', portworxVolume: { volumeID: '' } },
          { name: 'b20', scaleIO: { gateway: '', system: '', secretRef: null } },
          { name: 'b21', storageos: {} },
          // Upstream's c1 (a volume with no source, "unknown") is left out: the API server defaults such a
          // volume to emptyDir before PSA sees it (docs/compatibility.md, Pod Security Admission).
        ],
      },
    },
    reason: 'restricted volume types',
    detail:
      'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21" use restricted volume types ' +
      '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
      '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume"',
  },
  // runAsNonRoot (1.35).
  {
    file: RANR,
    fn: 'runAsNonRoot1_35',
    check: 'runAsNonRoot',
    version: 35,
    name: 'no explicit runAsNonRoot',
    pod: { spec: { containers: [sc('a')] } },
    reason: 'runAsNonRoot != true',
    detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
  },
  {
    file: RANR,
    fn: 'runAsNonRoot1_35',
    check: 'runAsNonRoot',
    version: 35,
    name: 'pod runAsNonRoot=false',
    pod: { spec: { securityContext: { runAsNonRoot: false }, containers: [sc('a')] } },
    reason: 'runAsNonRoot != true',
    detail: 'pod must not set securityContext.runAsNonRoot=false',
  },
  {
    file: RANR,
    fn: 'runAsNonRoot1_35',
    check: 'runAsNonRoot',
    version: 35,
    name: 'containers runAsNonRoot=false',
    pod: {
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [sc('a'), sc('b', {}), sc('c', { runAsNonRoot: false }), sc('d', { runAsNonRoot: false }), sc('e', { runAsNonRoot: true }), sc('f', { runAsNonRoot: true })],
      },
    },
    reason: 'runAsNonRoot != true',
    detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false',
  },
  {
    file: RANR,
    fn: 'runAsNonRoot1_35',
    check: 'runAsNonRoot',
    version: 35,
    name: 'pod nil, container fallthrough',
    pod: { spec: { containers: [sc('a'), sc('b', {}), sc('d', { runAsNonRoot: true }), sc('e', { runAsNonRoot: true })] } },
    reason: 'runAsNonRoot != true',
    detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
  },
  { file: RANR, fn: 'runAsNonRoot1_35', check: 'runAsNonRoot', version: 35, name: 'host users false allowed', pod: { spec: { hostUsers: false } } },
  // runAsUser (1.35).
  { file: RAU, fn: 'runAsUser1_35', check: 'runAsUser', version: 35, name: 'pod runAsUser=0', pod: { spec: { securityContext: { runAsUser: 0 }, containers: [sc('a')] } }, reason: 'runAsUser=0', detail: 'pod must not set runAsUser=0' },
  { file: RAU, fn: 'runAsUser1_35', check: 'runAsUser', version: 35, name: 'pod runAsUser=non-zero', pod: { spec: { securityContext: { runAsUser: 1000 }, containers: [sc('a')] } } },
  { file: RAU, fn: 'runAsUser1_35', check: 'runAsUser', version: 35, name: 'pod runAsUser=nil', pod: { spec: { securityContext: {}, containers: [sc('a')] } } },
  {
    file: RAU,
    fn: 'runAsUser1_35',
    check: 'runAsUser',
    version: 35,
    name: 'containers runAsUser=0',
    pod: { spec: { securityContext: { runAsUser: 1000 }, containers: [sc('a'), sc('b', {}), sc('c', { runAsUser: 0 }), sc('d', { runAsUser: 0 }), sc('e', { runAsUser: 1 }), sc('f', { runAsUser: 1 })] } },
    reason: 'runAsUser=0',
    detail: 'containers "c", "d" must not set runAsUser=0',
  },
  {
    file: RAU,
    fn: 'runAsUser1_35',
    check: 'runAsUser',
    version: 35,
    name: 'containers runAsUser=non-zero',
    pod: { spec: { containers: [sc('c', { runAsUser: 1 }), sc('d', { runAsUser: 2 }), sc('e', { runAsUser: 3 }), sc('f', { runAsUser: 4 })] } },
  },
  { file: RAU, fn: 'runAsUser1_35', check: 'runAsUser', version: 35, name: 'UserNamespacesPodSecurityStandards enabled without HostUsers', pod: { spec: { hostUsers: false } } },
  {
    file: RAU,
    fn: 'runAsUser1_35',
    check: 'runAsUser',
    version: 35,
    name: 'UserNamespacesPodSecurityStandards enabled with HostUsers',
    pod: { spec: { securityContext: { runAsUser: 0 }, containers: [sc('a')], hostUsers: true } },
    reason: 'runAsUser=0',
    detail: 'pod must not set runAsUser=0',
  },
  // seLinuxOptions (1.31).
  {
    file: SEL,
    fn: 'seLinuxOptions1_31',
    check: 'seLinuxOptions',
    version: 31,
    name: 'invalid pod and containers',
    pod: { spec: { securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } }, containers: seLinuxContainers(true) } },
    reason: 'seLinuxOptions',
    detail: 'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
  },
  {
    file: SEL,
    fn: 'seLinuxOptions1_31',
    check: 'seLinuxOptions',
    version: 31,
    name: 'invalid pod',
    pod: { spec: { securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } }, containers: seLinuxContainers(false) } },
    reason: 'seLinuxOptions',
    detail: 'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set',
  },
  {
    file: SEL,
    fn: 'seLinuxOptions1_31',
    check: 'seLinuxOptions',
    version: 31,
    name: 'invalid containers',
    pod: { spec: { securityContext: { seLinuxOptions: {} }, containers: seLinuxContainers(true) } },
    reason: 'seLinuxOptions',
    detail: 'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
  },
  { file: SEL, fn: 'seLinuxOptions1_31', check: 'seLinuxOptions', version: 31, name: 'bad type', pod: { spec: { securityContext: { seLinuxOptions: { type: 'bad' } } } }, reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: type "bad"' },
  { file: SEL, fn: 'seLinuxOptions1_31', check: 'seLinuxOptions', version: 31, name: 'bad user', pod: { spec: { securityContext: { seLinuxOptions: { user: 'bad' } } } }, reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: user may not be set' },
  { file: SEL, fn: 'seLinuxOptions1_31', check: 'seLinuxOptions', version: 31, name: 'bad role', pod: { spec: { securityContext: { seLinuxOptions: { role: 'bad' } } } }, reason: 'seLinuxOptions', detail: 'pod set forbidden securityContext.seLinuxOptions: role may not be set' },
  // seccompProfile_baseline 1.0 (annotations) and 1.19 (fields).
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot0',
    check: 'seccompProfile_baseline',
    version: 0,
    name: 'pod seccomp invalid',
    pod: { metadata: { annotations: { [SECCOMP_POD]: 'unconfined' } }, spec: {} },
    reason: 'seccompProfile',
    detail: `forbidden annotation ${SECCOMP_POD}="unconfined"`,
    errors: [F(`metadata.annotations[${SECCOMP_POD}]`, 'unconfined')],
  },
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot0',
    check: 'seccompProfile_baseline',
    version: 0,
    name: 'containers seccomp invalid',
    pod: { metadata: { annotations: { [`${SECCOMP_C}a`]: 'unconfined', [`${SECCOMP_C}b`]: 'unknown' } }, spec: { containers: [sc('a'), sc('b'), sc('c')] } },
    reason: 'seccompProfile',
    detail: `forbidden annotations ${SECCOMP_C}a="unconfined", ${SECCOMP_C}b="unknown"`,
    errors: [F(`metadata.annotations[${SECCOMP_C}a]`, 'unconfined'), F(`metadata.annotations[${SECCOMP_C}b]`, 'unknown')],
  },
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot0',
    check: 'seccompProfile_baseline',
    version: 0,
    name: 'pod and containers seccomp invalid',
    pod: { metadata: { annotations: { [SECCOMP_POD]: 'unconfined', [`${SECCOMP_C}a`]: 'unconfined', [`${SECCOMP_C}b`]: 'unknown' } }, spec: { containers: [sc('a'), sc('b'), sc('c')] } },
    reason: 'seccompProfile',
    detail: `forbidden annotations ${SECCOMP_C}a="unconfined", ${SECCOMP_C}b="unknown", ${SECCOMP_POD}="unconfined"`,
    errors: [F(`metadata.annotations[${SECCOMP_POD}]`, 'unconfined'), F(`metadata.annotations[${SECCOMP_C}a]`, 'unconfined'), F(`metadata.annotations[${SECCOMP_C}b]`, 'unknown')],
  },
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot19',
    check: 'seccompProfile_baseline',
    version: 19,
    name: 'pod seccomp invalid (fields)',
    pod: { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [sc('a')] } },
    reason: 'seccompProfile',
    detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
    errors: [F('spec.securityContext.seccompProfile.type', 'Unconfined')],
  },
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot19',
    check: 'seccompProfile_baseline',
    version: 19,
    name: 'containers seccomp invalid (fields)',
    pod: { spec: seccompContainers('RuntimeDefault') },
    reason: 'seccompProfile',
    detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    errors: [F('spec.containers[2].securityContext.seccompProfile.type', 'Unconfined'), F('spec.containers[3].securityContext.seccompProfile.type', 'Unconfined')],
  },
  {
    file: SCB,
    fn: 'seccompProfileBaselineV1Dot19',
    check: 'seccompProfile_baseline',
    version: 19,
    name: 'pod and containers seccomp invalid (fields)',
    pod: { spec: seccompContainers('Unconfined') },
    reason: 'seccompProfile',
    detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    errors: [
      F('spec.securityContext.seccompProfile.type', 'Unconfined'),
      F('spec.containers[2].securityContext.seccompProfile.type', 'Unconfined'),
      F('spec.containers[3].securityContext.seccompProfile.type', 'Unconfined'),
    ],
  },
  // seccompProfile_restricted 1.19.
  {
    file: SCR,
    fn: 'seccompProfileRestricted_1_19',
    check: 'seccompProfile_restricted',
    version: 19,
    name: 'no explicit seccomp',
    pod: { spec: { containers: [sc('a')] } },
    reason: 'seccompProfile',
    detail: 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  },
  {
    file: SCR,
    fn: 'seccompProfileRestricted_1_19',
    check: 'seccompProfile_restricted',
    version: 19,
    name: 'pod seccomp invalid',
    pod: { spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [sc('a')] } },
    reason: 'seccompProfile',
    detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
  },
  {
    file: SCR,
    fn: 'seccompProfileRestricted_1_19',
    check: 'seccompProfile_restricted',
    version: 19,
    name: 'containers seccomp invalid',
    pod: { spec: seccompContainers('RuntimeDefault') },
    reason: 'seccompProfile',
    detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
  },
  {
    file: SCR,
    fn: 'seccompProfileRestricted_1_19',
    check: 'seccompProfile_restricted',
    version: 19,
    name: 'pod nil, container fallthrough',
    pod: { spec: { containers: [sc('a'), sc('b', {}), sc('d', { seccompProfile: { type: 'RuntimeDefault' } }), sc('e', { seccompProfile: { type: 'RuntimeDefault' } })] } },
    reason: 'seccompProfile',
    detail: 'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  },
  // sysctls 1.0 and 1.27.
  { file: SYS, fn: 'sysctls_1_0', check: 'sysctls', version: 0, name: 'forbidden sysctls', pod: { spec: { securityContext: { sysctls: [{ name: 'a', value: '' }, { name: 'b', value: '' }] } } }, reason: 'forbidden sysctls', detail: 'a, b' },
  {
    file: SYS,
    fn: 'sysctls_1_0',
    check: 'sysctls',
    version: 0,
    name: 'new supported sysctls not supported',
    pod: { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1024-4999' }] } } },
    reason: 'forbidden sysctls',
    detail: 'net.ipv4.ip_local_reserved_ports',
  },
  { file: SYS, fn: 'sysctls_1_27', check: 'sysctls', version: 27, name: 'forbidden sysctls (1.27)', pod: { spec: { securityContext: { sysctls: [{ name: 'a', value: '' }, { name: 'b', value: '' }] } } }, reason: 'forbidden sysctls', detail: 'a, b' },
  { file: SYS, fn: 'sysctls_1_27', check: 'sysctls', version: 27, name: 'new supported sysctls', pod: { spec: { securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1024-4999' }] } } } },
  {
    file: WHP,
    fn: 'windowsHostProcess_1_0',
    check: 'windowsHostProcess',
    version: 0,
    name: 'host process',
    pod: {
      spec: {
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [
          sc('a'),
          sc('b', {}),
          sc('c', { windowsOptions: {} }),
          sc('d', { windowsOptions: { hostProcess: false } }),
          sc('e', { windowsOptions: { hostProcess: true } }),
          sc('f', { windowsOptions: { hostProcess: true } }),
        ],
      },
    },
    reason: 'hostProcess',
    detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true',
  },
];
