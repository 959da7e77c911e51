// Differential check of `migrate convert`: the converted ClusterPolicies, run through podgate's Kyverno
// engine the way an API server runs webhooks (mutating admission, then the API server's own seccomp
// field→annotation sync and pod validation (`..` paths, allowPrivilegeEscalation false with privileged or
// CAP_SYS_ADMIN), then validating admission), against the PSP engine on
// the same pod and requester. Shared by the property test (fixed seed) and `npm run bench -- convert`.
import fc from 'fast-check';
import type { KubeObject } from '../../src/kube/index.js';
import { admitResource, compilePolicy, type EngineProfile, evaluatePolicy, loadPolicy } from '../../src/kyverno/index.js';
import { type ConversionResult, convertPsps } from '../../src/migrate/convert.js';
import { reduceSet } from '../../src/migrate/convert-order.js';
import { applyApiServerDefaults } from '../../src/migrate/defaulting.js';
import { admitPod, canUsePsp, loadProviders, podValidationErrors, serviceAccountIdentity } from '../../src/psp/index.js';
import { buildSnapshot, formatFieldError } from '../../src/kube/index.js';
import { loadObjects } from '../../src/cluster/index.js';
import { clone, deepEqual, type JsonObject, type JsonValue } from '../../src/util/index.js';

/** Who sends the request. */
export interface Requester {
  user: string;
  groups: string[];
}

/** A converted world: PSPs + RBAC, their conversion, and the compiled policies. */
export interface World {
  name: string;
  psps: KubeObject[];
  rbac: KubeObject[];
  conversion: ConversionResult;
  compiled: ReturnType<typeof compilePolicy>[];
  loadErrors: string[];
  /** The Kyverno behaviour the policies run with (default: 1.10). */
  profile?: EngineProfile;
}

export function convertWorld(name: string, psps: KubeObject[], rbac: KubeObject[]): World {
  const conversion = convertPsps(psps, rbac, { validationFailureAction: 'Enforce' });
  const loadErrors: string[] = [];
  const compiled = conversion.policies.flatMap((p) => {
    const r = loadPolicy(p);
    if (r.errors.length > 0 || !r.policy) {
      loadErrors.push(`${p.metadata.name}: ${r.errors.map(String).join('; ')}`);
      return [];
    }
    return [compilePolicy(r.policy)];
  });
  return { name, psps, rbac, conversion, compiled, loadErrors };
}

/** How one case came out. */
export type Verdict = ({ kind: 'agree' } | { kind: 'listed'; why: string } | { kind: 'disagree'; why: string }) & { admitted?: boolean };

const PSP_ANNOTATION = 'kubernetes.io/psp';

const buildSnapshotFor = (psps: readonly KubeObject[], rbac: readonly KubeObject[]) => buildSnapshot([...psps, ...rbac].map((object, document) => ({ object, source: { file: '<world>', document, line: 1 } })));

// The pod as stored, for comparison: the API server's seccomp sync, without PSP's bookkeeping annotation.
function stored(pod: KubeObject): KubeObject {
  const o = applyApiServerDefaults(pod).object;
  if (o.metadata.annotations) {
    delete o.metadata.annotations[PSP_ANNOTATION];
    if (Object.keys(o.metadata.annotations).length === 0) delete o.metadata.annotations;
  }
  return o;
}

/** The requester's usable PSP set (names), as PSP authorizes: the pod's service account or the requester. */
export function usableSet(world: World, pod: KubeObject, r: Requester): string[] {
  const snap = buildSnapshotFor(world.psps, world.rbac);
  const ns = pod.metadata.namespace ?? 'default';
  const sa = String((pod.spec as JsonObject).serviceAccountName || 'default');
  const { providers } = loadProviders(snap.podSecurityPolicies);
  return providers
    .map((p) => p.name)
    .filter((n) => canUsePsp(snap, n, serviceAccountIdentity(ns, sa), ns) || (r.user !== '' && canUsePsp(snap, n, { user: r.user, groups: r.groups }, ns)))
    .sort();
}

/** Runs one pod × requester through both engines and classifies the outcome. */
export function checkCase(world: World, input: KubeObject, r: Requester): Verdict {
  // API-server defaulting at decode time (hostNetwork host ports) and, to keep both sides on the same
  // footing, seccomp annotation/field agreement (see README: the seccomp field caveat).
  const pod = applyApiServerDefaults(input).object;
  const psp = admitPod(pod, { psps: world.psps, rbac: world.rbac, user: r.user, groups: r.groups });
  const ctx = { operation: 'CREATE' as const, requestInfo: { userInfo: { username: r.user, groups: r.groups } }, ...(world.profile ? { profile: world.profile } : {}) };
  const mutated = admitResource(world.compiled, pod, ctx);
  const errors = mutated.mutateResults.filter((x) => x.status === 'error');
  let allowed: boolean;
  let why = '';
  let after: KubeObject | undefined;
  if (errors.length > 0) {
    allowed = false;
    why = `mutate error ${errors.map((e) => `${e.policy}/${e.rule}: ${e.message}`).join('; ')}`;
  } else if (podValidationErrors(mutated.patched).length > 0) {
    allowed = false;
    why = `API server validation refuses the pod: ${podValidationErrors(mutated.patched).map(formatFieldError).join('; ').slice(0, 200)}`;
  } else {
    after = stored(mutated.patched);
    const fails = world.compiled.flatMap((p) => evaluatePolicy(p, after!, ctx).rules.filter((x) => x.status === 'fail' || x.status === 'error'));
    allowed = fails.length === 0;
    why = fails.map((f) => `${f.policy}/${f.rule}: ${f.status} ${f.message.slice(0, 160)}`).join('; ');
  }
  let verdict: Verdict = { kind: 'agree', admitted: psp.allowed };
  if (allowed !== psp.allowed) verdict = { kind: 'disagree', why: `PSP ${psp.allowed ? `admits (${psp.policy})` : `refuses: ${psp.message?.slice(0, 200)}`}; Kyverno ${allowed ? 'admits' : `refuses: ${why}`}` };
  else if (allowed && psp.mutatedPod && after && !deepEqual(stored(psp.mutatedPod), after)) {
    verdict = { kind: 'disagree', why: `defaults differ (PSP chose ${psp.policy}): PSP ${JSON.stringify(stored(psp.mutatedPod).spec)} Kyverno ${JSON.stringify(after.spec)}` };
  }
  if (verdict.kind === 'agree') return verdict;
  // A pod PSP refuses and the policies admit (a security regression) is never excused: every listed
  // approximation is stricter than PSP or changes defaults only.
  if (!psp.allowed && allowed) return { ...verdict, admitted: psp.allowed };
  const listed = listedFor(world, pod, r);
  return { ...(listed ? { kind: 'listed' as const, why: `${listed} — ${verdict.why}` } : verdict), admitted: psp.allowed };
}

// Whether a gap the converter listed can matter for this pod (so a disagreement is excused only when
// the pod touches what the converter said it cannot express).
function relevant(field: string, pod: KubeObject): boolean {
  const spec = pod.spec as JsonObject;
  const ann = Object.keys(pod.metadata.annotations ?? {});
  const containers = [...((spec.initContainers as JsonObject[] | undefined) ?? []), ...((spec.containers as JsonObject[] | undefined) ?? [])];
  const sc = (c: JsonObject) => (c.securityContext ?? {}) as JsonObject;
  if (field.endsWith('annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]')) return ann.some((k) => k.startsWith('container.seccomp.security.alpha.kubernetes.io/'));
  if (field.includes('apparmor')) return true;
  if (field.includes('allowedHostPaths[].readOnly')) return ((spec.volumes as JsonObject[] | undefined) ?? []).some((v) => v.hostPath !== undefined);
  if (field.includes('Capabilities')) {
    return containers.some((c) => {
      const caps = (sc(c).capabilities ?? {}) as JsonObject;
      return ['add', 'drop'].some((k) => Array.isArray(caps[k]) && new Set(caps[k] as string[]).size !== (caps[k] as string[]).length);
    });
  }
  if (field === 'spec.securityContext.seccompProfile') return (spec.securityContext as JsonObject | undefined)?.seccompProfile !== undefined && !ann.includes('seccomp.security.alpha.kubernetes.io/pod');
  return true;
}

// The converter's own list of what it cannot express, for the requester's decisive PSPs and this pod.
function listedFor(world: World, pod: KubeObject, r: Requester): string | undefined {
  const set = usableSet(world, pod, r);
  const { providers } = loadProviders(buildSnapshotFor(world.psps, world.rbac).podSecurityPolicies);
  const decisive = reduceSet(providers.filter((p) => set.includes(p.name))).map((p) => p.name);
  const hit = world.conversion.unexpressible.find((u) => (u.set ? deepEqual(u.set, decisive) : decisive.length === 1 && decisive[0] === u.psp) && relevant(u.field, pod));
  return hit ? `${hit.psp}: ${hit.field}` : undefined;
}

// ---- generators -------------------------------------------------------------------------------------

// Most generated fields are absent, so that a fair share of pods is admitted and defaulted.
const rare = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const defined = (o: Record<string, unknown>): JsonObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as JsonObject;

const container = (name: string) =>
  fc
    .record({
      sc: fc.record({
        privileged: rare(fc.boolean()),
        allowPrivilegeEscalation: rare(fc.boolean()),
        readOnlyRootFilesystem: rare(fc.boolean()),
        runAsUser: rare(fc.constantFrom(0, 1000, 1001, 1500, 5000, 65534)),
        runAsGroup: rare(fc.constantFrom(0, 1, 1000, 1001)),
        runAsNonRoot: rare(fc.boolean()),
        procMount: rare(fc.constantFrom('Default', 'Unmasked')),
        capabilities: rare(fc.record({ add: fc.array(fc.constantFrom('NET_ADMIN', 'SYS_ADMIN', 'CHOWN', 'NET_BIND_SERVICE'), { maxLength: 2 }), drop: fc.array(fc.constantFrom('ALL', 'NET_RAW', 'CHOWN'), { maxLength: 2 }) }, { requiredKeys: [] })),
        seLinuxOptions: rare(fc.record({ level: fc.constantFrom('s0:c1', 's0:c2') })),
      }),
      hasSc: fc.boolean(),
      ports: rare(fc.array(fc.record({ containerPort: fc.constantFrom(80, 8080), hostPort: fc.constantFrom(0, 80, 443, 8080) }), { minLength: 1, maxLength: 1 })),
    })
    .map((c) => {
      const out: JsonObject = { name, image: 'busybox', volumeMounts: [{ name: 'v0', mountPath: '/v0' }] };
      const sc = defined(c.sc as Record<string, unknown>);
      if (c.hasSc && Object.keys(sc).length > 0) out.securityContext = sc;
      if (c.ports) out.ports = c.ports as unknown as JsonValue;
      return out;
    });

const hostPaths = ['/home/ray', '/home/ray/data', '/home/ray/../../etc', '/home/ray/./x', '/home/rayx', '/home/cmsupport/d', '/etc', '/', '/var/lib/x', '//home/ray/y', '/home/ray/'];

const tokenProjection: JsonObject = {
  sources: [
    { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
  ],
};

const volume = fc.oneof(
  fc.constantFrom(...hostPaths).map((path) => ({ hostPath: { path } })),
  fc.constant({ emptyDir: {} }),
  fc.constant({ secret: { secretName: 's' } }),
  fc.constant({ configMap: { name: 'c' } }),
  fc.constant({ persistentVolumeClaim: { claimName: 'p' } }),
  fc.constant({ nfs: { server: 'n', path: '/' } }),
  fc.constant({ projected: tokenProjection }),
  fc.constant({ projected: { sources: [{ secret: { name: 's' } }] } }),
  fc.constant({ csi: { driver: 'csi.example.com' } }),
  fc.constant({ flexVolume: { driver: 'example/lvm' } }),
  fc.constant({}),
);

/** Random pods over every PSP field the issue lists. */
export function podArbitrary(namespaces: readonly string[], serviceAccounts: readonly string[]): fc.Arbitrary<KubeObject> {
  return fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      serviceAccountName: fc.constantFrom(...serviceAccounts),
      hostNetwork: rare(fc.constant(true)),
      hostPID: rare(fc.constant(true)),
      hostIPC: rare(fc.constant(true)),
      podSc: fc.record({
        runAsUser: rare(fc.constantFrom(0, 1000, 1001, 5000)),
        runAsNonRoot: rare(fc.boolean()),
        fsGroup: rare(fc.constantFrom(0, 1000, 1001, 150)),
        supplementalGroups: rare(fc.array(fc.constantFrom(1000, 1001, 50), { maxLength: 2 })),
        sysctls: rare(fc.array(fc.record({ name: fc.constantFrom('kernel.shm_rmid_forced', 'net.core.somaxconn', 'kernel.msgmax'), value: fc.constant('1') }), { minLength: 1, maxLength: 1 })),
        seccompProfile: rare(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Unconfined' })),
      }),
      seccompAnnotation: rare(fc.constantFrom('runtime/default', 'unconfined', 'localhost/x')),
      containerSeccomp: rare(fc.constantFrom('runtime/default', 'unconfined')),
      containers: fc.array(fc.constant(0), { minLength: 1, maxLength: 2 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(`c${i}`)))),
      init: rare(container('init')),
      volumes: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(volume, { minLength: 1, maxLength: 2 }), weight: 1 }),
    })
    .map((g) => {
      const annotations: Record<string, string> = {};
      if (g.seccompAnnotation) annotations['seccomp.security.alpha.kubernetes.io/pod'] = g.seccompAnnotation;
      if (g.containerSeccomp) annotations['container.seccomp.security.alpha.kubernetes.io/c0'] = g.containerSeccomp;
      // A pod's own seccomp field and annotation must agree (API validation): keep one of them.
      const podSc = defined(g.podSc as Record<string, unknown>);
      if (g.seccompAnnotation) delete podSc.seccompProfile;
      const spec: JsonObject = { serviceAccountName: g.serviceAccountName, containers: clone(g.containers as unknown as JsonValue) };
      if (g.hostNetwork) spec.hostNetwork = true;
      if (g.hostPID) spec.hostPID = true;
      if (g.hostIPC) spec.hostIPC = true;
      if (Object.keys(podSc).length > 0) spec.securityContext = podSc;
      if (g.init) spec.initContainers = [g.init];
      const vols = (g.volumes as unknown as JsonObject[]).map((v, i) => ({ name: `v${i}`, ...v }));
      if (vols.length > 0) spec.volumes = vols;
      else for (const c of spec.containers as JsonObject[]) delete c.volumeMounts;
      if (g.init && vols.length === 0) delete (spec.initContainers as JsonObject[])[0]!.volumeMounts;
      const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: g.namespace, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec };
      return pod;
    });
}

/** Runs `runs` random cases over a world; returns counts and the first disagreements. */
export function runWorld(world: World, pods: fc.Arbitrary<KubeObject>, requesters: fc.Arbitrary<Requester>, runs: number, seed: number) {
  const tally = { agree: 0, listed: 0, listedVerdict: 0, disagree: 0, admitted: 0, examples: [] as string[], listedWhy: new Map<string, number>() };
  fc.assert(
    fc.property(pods, requesters, (pod, r) => {
      const v = checkCase(world, pod, r);
      tally[v.kind]++;
      if (v.admitted) tally.admitted++;
      if (v.kind === 'listed') {
        if (!v.why.includes(' — defaults differ')) tally.listedVerdict++;
        const k = v.why.split(' — ')[0]!;
        tally.listedWhy.set(k, (tally.listedWhy.get(k) ?? 0) + 1);
      }
      if (v.kind === 'disagree' && tally.examples.length < 5) tally.examples.push(`${world.name}: ${r.user} [${r.groups.join(',')}] ${JSON.stringify(pod)}\n  ${v.why}`);
      return true;
    }),
    { seed, numRuns: runs },
  );
  return tally;
}

// ---- worlds -----------------------------------------------------------------------------------------

const SAMPLE = new URL('../../examples/bcm-9.2-k8s-1.24/cluster/', import.meta.url);

/** The bundled sample's PSPs and RBAC. */
export function sampleObjects(): { psps: KubeObject[]; rbac: KubeObject[] } {
  const objs = loadObjects([new URL('01-podsecuritypolicies.yaml', SAMPLE).pathname, new URL('02-rbac-psp.yaml', SAMPLE).pathname]).objects.map((l) => l.object);
  return { psps: objs.filter((o) => o.kind === 'PodSecurityPolicy'), rbac: objs.filter((o) => o.kind !== 'PodSecurityPolicy') };
}

/** The issue's case: a user's restricted PSP plus, through the pod's service account, a wider PSP. */
export function unionGrant(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'gpu-runner-local-path', namespace: 'ray-restricted' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp:local-path-provisioner' },
    subjects: [{ kind: 'ServiceAccount', name: 'gpu-runner', namespace: 'ray-restricted' }],
  } as unknown as KubeObject;
}

const SA_GROUPS = (ns: string) => ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];

/** Requesters over the sample's RBAC: users, groups, service accounts and controllers. */
export const sampleRequesters: fc.Arbitrary<Requester> = fc.constantFrom<Requester>(
  { user: 'ray', groups: ['system:authenticated'] },
  { user: 'cmsupport', groups: ['system:authenticated'] },
  { user: 'alice', groups: ['system:authenticated'] },
  { user: 'admin', groups: ['system:masters', 'system:authenticated'] },
  { user: 'system:node:gpu01', groups: ['system:nodes', 'system:authenticated'] },
  { user: 'system:serviceaccount:kube-system:replicaset-controller', groups: SA_GROUPS('kube-system') },
  { user: 'system:serviceaccount:kube-system:daemon-set-controller', groups: SA_GROUPS('kube-system') },
  { user: 'system:serviceaccount:gpu-operator:gpu-operator', groups: SA_GROUPS('gpu-operator') },
  { user: 'system:serviceaccount:ray-restricted:default', groups: SA_GROUPS('ray-restricted') },
  { user: 'system:masters', groups: ['system:authenticated'] },
);

export const SAMPLE_NAMESPACES = ['ray-restricted', 'cmsupport-restricted', 'local-path-storage', 'gpu-operator', 'kube-system', 'default', 'ceph-csi-rbd'];
export const SAMPLE_SERVICE_ACCOUNTS = ['default', 'gpu-runner', 'local-path-provisioner-service-account', 'nvidia-device-plugin', 'ceph-csi-rbd-nodeplugin'];

const range = fc.tuple(fc.constantFrom(0, 1, 1000, 1001), fc.constantFrom(1000, 1001, 2000, 65535)).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const ranged = (rules: string[]) => fc.record({ rule: fc.constantFrom(...rules), ranges: fc.array(range, { minLength: 1, maxLength: 2 }) }).map((r) => (r.rule === 'RunAsAny' || r.rule === 'MustRunAsNonRoot' ? { rule: r.rule } : r));

/** A random valid PSP named `name`. */
export function pspArbitrary(name: string): fc.Arbitrary<KubeObject> {
  return fc
    .record({
      privileged: fc.boolean(),
      allowPrivilegeEscalation: fc.boolean(),
      readOnlyRootFilesystem: fc.boolean(),
      hostNetwork: fc.boolean(),
      hostPID: fc.boolean(),
      hostPorts: fc.array(fc.constantFrom({ min: 80, max: 80 }, { min: 0, max: 65535 }, { min: 8000, max: 9000 }), { maxLength: 1 }),
      volumes: fc.constantFrom(['*'], ['secret', 'configMap', 'emptyDir'], ['secret', 'hostPath', 'emptyDir', 'persistentVolumeClaim'], ['hostPath', 'projected', 'csi', 'flexVolume']),
      allowedHostPaths: fc.array(fc.record({ pathPrefix: fc.constantFrom('/home/ray', '/var/lib', '/'), readOnly: fc.constant(false) }), { maxLength: 1 }),
      runAsUser: ranged(['RunAsAny', 'MustRunAs', 'MustRunAsNonRoot']),
      runAsGroup: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
      fsGroup: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
      supplementalGroups: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
      defaultAddCapabilities: fc.constantFrom([], ['CHOWN']),
      requiredDropCapabilities: fc.constantFrom([], ['NET_RAW'], ['ALL']),
      allowedCapabilities: fc.constantFrom([], ['NET_BIND_SERVICE'], ['*']),
      allowedProcMountTypes: fc.constantFrom([], ['Default', 'Unmasked']),
      allowedUnsafeSysctls: fc.constantFrom([], ['net.core.*'], ['*']),
      forbiddenSysctls: fc.constantFrom([], ['kernel.shm_rmid_forced']),
      seccomp: fc.constantFrom(undefined, '*', 'runtime/default', 'runtime/default,unconfined'),
      seccompDefault: fc.boolean(),
    })
    .map((gen) => {
      const g = gen as typeof gen & { defaultAddCapabilities: string[]; requiredDropCapabilities: string[]; allowedCapabilities: string[]; allowedUnsafeSysctls: string[]; forbiddenSysctls: string[] };
      const spec = {
        privileged: g.privileged,
        allowPrivilegeEscalation: g.allowPrivilegeEscalation,
        readOnlyRootFilesystem: g.readOnlyRootFilesystem,
        hostNetwork: g.hostNetwork,
        hostPID: g.hostPID,
        hostPorts: g.hostPorts,
        volumes: g.volumes,
        runAsUser: g.runAsUser,
        runAsGroup: g.runAsGroup,
        fsGroup: g.fsGroup,
        supplementalGroups: g.supplementalGroups,
        seLinux: { rule: 'RunAsAny' },
        defaultAddCapabilities: g.defaultAddCapabilities,
        requiredDropCapabilities: g.requiredDropCapabilities,
        // A capability cannot be both required to drop and allowed or added by default.
        allowedCapabilities: g.requiredDropCapabilities.includes('ALL') || g.allowedCapabilities.includes('*') ? (g.requiredDropCapabilities.length > 0 ? [] : g.allowedCapabilities) : g.allowedCapabilities,
        allowedProcMountTypes: g.allowedProcMountTypes,
        allowedUnsafeSysctls: g.allowedUnsafeSysctls,
        // A forbidden sysctl may not overlap an allowed pattern ('*' included).
        forbiddenSysctls: g.allowedUnsafeSysctls.length === 0 ? g.forbiddenSysctls : [],
      } as unknown as JsonObject;
      if (g.requiredDropCapabilities.includes('ALL')) spec.defaultAddCapabilities = [];
      if (g.allowedHostPaths.length > 0) spec.allowedHostPaths = g.allowedHostPaths;
      const annotations: Record<string, string> = {};
      if (g.seccomp) annotations['seccomp.security.alpha.kubernetes.io/allowedProfileNames'] = g.seccomp;
      if (g.seccomp && g.seccomp !== '*' && g.seccompDefault) annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'] = 'runtime/default';
      return { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec } as KubeObject;
    });
}

const GEN_SUBJECTS = [
  { kind: 'User', name: 'u1' },
  { kind: 'User', name: 'u2' },
  { kind: 'Group', name: 'g1' },
  { kind: 'Group', name: 'system:serviceaccounts:ns1' },
  { kind: 'ServiceAccount', name: 'sa1', namespace: 'ns1' },
  { kind: 'ServiceAccount', name: 'sa2', namespace: 'ns2' },
];

/** A random world: 2–3 PSPs, each granted to some subjects cluster-wide or in one namespace. */
export const worldArbitrary: fc.Arbitrary<{ psps: KubeObject[]; rbac: KubeObject[] }> = fc
  .integer({ min: 2, max: 3 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => pspArbitrary(`p${i}`))),
      fc.tuple(...Array.from({ length: n }, () => fc.record({ subjects: fc.subarray(GEN_SUBJECTS, { minLength: 1, maxLength: 3 }), where: fc.constantFrom('', 'ns1', 'ns2') }))),
    ),
  )
  .map(([psps, grants]) => {
    const rbac: KubeObject[] = [];
    psps.forEach((p, i) => {
      const role = `use-${p.metadata.name}`;
      rbac.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [p.metadata.name] }] } as unknown as KubeObject);
      const g = grants[i]!;
      const subjects = g.subjects.map((s) => ({ ...s, ...(s.kind === 'ServiceAccount' ? {} : { apiGroup: 'rbac.authorization.k8s.io' }) }));
      rbac.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: g.where === '' ? 'ClusterRoleBinding' : 'RoleBinding',
        metadata: { name: role, ...(g.where === '' ? {} : { namespace: g.where }) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects,
      } as unknown as KubeObject);
    });
    return { psps, rbac };
  });

export const genRequesters: fc.Arbitrary<Requester> = fc.constantFrom<Requester>(
  { user: 'u1', groups: ['system:authenticated'] },
  { user: 'u2', groups: ['g1', 'system:authenticated'] },
  { user: 'u3', groups: ['system:authenticated'] },
  { user: 'system:serviceaccount:ns1:sa1', groups: SA_GROUPS('ns1') },
  { user: 'system:serviceaccount:kube-system:replicaset-controller', groups: SA_GROUPS('kube-system') },
  { user: 'admin', groups: ['system:masters'] },
);
export const GEN_NAMESPACES = ['ns1', 'ns2', 'other'];
export const GEN_SERVICE_ACCOUNTS = ['default', 'sa1', 'sa2'];
