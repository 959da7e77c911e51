// The migration reads a live cluster through --kubeconfig exactly as it reads a dump: recorded API-server
// list responses served on loopback stand in for the cluster.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RecordedServer, startRecordedServer, writeKubeconfig } from '../../src/cluster/testdata/recorded-api-server.js';
import { runCli } from '../helpers/cli.js';

let server: RecordedServer;
let kubeconfig: string;

before(async () => {
  server = await startRecordedServer({
    '/api/v1/namespaces': { status: 200, file: 'namespaces-page1.json' },
    '/api/v1/pods': { status: 200, file: 'pods-page1.json' },
    '/apis/policy/v1beta1/podsecuritypolicies': { status: 200, file: 'podsecuritypolicies.json' },
    '/apis/rbac.authorization.k8s.io/v1/clusterroles': { status: 403, file: 'forbidden-clusterroles.json' },
  });
  kubeconfig = writeKubeconfig(server.url);
});

after(() => server.close());

test('migrate audit --kubeconfig lists the cluster, reports the 403 and audits what it could read', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--kubeconfig', kubeconfig, '--context', 'recorded']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.match(r.stderr, /warning: cannot list ClusterRole: Forbidden/);
  const out = JSON.parse(r.stdout) as { summary: { workloads: number } };
  assert.ok(out.summary.workloads > 0);
});

test('an unknown context is a usage error naming it', async () => {
  const r = await runCli(['migrate', 'audit', '--kubeconfig', kubeconfig, '--context', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope/);
});
