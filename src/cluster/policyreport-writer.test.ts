// The PolicyReport writer against a local HTTPS server that answers like the API server: reports
// are created, updated, merged with another replica's, deleted when a namespace's results go away,
// retried after a server error and written in bounded batches.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { generateCertificates, type PolicyVerdict, ReportStore } from '../webhook/index.js';
import { connectKube, type KubeConnection } from './kube-connection.js';
import { PolicyReportWriter } from './policyreport-writer.js';
import { type ObjectsServer, startObjectsServer, writeTokenKubeconfig } from './testdata/objects-api-server.js';

const TOKEN = 'writer-token';
const BASE = '/apis/wgpolicyk8s.io/v1alpha2';
let server: ObjectsServer;
let conn: KubeConnection;
let serverCa: string;

before(async () => {
  const c = generateCertificates({ service: 'api', namespace: 'test', extraNames: ['127.0.0.1'] });
  serverCa = c.caCert;
  server = await startObjectsServer({ cert: c.cert, key: c.key }, TOKEN);
  conn = await connectKube({ kubeconfig: writeTokenKubeconfig(server.url, c.caCert, TOKEN) });
});
after(() => server.close());
beforeEach(() => {
  server.objects.clear();
  server.seen.length = 0;
  delete server.fail;
});

const verdict = (policy: string, ns: string, name: string, status: 'pass' | 'fail', policyNs?: string): PolicyVerdict => ({
  policy: { name: policy, ...(policyNs ? { namespace: policyNs } : {}) },
  resource: { kind: 'Pod', apiVersion: 'v1', ...(ns ? { namespace: ns } : {}), name },
  rules: [{ policy, rule: 'check', status, message: status === 'pass' ? 'validation rule passed' : `${name} is not allowed` }],
  action: 'Audit',
  failurePolicy: 'Fail',
});

// biome-ignore lint/suspicious/noExplicitAny: stored objects are walked by field name
const stored = (path: string): any => server.objects.get(`${BASE}${path}`);
const names = (r: { results: { resources: { name: string }[] }[] }) => r.results.map((x) => x.resources[0]!.name).sort();
const writes = () => server.seen.filter((s) => s.method !== 'GET').map((s) => `${s.method} ${s.path.slice(BASE.length)} ${s.status}`);

test('created, then updated, then deleted when the namespace results go away (Kyverno 1.10 layout)', async () => {
  const store = new ReportStore({}, () => 1_700_000_000_000);
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { writerId: 'replica-1' });
  store.record([verdict('disallow-privileged', 'team-a', 'web-1', 'fail'), verdict('restrict-volumes', 'team-a', 'web-1', 'pass', 'team-a')]);
  store.record([verdict('disallow-privileged', '', 'node-agent', 'pass')]);
  writer.enqueue(feed());
  const first = await writer.sync();
  assert.deepEqual(first.failed, []);
  assert.equal(first.created.length, 3);
  assert.deepEqual(writes().sort(), [
    'POST /clusterpolicyreports 201',
    'POST /namespaces/team-a/policyreports 201',
    'POST /namespaces/team-a/policyreports 201',
  ]);
  const cpol = stored('/namespaces/team-a/policyreports/cpol-disallow-privileged');
  assert.equal(cpol.kind, 'PolicyReport');
  assert.equal(cpol.metadata.namespace, 'team-a');
  assert.equal(cpol.metadata.labels['app.kubernetes.io/managed-by'], 'podgate');
  assert.deepEqual(cpol.summary, { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
  assert.deepEqual(cpol.results[0], {
    source: 'kyverno',
    policy: 'disallow-privileged',
    rule: 'check',
    resources: [{ apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: 'web-1' }],
    message: 'web-1 is not allowed',
    result: 'fail',
    scored: true,
    properties: { 'podgate.io/writer': 'replica-1' },
    timestamp: { seconds: 1_700_000_000, nanos: 0 },
  });
  // A namespaced Policy's report is pol-<name>; its results name the policy ns/name, as Kyverno's.
  assert.equal(stored('/namespaces/team-a/policyreports/pol-restrict-volumes').results[0].policy, 'team-a/restrict-volumes');
  assert.equal(stored('/clusterpolicyreports/cpol-disallow-privileged').kind, 'ClusterPolicyReport');

  // Update: a second pod in team-a; the first pod's result is kept.
  server.seen.length = 0;
  const rv = cpol.metadata.resourceVersion;
  store.record([verdict('disallow-privileged', 'team-a', 'web-2', 'pass')]);
  writer.enqueue(feed());
  const second = await writer.sync();
  assert.deepEqual(second.updated, ['PolicyReport team-a/cpol-disallow-privileged']);
  assert.deepEqual(writes(), ['PUT /namespaces/team-a/policyreports/cpol-disallow-privileged 200']);
  const updated = stored('/namespaces/team-a/policyreports/cpol-disallow-privileged');
  assert.notEqual(updated.metadata.resourceVersion, rv);
  assert.deepEqual(names(updated), ['web-1', 'web-2']);
  assert.deepEqual(updated.summary, { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });

  // Delete: team-a's results go away; the cluster-scoped report stays.
  server.seen.length = 0;
  store.forgetNamespace('team-a');
  writer.enqueue(feed());
  const third = await writer.sync();
  assert.deepEqual(third.deleted.sort(), ['PolicyReport team-a/cpol-disallow-privileged', 'PolicyReport team-a/pol-restrict-volumes']);
  assert.deepEqual(writes().sort(), ['DELETE /namespaces/team-a/policyreports/cpol-disallow-privileged 200', 'DELETE /namespaces/team-a/policyreports/pol-restrict-volumes 200']);
  assert.deepEqual([...server.objects.keys()], [`${BASE}/clusterpolicyreports/cpol-disallow-privileged`]);
});

test('a report evicted from the bounded store is deleted from the cluster', async () => {
  const store = new ReportStore({ maxReports: 1 });
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn);
  store.record([verdict('p', 'a', 'x', 'fail')]);
  writer.enqueue(feed());
  await writer.sync();
  store.record([verdict('p', 'b', 'y', 'fail')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.deepEqual([r.created, r.deleted], [['PolicyReport b/cpol-p'], ['PolicyReport a/cpol-p']]);
  assert.deepEqual([...server.objects.keys()], [`${BASE}/namespaces/b/policyreports/cpol-p`]);
});

test("two replicas writing one report merge by resource; a removal takes out only the writer's own results", async () => {
  const [s1, s2] = [new ReportStore(), new ReportStore()];
  const [f1, f2] = [s1.changeFeed(), s2.changeFeed()];
  const [w1, w2] = [new PolicyReportWriter(conn, { writerId: 'replica-1' }), new PolicyReportWriter(conn, { writerId: 'replica-2' })];
  s1.record([verdict('p', 'a', 'from-replica-1', 'fail')]);
  s2.record([verdict('p', 'a', 'from-replica-2', 'pass')]);
  w1.enqueue(f1());
  w2.enqueue(f2());
  assert.deepEqual((await w1.sync()).created, ['PolicyReport a/cpol-p']);
  // The second replica's create meets AlreadyExists, reads, merges and updates.
  assert.deepEqual((await w2.sync()).updated, ['PolicyReport a/cpol-p']);
  assert.deepEqual(names(stored('/namespaces/a/policyreports/cpol-p')), ['from-replica-1', 'from-replica-2']);
  s1.forgetNamespace('a');
  w1.enqueue(f1());
  assert.deepEqual((await w1.sync()).updated, ['PolicyReport a/cpol-p']);
  assert.deepEqual(names(stored('/namespaces/a/policyreports/cpol-p')), ['from-replica-2']);
  s2.forgetNamespace('a');
  w2.enqueue(f2());
  assert.deepEqual((await w2.sync()).deleted, ['PolicyReport a/cpol-p']);
  assert.equal(server.objects.size, 0);
});

test('a write that meets a newer resourceVersion reads again and merges', async () => {
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn);
  store.record([verdict('p', 'a', 'x', 'fail')]);
  writer.enqueue(feed());
  await writer.sync();
  let conflicts = 1;
  server.fail = (method) => (method === 'PUT' && conflicts-- > 0 ? 409 : undefined);
  store.record([verdict('p', 'a', 'y', 'pass')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.deepEqual([r.updated, r.failed], [['PolicyReport a/cpol-p'], []]);
  assert.deepEqual(names(stored('/namespaces/a/policyreports/cpol-p')), ['x', 'y']);
});

const cases: { name: string; status: number; retry: boolean }[] = [
  { name: 'a 503 stays queued and is written by the next sync', status: 503, retry: true },
  { name: 'a 429 stays queued', status: 429, retry: true },
  { name: 'a 403 (RBAC) is reported and not retried', status: 403, retry: false },
];
for (const c of cases) {
  test(c.name, async () => {
    const store = new ReportStore();
    const feed = store.changeFeed();
    const writer = new PolicyReportWriter(conn);
    server.fail = () => c.status;
    store.record([verdict('p', 'a', 'x', 'fail')]);
    writer.enqueue(feed());
    const r = await writer.sync();
    assert.equal(r.failed.length, 1);
    assert.equal(r.failed[0]!.status, c.status);
    assert.equal(r.failed[0]!.retry, c.retry);
    assert.equal(r.queued, c.retry ? 1 : 0);
    delete server.fail;
    const next = await writer.sync();
    assert.deepEqual(next.created, c.retry ? ['PolicyReport a/cpol-p'] : []);
  });
}

test('batched and bounded: at most maxWritesPerSync reports per sync, the latest change per report, a bounded queue', async () => {
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { maxWritesPerSync: 2, maxQueued: 3 });
  for (const ns of ['a', 'b', 'c', 'd']) store.record([verdict('p', ns, 'x', 'fail')]);
  writer.enqueue(feed());
  store.record([verdict('p', 'd', 'x', 'pass')]);
  writer.enqueue(feed()); // d again: still one queued change for d
  const r1 = await writer.sync();
  // Four reports, a queue of three: the oldest (a) was dropped and counted.
  assert.equal(r1.dropped, 1);
  assert.deepEqual([r1.created.length, r1.queued], [2, 1]);
  const r2 = await writer.sync();
  assert.deepEqual([r2.created.length, r2.queued], [1, 0]);
  assert.equal(stored('/namespaces/d/policyreports/cpol-p').summary.pass, 1);
  assert.equal(server.seen.filter((s) => s.method === 'POST').length, 3);
});

test('the bearer token is sent and the server certificate is verified against the kubeconfig CA', async () => {
  const other = generateCertificates({ service: 'x', namespace: 'y', extraNames: ['127.0.0.1'] });
  const untrusting = await connectKube({ kubeconfig: writeTokenKubeconfig(server.url, other.caCert, TOKEN) });
  await assert.rejects(untrusting.request('GET', '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/x'), /cannot reach the API server.*certificate/);
  const wrongToken = await connectKube({ kubeconfig: writeTokenKubeconfig(server.url, serverCa, 'not-the-token') });
  assert.equal((await wrongToken.request('GET', '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/x')).status, 401);
  const r = await conn.request('GET', '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/x');
  assert.equal(r.status, 404);
});

test("Kyverno's own report of the same name is left as it is (shadow beside Kyverno in Audit)", async () => {
  const key = `${BASE}/namespaces/a/policyreports/cpol-p`;
  const kyverno = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'cpol-p', namespace: 'a', resourceVersion: '7', labels: { 'app.kubernetes.io/managed-by': 'kyverno' } }, results: [] };
  server.objects.set(key, kyverno);
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn);
  store.record([verdict('p', 'a', 'x', 'fail')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.deepEqual(r.failed, [{ report: 'PolicyReport a/cpol-p', status: 409, message: 'cpol-p is managed by kyverno, not podgate: left as it is', retry: false }]);
  assert.equal(r.queued, 0);
  assert.equal(server.objects.get(key), kyverno);
  store.forgetNamespace('a');
  writer.enqueue(feed());
  assert.deepEqual((await writer.sync()).deleted, []);
  assert.equal(server.objects.get(key), kyverno);
});

test('a 409 Conflict that outlasts the re-reads is kept and retried with backoff, not dropped', async () => {
  let now = 1_000_000;
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { now: () => now, conflictBackoffMs: 1000, random: () => 1 });
  store.record([verdict('p', 'a', 'x', 'fail')]);
  writer.enqueue(feed());
  await writer.sync();
  server.fail = (method) => (method === 'PUT' ? 409 : undefined);
  store.record([verdict('p', 'a', 'y', 'pass')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.equal(r.failed.length, 1);
  assert.deepEqual([r.failed[0]!.status, r.failed[0]!.retry, r.queued], [409, true, 1]);
  // Backing off: the next sync leaves it alone, and so does one after a newer change of the report.
  server.seen.length = 0;
  store.record([verdict('p', 'a', 'z', 'pass')]);
  writer.enqueue(feed());
  assert.deepEqual([(await writer.sync()).queued, server.seen.length], [1, 0]);
  now += 999;
  assert.deepEqual([(await writer.sync()).queued, server.seen.length], [1, 0]);
  // A second conflict doubles the wait.
  now += 1;
  assert.equal((await writer.sync()).failed[0]!.status, 409);
  now += 1999;
  server.seen.length = 0;
  await writer.sync();
  assert.equal(server.seen.length, 0);
  now += 1;
  delete server.fail;
  const done = await writer.sync();
  assert.deepEqual([done.updated, done.failed, done.queued], [['PolicyReport a/cpol-p'], [], 0]);
  assert.deepEqual(names(stored('/namespaces/a/policyreports/cpol-p')), ['x', 'y', 'z']);
});

test("results evicted from the bounded store leave the cluster report; another writer's stay", async () => {
  let now = 1_700_000_000_000;
  const store = new ReportStore({ maxResourcesPerReport: 2 }, () => (now += 1000));
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { writerId: 'replica-1' });
  const other = new ReportStore({}, () => 1_600_000_000_000);
  const otherFeed = other.changeFeed();
  other.record([verdict('p', 'a', 'from-replica-2', 'pass')]);
  const w2 = new PolicyReportWriter(conn, { writerId: 'replica-2' });
  w2.enqueue(otherFeed());
  await w2.sync();
  store.record([verdict('p', 'a', 'x', 'fail')]);
  store.record([verdict('p', 'a', 'y', 'fail')]);
  writer.enqueue(feed());
  await writer.sync();
  assert.deepEqual(names(stored('/namespaces/a/policyreports/cpol-p')), ['from-replica-2', 'x', 'y']);
  store.record([verdict('p', 'a', 'z', 'fail')]); // x is evicted from the store
  writer.enqueue(feed());
  assert.deepEqual((await writer.sync()).updated, ['PolicyReport a/cpol-p']);
  const report = stored('/namespaces/a/policyreports/cpol-p');
  assert.deepEqual(names(report), ['from-replica-2', 'y', 'z']);
  assert.deepEqual(report.summary, { pass: 1, fail: 2, warn: 0, error: 0, skip: 0 });
});

test('a report is kept under maxReportBytes: the oldest results are left out and counted', async () => {
  let now = 1_700_000_000_000;
  const store = new ReportStore({}, () => (now += 1000));
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { writerId: 'replica-1', maxReportBytes: 10_000 });
  const big = (name: string): PolicyVerdict => ({ ...verdict('p', 'a', name, 'fail'), rules: [{ policy: 'p', rule: 'check', status: 'fail', message: 'm'.repeat(4000) }] });
  store.record([big('old')]);
  store.record([big('mid')]);
  store.record([big('new')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.deepEqual([r.created, r.trimmed], [['PolicyReport a/cpol-p'], [{ report: 'PolicyReport a/cpol-p', results: 1 }]]);
  const report = stored('/namespaces/a/policyreports/cpol-p');
  assert.deepEqual(names(report), ['mid', 'new']);
  assert.ok(JSON.stringify(report).length < 10_000);
  assert.equal(report.summary.fail, 2);
});

test('no PolicyReport CRD: said once per sync result, nothing sent until the re-check, then written', async () => {
  let now = 1_000_000;
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn, { now: () => now, crdRecheckMs: 60_000 });
  server.fail = (_method, path) => (path.startsWith(BASE) ? 404 : undefined);
  for (const ns of ['a', 'b', 'c']) store.record([verdict('p', ns, 'x', 'fail')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.deepEqual([r.crdMissing, r.failed, r.queued], [true, [], 3]);
  assert.deepEqual(server.seen.map((s) => s.method), ['GET', 'POST']);
  server.seen.length = 0;
  now += 59_999;
  const r2 = await writer.sync();
  assert.deepEqual([r2.crdMissing, r2.queued, server.seen.length], [true, 3, 0]);
  now += 1;
  delete server.fail;
  const r3 = await writer.sync();
  assert.deepEqual([r3.crdMissing, r3.created.length, r3.queued], [false, 3, 0]);
});

test('a create into a namespace that is gone is a failure of that report, not a missing CRD', async () => {
  const store = new ReportStore();
  const feed = store.changeFeed();
  const writer = new PolicyReportWriter(conn);
  server.fail = (method) => (method === 'POST' ? { status: 404, message: 'namespaces "a" not found' } : undefined);
  store.record([verdict('p', 'a', 'x', 'fail')]);
  writer.enqueue(feed());
  const r = await writer.sync();
  assert.equal(r.crdMissing, false);
  assert.deepEqual([r.failed[0]!.status, r.failed[0]!.retry], [404, false]);
});
