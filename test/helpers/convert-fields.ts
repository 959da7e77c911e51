// Wider generators for the differential check of `migrate convert` (test/migrate/convert-fields.test.ts):
// one PSP at a time, granted to every authenticated user, so that every disagreement is about how one
// PSP field was converted, not about unions. Every PSP field is drawn, including the ones the sample and
// the union generator leave alone (hostIPC, SELinux MustRunAs, allowedFlexVolumes, allowedCSIDrivers,
// read-only and oddly written host path prefixes, defaultAllowPrivilegeEscalation, AppArmor, runtime
// classes, sysctl wildcards), and pods that use them, init containers included.
import fc from 'fast-check';
import type { KubeObject } from '../../src/kube/index.js';
import { clone, type JsonObject, type JsonValue } from '../../src/util/index.js';

const rare = <T>(arb: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: arb, weight: 1 });
const defined = (o: Record<string, unknown>): JsonObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JsonObject;

/** Host paths: under, equal to, beside and around the generated prefixes, written with `.`, `//` and trailing slashes. */
export const FIELD_HOST_PATHS = ['/data', '/data/', '/data/x', '/datax', '/data//x', '//data/x', '/./data/x', '/data/./x', '/data/..x', '/var/log', '/var/log/pods', '/var//log', '/', '/etc', '/opt/a/'];
const PREFIXES = ['/data', '/data/', '/var/log', '/', '/data//', '/opt/a'];
const SELINUX = [{ level: 's0:c1,c2' }, { level: 's0:c2,c1' }, { level: 's0:c1,c2', type: 'spc_t' }, { user: 'u', role: 'r', type: 't', level: 's0' }, { type: 'container_t' }];
const SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.tcp_syncookies', 'net.core.somaxconn', 'kernel.msgmax', 'kernel.sem', 'net.ipv4.ip_forward'];
const APPARMOR = ['runtime/default', 'localhost/k8s-nginx', 'unconfined'];

const fieldRange = fc.tuple(fc.constantFrom(0, 1, 100, 1000), fc.constantFrom(100, 1000, 2000, 65535)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const fieldRanged = (rules: string[]) => fc.record({ rule: fc.constantFrom(...rules), ranges: fc.array(fieldRange, { minLength: 1, maxLength: 2 }) }).map((r) => (r.rule === 'RunAsAny' || r.rule === 'MustRunAsNonRoot' ? { rule: r.rule } : r));

/** A random valid PSP over every field. */
export function fieldPspArbitrary(name: string): fc.Arbitrary<KubeObject> {
  return fc
    .record({
      privileged: fc.boolean(),
      allowPrivilegeEscalation: fc.boolean(),
      defaultAllowPrivilegeEscalation: rare(fc.boolean(), 2),
      readOnlyRootFilesystem: fc.boolean(),
      hostNetwork: fc.boolean(),
      hostPID: fc.boolean(),
      hostIPC: fc.boolean(),
      hostPorts: fc.array(fc.constantFrom({ min: 80, max: 80 }, { min: 1, max: 65535 }, { min: 8000, max: 9000 }, { min: 0, max: 100 }), { maxLength: 2 }),
      volumes: fc.constantFrom(['*'], ['secret', 'configMap', 'emptyDir'], ['hostPath', 'emptyDir'], ['hostPath', 'projected', 'csi', 'flexVolume'], ['csi', 'flexVolume', 'secret']),
      allowedHostPaths: fc.array(fc.record({ pathPrefix: fc.constantFrom(...PREFIXES), readOnly: fc.boolean() }), { maxLength: 2 }),
      allowedFlexVolumes: fc.constantFrom([], [{ driver: 'example/lvm' }], [{ driver: 'example/cifs' }, { driver: 'example/lvm' }]),
      allowedCSIDrivers: fc.constantFrom([], [{ name: 'csi.a' }], [{ name: 'csi.a' }, { name: 'csi.b' }]),
      runAsUser: fieldRanged(['RunAsAny', 'MustRunAs', 'MustRunAsNonRoot']),
      runAsGroup: rare(fieldRanged(['RunAsAny', 'MustRunAs', 'MayRunAs']), 1),
      fsGroup: fieldRanged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
      supplementalGroups: fieldRanged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
      seLinux: fc.oneof(fc.constant({ rule: 'RunAsAny' }), fc.constantFrom(...SELINUX).map((o) => ({ rule: 'MustRunAs', seLinuxOptions: o }))),
      caps: fc.constantFrom(
        { defaultAddCapabilities: [], requiredDropCapabilities: [], allowedCapabilities: [] },
        { defaultAddCapabilities: ['CHOWN'], requiredDropCapabilities: ['NET_RAW'], allowedCapabilities: ['NET_BIND_SERVICE'] },
        { defaultAddCapabilities: [], requiredDropCapabilities: ['ALL'], allowedCapabilities: ['NET_BIND_SERVICE'] },
        { defaultAddCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: [], allowedCapabilities: ['*'] },
        { defaultAddCapabilities: [], requiredDropCapabilities: [], allowedCapabilities: ['*'] },
      ),
      allowedProcMountTypes: fc.constantFrom([], ['Default'], ['Default', 'Unmasked']),
      sysctls: fc.constantFrom(
        { allowedUnsafeSysctls: [], forbiddenSysctls: [] },
        { allowedUnsafeSysctls: ['net.core.*'], forbiddenSysctls: ['kernel.*'] },
        { allowedUnsafeSysctls: ['*'], forbiddenSysctls: [] },
        { allowedUnsafeSysctls: ['kernel.msgmax'], forbiddenSysctls: ['net.ipv4.tcp_syncookies'] },
        { allowedUnsafeSysctls: [], forbiddenSysctls: ['*'] },
      ),
      runtimeClass: rare(fc.constantFrom({ allowedRuntimeClassNames: ['gvisor'] }, { allowedRuntimeClassNames: ['gvisor', 'kata'], defaultRuntimeClassName: 'kata' }, { allowedRuntimeClassNames: ['*'] }), 2),
      seccomp: fc.constantFrom(undefined, '*', 'runtime/default', 'runtime/default,localhost/x', ''),
      seccompDefault: fc.boolean(),
      apparmor: fc.constantFrom(undefined, 'runtime/default', 'runtime/default,localhost/k8s-nginx'),
      apparmorDefault: fc.boolean(),
    })
    .map((g) => {
      const spec = defined({
        privileged: g.privileged,
        allowPrivilegeEscalation: g.allowPrivilegeEscalation,
        // defaultAllowPrivilegeEscalation true needs allowPrivilegeEscalation true (PSP validation).
        defaultAllowPrivilegeEscalation: g.defaultAllowPrivilegeEscalation === true && !g.allowPrivilegeEscalation ? false : g.defaultAllowPrivilegeEscalation,
        readOnlyRootFilesystem: g.readOnlyRootFilesystem,
        hostNetwork: g.hostNetwork,
        hostPID: g.hostPID,
        hostIPC: g.hostIPC,
        hostPorts: g.hostPorts,
        volumes: g.volumes,
        allowedFlexVolumes: g.allowedFlexVolumes,
        allowedCSIDrivers: g.allowedCSIDrivers,
        runAsUser: g.runAsUser,
        runAsGroup: g.runAsGroup,
        fsGroup: g.fsGroup,
        supplementalGroups: g.supplementalGroups,
        seLinux: g.seLinux,
        ...g.caps,
        allowedProcMountTypes: g.allowedProcMountTypes,
        ...g.sysctls,
        runtimeClass: g.runtimeClass,
      } as Record<string, unknown>);
      if (g.allowedHostPaths.length > 0) spec.allowedHostPaths = g.allowedHostPaths as unknown as JsonValue;
      const annotations: Record<string, string> = {};
      if (g.seccomp !== undefined) annotations['seccomp.security.alpha.kubernetes.io/allowedProfileNames'] = g.seccomp;
      if (g.seccomp && g.seccomp !== '*' && g.seccompDefault) annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'] = 'runtime/default';
      if (g.apparmor !== undefined) annotations['apparmor.security.beta.kubernetes.io/allowedProfileNames'] = g.apparmor;
      if (g.apparmor !== undefined && g.apparmorDefault) annotations['apparmor.security.beta.kubernetes.io/defaultProfileName'] = 'runtime/default';
      return { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec } as KubeObject;
    });
}

// Fields written but empty or null (`fsGroup: null`, `supplementalGroups: []`, `capabilities: {}`): the API
// server decodes null as a nil pointer (unset, PSP fills it in) and [] or {} as a non-nil value (set).
const EMPTY_CONTAINER_FIELDS = fc.record({
  runAsUser: rare(fc.constant(null), 12),
  runAsGroup: rare(fc.constant(null), 12),
  runAsNonRoot: rare(fc.constant(null), 12),
  allowPrivilegeEscalation: rare(fc.constant(null), 12),
  readOnlyRootFilesystem: rare(fc.constant(null), 12),
  capabilities: rare(fc.constantFrom<JsonValue>({}, null, { add: [], drop: [] }, { add: null }), 12),
  seLinuxOptions: rare(fc.constantFrom<JsonValue>({}, null), 12),
});
const EMPTY_POD_FIELDS = fc.record({
  runAsUser: rare(fc.constant(null), 8),
  runAsGroup: rare(fc.constant(null), 8),
  runAsNonRoot: rare(fc.constant(null), 8),
  fsGroup: rare(fc.constant(null), 8),
  supplementalGroups: rare(fc.constantFrom<JsonValue>([], null), 8),
  seLinuxOptions: rare(fc.constantFrom<JsonValue>({}, null), 8),
});

// Pods set few fields each, so that a fair share is admitted and every field meets the others rarely.
const prare = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => rare(arb, 9);

const fieldContainer = (name: string) =>
  fc
    .record({
      sc: fc.record({
        privileged: prare(fc.boolean()),
        allowPrivilegeEscalation: prare(fc.boolean()),
        readOnlyRootFilesystem: prare(fc.boolean()),
        runAsUser: prare(fc.constantFrom(0, 100, 1000, 1500, 65534)),
        runAsGroup: prare(fc.constantFrom(0, 100, 1000, 3000)),
        runAsNonRoot: prare(fc.boolean()),
        procMount: prare(fc.constantFrom('Default', 'Unmasked')),
        capabilities: prare(fc.record({ add: fc.array(fc.constantFrom('NET_ADMIN', 'CHOWN', 'NET_BIND_SERVICE', 'SYS_TIME'), { maxLength: 2 }), drop: fc.array(fc.constantFrom('ALL', 'NET_RAW', 'CHOWN'), { maxLength: 2 }) }, { requiredKeys: [] })),
        seLinuxOptions: prare(fc.constantFrom(...SELINUX)),
        seccompProfile: prare(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Localhost', localhostProfile: 'x' }, { type: 'Unconfined' })),
      }),
      empty: EMPTY_CONTAINER_FIELDS,
      ports: prare(fc.array(fc.record({ containerPort: fc.constantFrom(80, 8080), hostPort: fc.constantFrom(80, 100, 8000, 9000, 9001, 65535) }), { minLength: 1, maxLength: 2 })),
      mounts: fc.array(fc.record({ volume: fc.nat(2), readOnly: rare(fc.boolean(), 1) }), { maxLength: 2 }),
    })
    .map((c) => {
      const out: JsonObject = { name, image: 'busybox' };
      const sc = { ...defined(c.empty as Record<string, unknown>), ...defined(c.sc as Record<string, unknown>) };
      if (Object.keys(sc).length > 0) out.securityContext = sc;
      if (c.ports) out.ports = c.ports.map((p, i) => ({ ...p, containerPort: p.containerPort + i })) as unknown as JsonValue;
      if (c.mounts.length > 0) out.volumeMounts = c.mounts.map((m, i) => defined({ name: `v${m.volume}`, mountPath: `/m${i}`, readOnly: m.readOnly })) as unknown as JsonValue;
      return out;
    });

const fieldVolume = fc.oneof(
  { arbitrary: fc.constantFrom(...FIELD_HOST_PATHS).map((path) => ({ hostPath: { path } })), weight: 4 },
  fc.constant({ emptyDir: {} }),
  fc.constant({ secret: { secretName: 's' } }),
  fc.constant({ configMap: { name: 'c' } }),
  fc.constantFrom({ csi: { driver: 'csi.a' } }, { csi: { driver: 'csi.c' } }),
  fc.constantFrom({ flexVolume: { driver: 'example/lvm' } }, { flexVolume: { driver: 'example/nfs' } }),
  fc.constant({}),
);

/** Random pods over every PSP field, containers and init containers, with pod-level values they inherit. */
export const fieldPodArbitrary: fc.Arbitrary<KubeObject> = fc
  .record({
    hostNetwork: prare(fc.constant(true)),
    hostPID: prare(fc.constant(true)),
    hostIPC: prare(fc.constant(true)),
    podSc: fc.record({
      runAsUser: prare(fc.constantFrom(0, 100, 1000, 5000)),
      runAsGroup: prare(fc.constantFrom(0, 100, 1000, 3000)),
      runAsNonRoot: prare(fc.boolean()),
      fsGroup: prare(fc.constantFrom(0, 100, 1000, 3000)),
      supplementalGroups: prare(fc.array(fc.constantFrom(0, 100, 1000, 3000), { minLength: 1, maxLength: 2 })),
      seLinuxOptions: prare(fc.constantFrom(...SELINUX)),
      sysctls: prare(fc.uniqueArray(fc.constantFrom(...SYSCTLS), { minLength: 1, maxLength: 2 }).map((ns) => ns.map((name) => ({ name, value: '1' })))),
      seccompProfile: prare(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Unconfined' }, { type: 'Localhost', localhostProfile: 'x' })),
    }),
    podEmpty: EMPTY_POD_FIELDS,
    runtimeClassName: prare(fc.constantFrom('gvisor', 'kata', 'runc')),
    seccompAnnotation: prare(fc.constantFrom('runtime/default', 'docker/default', 'unconfined', 'localhost/x')),
    apparmor: fc.oneof({ arbitrary: fc.constant([] as [string, string][]), weight: 2 }, { arbitrary: fc.array(fc.tuple(fc.constantFrom('c0', 'c1', 'init', 'ghost'), fc.constantFrom(...APPARMOR)), { maxLength: 3 }), weight: 1 }),
    containers: fc.array(fc.constant(0), { minLength: 1, maxLength: 2 }).chain((xs) => fc.tuple(...xs.map((_, i) => fieldContainer(`c${i}`)))),
    init: rare(fieldContainer('init'), 2),
    volumes: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(fieldVolume, { minLength: 1, maxLength: 2 }), weight: 1 }),
  })
  .map((g) => {
    const annotations: Record<string, string> = {};
    if (g.seccompAnnotation) annotations['seccomp.security.alpha.kubernetes.io/pod'] = g.seccompAnnotation;
    for (const [c, p] of g.apparmor) annotations[`container.apparmor.security.beta.kubernetes.io/${c}`] = p;
    const podSc = { ...defined(g.podEmpty as Record<string, unknown>), ...defined(g.podSc as Record<string, unknown>) };
    // A pod's seccomp field and annotation must agree (API validation): keep one of them.
    if (g.seccompAnnotation) delete podSc.seccompProfile;
    const spec: JsonObject = { containers: clone(g.containers as unknown as JsonValue) };
    if (g.hostNetwork) spec.hostNetwork = true;
    if (g.hostPID) spec.hostPID = true;
    if (g.hostIPC) spec.hostIPC = true;
    if (g.runtimeClassName) spec.runtimeClassName = g.runtimeClassName;
    if (Object.keys(podSc).length > 0) spec.securityContext = podSc;
    if (g.init) spec.initContainers = [clone(g.init as unknown as JsonValue)];
    const vols = (g.volumes as unknown as JsonObject[]).map((v, i) => ({ name: `v${i}`, ...v }));
    if (vols.length > 0) spec.volumes = vols;
    // Mounts must name existing volumes (API validation).
    for (const c of [...(spec.containers as JsonObject[]), ...((spec.initContainers as JsonObject[] | undefined) ?? [])]) {
      const mounts = ((c.volumeMounts as JsonObject[] | undefined) ?? []).filter((m) => vols.some((v) => v.name === m.name));
      const seen = new Set<string>();
      const unique = mounts.filter((m) => !seen.has(String(m.name)) && seen.add(String(m.name)));
      if (unique.length > 0) c.volumeMounts = unique;
      else delete c.volumeMounts;
    }
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1', ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec } as KubeObject;
  });

/** The RBAC granting PSP `name` to every authenticated user. */
export function grantToAll(name: string): KubeObject[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `use-${name}` }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [name] }] } as unknown as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `use-${name}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `use-${name}` },
      subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }],
    } as unknown as KubeObject,
  ];
}

/** The RBAC granting PSP `name` to the user `user` only. */
export function grantToUser(name: string, user: string): KubeObject[] {
  return grantToAll(name).map((o) => (o.kind === 'ClusterRoleBinding' ? ({ ...o, subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }] } as unknown as KubeObject) : o));
}
