// Property tests: admission never throws on arbitrary pods and PSPs, and the pod it admits (with the
// defaults of the admitting PSP) always validates against that PSP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../kube/index.js';
import type { JsonObject, JsonValue } from '../util/index.js';
import { admitPod, loadProviders } from './admission.js';
import { pspObject } from './internal/test-fixtures.js';
import { validatePod } from './provider.js';
import { fcParams } from '../../test/helpers/fc.js';

const small = fc.integer({ min: -2, max: 70000 });
const range = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 70000 })).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const ranged = (rules: string[]) => fc.record({ rule: fc.constantFrom(rules[0]!, ...rules), ranges: fc.array(range, { minLength: 1, maxLength: 2 }) });
const caps = fc.array(fc.constantFrom('CHOWN', 'NET_ADMIN', 'SYS_ADMIN', 'ALL'), { maxLength: 2 });
const seLinux = fc.record({ level: fc.constantFrom('s0', 's0:c1,c2', 's0:c2,c1'), user: fc.constantFrom('u', 'v') }, { requiredKeys: [] });
const anyJson: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;

const pspSpec = fc.record(
  {
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    defaultAllowPrivilegeEscalation: fc.boolean(),
    readOnlyRootFilesystem: fc.boolean(),
    hostNetwork: fc.boolean(),
    hostPorts: fc.array(range, { maxLength: 2 }),
    volumes: fc.array(fc.constantFrom('*', 'hostPath', 'secret', 'emptyDir', 'projected', 'csi', 'flexVolume'), { maxLength: 3 }),
    allowedHostPaths: fc.array(fc.record({ pathPrefix: fc.constantFrom('/foo', '/foo/', '/home/ray', '/'), readOnly: fc.boolean() }), { maxLength: 2 }),
    runAsUser: ranged(['RunAsAny', 'MustRunAs', 'MustRunAsNonRoot']),
    runAsGroup: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
    fsGroup: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
    supplementalGroups: ranged(['RunAsAny', 'MustRunAs', 'MayRunAs']),
    seLinux: fc.record({ rule: fc.constantFrom('RunAsAny', 'MustRunAs'), seLinuxOptions: seLinux }, { requiredKeys: ['rule'] }),
    defaultAddCapabilities: caps,
    requiredDropCapabilities: caps,
    allowedCapabilities: caps,
    allowedProcMountTypes: fc.array(fc.constantFrom('Default', 'Unmasked'), { maxLength: 2 }),
    runtimeClass: fc.record({ allowedRuntimeClassNames: fc.array(fc.constantFrom('*', 'a', 'b'), { maxLength: 2 }), defaultRuntimeClassName: fc.constantFrom('a', 'b') }, { requiredKeys: ['allowedRuntimeClassNames'] }),
    junk: anyJson,
  },
  { requiredKeys: [] },
);
const pspAnnotations = fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(
  fc.constantFrom(
    'seccomp.security.alpha.kubernetes.io/allowedProfileNames',
    'seccomp.security.alpha.kubernetes.io/defaultProfileName',
    'apparmor.security.beta.kubernetes.io/allowedProfileNames',
    'apparmor.security.beta.kubernetes.io/defaultProfileName',
  ),
  fc.constantFrom('runtime/default', '*', 'localhost/x', 'runtime/default,localhost/x', ''),
) });
const sparse = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: a });
const containerSc = sparse(fc.record(
  {
    privileged: fc.boolean(),
    runAsUser: small,
    runAsGroup: small,
    runAsNonRoot: fc.boolean(),
    readOnlyRootFilesystem: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    procMount: fc.constantFrom('Default', 'Unmasked'),
    capabilities: fc.record({ add: caps, drop: caps }, { requiredKeys: [] }),
    seLinuxOptions: seLinux,
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined') }),
  },
  { requiredKeys: [] },
));
const container = fc.record(
  { name: fc.constantFrom('a', 'b', 'c'), securityContext: containerSc, ports: fc.array(fc.record({ hostPort: small }), { maxLength: 1 }), volumeMounts: fc.array(fc.record({ name: fc.constantFrom('v0', 'v1'), readOnly: fc.boolean() }), { maxLength: 2 }) },
  { requiredKeys: ['name'] },
);
const volume = fc.oneof(
  fc.record({ name: fc.constantFrom('v0', 'v1'), hostPath: fc.record({ path: fc.constantFrom('/foo', '/foo/bar', '/etc', '/home/ray/x', '/foobar') }) }),
  fc.record({ name: fc.constantFrom('v0', 'v1'), secret: fc.record({ secretName: fc.constant('s') }) }),
  fc.record({ name: fc.constantFrom('v0', 'v1'), csi: fc.record({ driver: fc.constantFrom('d1', 'd2') }) }),
  fc.record({ name: fc.constantFrom('v0', 'v1'), emptyDir: fc.constant({}) }),
  fc.record({ name: fc.constantFrom('v0', 'v1'), junk: anyJson }),
);
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    volumes: sparse(fc.array(volume, { maxLength: 1 })),
    hostNetwork: fc.boolean(),
    runtimeClassName: fc.constantFrom('a', 'b'),
    securityContext: sparse(fc.record({ fsGroup: small, supplementalGroups: fc.array(small, { maxLength: 2 }), seLinuxOptions: seLinux, runAsUser: small }, { requiredKeys: [] })),
    serviceAccountName: fc.constantFrom('default', 'builder'),
    junk: anyJson,
  },
  { requiredKeys: ['containers'] },
);
const podArb = fc.record({ spec: podSpec, annotations: sparse(fc.dictionary(fc.constantFrom('seccomp.security.alpha.kubernetes.io/pod', 'container.apparmor.security.beta.kubernetes.io/a'), fc.constantFrom('runtime/default', 'localhost/x'))) });

const rbac: KubeObject[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'all' }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'all' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'all' }, subjects: [{ kind: 'User', name: 'alice' }] },
];

test('admission never throws, and an admitted pod validates against the PSP that admitted it', () => {
  let admitted = 0;
  let byOthers = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(fc.constant({}), pspSpec), pspAnnotations), { minLength: 0, maxLength: 3 }), podArb, fc.constantFrom<'CREATE' | 'UPDATE'>('CREATE', 'UPDATE'), fc.boolean(), (specs, p, op, open) => {
      const psps = specs.map(([s, a], i) => pspObject(`psp-${i}`, s as JsonObject, a));
      // A wide-open PSP half of the time, so that admission (not only denial) is exercised.
      if (open) psps.push(pspObject('zz-open', { privileged: true, volumes: ['*'], allowedCapabilities: ['*'], hostNetwork: true, hostPorts: [{ min: 0, max: 70000 }], allowedProcMountTypes: ['Default', 'Unmasked'] }, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' }));
      const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', annotations: p.annotations }, spec: p.spec as unknown as JsonObject };
      const r = admitPod(pod, { psps, rbac, user: 'alice', groups: [], operation: op });
      if (!r.allowed || r.ignored) {
        assert.ok(r.message);
        return;
      }
      const admitting = loadProviders(psps.map((object, document) => ({ object, source: { file: 'x', document, line: 1 } }))).providers.find((x) => x.name === r.policy);
      assert.ok(admitting, `policy ${r.policy} is a usable PSP`);
      assert.deepEqual(validatePod(admitting, r.mutatedPod!), []);
      admitted++;
      if (r.policy !== 'zz-open') byOthers++;
    }),
    fcParams(300),
  );
  // The generators must reach the interesting branch, or the property proves nothing.
  assert.ok(admitted > 10 && byOthers > 0, `only ${admitted} admitted pods, ${byOthers} by the random PSPs`);
});
