// `podgate serve --kubeconfig`: Namespaces (and the ConfigMaps policies read, and PolicyExceptions when
// enabled) in a list+watch cache against a local HTTPS server that answers like an API server. /readyz is
// 503 until the cache has synced; a namespaceSelector decides by the watched labels, label changes arrive
// through the watch; an unreachable or failing API server is reported and retried; a 404 for the
// PolicyException CRD means "none".
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { type StoredObject, startWatchApiServer, type WatchApiServer } from '../helpers/watch-api-server.js';
import { call, loopbackCerts, podReview } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-serve-ctx-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const cert = write('tls.crt', loopbackCerts().cert);
const key = write('tls.key', loopbackCerts().key);
const POLICY_TEXT = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: user-no-host-path}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-path
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaceSelector: {matchLabels: {tier: user}}
    validate:
      message: hostPath volumes are not allowed in user namespaces
      pattern: {spec: {=(volumes): [{X(hostPath): "null"}]}}
`;
const POLICY = write('user-no-host-path.yaml', POLICY_TEXT);
const CM_POLICY = write(
  'registries.yaml',
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: registries}
spec:
  validationFailureAction: Enforce
  rules:
  - name: allowed-registry
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - name: registries
      configMap: {name: registries, namespace: kyverno}
    validate:
      message: "images must come from {{ registries.data.allowed }}"
      pattern: {spec: {containers: [{image: "{{ registries.data.allowed }}/*"}]}}
`,
);
const ENABLED = write('kyverno-values.yaml', 'features:\n  policyExceptions:\n    enabled: true\n    namespace: kyverno\n');

const ns = (name: string, labels: Record<string, string>): StoredObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const NS = 'v1 namespaces';
const CM = 'v1 configmaps';
const POLEX = 'kyverno.io/v2alpha1 policyexceptions';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const hostPathReview = (namespace: string, name = 'web', image = 'docker.io/nginx') => {
  const r = podReview({ namespace, name }) as { request: { object: { spec: Record<string, unknown> } } };
  r.request.object.spec.volumes = [{ name: 'v', hostPath: { path: '/sys' } }];
  (r.request.object.spec.containers as { image: string }[])[0]!.image = image;
  return JSON.stringify(r);
};

interface Served {
  port: number;
  done: Promise<unknown>;
}

/** Runs `podgate serve` in-process until stop(); the test talks to it over HTTPS. */
async function serve(args: string[]): Promise<Served> {
  const port = await freePort();
  const done = runCli(['serve', '--mode', 'enforce', '--tls-cert', cert, '--tls-key', key, '--host', '127.0.0.1', '--port', String(port), '--metrics-port', '0', '--log-level', 'silent', '--no-watch', ...args]);
  return { port, done };
}

/** Stops a serve run: it stops on SIGTERM (emitting the event runs its handler without signalling the process), re-sent until it has its handler. */
async function stop(s: Served): Promise<void> {
  let done = false;
  void s.done.then(() => {
    done = true;
  });
  while (!done) {
    process.emit('SIGTERM');
    await Promise.race([s.done, new Promise((r) => setTimeout(r, 100))]);
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readyz = async (port: number) => {
  const a = await call(port, '/readyz');
  return { status: a.status, body: a.json() as { ready: boolean; cluster?: { synced: boolean; resources: { resource: string; state: string; lastError?: string }[] } } };
};
const allowed = async (port: number, body: string) => ((await call(port, '/validate', body)).json() as { response: { allowed: boolean; status?: { message: string } } }).response;

describe('serve --kubeconfig keeps Namespaces in a watch cache', () => {
  let api: WatchApiServer;
  let s: Served;
  before(async () => {
    api = await startWatchApiServer({
      [NS]: [ns('team-a', { tier: 'user' }), ns('gpu-operator', { tier: 'system' })],
      [CM]: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'registries', namespace: 'kyverno' }, data: { allowed: 'docker.io' } }],
      [POLEX]: [
        {
          apiVersion: 'kyverno.io/v2alpha1',
          kind: 'PolicyException',
          metadata: { name: 'nfd', namespace: 'kyverno' },
          spec: { exceptions: [{ policyName: 'user-no-host-path', ruleNames: ['host-path'] }], match: { any: [{ resources: { kinds: ['Pod'], names: ['nfd-*'] } }] } },
        },
      ],
    });
    s = await serve(['--policy', POLICY, '--policy', CM_POLICY, '--kubeconfig', api.kubeconfig, '--kyverno-values', ENABLED]);
    await until('ready', async () => ((await readyz(s.port)).status === 200 ? true : undefined));
  });
  after(async () => {
    await stop(s);
    await api.close();
  });

  test('/readyz reports every watched type synced', async () => {
    const r = await readyz(s.port);
    assert.equal(r.body.ready, true);
    assert.deepEqual(
      r.body.cluster?.resources.map((x) => [x.resource, x.state]),
      [
        ['/api/v1/namespaces', 'synced'],
        ['/apis/kyverno.io/v2alpha1/namespaces/kyverno/policyexceptions', 'synced'],
        ['/api/v1/namespaces/kyverno/configmaps', 'synced'],
      ],
    );
    assert.ok(api.seen.some((x) => x.watch && x.path === '/api/v1/namespaces'), 'a watch was opened');
  });

  test('a namespaceSelector decides by the watched labels', async () => {
    const denied = await allowed(s.port, hostPathReview('team-a'));
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /user-no-host-path:\n {2}host-path: 'validation error: hostPath volumes are not allowed in user namespaces/);
    assert.equal((await allowed(s.port, hostPathReview('gpu-operator'))).allowed, true);
  });

  test('a label change arrives through the watch and changes the decision', async () => {
    api.put(NS, ns('gpu-operator', { tier: 'user' }));
    await until('the new label', async () => ((await allowed(s.port, hostPathReview('gpu-operator'))).allowed ? undefined : true));
    api.put(NS, ns('gpu-operator', { tier: 'system' }));
    await until('the label back', async () => ((await allowed(s.port, hostPathReview('gpu-operator'))).allowed ? true : undefined));
  });

  test('the ConfigMap a policy reads comes from the cache', async () => {
    const r = await allowed(s.port, hostPathReview('gpu-operator', 'web', 'quay.io/nginx'));
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /images must come from docker.io/);
  });

  test('a PolicyException from the cluster (enabled, in its namespace) exempts the pod it selects', async () => {
    assert.equal((await allowed(s.port, hostPathReview('team-a', 'nfd-worker'))).allowed, true);
    api.remove(POLEX, 'nfd', 'kyverno');
    await until('the exception gone', async () => ((await allowed(s.port, hostPathReview('team-a', 'nfd-worker'))).allowed ? undefined : true));
  });
});

// Kyverno gives every request the roles and cluster roles its requester is bound to (GetRoleRef); a rule
// matching `clusterRoles` never applied in serve, which had no RBAC bindings, so a tenant's privileged pod
// was admitted.
const ROLES_POLICY = write(
  'tenants.yaml',
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: tenants-unprivileged}
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: tenant-cluster-role
    match: {any: [{resources: {kinds: [Pod]}, clusterRoles: [tenant]}]}
    validate:
      message: tenants may not run privileged containers
      pattern: {spec: {containers: [{=(securityContext): {=(privileged): false}}]}}
`,
);
const CRB = 'rbac.authorization.k8s.io/v1 clusterrolebindings';
const RB = 'rbac.authorization.k8s.io/v1 rolebindings';
const tenantBinding: StoredObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'tenants' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tenant' },
  subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'tenants' }],
};
const privilegedReview = (groups: string[]) => {
  const r = podReview({ namespace: 'team-a' }) as { request: { userInfo: { groups: string[] }; object: { spec: { containers: Record<string, unknown>[] } } } };
  r.request.userInfo.groups = groups;
  r.request.object.spec.containers[0]!.securityContext = { privileged: true };
  return JSON.stringify(r);
};

describe('serve --kubeconfig with a policy that matches cluster roles', () => {
  let api: WatchApiServer;
  let s: Served;
  before(async () => {
    api = await startWatchApiServer({ [NS]: [ns('team-a', {})], [CRB]: [tenantBinding], [RB]: [] });
    s = await serve(['--policy', ROLES_POLICY, '--kubeconfig', api.kubeconfig]);
    await until('ready', async () => ((await readyz(s.port)).status === 200 ? true : undefined));
  });
  after(async () => {
    await stop(s);
    await api.close();
  });

  test('RoleBindings and ClusterRoleBindings are watched', async () => {
    const r = await readyz(s.port);
    assert.deepEqual(
      r.body.cluster?.resources.map((x) => [x.resource, x.state]),
      [
        ['/api/v1/namespaces', 'synced'],
        ['/apis/rbac.authorization.k8s.io/v1/rolebindings', 'synced'],
        ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'synced'],
      ],
    );
  });

  test('a requester bound to the cluster role is matched; others are not; a removed binding stops matching', async () => {
    const denied = await allowed(s.port, privilegedReview(['tenants', 'system:authenticated']));
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /tenant-cluster-role: 'validation error: tenants may not run privileged containers/);
    assert.equal((await allowed(s.port, privilegedReview(['system:authenticated']))).allowed, true);
    api.remove(CRB, 'tenants');
    await until('the binding gone', async () => ((await allowed(s.port, privilegedReview(['tenants', 'system:authenticated']))).allowed ? true : undefined));
  });

  // Roles are looked up by subject in an index of the snapshot; a binding added or removed through the watch
  // must change the answer (the index is the new snapshot's, not a stale one).
  test('a RoleBinding added through the watch binds its service account; removed, it no longer does', async () => {
    const asBuilder = () => {
      const r = JSON.parse(privilegedReview(['system:serviceaccounts'])) as { request: { userInfo: { username: string } } };
      r.request.userInfo.username = 'system:serviceaccount:team-a:builder';
      return JSON.stringify(r);
    };
    assert.equal((await allowed(s.port, asBuilder())).allowed, true);
    api.put(RB, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'builders', namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tenant' },
      // No namespace: the binding's own.
      subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
    });
    const denied = await until('the binding seen', async () => {
      const a = await allowed(s.port, asBuilder());
      return a.allowed ? undefined : a;
    });
    assert.match(denied.status?.message ?? '', /tenant-cluster-role: 'validation error: tenants may not run privileged containers/);
    api.remove(RB, 'builders', 'team-a');
    await until('the binding gone', async () => ((await allowed(s.port, asBuilder())).allowed ? true : undefined));
  });
});

describe('serve --kubeconfig before and without a synced cache', () => {
  test('an API server that fails its lists: /readyz 503 naming the failure, enforce denies, then the retry syncs', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    api.failLists('/api/v1/namespaces', 2);
    const s = await serve(['--policy', POLICY, '--kubeconfig', api.kubeconfig]);
    try {
      const first = await until('an answer', async () => readyz(s.port));
      // The first retry waits a second, so the server answers before the cache can have synced.
      assert.equal(first.status, 503);
      assert.equal(first.body.ready, false);
      assert.equal(first.body.cluster?.synced, false);
      const v = (await call(s.port, '/validate', hostPathReview('gpu-operator'))).json() as { response: { allowed: boolean } };
      assert.equal(v.response.allowed, false, 'enforce fails closed until synced');
      // Failures come a second, then two seconds apart: the reported error is visible in between.
      const failing = await until('the failure reported', async () => {
        const x = await readyz(s.port);
        return x.body.cluster?.resources[0]?.lastError ? x : undefined;
      });
      assert.equal(failing.status, 503);
      assert.match(failing.body.cluster?.resources[0]?.lastError ?? '', /answered 503: etcd is unavailable/);
      await until('ready after retries', async () => ((await readyz(s.port)).status === 200 ? true : undefined));
      assert.ok(api.seen.filter((x) => !x.watch && x.path === '/api/v1/namespaces').length >= 3, 'listed again after each failure');
    } finally {
      await stop(s);
      await api.close();
    }
  });

  test('an unreachable API server: /readyz stays 503 and says it cannot reach it', async () => {
    const kubeconfig = write('unreachable', 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    const s = await serve(['--policy', POLICY, '--kubeconfig', kubeconfig]);
    try {
      const r = await until('the failure reported', async () => {
        const x = await readyz(s.port);
        return x.body.cluster?.resources[0]?.lastError ? x : undefined;
      });
      assert.equal(r.status, 503);
      assert.match(r.body.cluster?.resources[0]?.lastError ?? '', /cannot reach the API server at https:\/\/127\.0\.0\.1:9/);
      assert.equal(r.body.cluster?.resources[0]?.state, 'failing');
    } finally {
      await stop(s);
    }
  });

  test('a 404 for the PolicyException CRD means none: ready, and the type is reported not served', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    const s = await serve(['--policy', POLICY, '--kubeconfig', api.kubeconfig, '--kyverno-values', ENABLED]);
    try {
      await until('ready', async () => ((await readyz(s.port)).status === 200 ? true : undefined));
      const r = await readyz(s.port);
      assert.deepEqual(
        r.body.cluster?.resources.map((x) => [x.resource, x.state]),
        [
          ['/api/v1/namespaces', 'synced'],
          ['/apis/kyverno.io/v2alpha1/namespaces/kyverno/policyexceptions', 'not-served'],
        ],
      );
      assert.equal((await allowed(s.port, hostPathReview('team-a'))).allowed, false);
    } finally {
      await stop(s);
      await api.close();
    }
  });

  test('without a cluster, --exception files count when the values enable them', async () => {
    const policy = write('no-host-path.yaml', POLICY_TEXT.replace('user-no-host-path', 'no-host-path').replace(/\n {10}namespaceSelector: .*\n/, '\n'));
    const ex = write(
      'ex.yaml',
      'apiVersion: kyverno.io/v2alpha1\nkind: PolicyException\nmetadata: {name: nfd, namespace: kyverno}\nspec:\n  exceptions: [{policyName: no-host-path, ruleNames: [host-path]}]\n  match: {any: [{resources: {kinds: [Pod], names: [nfd-*]}}]}\n',
    );
    const s = await serve(['--policy', policy, '--exception', ex, '--kyverno-values', ENABLED]);
    try {
      await until('ready', async () => ((await readyz(s.port)).status === 200 ? true : undefined));
      assert.equal((await allowed(s.port, hostPathReview('team-a', 'nfd-worker'))).allowed, true);
      assert.equal((await allowed(s.port, hostPathReview('team-a', 'web'))).allowed, false);
    } finally {
      await stop(s);
    }
  });

  test('a missing kubeconfig is a usage error naming it', async () => {
    const r = await runCli(['serve', '--mode', 'enforce', '--tls-self-signed', '--policy', POLICY, '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /serve: cannot read kubeconfig \/nonexistent\/kubeconfig/);
  });
});
