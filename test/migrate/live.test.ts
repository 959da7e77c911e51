// The migration reads a live cluster through --kubeconfig exactly as it reads a dump: recorded API-server
// list responses served on loopback (HTTPS, like an API server) stand in for the cluster. A kind that
// cannot be listed is never papered over: commands that decide refuse a partial snapshot (exit 2, naming
// the kind, the HTTP status and the missing RBAC verb); `migrate run` writes a not-ready summary (exit 1).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RecordedServer, startRecordedServer, writeKubeconfig } from '../../src/cluster/testdata/recorded-api-server.js';
import { generateCertificates } from '../../src/webhook/certs.js';
import { runCli } from '../helpers/cli.js';

const tls = (() => {
  const c = generateCertificates({ service: 'kubernetes', namespace: 'default', extraNames: ['127.0.0.1'] });
  return { key: c.key, cert: c.cert };
})();

let faulty: RecordedServer;
let faultyKc: string;
let partial: RecordedServer;
let dead: RecordedServer;
let whole: RecordedServer;
let partialKc: string;
let deadKc: string;
let wholeKc: string;

before(async () => {
  const good = {
    '/api/v1/namespaces': { status: 200, file: 'namespaces-page1.json' },
    '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
    '/apis/policy/v1beta1/podsecuritypolicies': { status: 200, file: 'podsecuritypolicies.json' },
  };
  partial = await startRecordedServer({ ...good, '/apis/rbac.authorization.k8s.io/v1/clusterroles': { status: 403, file: 'forbidden-clusterroles.json' } }, { tls });
  // Every list answers 404 (a wrong server URL, an aggregated API path that is not there...).
  dead = await startRecordedServer({ '*': { status: 404, file: 'not-found.json' } }, { tls });
  whole = await startRecordedServer(good, { tls });
  // One server, one fault per kind (the tester's probe shapes); each must fail its kind, never pass it.
  faulty = await startRecordedServer(
    {
      ...good,
      '/api/v1/pods': { status: 200, file: 'pods-loop.json' },
      '/api/v1/pods?continue=c2FtZQ==': { status: 200, file: 'pods-loop.json' },
      '/apis/apps/v1/deployments': { status: 200, file: 'pods-page1.json', send: 'reset', contentLength: true },
      '/apis/apps/v1/daemonsets': { status: 200, file: 'daemonsets-configmaplist.json' },
      '/apis/apps/v1/statefulsets': { status: 200, file: 'statefulsets-remaining-no-continue.json' },
    },
    { tls },
  );
  faultyKc = writeKubeconfig(faulty.url);
  partialKc = writeKubeconfig(partial.url);
  deadKc = writeKubeconfig(dead.url);
  wholeKc = writeKubeconfig(whole.url);
});

after(async () => {
  await Promise.all([partial.close(), dead.close(), whole.close(), faulty.close()]);
});

interface Summary {
  ready: boolean;
  blockers: string[];
  warnings: string[];
}

test('the recorded server speaks HTTPS like an API server', () => {
  assert.match(partial.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('migrate audit on a cluster it cannot read completely exits 2 naming the kind, the HTTP status and the RBAC verb', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--kubeconfig', partialKc, '--context', 'recorded']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'no audit of a partial snapshot');
  assert.match(r.stderr, /a partial snapshot is never treated as the cluster/);
  assert.match(r.stderr, /cannot list ClusterRole: HTTP 403 Forbidden \(RBAC: the reader needs verb "list" on clusterroles\.rbac\.authorization\.k8s\.io, cluster-wide\)/);
});

test('migrate run against a server that fails some lists: exit 1, summary.json not ready, the failing kind named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-live-run-'));
  const r = await runCli(['migrate', 'run', '--kubeconfig', partialKc, '--context', 'recorded', '--out-dir', dir]);
  assert.equal(r.code, 1, r.stderr);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /^cluster read failed: cannot list ClusterRole: HTTP 403 Forbidden \(RBAC: the reader needs verb "list" on clusterroles\.rbac\.authorization\.k8s\.io/.test(b)), s.blockers.join('\n'));
  assert.match(r.stdout, /Not ready: \d+ blockers?/);
  assert.match(r.stdout, /blocker: cluster read failed: cannot list ClusterRole/);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /class="verdict bad" role="status" data-ready="false"/);
});

test('migrate run where every list fails (404) is never "Ready": exit 1, each required kind a blocker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-live-dead-'));
  const r = await runCli(['migrate', 'run', '--kubeconfig', deadKc, '--context', 'recorded', '--out-dir', dir]);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stdout, /^Ready/m);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  assert.equal(s.ready, false);
  for (const kind of ['Namespace', 'Pod', 'DaemonSet', 'ClusterRole', 'RoleBinding']) {
    assert.ok(s.blockers.some((b) => b.startsWith(`cluster read failed: cannot list ${kind}: HTTP 404 NotFound`)), kind);
  }
  // Optional kinds (PSP on >= 1.25, Kyverno policies) that are not served are not read failures.
  assert.ok(!s.blockers.some((b) => /cannot list (PodSecurityPolicy|ClusterPolicy)/.test(b)));
});

test('a cluster read completely over HTTPS is audited', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--kubeconfig', wholeKc, '--context', 'recorded']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const out = JSON.parse(r.stdout) as { summary: { workloads: number } };
  assert.ok(out.summary.workloads > 0);
});

test('an unknown context is a usage error naming it', async () => {
  const r = await runCli(['migrate', 'audit', '--kubeconfig', partialKc, '--context', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope/);
});

describe('a server whose answers cannot be trusted fails the kind: audit exits 2, run has a blocker', () => {
  let audit: Awaited<ReturnType<typeof runCli>>;
  let run: Awaited<ReturnType<typeof runCli>>;
  let summary: Summary;
  before(async () => {
    audit = await runCli(['-o', 'json', 'migrate', 'audit', '--kubeconfig', faultyKc, '--context', 'recorded']);
    const dir = mkdtempSync(join(tmpdir(), 'podgate-live-faulty-'));
    run = await runCli(['migrate', 'run', '--kubeconfig', faultyKc, '--context', 'recorded', '--out-dir', dir]);
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  });
  const fault = (name: string, line: RegExp) => {
    test(name, () => {
      assert.equal(audit.code, 2, audit.stderr);
      assert.equal(audit.stdout, '');
      assert.match(audit.stderr, line);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(summary.ready, false);
      assert.ok(summary.blockers.some((b) => line.test(b)), summary.blockers.join('\n'));
    });
  };
  fault('a continue token sent again (an endless list)', /cannot list Pod: HTTP 200 InvalidResponse: the server sent continue token "c2FtZQ==" again .* \[GET \/api\/v1\/pods\?limit=500&continue=c2FtZQ%3D%3D\]/);
  fault('a body cut short (connection reset)', /cannot list Deployment: Truncated: response truncated: .* \[GET \/apis\/apps\/v1\/deployments\?limit=500\]/);
  fault('a list of another kind (ConfigMaps for DaemonSets)', /cannot list DaemonSet: HTTP 200 InvalidResponse: the server answered a ConfigMapList, not a DaemonSetList \[GET \/apis\/apps\/v1\/daemonsets\?limit=500\]/);
  fault('a list that says items remain but gives no continue token', /cannot list StatefulSet: HTTP 200 InvalidResponse: the list is incomplete: metadata\.remainingItemCount is 40 but there is no continue token/);
});

// Session 6 live probe: the server's Kubernetes version was never read, so a 1.26 cluster (PSP gone) was
// judged and planned as the default 1.24 (a PSP-based plan) and could read Ready.
describe('the API server reports its Kubernetes version (GET /version)', () => {
  let v126: RecordedServer;
  let v124: RecordedServer;
  const good = {
    '/api/v1/namespaces': { status: 200, file: 'namespaces-page1.json' },
    '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
  };
  before(async () => {
    v126 = await startRecordedServer({ ...good, '/version': { status: 200, file: 'version-1.26.json' } }, { tls });
    v124 = await startRecordedServer({ ...good, '/apis/policy/v1beta1/podsecuritypolicies': { status: 200, file: 'podsecuritypolicies.json' }, '/version': { status: 200, file: 'version-1.24.json' } }, { tls });
  });
  after(async () => {
    await Promise.all([v126.close(), v124.close()]);
  });
  test('a run for another version than the cluster runs is a blocker naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-live-version-'));
    const r = await runCli(['migrate', 'run', '--kubeconfig', writeKubeconfig(v126.url), '--context', 'recorded', '--out-dir', dir]);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    assert.ok(s.blockers.some((b) => b === 'the API server reports Kubernetes v1.26.3 (GET /version), but this run judged and planned for 1.24: pass --kubernetes 1.26'), s.blockers.join('\n'));
  });
  test('the same minor is no blocker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-live-version-'));
    await runCli(['migrate', 'run', '--kubeconfig', writeKubeconfig(v124.url), '--context', 'recorded', '--out-dir', dir]);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    assert.ok(!s.blockers.some((b) => /GET \/version/.test(b)), s.blockers.join('\n'));
  });
});
