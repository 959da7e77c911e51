// `podgate serve --kubeconfig` (its own process) against an API server whose watch streams misbehave:
// a malformed event must not crash the server; it is logged, the watch restarts, serving goes on.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClusterCache, connectKube } from '../../src/cluster/index.js';
import { type StoredObject, startWatchApiServer, type WatchApiServer } from '../helpers/watch-api-server.js';
import { podReview } from './helpers.js';
import { goodPod, HOSTILE_POLICIES, slowLabelPod } from './hostile-reviews.js';
import { type ServeProcess, startServe } from './serve-process.js';

const POLICY = new URL('../../src/webhook/testdata/disallow-host-path.yaml', import.meta.url).pathname;
const NS = 'v1 namespaces';
const ns = (name: string, labels: Record<string, string>): StoredObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function post(port: number, body: string): Promise<{ response: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', rejectUnauthorized: false, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response: unknown }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(`http://127.0.0.1:${port}/metrics`, (res) => {
      let t = '';
      res.on('data', (c) => {
        t += c;
      });
      res.on('end', () => resolve(t));
    }).on('error', reject);
  });
}

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('serve --kubeconfig with a malformed watch event', () => {
  let api: WatchApiServer;
  let s: ServeProcess;
  let port: number;
  before(async () => {
    api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--no-watch', '--cluster-retry', '20ms', '--drain-period', '0s', '--kubeconfig', api.kubeconfig]);
    port = (await s.waitFor((l) => l.msg === 'listening')).port as number;
    await s.waitFor((l) => l.msg === 'cluster cache synced');
    await until('the namespace watch', () => api.watchers() >= 1);
  });
  after(async () => {
    s.kill();
    await s.exited;
    await api.close();
  });

  for (const [name, line] of [
    ['an event without object', '{"type":"MODIFIED"}'],
    ['a line that is not JSON', 'not json at all'],
    ['an ERROR event without object', '{"type":"ERROR"}'],
    ['an event of an unknown type', '{"type":"EXPLODED","object":{"metadata":{"name":"x"}}}'],
    ['an object without metadata', '{"type":"ADDED","object":{"kind":"Namespace"}}'],
  ] as const) {
    test(`${name} is logged naming the resource, the watch restarts, and serve keeps serving`, async () => {
      const before = s.lines().filter((l) => l.msg === 'malformed watch event; restarting the watch').length;
      const watchesBefore = api.seen.filter((x) => x.watch).length;
      api.sendRaw(NS, line);
      const logged = await Promise.race([
        until('the log line', () => s.lines().filter((l) => l.msg === 'malformed watch event; restarting the watch').length > before).then(() => 'logged'),
        s.exited.then((code) => `exited ${code}: ${s.stderr()}`),
      ]);
      assert.equal(logged, 'logged');
      const l = s.lines().filter((x) => x.msg === 'malformed watch event; restarting the watch').at(-1);
      assert.equal(l?.resource, '/api/v1/namespaces');
      // The watch is opened again and still delivers changes.
      await until('the watch reopened', () => api.seen.filter((x) => x.watch).length > watchesBefore && api.watchers() >= 1);
      assert.equal((await get(port, '/readyz')).status, 200);
    });
  }
});

/** A log that keeps every line. */
function recorder() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg: string) => {
    lines.push({ level, msg, obj: obj as Record<string, unknown> });
  };
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('the cluster cache (what serve keeps) restarts watches with backoff', () => {
  test('a watch that closes at once is restarted after 1x, 2x, 4x… the retry delay up to the cap, not in a loop', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    api.watchMode = 'close';
    const { lines, log } = recorder();
    const cache = await ClusterCache.create(await connectKube({ kubeconfig: api.kubeconfig }), { retryMs: 10, maxRetryMs: 80, log });
    try {
      cache.watch([{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }]);
      await until('six watch requests', () => api.seen.filter((x) => x.watch).length >= 6);
      const restarts = lines.filter((l) => l.msg === 'cluster watch closed at once; restarting it after the backoff');
      assert.deepEqual(
        restarts.slice(0, 5).map((l) => l.obj.retryInMs),
        [10, 20, 40, 80, 80],
      );
      assert.equal(restarts[0]?.obj.resource, '/api/v1/namespaces');
      // Every watch request but the first follows a logged, delayed restart.
      assert.ok(api.seen.filter((x) => x.watch).length <= restarts.length + 1, `${api.seen.filter((x) => x.watch).length} watches, ${restarts.length} restarts`);
      assert.ok(cache.synced(), 'the list succeeded: served from the cache');
    } finally {
      await cache.close();
      await api.close();
    }
  });

  test('a watch resumed from its resourceVersion with nothing new is no change (no new generation for the workers to rebuild)', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    api.watchMode = 'close';
    let changes = 0;
    const cache = await ClusterCache.create(await connectKube({ kubeconfig: api.kubeconfig }), { retryMs: 10, maxRetryMs: 20, onChange: () => changes++ });
    try {
      cache.watch([{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }]);
      await until('synced', () => cache.synced());
      const version = cache.version();
      const after = changes;
      const watches = api.seen.filter((x) => x.watch).length;
      await until('five more watch requests', () => api.seen.filter((x) => x.watch).length >= watches + 5);
      assert.equal(cache.version(), version, 'the objects did not change');
      assert.equal(changes, after);
      // A real change still counts.
      api.watchMode = 'stream';
      api.put(NS, ns('team-a', { tier: 'system' }));
      await until('the change', () => cache.version() > version);
    } finally {
      await cache.close();
      await api.close();
    }
  });

  test('after a watch that lasted a while the delay starts again from the first', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    api.watchMode = 'close';
    const { lines, log } = recorder();
    // Every watch counts as long-lived: each restart waits the first delay again.
    const cache = await ClusterCache.create(await connectKube({ kubeconfig: api.kubeconfig }), { retryMs: 10, maxRetryMs: 80, watchResetMs: 0, log });
    try {
      cache.watch([{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }]);
      await until('four watch requests', () => api.seen.filter((x) => x.watch).length >= 4);
      assert.ok(api.seen.filter((x) => x.watch).length < 50, 'not a hot loop');
      assert.deepEqual(
        lines.filter((l) => l.level !== 'info').map((l) => l.msg),
        [],
        'a long watch closing is routine: nothing logged',
      );
    } finally {
      await cache.close();
      await api.close();
    }
  });
});

describe('the cluster cache (what serve keeps) times out a watch that is never answered', () => {
  test('the error names the resource path, /readyz status carries it as lastError, and the watch is retried', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    api.watchMode = 'hang';
    const { lines, log } = recorder();
    const cache = await ClusterCache.create(await connectKube({ kubeconfig: api.kubeconfig }), { retryMs: 10, maxRetryMs: 40, watchConnectTimeoutMs: 100, log });
    try {
      cache.watch([{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }]);
      await until('two failed attempts logged', () => lines.filter((l) => l.level === 'error').length >= 2);
      const e = lines.find((l) => l.level === 'error');
      assert.equal(e?.msg, 'cannot sync the cluster cache; retrying');
      assert.equal(e?.obj.resource, '/api/v1/namespaces');
      assert.match(String(e?.obj.err), /no answer to the watch of \/api\/v1\/namespaces within 100 ms/);
      const st = cache.status();
      assert.equal(st.synced, false);
      assert.equal(st.resources[0]?.state, 'failing');
      assert.match(st.resources[0]?.lastError ?? '', /no answer to the watch of \/api\/v1\/namespaces within 100 ms/);
      await until('the watch asked again', () => api.seen.filter((x) => x.watch).length >= 2);
    } finally {
      await cache.close();
      await api.close();
    }
  });
});

describe('serve --kubeconfig with a watch stream that goes silent (a half-open connection)', () => {
  test('a namespace relabelled while the stream is dead is seen once the watch is given up at its timeout and resumed; the stall is logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-silent-watch-'));
    const policy = join(dir, 'user-no-host-path.yaml');
    writeFileSync(
      policy,
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: user-no-host-path}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-path
    match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {tier: user}}}}]}
    validate:
      message: hostPath volumes are not allowed in user namespaces
      pattern: {spec: {=(volumes): [{X(hostPath): "null"}]}}
`,
    );
    const api = await startWatchApiServer({ [NS]: [ns('team-x', { tier: 'system' })] });
    // Every watch is answered 200 and then never carries an event: the cache has synced from its list.
    api.watchMode = 'silent';
    const s = startServe(['--mode', 'enforce', '--policy', policy, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--no-watch', '--cluster-retry', '20ms', '--cluster-watch-timeout', '1s', '--drain-period', '0s', '--kubeconfig', api.kubeconfig]);
    try {
      const port = (await s.waitFor((l) => l.msg === 'listening')).port as number;
      await until('ready', async () => (await get(port, '/readyz')).status === 200);
      const review = podReview({ namespace: 'team-x' }) as { request: { object: { spec: Record<string, unknown> } } };
      review.request.object.spec.volumes = [{ name: 'h', hostPath: { path: '/etc' } }];
      const decide = async () => ((await post(port, JSON.stringify(review))).response as { allowed: boolean }).allowed;
      assert.equal(await decide(), true, 'team-x is not a user namespace yet');
      await until('the silent watch', () => api.watchers() === 0 && api.seen.some((x) => x.watch));
      // The namespace becomes a user namespace; the open stream never says so. New watches work again.
      api.put(NS, ns('team-x', { tier: 'user' }));
      api.watchMode = 'stream';
      await until('the relabelled namespace to be enforced', async () => !(await decide()));
      const stalled = s.lines().find((l) => l.msg === 'cluster watch stalled; restarting it');
      assert.equal(stalled?.resource, '/api/v1/namespaces');
      // The first watch asked the API server to end it at the timeout, as client-go does.
      assert.ok(api.seen.some((q) => q.watch && q.path === '/api/v1/namespaces' && q.timeoutSeconds === '1'), 'timeoutSeconds sent');
    } finally {
      s.kill();
      await s.exited;
      await api.close();
    }
  });
});

describe('serve --kubeconfig after a reload whose ConfigMap namespace cannot be listed', () => {
  test('a worker replaced meanwhile (budget overrun) decides with the last synced set, not "policies are not loaded yet"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-unsynced-reload-'));
    copyFileSync(HOSTILE_POLICIES, join(dir, 'hostile.yaml'));
    writeFileSync(
      join(dir, 'user-no-host-path.yaml'),
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: user-no-host-path}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-path
    match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {tier: user}}}}]}
    validate:
      message: hostPath volumes are not allowed in user namespaces
      pattern: {spec: {=(volumes): [{X(hostPath): "null"}]}}
`,
    );
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'system' })], 'v1 configmaps': [] });
    // The namespace the new policy reads cannot be listed (an RBAC grant not made yet): never synced.
    api.failLists('/api/v1/namespaces/locked/configmaps', 1_000_000);
    const s = startServe(['--mode', 'enforce', '--policy', dir, '--workers', '1', '--eval-timeout', '1s', '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--cluster-retry', '20ms', '--drain-period', '0s', '--kubeconfig', api.kubeconfig]);
    try {
      const port = (await s.waitFor((l) => l.msg === 'listening')).port as number;
      await until('ready', async () => (await get(port, '/readyz')).status === 200);
      const decide = async (body: string) => (await post(port, body)).response as { allowed: boolean; status?: { message?: string } };
      assert.equal((await decide(goodPod('before'))).allowed, true);
      writeFileSync(
        join(dir, 'registries.yaml'),
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
      configMap: {name: registries, namespace: locked}
    validate:
      message: "images must come from {{ registries.data.allowed }}"
      pattern: {spec: {containers: [{image: "{{ registries.data.allowed }}/*"}]}}
`,
      );
      await s.waitFor((l) => l.msg === 'policy set loaded' && l.generation === 2, 15_000);
      await until('unready while the new ConfigMap namespace does not sync', async () => (await get(port, '/readyz')).status === 503);
      // A review that outlives its budget while running: its worker is replaced.
      const overrun = await decide(slowLabelPod('slow'));
      assert.match(overrun.status?.message ?? '', /did not finish within its 1s budget/);
      await s.waitFor((l) => l.msg === 'evaluation budget exceeded' && l.phase === 'running');
      // The replacement worker starts and loads the set first: on a busy machine that can take longer than
      // the 1 s budget, and such a review is refused as still queued. What must never come is a refusal
      // because "policies are not loaded yet".
      let after = await decide(goodPod('after'));
      for (let i = 0; i < 20 && /did not finish within its 1s budget/.test(after.status?.message ?? ''); i++) after = await decide(goodPod(`after-${i}`));
      assert.equal(after.allowed, true, after.status?.message);
      // Namespace changes still reach the set being served: team-a becomes a user namespace.
      const hostPath = JSON.parse(goodPod('host-path')) as { request: { object: { spec: { volumes: unknown[] } } } };
      hostPath.request.object.spec.volumes.push({ name: 'h', hostPath: { path: '/etc' } });
      assert.equal((await decide(JSON.stringify(hostPath))).allowed, true);
      api.put(NS, ns('team-a', { tier: 'user' }));
      await until('the relabelled namespace to be enforced', async () => !(await decide(JSON.stringify(hostPath))).allowed);
      assert.equal((await get(port, '/readyz')).status, 503, 'still unready: the new set is not served');
    } finally {
      s.kill();
      await s.exited;
      await api.close();
    }
  });
});

describe('serve --kubeconfig when the API server goes away after the cache synced', () => {
  test('podgate_cluster_watch_failing{resource} turns 1 while the last synced objects are served stale', async () => {
    const api = await startWatchApiServer({ [NS]: [ns('team-a', { tier: 'user' })] });
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--no-watch', '--cluster-retry', '20ms', '--drain-period', '0s', '--kubeconfig', api.kubeconfig]);
    try {
      const listening = await s.waitFor((l) => l.msg === 'listening');
      const port = listening.port as number;
      const metricsPort = listening.metricsPort as number;
      await until('ready', async () => (await get(port, '/readyz')).status === 200);
      const failing = async () => /podgate_cluster_watch_failing\{resource="\/api\/v1\/namespaces"\} (\d)/.exec(await scrape(metricsPort))?.[1];
      assert.equal(await failing(), '0');
      await api.close();
      await until('the gauge to say the watch is failing', async () => (await failing()) === '1');
      assert.equal((await get(port, '/readyz')).status, 200, 'still served from the last synced objects');
    } finally {
      s.kill();
      await s.exited;
    }
  });
});
