import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { describeProblem, LIVE_KINDS, type LiveResult, LiveClusterError, loadLiveObjects } from './live.js';
import { type RecordedServer, startRecordedServer, writeKubeconfig } from './testdata/recorded-api-server.js';

const NS_TOKEN = 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTgzMDQ2Niwic3RhcnQiOiJrdWJlLXN5c3RlbVx1MDAwMCJ9';
const POD_TOKEN_1 = 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTgzMDQ3MCwic3RhcnQiOiJrdWJlLXN5c3RlbS9jb3JlZG5zLTU4OGJiNTg5YjUtN3A0bXdcdTAwMDAifQ';
const POD_TOKEN_2 = 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTgzMDQ3MCwic3RhcnQiOiJyYXktcmVzdHJpY3RlZC9qdXB5dGVyLTBcdTAwMDAifQ';

let server: RecordedServer;
let kubeconfig: string;
let result: LiveResult;

before(async () => {
  server = await startRecordedServer({
    '/api/v1/namespaces': { status: 200, file: 'namespaces-page1.json' },
    [`/api/v1/namespaces?continue=${NS_TOKEN}`]: { status: 200, file: 'namespaces-page2.json' },
    '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
    [`/api/v1/pods?continue=${POD_TOKEN_1}`]: { status: 200, file: 'pods-page2.json' },
    [`/api/v1/pods?continue=${POD_TOKEN_2}`]: { status: 200, file: 'pods-page3.json' },
    '/apis/policy/v1beta1/podsecuritypolicies': { status: 200, file: 'podsecuritypolicies.json' },
    '/apis/rbac.authorization.k8s.io/v1/clusterroles': { status: 403, file: 'forbidden-clusterroles.json' },
  });
  kubeconfig = writeKubeconfig(server.url);
  result = await loadLiveObjects({ kubeconfig, context: 'recorded', limit: 2 });
});

after(() => server.close());

const names = (kind: string) => result.objects.filter((o) => o.object.kind === kind).map((o) => o.object.metadata.name);

test('namespaces spread over two pages are all listed, in order', () => {
  assert.deepEqual(names('Namespace'), ['default', 'kube-system', 'ray-restricted']);
});

test('pods spread over three pages follow each continue token once', () => {
  assert.deepEqual(names('Pod'), ['calico-node-4xq8v', 'coredns-588bb589b5-7p4mw', 'local-path-provisioner-7b9b6d8d9c-q2xkz', 'jupyter-0', 'kyverno-admission-controller-6c9b6f8d4f-zr7lm']);
  const podCalls = server.seen.filter((r) => r.path === '/api/v1/pods');
  assert.deepEqual(
    podCalls.map((r) => r.continue),
    [null, POD_TOKEN_1, POD_TOKEN_2],
  );
});

test('every request carries the page size and the kubeconfig bearer token (GET /version: the token)', () => {
  assert.ok(server.seen.length > 10);
  assert.equal(server.seen[0]?.path, '/version');
  for (const r of server.seen) {
    if (r.path !== '/version') assert.equal(r.limit, '2', r.path);
    assert.equal(r.authorization, 'Bearer recorded-token', r.path);
  }
});

test('list items get their apiVersion and kind back, and a cluster:<kind> source with page and item', () => {
  const jupyter = result.objects.find((o) => o.object.metadata.name === 'jupyter-0');
  assert.equal(jupyter?.object.apiVersion, 'v1');
  assert.equal(jupyter?.object.kind, 'Pod');
  assert.deepEqual(jupyter?.source, { file: 'cluster:Pod', document: 1, line: 1, item: 1 });
  const psp = result.objects.find((o) => o.object.kind === 'PodSecurityPolicy');
  assert.equal(psp?.object.apiVersion, 'policy/v1beta1');
  assert.equal(psp?.object.metadata.name, 'privileged');
});

test('a 403 on one kind is reported with its reason and message, and the other kinds still load', () => {
  assert.deepEqual(
    result.problems.map((p) => [p.kind, p.status, p.reason]),
    [['ClusterRole', 403, 'Forbidden']],
  );
  assert.match(result.problems[0]?.message ?? '', /cannot list resource "clusterroles"/);
  assert.ok(names('Pod').length > 0);
});

test('optional kinds the server does not serve (Kyverno not installed) are noted, not problems', () => {
  assert.deepEqual(result.notServed, ['ClusterPolicy', 'Policy', 'PolicyException']);
});

test('the result names the context and server used', () => {
  assert.equal(result.context, 'recorded');
  assert.equal(result.server, server.url);
});

const failures: { name: string; opts: () => Parameters<typeof loadLiveObjects>[0]; want: RegExp }[] = [
  { name: 'an unknown context is an error naming the known ones', opts: () => ({ kubeconfig, context: 'nope' }), want: /context "nope" not found in kubeconfig \(have: recorded, other\)/ },
  { name: 'an unreachable server is an error naming the server', opts: () => ({ kubeconfig }), want: /cannot reach the API server at http:\/\/127\.0\.0\.1:9/ },
  { name: 'a missing kubeconfig file is an error naming the file', opts: () => ({ kubeconfig: '/nonexistent/kubeconfig' }), want: /cannot read kubeconfig \/nonexistent\/kubeconfig/ },
  // Session 5 CLI probe: these gave JavaScript internals ("Cannot read properties of undefined (reading
  // 'clusters')", context "undefined") or printed the bytes.
  { name: 'an empty kubeconfig says so', opts: () => ({ kubeconfig: scratch('empty', '') }), want: /cannot read kubeconfig .*empty: the file is empty$/ },
  { name: 'a Pod given as kubeconfig says what it is', opts: () => ({ kubeconfig: scratch('pod', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n') }), want: /pod: not a kubeconfig: kind "Pod" \(a kubeconfig is kind Config\)$/ },
  { name: 'a binary kubeconfig names the line, not the bytes', opts: () => ({ kubeconfig: scratch('bin', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x0a])) }), want: /bin.*UTF-8/ },
  { name: 'a kubeconfig without clusters says so', opts: () => ({ kubeconfig: scratch('noclusters', 'apiVersion: v1\nkind: Config\ncontexts: []\n') }), want: /noclusters: not a kubeconfig: it has no clusters$/ },
  {
    name: 'a kubeconfig without current-context asks for --context, naming the contexts',
    opts: () => ({ kubeconfig: scratch('nocurrent', 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\n') }),
    want: /nocurrent sets no current-context: pass --context \(have: a\)$/,
  },
  {
    name: 'an exec credential plugin that fails is named (the reason was empty)',
    opts: () => ({ kubeconfig: scratch('execfail', 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\nusers: [{name: u, user: {exec: {command: /bin/false, apiVersion: client.authentication.k8s.io/v1}}}]\n') }),
    want: /cannot use kubeconfig credentials for https:\/\/127\.0\.0\.1:1 \(exec credential plugin \/bin\/false\): \S/,
  },
  { name: 'a YAML error names the line', opts: () => ({ kubeconfig: scratch('syntax', 'apiVersion: v1\nclusters: [\n') }), want: /syntax: YAML syntax error at line \d+/ },
];

function scratch(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kubeconfig-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

for (const c of failures) {
  test(c.name, async () => {
    await assert.rejects(loadLiveObjects(c.opts()), (err: unknown) => {
      assert.ok(err instanceof LiveClusterError);
      assert.match(err.message, c.want);
      return true;
    });
  });
}

/** Lists `kinds` from a recorded server answering `routes`; the server is closed afterwards. */
async function listFrom(routes: Parameters<typeof startRecordedServer>[0], kinds: string[], opts: { limit?: number; timeoutMs?: number; deadlineMs?: number; maxRetryWaitMs?: number } = {}): Promise<{ r: LiveResult; seen: RecordedServer['seen'] }> {
  const s = await startRecordedServer(routes);
  try {
    const r = await loadLiveObjects({
      kubeconfig: writeKubeconfig(s.url),
      context: 'recorded',
      limit: opts.limit ?? 2,
      kinds: LIVE_KINDS.filter((k) => kinds.includes(k.kind)),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
      ...(opts.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: opts.maxRetryWaitMs } : {}),
    });
    return { r, seen: s.seen };
  } finally {
    await s.close();
  }
}

const brief = (r: LiveResult) => r.problems.map((p) => `${p.kind}: ${describeProblem(p)}`).join('\n');

test('a server that answers the same continue token again is a problem naming the kind and URL, not an endless loop', { timeout: 10_000 }, async () => {
  const { r, seen } = await listFrom({ '/api/v1/pods': { status: 200, file: 'pods-loop.json' }, '/api/v1/pods?continue=c2FtZQ==': { status: 200, file: 'pods-loop.json' } }, ['Pod', 'Namespace']);
  assert.equal(seen.filter((x) => x.path === '/api/v1/pods').length, 2, 'the repeated token is not followed');
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.reason]),
    [['Pod', 'InvalidResponse']],
  );
  assert.match(brief(r), /cannot list Pod: HTTP 200 InvalidResponse: the server sent continue token "c2FtZQ==" again .*\[GET \/api\/v1\/pods\?limit=2&continue=c2FtZQ%3D%3D\]$/);
  assert.deepEqual(
    r.objects.map((o) => o.object.kind),
    [],
    'a kind that failed contributes no objects',
  );
});

test('a body trickling in byte by byte (never idle) fails the kind at the request deadline, naming kind and request', { timeout: 10_000 }, async () => {
  const { r } = await listFrom({ '/api/v1/pods': { status: 200, file: 'pods-page1.json', send: 'drip' } }, ['Pod', 'Namespace'], { timeoutMs: 5_000, deadlineMs: 300 });
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.reason]),
    [['Pod', 'Timeout']],
  );
  assert.match(brief(r), /cannot list Pod: Timeout: no complete answer within 300 ms \(request deadline\) \[GET \/api\/v1\/pods\?limit=2\]$/);
  assert.ok(r.objects.every((o) => o.object.kind === 'Namespace'));
});

test('a server that never answers fails the kind at the idle timeout, naming kind and request (not only the server)', { timeout: 10_000 }, async () => {
  const { r } = await listFrom({ '/api/v1/pods': { status: 200, file: 'pods-page1.json', send: 'hang' } }, ['Pod', 'Namespace'], { timeoutMs: 200 });
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.reason]),
    [['Pod', 'Timeout']],
  );
  assert.match(brief(r), /cannot list Pod: Timeout: nothing received for 200 ms \[GET \/api\/v1\/pods\?limit=2\]$/);
});

for (const contentLength of [true, false]) {
  test(`a body cut short by a connection reset (${contentLength ? 'Content-Length' : 'chunked'}) fails the kind as truncated, naming kind and request`, { timeout: 10_000 }, async () => {
    const { r } = await listFrom({ '/api/v1/pods': { status: 200, file: 'pods-page1.json', send: 'reset', contentLength } }, ['Pod', 'Namespace']);
    assert.deepEqual(
      r.problems.map((p) => [p.kind, p.reason]),
      [['Pod', 'Truncated']],
    );
    assert.match(brief(r), /cannot list Pod: Truncated: response truncated: the connection closed after \d+ bytes of the body .*\[GET \/api\/v1\/pods\?limit=2\]$/);
  });
}

test('a list of another kind (an aggregated or proxied path answering ConfigMaps for DaemonSets) fails the kind, naming both', async () => {
  const { r } = await listFrom({ '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-configmaplist.json' } }, ['DaemonSet']);
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.reason]),
    [['DaemonSet', 'InvalidResponse']],
  );
  assert.match(brief(r), /cannot list DaemonSet: HTTP 200 InvalidResponse: the server answered a ConfigMapList, not a DaemonSetList \[GET \/apis\/apps\/v1\/daemonsets\?limit=2\]$/);
  assert.deepEqual(r.objects, []);
});

test('list items that say they are another kind fail the kind', async () => {
  const { r } = await listFrom({ '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-configmap-items.json' } }, ['DaemonSet']);
  assert.match(brief(r), /cannot list DaemonSet: HTTP 200 InvalidResponse: items\[0\] \(default\/x\) is v1 ConfigMap, not apps\/v1 DaemonSet/);
  assert.deepEqual(r.objects, []);
});

test('a CRD list as kube-apiserver serves it (ClusterPolicyList, items with apiVersion and kind) is accepted', async () => {
  const { r } = await listFrom({ '/apis/kyverno.io/v1/clusterpolicies': { status: 200, file: 'clusterpolicies.json' } }, ['ClusterPolicy', 'DaemonSet']);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.objects.map((o) => `${o.object.apiVersion} ${o.object.kind} ${o.object.metadata.name}`),
    ['kyverno.io/v1 ClusterPolicy disallow-privileged-containers'],
  );
});

test('remainingItemCount > 0 without a continue token is an incomplete list: the kind fails', async () => {
  const { r } = await listFrom({ '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-remaining-no-continue.json' } }, ['DaemonSet']);
  assert.match(brief(r), /cannot list DaemonSet: HTTP 200 InvalidResponse: the list is incomplete: metadata\.remainingItemCount is 40 but there is no continue token \[GET \/apis\/apps\/v1\/daemonsets\?limit=2\]$/);
  assert.deepEqual(r.objects, []);
});

test('an item of a namespaced kind without metadata.namespace fails the kind (it was shown as DaemonSet//calico-node)', async () => {
  const { r } = await listFrom({ '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-no-namespace.json' } }, ['DaemonSet']);
  assert.match(brief(r), /cannot list DaemonSet: HTTP 200 InvalidResponse: items\[0\] \(calico-node\) has no metadata\.namespace \(DaemonSet is namespaced\)/);
  assert.deepEqual(r.objects, []);
});

test('the same object on two pages (an inconsistent paging) fails the kind, naming it', async () => {
  const { r } = await listFrom(
    {
      '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-dup-page1.json' },
      '/apis/apps/v1/daemonsets?continue=cGFnZTI=': { status: 200, file: 'daemonsets-dup-page2.json' },
    },
    ['DaemonSet'],
  );
  assert.match(brief(r), /cannot list DaemonSet: HTTP 200 InvalidResponse: kube-system\/kube-proxy \(uid u-2\) is listed twice \(pages 1 and 2\): the pages are not one consistent list/);
  assert.deepEqual(r.objects, []);
});

test('a kubeconfig tokenFile that does not exist is an error naming the file (the token was silently dropped: 401 on every kind)', async () => {
  const s = await startRecordedServer({});
  try {
    const kc = scratch('tokenfile', `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${s.url}"}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\nusers: [{name: u, user: {tokenFile: /nonexistent/token}}]\n`);
    await assert.rejects(loadLiveObjects({ kubeconfig: kc, kinds: LIVE_KINDS.slice(0, 1) }), (err: unknown) => {
      assert.ok(err instanceof LiveClusterError);
      assert.match(err.message, /cannot use kubeconfig credentials for http:\/\/127\.0\.0\.1:\d+: user "u": tokenFile \/nonexistent\/token: cannot read: no such file or directory/);
      return true;
    });
  } finally {
    await s.close();
  }
});

test('a kubeconfig tokenFile is read and sent as the bearer token (kubectl does; client-node only knows "token-file")', async () => {
  const s = await startRecordedServer({});
  try {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-token-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const kc = scratch('tokenfile-ok', `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${s.url}", insecure-skip-tls-verify: true}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\nusers: [{name: u, user: {tokenFile: ${join(dir, 'token')}}}]\n`);
    const r = await loadLiveObjects({ kubeconfig: kc, kinds: LIVE_KINDS.slice(0, 1) });
    assert.deepEqual(r.problems, []);
    assert.equal(s.seen[0]?.authorization, 'Bearer file-token');
  } finally {
    await s.close();
  }
});

test('429 Too Many Requests with Retry-After is retried (bounded), then the list goes on', async () => {
  const tooMany = { status: 429, file: 'too-many-requests.json', headers: { 'Retry-After': '1' } };
  const { r, seen } = await listFrom({ '/api/v1/pods': { ...tooMany, next: { ...tooMany, next: { status: 200, file: 'pods-page3.json' } } } }, ['Pod'], { maxRetryWaitMs: 20 });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(names2(r, 'Pod'), ['kyverno-admission-controller-6c9b6f8d4f-zr7lm']);
  assert.equal(seen.filter((x) => x.path === '/api/v1/pods').length, 3);
});

test('429 that does not stop is a problem after two retries', async () => {
  const { r, seen } = await listFrom({ '/api/v1/pods': { status: 429, file: 'too-many-requests.json', headers: { 'Retry-After': '1' } } }, ['Pod'], { maxRetryWaitMs: 20 });
  assert.match(brief(r), /cannot list Pod: HTTP 429 TooManyRequests: Too many requests, please try again later\. \[GET \/api\/v1\/pods\?limit=2\]$/);
  assert.equal(seen.filter((x) => x.path === '/api/v1/pods').length, 3);
});

test('410 Expired on a continue token re-lists the kind from the start, once', async () => {
  const { r, seen } = await listFrom(
    {
      '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
      [`/api/v1/pods?continue=${POD_TOKEN_1}`]: { status: 410, file: 'expired.json', next: { status: 200, file: 'pods-page2.json' } },
      [`/api/v1/pods?continue=${POD_TOKEN_2}`]: { status: 200, file: 'pods-page3.json' },
    },
    ['Pod'],
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(names2(r, 'Pod'), ['calico-node-4xq8v', 'coredns-588bb589b5-7p4mw', 'local-path-provisioner-7b9b6d8d9c-q2xkz', 'jupyter-0', 'kyverno-admission-controller-6c9b6f8d4f-zr7lm']);
  assert.deepEqual(
    seen.filter((x) => x.path === '/api/v1/pods').map((x) => x.continue),
    [null, POD_TOKEN_1, null, POD_TOKEN_1, POD_TOKEN_2],
  );
});

test('410 Expired again after the re-list is a problem', async () => {
  const { r } = await listFrom(
    {
      '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
      [`/api/v1/pods?continue=${POD_TOKEN_1}`]: { status: 410, file: 'expired.json' },
    },
    ['Pod'],
  );
  assert.match(brief(r), /cannot list Pod: HTTP 410 Expired: The provided continue parameter is too old/);
  assert.deepEqual(r.objects, []);
});

function names2(r: LiveResult, kind: string): (string | undefined)[] {
  return r.objects.filter((o) => o.object.kind === kind).map((o) => o.object.metadata.name);
}
