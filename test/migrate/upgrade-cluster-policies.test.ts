// `migrate upgrade` judges the Kyverno policies the cluster already runs (converted PSPs, the admin's
// own), not only the chart's and the permission users': they keep running after the upgrade, so Kyverno
// 1.12 must be checked against them before the gate says the upgrade is safe. Here an Enforce policy of
// the dump denies a running pod only under Kyverno 1.12 (a string pattern `!0s` against "0": 1.10 also
// compares the strings and passes, 1.12 compares the durations and fails).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-cluster-policies-'));

const policy = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  // As `kubectl get -o yaml` or a live read gives it: server fields and a status.
  metadata: { name: 'require-job-timeout', resourceVersion: '4711', uid: '0b3c6a4e-2f57-4a55-9a3e-5c1f1f0c9a11', generation: 1 },
  spec: {
    validationFailureAction: 'Enforce',
    background: false,
    rules: [
      {
        name: 'timeout-not-zero',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        validate: { message: 'the timeout annotation must not be zero', pattern: { metadata: { annotations: { 'example.com/timeout': '!0s' } } } },
      },
    ],
  },
  status: { ready: true },
};
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'worker', namespace: 'team', uid: 'f00', resourceVersion: '12', annotations: { 'example.com/timeout': '0' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }] },
};
const cluster = join(dir, 'cluster.json');
writeFileSync(cluster, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, policy, pod] }));

test('migrate upgrade: a policy of the cluster that denies a running pod only under Kyverno 1.12 fails the gate', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--cluster', cluster, '--kubernetes', '1.26', '--out-dir', join(dir, 'out')]);
  const report = JSON.parse(r.stdout) as { summary: { newlyDenied: number }; changes: { name: string; causes: string[]; added: string[] }[]; clusterPolicies?: string[] };
  assert.equal(report.summary.newlyDenied, 1, `${r.stdout}\n${r.stderr}`);
  assert.equal(report.changes[0]?.name, 'worker');
  assert.deepEqual(report.changes[0]?.causes, ['engine']);
  assert.match(report.changes[0]?.added[0] ?? '', /^require-job-timeout\/timeout-not-zero/);
  assert.deepEqual(report.clusterPolicies, ['ClusterPolicy require-job-timeout']);
  assert.equal(r.code, 1, 'the gate fails');
});

test('migrate upgrade: the table says which of the cluster’s policies were judged', async () => {
  const r = await runCli(['migrate', 'upgrade', '--cluster', cluster, '--kubernetes', '1.26', '--out-dir', join(dir, 'out2')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /policies of the cluster: judged under both: ClusterPolicy require-job-timeout/);
  assert.match(r.stdout, /Pod team\/worker: allowed → denied, because of the engine/);
});

test('migrate upgrade: a --policy file of the same name stands for the cluster’s copy', async () => {
  const file = join(dir, 'policy.json');
  const { status: _s, ...bare } = policy;
  writeFileSync(file, JSON.stringify({ ...bare, spec: { ...bare.spec, validationFailureAction: 'Audit' } }));
  const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--cluster', cluster, '--kubernetes', '1.26', '--policy', file, '--out-dir', join(dir, 'out3')]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as { summary: { newlyDenied: number }; clusterPolicies?: string[] };
  assert.equal(report.summary.newlyDenied, 0);
  assert.deepEqual(report.clusterPolicies, []);
});
