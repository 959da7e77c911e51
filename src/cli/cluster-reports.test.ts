// The periodic PolicyReport sync of `serve --kubeconfig` against a local HTTPS API server that can
// hold requests unanswered: syncs never pile up, a timeout ends a sync, and the shutdown flush gives
// up at its deadline with one line naming what was not written.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type ObjectsServer, startObjectsServer, writeTokenKubeconfig } from '../cluster/testdata/objects-api-server.js';
import { createLogger, createMetrics, generateCertificates, type PolicyVerdict, ReportStore } from '../webhook/index.js';
import { type ClusterReportsOptions, startClusterReports } from './cluster-reports.js';

const TOKEN = 'reports-token';
let server: ObjectsServer;
let kubeconfig: string;

before(async () => {
  const c = generateCertificates({ service: 'api', namespace: 'test', extraNames: ['127.0.0.1'] });
  server = await startObjectsServer({ cert: c.cert, key: c.key }, TOKEN);
  kubeconfig = writeTokenKubeconfig(server.url, c.caCert, TOKEN);
});
after(() => server.close());
beforeEach(() => {
  server.objects.clear();
  server.seen.length = 0;
  delete server.fail;
  delete server.hold;
});

const verdict = (ns: string, name: string): PolicyVerdict => ({
  policy: { name: 'p' },
  resource: { kind: 'Pod', apiVersion: 'v1', namespace: ns, name },
  rules: [{ policy: 'p', rule: 'check', status: 'fail', message: `${name} is not allowed` }],
  action: 'Audit',
  failurePolicy: 'Fail',
});

// biome-ignore lint/suspicious/noExplicitAny: log lines are walked by field name
function capture(): { lines: any[]; log: ReturnType<typeof createLogger> } {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const lines: any[] = [];
  return { lines, log: createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } }) };
}

async function start(store: ReportStore, o: Partial<ClusterReportsOptions>) {
  const { lines, log } = capture();
  const reports = await startClusterReports(store, { kubeconfig, ...o }, log);
  return { reports, lines };
}

const held = () => server.seen.filter((s) => s.status === 0).length;

test('an API server that does not answer: ticks never pile up syncs, and the first timeout ends a sync', { timeout: 5000 }, async () => {
  const store = new ReportStore();
  for (const ns of ['a', 'b', 'c']) store.record([verdict(ns, 'x')]);
  const { reports, lines } = await start(store, { timeoutMs: 100 });
  server.hold = () => true;
  const ticks = await Promise.all([reports.sync(), reports.sync(), reports.sync(), reports.sync(), reports.sync()]);
  // One sync running and one after it; each stops at its first timeout, the rest stay queued.
  assert.equal(held(), 2, JSON.stringify(server.seen));
  assert.equal(ticks[4]!.queued, 3);
  assert.equal(lines.filter((l) => l.msg === 'writing a policy report failed').length, 2);
  delete server.hold;
  const r = await reports.sync();
  assert.deepEqual([r.created.length, r.queued], [3, 0]);
});

test('the shutdown flush gives up at its deadline and logs, once, what was not written', { timeout: 5000 }, async () => {
  const store = new ReportStore();
  for (const ns of ['a', 'b']) store.record([verdict(ns, 'x')]);
  const { reports, lines } = await start(store, { timeoutMs: 60_000, deadlineMs: 60_000, shutdownDeadlineMs: 200 });
  server.hold = () => true;
  void reports.sync();
  const t = Date.now();
  await reports.close();
  assert.ok(Date.now() - t < 2000, `close took ${Date.now() - t} ms`);
  const given = lines.filter((l) => /not written/.test(l.msg));
  assert.equal(given.length, 1);
  assert.equal(given[0].notWritten, 2);
  assert.deepEqual(given[0].reports.sort(), ['PolicyReport a/cpol-p', 'PolicyReport b/cpol-p']);
  assert.equal(given[0].deadlineMs, 200);
  assert.equal(lines.filter((l) => l.msg === 'writing a policy report failed').length, 0);
});

test('report writing is counted: podgate_policyreport_writes_total, _queue_length, _changes_dropped_total, _results_trimmed_total', { timeout: 5000 }, async () => {
  const metrics = createMetrics();
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
    return v?.value ?? 0;
  };
  const store = new ReportStore();
  for (const ns of ['a', 'b']) store.record([verdict(ns, 'x')]);
  const { reports } = await start(store, { metrics, shutdownDeadlineMs: 100, writer: { maxReportBytes: 900 } });
  await reports.sync();
  assert.equal(await value('podgate_policyreport_writes_total', { result: 'created' }), 2);
  server.fail = (method, path) => (method === 'PUT' && path.includes('/a/') ? 409 : method === 'PUT' ? 403 : undefined);
  store.record([verdict('a', 'y')]);
  store.record([verdict('b', 'y')]);
  await reports.sync();
  assert.equal(await value('podgate_policyreport_writes_total', { result: 'conflict' }), 1);
  assert.equal(await value('podgate_policyreport_writes_total', { result: 'error' }), 1);
  assert.equal(await value('podgate_policyreport_changes_dropped_total', { reason: 'rejected' }), 1);
  assert.equal(await value('podgate_policyreport_queue_length'), 1); // a, in conflict backoff
  // Three results of ~300 bytes do not fit in 900 bytes.
  delete server.fail;
  store.record([verdict('c', 'x')]);
  store.record([verdict('c', 'y')]);
  store.record([verdict('c', 'z')]);
  await reports.sync();
  assert.ok((await value('podgate_policyreport_results_trimmed_total')) >= 1);
  server.hold = () => true;
  store.record([verdict('d', 'x')]);
  await reports.close();
  assert.ok((await value('podgate_policyreport_changes_dropped_total', { reason: 'shutdown' })) >= 1);
});

test('no PolicyReport CRD: said once, not once per report and sync; said again when it is back', { timeout: 5000 }, async () => {
  let now = 1_000_000;
  const store = new ReportStore();
  for (const ns of ['a', 'b']) store.record([verdict(ns, 'x')]);
  const { reports, lines } = await start(store, { writer: { now: () => now, crdRecheckMs: 60_000 } });
  server.fail = (_method, path) => (path.startsWith('/apis/wgpolicyk8s.io/') ? 404 : undefined);
  for (let i = 0; i < 3; i++) await reports.sync();
  now += 60_000;
  await reports.sync();
  assert.equal(server.seen.filter((s) => s.method === 'POST').length, 2); // the first sync and the re-check
  assert.equal(lines.filter((l) => /CRD is not installed/.test(l.msg)).length, 1);
  assert.equal(lines.filter((l) => l.msg === 'writing a policy report failed').length, 0);
  delete server.fail;
  now += 60_000;
  assert.equal((await reports.sync()).created.length, 2);
  assert.equal(lines.filter((l) => /CRD is installed/.test(l.msg)).length, 1);
});

test('shutdown names the changes the last sync left queued (a conflict in backoff), not only those cut off by the deadline', { timeout: 5000 }, async () => {
  const store = new ReportStore();
  store.record([verdict('a', 'x')]);
  const { reports, lines } = await start(store, {});
  await reports.sync();
  server.fail = (method) => (method === 'PUT' ? 409 : undefined);
  store.record([verdict('a', 'y')]);
  await reports.sync();
  await reports.close();
  const left = lines.filter((l) => /not written/.test(l.msg));
  assert.equal(left.length, 1);
  assert.deepEqual(left[0].reports, ['PolicyReport a/cpol-p']);
});
