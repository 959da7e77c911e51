// Tests for convertPsps: every generated policy loads; on a table of pods the converted policies agree with
// the PSP engine (src/psp admitPod as oracle); RBAC scoping on the sample cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadObjects } from '../cluster/index.js';
import { type KubeObject, parseObjects } from '../kube/index.js';
import { admitResource, compilePolicy, loadPolicy, type Policy } from '../kyverno/index.js';
import { admitPod } from '../psp/index.js';
import { clone, type JsonObject } from '../util/index.js';
import { checkCase, convertWorld } from '../../test/helpers/convert-differential.js';
import { convertPsps, NO_USABLE_PSP_POLICY } from './convert.js';

const testdata = new URL('./testdata/convert/', import.meta.url);
const sampleDir = new URL('../../examples/bcm-9.2-k8s-1.24/cluster/', import.meta.url);
const own = parseObjects(readFileSync(new URL('psps.yaml', testdata), 'utf8'), 'psps.yaml').objects.map((l) => l.object);
const pspNamed = (n: string) => own.find((o) => o.metadata.name === n)!;

function loaded(objects: readonly KubeObject[]): Policy[] {
  return objects.map((o) => {
    const r = loadPolicy(o);
    assert.deepEqual(r.errors, [], `${o.metadata.name} loads without errors`);
    return r.policy!;
  });
}

type Sc = JsonObject;
function pod(opts: { spec?: JsonObject; container?: JsonObject; sc?: Sc; annotations?: Record<string, string>; namespace?: string } = {}): KubeObject {
  const container: JsonObject = { name: 'app', image: 'busybox', ...(opts.container ?? {}) };
  if (opts.sc) container.securityContext = opts.sc;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: opts.namespace ?? 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { containers: [container], ...(opts.spec ?? {}) },
  };
}
const hostPathPod = (path: string, readOnly = false) =>
  pod({ container: { volumeMounts: [{ name: 'h', mountPath: '/h', ...(readOnly ? { readOnly: true } : {}) }] }, spec: { volumes: [{ name: 'h', hostPath: { path } }] } });
const volumePod = (v: JsonObject) => pod({ spec: { volumes: [{ name: 'v', ...v }] } });
const tokenVolume: JsonObject = {
  projected: {
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

const cases: { name: string; psp: string; want: boolean; pod: KubeObject }[] = [
  { name: 'a bare pod is admitted once the defaults are applied', psp: 'ranges', want: true, pod: pod() },
  { name: 'a host port inside a range is admitted', psp: 'ranges', want: true, pod: pod({ container: { ports: [{ containerPort: 5, hostPort: 5 }] } }) },
  { name: 'a host port equal to a single-port range is admitted', psp: 'ranges', want: true, pod: pod({ container: { ports: [{ containerPort: 443, hostPort: 443 }] } }) },
  { name: 'a host port outside every range is refused', psp: 'ranges', want: false, pod: pod({ container: { ports: [{ containerPort: 80, hostPort: 80 }] } }) },
  { name: 'runAsUser 0 is refused under MustRunAs ranges', psp: 'ranges', want: false, pod: pod({ sc: { runAsUser: 0 } }) },
  { name: 'runAsUser in the second range is admitted', psp: 'ranges', want: true, pod: pod({ sc: { runAsUser: 5000 } }) },
  { name: 'runAsUser between ranges is refused', psp: 'ranges', want: false, pod: pod({ sc: { runAsUser: 3000 } }) },
  { name: 'a pod-level runAsUser in range is inherited by the container', psp: 'ranges', want: true, pod: pod({ spec: { securityContext: { runAsUser: 1500 } } }) },
  { name: 'runAsGroup outside the MayRunAs range is refused', psp: 'ranges', want: false, pod: pod({ sc: { runAsGroup: 7 } }) },
  { name: 'runAsGroup inside the MayRunAs range is admitted', psp: 'ranges', want: true, pod: pod({ sc: { runAsGroup: 2 } }) },
  { name: 'fsGroup outside the MustRunAs range is refused', psp: 'ranges', want: false, pod: pod({ spec: { securityContext: { fsGroup: 300 } } }) },
  { name: 'supplementalGroups outside the MayRunAs range are refused', psp: 'ranges', want: false, pod: pod({ spec: { securityContext: { supplementalGroups: [150, 50] } } }) },
  { name: 'an added capability outside the allowed list is refused', psp: 'ranges', want: false, pod: pod({ sc: { capabilities: { add: ['NET_ADMIN'] } } }) },
  { name: 'an allowed capability is admitted', psp: 'ranges', want: true, pod: pod({ sc: { capabilities: { add: ['NET_BIND_SERVICE'] } } }) },
  { name: 'a host path under a writable prefix is admitted', psp: 'ranges', want: true, pod: hostPathPod('/data/x') },
  { name: 'a host path sharing only a string prefix is refused', psp: 'ranges', want: false, pod: hostPathPod('/dataset') },
  { name: 'a host path outside every prefix is refused', psp: 'ranges', want: false, pod: hostPathPod('/etc') },
  { name: 'a traversal out of an allowed prefix is refused', psp: 'ranges', want: false, pod: hostPathPod('/data/../etc') },
  { name: 'a writable mount of a read-only prefix is refused', psp: 'ranges', want: false, pod: hostPathPod('/logs/app') },
  { name: 'a read-only mount of a read-only prefix is admitted', psp: 'ranges', want: true, pod: hostPathPod('/logs/app', true) },
  { name: 'a privileged container is refused', psp: 'ranges', want: false, pod: pod({ sc: { privileged: true } }) },
  { name: 'a privileged init container is refused', psp: 'ranges', want: false, pod: pod({ spec: { initContainers: [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }] } }) },
  { name: 'an ephemeral container with a host port out of range is refused', psp: 'ranges', want: false, pod: pod({ spec: { ephemeralContainers: [{ name: 'dbg', image: 'busybox', ports: [{ containerPort: 80, hostPort: 80 }] }] } }) },
  { name: 'hostNetwork is refused', psp: 'ranges', want: false, pod: pod({ spec: { hostNetwork: true } }) },
  { name: 'a volume type outside the list is refused', psp: 'ranges', want: false, pod: volumePod({ nfs: { server: 'x', path: '/' } }) },
  { name: 'the bound service-account token volume is admitted where secrets are', psp: 'ranges', want: true, pod: volumePod(tokenVolume) },
  { name: 'a projected volume with other sources is refused', psp: 'ranges', want: false, pod: volumePod({ projected: { sources: [{ secret: { name: 's' } }] } }) },
  { name: 'an allowed flexVolume driver is admitted', psp: 'ranges', want: true, pod: volumePod({ flexVolume: { driver: 'example/lvm' } }) },
  { name: 'another flexVolume driver is refused', psp: 'ranges', want: false, pod: volumePod({ flexVolume: { driver: 'example/other' } }) },
  { name: 'another inline CSI driver is refused', psp: 'ranges', want: false, pod: volumePod({ csi: { driver: 'csi.other.com' } }) },
  { name: 'an allowed inline CSI driver is admitted', psp: 'ranges', want: true, pod: volumePod({ csi: { driver: 'csi.example.com' } }) },
  { name: 'a forbidden sysctl is refused', psp: 'ranges', want: false, pod: pod({ spec: { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] } } }) },
  { name: 'an allowed unsafe sysctl pattern is admitted', psp: 'ranges', want: true, pod: pod({ spec: { securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1' }] } } }) },
  { name: 'another unsafe sysctl is refused', psp: 'ranges', want: false, pod: pod({ spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } } }) },
  { name: 'an unmasked procMount is refused', psp: 'ranges', want: false, pod: pod({ sc: { procMount: 'Unmasked' } }) },
  { name: 'a runtime class outside the list is refused', psp: 'ranges', want: false, pod: pod({ spec: { runtimeClassName: 'runc' } }) },
  { name: 'a disallowed seccomp annotation is refused', psp: 'ranges', want: false, pod: pod({ annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/foo' } }) },
  { name: 'an Unconfined seccompProfile field is refused', psp: 'ranges', want: false, pod: pod({ sc: { seccompProfile: { type: 'Unconfined' } } }) },
  { name: 'a disallowed AppArmor profile is refused', psp: 'ranges', want: false, pod: pod({ annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }) },
  { name: 'readOnlyRootFilesystem false is refused', psp: 'ranges', want: false, pod: pod({ sc: { readOnlyRootFilesystem: false } }) },
  { name: 'allowPrivilegeEscalation true is refused', psp: 'ranges', want: false, pod: pod({ sc: { allowPrivilegeEscalation: true } }) },
  { name: 'a bare pod is admitted by MustRunAsNonRoot after defaulting', psp: 'nonroot', want: true, pod: pod() },
  { name: 'root is refused by MustRunAsNonRoot', psp: 'nonroot', want: false, pod: pod({ sc: { runAsUser: 0 } }) },
  { name: 'runAsNonRoot false is refused by MustRunAsNonRoot', psp: 'nonroot', want: false, pod: pod({ sc: { runAsNonRoot: false } }) },
  { name: 'a non-zero runAsUser is admitted by MustRunAsNonRoot', psp: 'nonroot', want: true, pod: pod({ sc: { runAsUser: 1000 } }) },
  { name: 'another SELinux level is refused', psp: 'nonroot', want: false, pod: pod({ sc: { seLinuxOptions: { level: 's0:c2' } } }) },
  { name: 'a privileged host-network pod is admitted by a PSP allowing both', psp: 'nonroot', want: true, pod: pod({ spec: { hostNetwork: true }, sc: { privileged: true } }) },
];

const masters = { user: 'admin', groups: ['system:masters'] };

// Each case runs the converted policies the way the API server runs webhooks (mutate, API-server seccomp
// sync, validate) and must match the PSP engine: verdict, and the defaults of an admitted pod.
for (const c of cases) {
  test(`${c.psp}: ${c.name}`, () => {
    const psp = pspNamed(c.psp);
    const oracle = admitPod(c.pod, { psps: [psp], rbac: [], ...masters });
    assert.equal(oracle.allowed, c.want, `PSP oracle: ${oracle.message ?? 'admitted'}`);
    const world = convertWorld(c.psp, [psp], []);
    assert.deepEqual(world.loadErrors, []);
    const v = checkCase(world, c.pod, masters);
    assert.equal(v.kind, 'agree', 'why' in v ? v.why : '');
  });
}

test('a PSP with defaults yields pod and container mutate rules, each naming its PSP fields', () => {
  const r = convertPsps([pspNamed('ranges')], []);
  const ranges = r.policies.find((p) => p.metadata.name === 'psp-ranges')!;
  const names = ((ranges.spec as JsonObject).rules as JsonObject[]).map((x) => x.name);
  for (const n of ['pod-defaults', 'container-defaults', 'default-seccomp-profile', 'default-apparmor-profile', 'pod-and-containers']) assert.ok(names.includes(n), n);
  const description = ranges.metadata.annotations?.['policies.kyverno.io/description'] ?? '';
  for (const f of ['fsGroup', 'runAsUser', 'hostPorts', 'allowedHostPaths', 'requiredDropCapabilities']) assert.match(description, new RegExp(f));
  loaded(r.policies);
});

test('PSPs usable by the same requesters become one policy admitting what any of them admits', () => {
  const r = convertPsps(own, []);
  assert.deepEqual(
    r.policies.map((p) => p.metadata.name),
    ['psp-any-of-nonroot-ranges'],
  );
  assert.deepEqual(r.requesterSets, [{ psps: ['nonroot', 'ranges'], decisive: ['nonroot', 'ranges'], policy: 'psp-any-of-nonroot-ranges' }]);
  // Both fill in defaults: each gets a rule applying its defaults only when PSP admission would pick it.
  assert.ok(!r.unexpressible.some((u) => u.field === 'policy selection'));
  const rules = ((r.policies[0]!.spec as { rules: { name: string }[] }).rules ?? []).map((x) => x.name);
  assert.deepEqual(rules, ['defaults-nonroot', 'defaults-ranges', 'admitted-by-one-psp']);
  loaded(r.policies);
});

test('an invalid PSP is listed as not converted', () => {
  const bad: KubeObject = { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'bad' }, spec: { runAsUser: { rule: 'MustRunAs' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } } };
  const r = convertPsps([bad], []);
  // With no valid PSP, PSP admission refuses every pod: so does the conversion.
  assert.deepEqual(
    r.policies.map((p) => p.metadata.name),
    [NO_USABLE_PSP_POLICY],
  );
  assert.ok(r.unexpressible.some((u) => u.psp === 'bad'));
});

const sample = loadObjects([new URL('01-podsecuritypolicies.yaml', sampleDir).pathname, new URL('02-rbac-psp.yaml', sampleDir).pathname]).objects.map((l) => l.object);
const samplePsps = sample.filter((o) => o.kind === 'PodSecurityPolicy');
const sampleRbac = sample.filter((o) => o.kind !== 'PodSecurityPolicy');

test('the sample cluster converts to loadable policies scoped by RBAC', () => {
  const r = convertPsps(samplePsps, sampleRbac);
  loaded(r.policies);
  assert.deepEqual(r.policies.map((p) => p.metadata.name).sort(), ['psp-cmsupport-restricted', 'psp-local-path-provisioner-psp', 'psp-privileged', 'psp-ray-restricted', NO_USABLE_PSP_POLICY].sort());
  const ray = r.scopes.find((s) => s.psp === 'ray-restricted')!;
  assert.deepEqual(ray.namespaces, ['ray-restricted']);
  assert.ok(ray.subjects.some((s) => s.startsWith('User:ray ')));
  assert.ok(!r.unexpressible.some((u) => u.field === 'policy selection'), 'privileged covers every overlap');
});

const sampleCases: { name: string; user: string; groups: string[]; pod: KubeObject; want: boolean }[] = [
  { name: "the seed's /etc host mount by ray in ray-restricted is refused", user: 'ray', groups: ['system:authenticated'], want: false, pod: hostPathPod('/etc') },
  { name: 'a traversal out of /home/ray by ray is refused', user: 'ray', groups: ['system:authenticated'], want: false, pod: hostPathPod('/home/ray/../../etc') },
  { name: "a mount of ray's home by ray is admitted", user: 'ray', groups: ['system:authenticated'], want: true, pod: hostPathPod('/home/ray/data') },
  { name: 'hostNetwork by ray is refused', user: 'ray', groups: ['system:authenticated'], want: false, pod: pod({ spec: { hostNetwork: true } }) },
  { name: 'runAsUser 0 by ray is refused', user: 'ray', groups: ['system:authenticated'], want: false, pod: pod({ sc: { runAsUser: 0 } }) },
  { name: 'an added capability by ray is refused', user: 'ray', groups: ['system:authenticated'], want: false, pod: pod({ sc: { capabilities: { add: ['SYS_ADMIN'] } } }) },
  { name: 'a privileged pod by ray is refused', user: 'ray', groups: ['system:authenticated'], want: false, pod: pod({ sc: { privileged: true } }) },
  {
    name: "a privileged controller pod is admitted through its service account's grant",
    user: 'system:serviceaccount:kube-system:daemon-set-controller',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    want: true,
    pod: pod({ namespace: 'gpu-operator', spec: { serviceAccountName: 'nvidia-device-plugin', hostNetwork: true }, sc: { privileged: true } }),
  },
  { name: 'a user with no PSP grant is refused', user: 'alice', groups: ['system:authenticated'], want: false, pod: pod({ namespace: 'default' }) },
];

for (const c of sampleCases) {
  test(`sample cluster: ${c.name}`, () => {
    const p = clone(c.pod);
    if (p.metadata.namespace === 'default' && c.user === 'ray') p.metadata.namespace = 'ray-restricted';
    const oracle = admitPod(p, { psps: samplePsps, rbac: sampleRbac, user: c.user, groups: c.groups });
    assert.equal(oracle.allowed, c.want, `PSP oracle: ${oracle.message ?? 'admitted'}`);
    const v = checkCase(convertWorld('sample', samplePsps, sampleRbac), p, { user: c.user, groups: c.groups });
    assert.equal(v.kind, 'agree', 'why' in v ? v.why : '');
  });
}

test("converted mutate rules default, in Kyverno's engine, the effective values ray's PSP defaulted", () => {
  const r = convertPsps(samplePsps, sampleRbac, { validationFailureAction: 'Enforce' });
  const policies = r.policies.map((p) => compilePolicy(loadPolicy(p).policy!));
  const bare: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ray-restricted' }, spec: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject;
  const out = admitResource(policies, bare, { requestInfo: { userInfo: { username: 'ray', groups: ['system:authenticated'] } } });
  assert.deepEqual(out.validateResults.flatMap((v) => v.rules.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.rule)), []);
  const psp = admitPod(bare, { psps: samplePsps, rbac: sampleRbac, user: 'ray', groups: ['system:authenticated'], namespace: 'ray-restricted' });
  assert.equal(psp.policy, 'ray-restricted');
  // Compare the values each container effectively runs with (container field, else the pod's).
  const effective = (o: KubeObject) => {
    const spec = o.spec as { securityContext?: Record<string, unknown>; containers: { securityContext?: Record<string, unknown> }[] };
    const c = spec.containers[0]?.securityContext ?? {};
    const s = spec.securityContext ?? {};
    return { runAsUser: c.runAsUser ?? s.runAsUser, fsGroup: s.fsGroup, supplementalGroups: s.supplementalGroups, allowPrivilegeEscalation: c.allowPrivilegeEscalation };
  };
  assert.deepEqual(effective(out.patched), effective(psp.mutatedPod!));
});
