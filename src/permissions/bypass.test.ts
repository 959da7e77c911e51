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
const policies = renderUser(user!, { psp: false })
  .filter((o) => o.kind === 'ClusterPolicy')
  .map((o) => {
    const r = loadPolicy(o);
    assert.deepEqual(r.errors, []);
    return compilePolicy(r.policy!);
  });

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
