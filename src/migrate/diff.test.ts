import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultKyvernoConfig } from '../kyverno/config/index.js';
import { compilePolicy, loadPolicy } from '../kyverno/index.js';
import { buildSnapshot, type KubeObject } from '../kube/index.js';
import { findPspAdmitting, runDiff } from './diff.js';

const src = (i: number) => ({ file: 'mem', document: i, line: 1 });
const psp = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name }, spec }) as KubeObject;
const base = { seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } };
const objects: KubeObject[] = [
  psp('privileged', { ...base, privileged: true, runAsUser: { rule: 'RunAsAny' }, volumes: ['*'], hostNetwork: true }),
  psp('restricted', { ...base, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 1000 }] }, volumes: ['configMap', 'emptyDir', 'secret'] }),
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'psp:restricted' }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['restricted'] }] } as KubeObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'alice-psp', namespace: 'alice-ns' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp:restricted' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
  } as KubeObject,
  // an admin's bare privileged pod: PSP (privileged, via system:masters) admits, Kyverno denies → breakage
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'priv', namespace: 'tools' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } as KubeObject,
  // alice's hostPath pod: PSP restricted refuses the volume, Kyverno has nothing against it → regression
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hp', namespace: 'alice-ns' }, spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'v', hostPath: { path: '/etc' } }] } } as KubeObject,
  // alice's pod without runAsUser: PSP forces 1000, Kyverno admits it as written → regression
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'alice-ns' }, spec: { containers: [{ name: 'c', image: 'x' }] } } as KubeObject,
  // alice's compliant pod → same
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ok', namespace: 'alice-ns' }, spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'c', image: 'x' }] } } as KubeObject,
];
const policy = compilePolicy(
  loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'no-privileged' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [{ name: 'privileged', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'no', pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': false } }] } } } }],
    },
  }).policy!,
);
const snapshot = buildSnapshot(objects.map((object, i) => ({ object, source: src(i) })));
const diff = runDiff({
  snapshot,
  policies: [policy],
  kyvernoConfig: defaultKyvernoConfig(),
  userNamespaces: new Map([['alice-ns', { namespace: 'alice-ns', user: 'alice', evidence: 'RoleBinding' }]]),
});
const byName = new Map(diff.entries.map((e) => [e.name, e]));

const cases: { name: string; pod: string; cls: string; lost?: string[] }[] = [
  { name: 'PSP admits and Kyverno denies: breakage', pod: 'priv', cls: 'breakage' },
  { name: 'PSP denies a hostPath volume that Kyverno admits: regression losing volumes', pod: 'hp', cls: 'regression', lost: ['volumes'] },
  { name: 'PSP forces runAsUser and Kyverno admits the pod as written: regression losing runAsUser', pod: 'root', cls: 'regression', lost: ['runAsUser'] },
  { name: 'both admit and PSP changes nothing: same', pod: 'ok', cls: 'same', lost: [] },
];
for (const c of cases) {
  test(c.name, () => {
    const e = byName.get(c.pod);
    assert.ok(e, `no diff entry for ${c.pod}`);
    assert.equal(e.class, c.cls, JSON.stringify(e, null, 1));
    if (c.lost) assert.deepEqual(e.lostFields, c.lost);
  });
}

test('the creator is the namespace user in user namespaces and an administrator elsewhere', () => {
  assert.equal(byName.get('hp')?.creator.user, 'alice');
  assert.match(byName.get('priv')?.creator.via ?? '', /system:masters/);
  assert.match(byName.get('hp')?.psp.message ?? '', /^pods "hp" is forbidden: PodSecurityPolicy: unable to admit pod: \[/);
});

test('the summary counts each class', () => {
  assert.deepEqual(diff.summary, { breakage: 1, regression: 2, same: 1, total: 4 });
});

// The PSP the plan grants Kyverno's own pods while PSP still enforces: judged on the pods the API server
// would admit (defaults, and the service-account token volume its ServiceAccount plugin adds first), so a
// PSP without projected (or secret) volumes, which would refuse them, is not chosen.
test('findPspAdmitting judges the pods as admitted: the token volume rules out a PSP without projected volumes', () => {
  const psp = (name: string, volumes: string[]): KubeObject => ({
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name },
    spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes },
  });
  const kyverno: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kyverno-admission-controller', namespace: 'kyverno' },
    spec: { selector: { matchLabels: { app: 'k' } }, template: { metadata: { labels: { app: 'k' } }, spec: { serviceAccountName: 'kyverno-admission-controller', containers: [{ name: 'kyverno', image: 'ghcr.io/kyverno/kyverno:v1.10.7' }] } } },
  };
  const snap = buildSnapshot([psp('a-no-projected', ['configMap', 'emptyDir']), psp('b-projected', ['configMap', 'emptyDir', 'projected'])].map((object) => ({ object, source: { file: 'x', document: 1, line: 1 } })));
  assert.equal(findPspAdmitting([kyverno], snap), 'b-projected');
});
