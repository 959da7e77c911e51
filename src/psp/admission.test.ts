// Selection, authorization and message cases after kubernetes@release-1.24 admission_test.go
// (TestAdmitPreferNonmutating, TestPolicyAuthorizationErrors, TestPreferValidatedPSP, ...) plus the
// seed's denial, byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSnapshot, type KubeObject, parseObjects } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { admitPod } from './admission.js';
import { pod, pspObject } from './internal/test-fixtures.js';

const useAll = (subjects: JsonObject[], names: string[] = []): KubeObject[] => [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `use-${names.join('-') || 'all'}` },
    rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], ...(names.length ? { resourceNames: names } : {}) }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `bind-${names.join('-') || 'all'}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `use-${names.join('-') || 'all'}` },
    subjects,
  },
];
const userAlice = [{ kind: 'User', name: 'alice' }];
const mutating = (name: string) => pspObject(name, { runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 1000 }] } });
const permissive = (name: string) => pspObject(name);
const privilegedPod = () => pod({}, { securityContext: { privileged: true } });

const cases: {
  name: string;
  psps: KubeObject[];
  rbac: KubeObject[];
  pod: KubeObject;
  op?: 'CREATE' | 'UPDATE';
  user?: string;
  want: { allowed: boolean; policy?: string; mutated?: boolean; message?: string };
}[] = [
  {
    name: 'a non-mutating PSP wins over an earlier mutating one on create',
    psps: [mutating('a-mutating'), permissive('z-validating')],
    rbac: useAll(userAlice),
    pod: pod(),
    want: { allowed: true, policy: 'z-validating', mutated: false },
  },
  {
    name: 'the first mutating PSP by name is taken when none admits unchanged',
    psps: [mutating('b-mutating'), mutating('a-mutating')],
    rbac: useAll(userAlice),
    pod: pod(),
    want: { allowed: true, policy: 'a-mutating', mutated: true },
  },
  {
    name: 'on update a pod that would need mutation fails validation with no errors',
    psps: [mutating('a-mutating')],
    rbac: useAll(userAlice),
    pod: pod(),
    op: 'UPDATE',
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: unable to validate pod: []' },
  },
  {
    name: 'no PSPs at all is the upstream refusal',
    psps: [],
    rbac: useAll(userAlice),
    pod: pod(),
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: no providers available to validate pod request' },
  },
  {
    name: 'a PSP whose strategies cannot be built is skipped (MustRunAs without ranges)',
    psps: [pspObject('broken', { runAsUser: { rule: 'MustRunAs' } })],
    rbac: useAll(userAlice),
    pod: pod(),
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: no providers available to validate pod request' },
  },
  {
    name: 'errors of PSPs the user may not use are hidden',
    psps: [permissive('a'), permissive('b')],
    rbac: [],
    pod: privilegedPod(),
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: unable to admit pod: []' },
  },
  {
    name: 'only the authorized PSP contributes its errors',
    psps: [permissive('a'), permissive('b')],
    rbac: useAll(userAlice, ['b']),
    pod: privilegedPod(),
    want: {
      allowed: false,
      message: 'pods "test-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]',
    },
  },
  {
    name: 'errors of several authorized PSPs are joined in name order',
    psps: [permissive('b'), pspObject('a', { hostNetwork: false })],
    rbac: useAll(userAlice),
    pod: pod({ hostNetwork: true }, { securityContext: { privileged: true } }),
    want: {
      allowed: false,
      message:
        'pods "test-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]',
    },
  },
  {
    name: "the pod's service account may use a PSP the user may not",
    psps: [pspObject('sa-only', { privileged: true })],
    rbac: useAll([{ kind: 'ServiceAccount', name: 'builder', namespace: 'ns' }]),
    pod: pod({ serviceAccountName: 'builder' }, { securityContext: { privileged: true } }),
    user: 'bob',
    want: { allowed: true, policy: 'sa-only', mutated: false },
  },
  {
    name: 'spec.serviceAccount is the service account when serviceAccountName is empty (v1 conversion alias)',
    psps: [pspObject('sa-only', { privileged: true })],
    rbac: useAll([{ kind: 'ServiceAccount', name: 'builder', namespace: 'ns' }]),
    pod: pod({ serviceAccount: 'builder' }, { securityContext: { privileged: true } }),
    user: 'bob',
    want: { allowed: true, policy: 'sa-only', mutated: false },
  },
  {
    name: 'serviceAccountName wins over spec.serviceAccount when both are set',
    psps: [pspObject('sa-only', { privileged: true })],
    rbac: useAll([{ kind: 'ServiceAccount', name: 'builder', namespace: 'ns' }]),
    pod: pod({ serviceAccountName: 'other', serviceAccount: 'builder' }, { securityContext: { privileged: true } }),
    user: 'bob',
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: unable to admit pod: []' },
  },
  {
    name: 'an empty serviceAccountName is the default service account',
    psps: [permissive('p')],
    rbac: useAll([{ kind: 'Group', name: 'system:serviceaccounts:ns' }]),
    pod: pod(),
    user: 'bob',
    want: { allowed: true, policy: 'p' },
  },
  {
    name: 'the denial names a generateName pod by its prefix',
    psps: [permissive('p')],
    rbac: useAll(userAlice),
    pod: { ...privilegedPod(), metadata: { generateName: 'web-7774d79b5-', namespace: 'ns' } },
    want: { allowed: false, message: 'pods "web-7774d79b5-" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]' },
  },
  {
    name: 'a host path with .. that PSP admits is rejected by pod validation',
    psps: [pspObject('p', { volumes: ['hostPath'] })],
    rbac: useAll(userAlice),
    pod: pod({ volumes: [{ name: 'h', hostPath: { path: '/home/ray/../../etc' } }] }),
    want: { allowed: false, message: `Pod "test-pod" is invalid: spec.volumes[0].hostPath.path: Invalid value: "/home/ray/../../etc": must not contain '..'` },
  },
  {
    name: 'a PSP default that makes a container invalid is refused by pod validation after admission (privileged)',
    psps: [pspObject('p', { privileged: true, allowPrivilegeEscalation: false })],
    rbac: useAll(userAlice),
    pod: privilegedPod(),
    want: {
      allowed: false,
      message:
        'Pod "test-pod" is invalid: spec.containers[0].securityContext: Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(nil), Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(nil), RunAsGroup:(*int64)(nil), RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(0xc000000000), ProcMount:(*core.ProcMountType)(nil), SeccompProfile:(*core.SeccompProfile)(nil)}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
    },
  },
  {
    name: 'a PSP default that makes a container invalid is refused by pod validation after admission (CAP_SYS_ADMIN)',
    psps: [pspObject('p', { allowedCapabilities: ['*'], allowPrivilegeEscalation: false })],
    rbac: useAll(userAlice),
    pod: pod({}, { securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } } }),
    want: {
      allowed: false,
      message:
        'Pod "test-pod" is invalid: spec.containers[0].securityContext: Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(0xc000000000), Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(nil), RunAsGroup:(*int64)(nil), RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(0xc000000000), ProcMount:(*core.ProcMountType)(nil), SeccompProfile:(*core.SeccompProfile)(nil)}: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
    },
  },
  {
    name: 'a PSP that denies is reported before pod validation (which runs after mutating admission)',
    psps: [pspObject('p', { volumes: ['configMap'] })],
    rbac: useAll(userAlice),
    pod: pod({ volumes: [{ name: 'h', hostPath: { path: '/home/ray/../../etc' } }] }),
    want: { allowed: false, message: 'pods "test-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used]' },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const r = admitPod(c.pod, { psps: c.psps, rbac: c.rbac, user: c.user ?? 'alice', groups: ['system:authenticated'], operation: c.op ?? 'CREATE' });
    assert.equal(r.allowed, c.want.allowed, r.message);
    if (c.want.policy !== undefined) assert.equal(r.policy, c.want.policy);
    if (c.want.mutated !== undefined) assert.equal(r.mutated, c.want.mutated);
    if (c.want.message !== undefined) assert.equal(r.message, c.want.message);
    if (r.allowed && r.mutatedPod && !r.ignored) assert.equal(r.mutatedPod.metadata.annotations?.['kubernetes.io/psp'], r.policy);
  });
}

test('the kubernetes.io/psp hint is tried first on update', () => {
  const p = pod({}, {}, { 'kubernetes.io/psp': 'z-hinted' });
  const r = admitPod(p, { psps: [permissive('a-first'), permissive('z-hinted')], rbac: useAll(userAlice), user: 'alice', groups: [], operation: 'UPDATE' });
  assert.equal(r.policy, 'z-hinted');
});

test('the hint is ignored when mutation is allowed (create picks by name)', () => {
  const p = pod({}, {}, { 'kubernetes.io/psp': 'z-hinted' });
  const r = admitPod(p, { psps: [permissive('a-first'), permissive('z-hinted')], rbac: useAll(userAlice), user: 'alice', groups: [], operation: 'CREATE' });
  assert.equal(r.policy, 'a-first');
  assert.equal(r.mutatedPod?.metadata.annotations?.['kubernetes.io/psp'], 'a-first');
});

test('updates that only change ownerReferences or finalizers are ignored', () => {
  const old = privilegedPod();
  const updated = { ...old, metadata: { ...old.metadata, finalizers: ['x'] } };
  const r = admitPod(updated, { psps: [permissive('p')], rbac: [], user: 'alice', groups: [], operation: 'UPDATE', oldPod: old });
  assert.equal(r.allowed, true);
  assert.ok(r.ignored);
});

test('subresource requests are ignored', () => {
  const r = admitPod(privilegedPod(), { psps: [], rbac: [], user: 'alice', groups: [], subResource: 'status' });
  assert.equal(r.allowed, true);
  assert.ok(r.ignored);
});

test('a pod admitted on create is stored with its defaults and validates again unchanged', () => {
  const r = admitPod(pod(), { psps: [mutating('m')], rbac: useAll(userAlice), user: 'alice', groups: [] });
  assert.equal(r.allowed, true);
  const again = admitPod(r.mutatedPod!, { psps: [mutating('m')], rbac: useAll(userAlice), user: 'alice', groups: [], operation: 'UPDATE' });
  assert.equal(again.allowed, true, again.message);
  assert.equal(again.policy, 'm');
});

test('invalid PSP objects are reported and left out', () => {
  const r = admitPod(pod(), { psps: [pspObject('bad', { allowPrivilegeEscalation: false, defaultAllowPrivilegeEscalation: true }), permissive('ok')], rbac: useAll(userAlice), user: 'alice', groups: [] });
  assert.equal(r.policy, 'ok');
  assert.equal(r.diagnostics[0]?.psp, 'bad');
  assert.equal(r.diagnostics[0]?.errors[0]?.code, 'PSP_INVALID');
});

test("the seed's denial is reproduced byte for byte", () => {
  const dir = new URL('./testdata/seed/', import.meta.url);
  const load = (f: string) => parseObjects(readFileSync(new URL(f, dir), 'utf8'), f).objects;
  const snapshot = buildSnapshot([...load('psps.yaml'), ...load('rbac.yaml')]);
  const seedPod = load('pod.yaml')[0]!.object;
  const r = admitPod(seedPod, { snapshot, user: 'ray', groups: ['system:authenticated'], namespace: 'ray-restricted' });
  assert.equal(
    r.message,
    'pods "host-mount-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0].hostPath.pathPrefix: Invalid value: "/etc": is not allowed to be used]',
  );
  const home = admitPod(
    { ...seedPod, spec: { ...(seedPod.spec as JsonObject), volumes: [{ name: 'host-etc', hostPath: { path: '/home/ray/data', type: 'Directory' } }] } },
    { snapshot, user: 'ray', groups: ['system:authenticated'], namespace: 'ray-restricted' },
  );
  assert.equal(home.allowed, true, home.message);
  assert.equal(home.policy, 'ray-restricted');
});
