import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RecordedServer, startRecordedServer, writeKubeconfig } from '../../cluster/testdata/recorded-api-server.js';
import { runCli } from '../../../test/helpers/cli.js';
import type { Inventory } from './inventory.js';

const SAMPLE = new URL('../../../examples/bcm-9.2-k8s-1.24', import.meta.url).pathname;
const squash = (s: string) => s.replace(/[ ]+/g, ' ');

test('the sample prints the seed kubectl get psp rows, column for column', async () => {
  const r = await runCli(['inventory', '--cluster', SAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const out = squash(r.stdout);
  // The seed's `kubectl get psp` output (an empty CAPS cell collapses into the separator).
  for (const row of [
    'NAME PRIV CAPS SELINUX RUNASUSER FSGROUP SUPGROUP READONLYROOTFS VOLUMES',
    'cmsupport-restricted false RunAsAny MustRunAs MustRunAs MustRunAs false secret,hostPath,configMap,emptyDir,persistentVolumeClaim',
    'local-path-provisioner-psp true RunAsAny RunAsAny RunAsAny RunAsAny false secret,hostPath,configMap,persistentVolumeClaim',
    'privileged true * RunAsAny RunAsAny RunAsAny RunAsAny false *',
  ]) {
    assert.ok(out.includes(`${row}\n`), `missing row: ${row}`);
  }
  assert.match(r.stdout, /\n15 namespaces, \d+ workloads, 4 PodSecurityPolicies\n/);
});

test('the sample folder is read from its cluster/ subfolder, never from inputs/', async () => {
  const r = await runCli(['inventory', '--cluster', SAMPLE, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const inv = JSON.parse(r.stdout) as Inventory;
  assert.equal(inv.source, join(SAMPLE, 'cluster'));
  assert.ok(!r.stdout.includes('host-mount-pod'));
});

test('-o json tells who can use each PSP and which pods each PSP admitted', async () => {
  const r = await runCli(['-o', 'json', 'inventory', '--cluster', SAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  const inv = JSON.parse(r.stdout) as Inventory;
  const ray = inv.podSecurityPolicies.find((p) => p.name === 'ray-restricted');
  assert.deepEqual(
    ray?.usableBy.map((g) => [g.subjectKind, g.subject, g.namespace]),
    [
      ['User', 'ray', 'ray-restricted'],
      ['Group', 'system:serviceaccounts:ray-restricted', 'ray-restricted'],
    ],
  );
  const priv = inv.podSecurityPolicies.find((p) => p.name === 'privileged');
  assert.ok(priv?.usableBy.some((g) => g.subjectKind === 'Group' && g.subject === 'system:nodes' && g.clusterWide));
  assert.deepEqual(inv.admittedPods['ray-restricted'], ['ray-restricted/ray-head-6b8f7c5d9-tx2lz']);
  assert.deepEqual(inv.admittedPods[''], ['kyverno/kyverno-admission-controller-6c9b6f8d4f-zr7lm']);
  assert.equal(inv.namespaces.length, 15);
  const gpu = inv.namespaces.find((n) => n.name === 'gpu-operator');
  assert.ok((gpu?.components.length ?? 0) >= 3);
});

const usage: { name: string; argv: () => string[]; err: RegExp }[] = [
  { name: 'no source at all is a usage error', argv: () => ['inventory'], err: /give --cluster PATH \(a dump\) or --kubeconfig FILE/ },
  { name: 'both a dump and a kubeconfig is a usage error', argv: () => ['inventory', '--cluster', SAMPLE, '--kubeconfig', '/x'], err: /not both/ },
  { name: '-o sarif is not an inventory format', argv: () => ['-o', 'sarif', 'inventory', '--cluster', SAMPLE], err: /-o sarif is not supported here; use one of: table, json, yaml, wide/ },
  { name: 'a missing dump path is named', argv: () => ['inventory', '--cluster', '/nonexistent/dump'], err: /\/nonexistent\/dump: cannot read: no such file or directory/ },
];

for (const c of usage) {
  test(c.name, async () => {
    const r = await runCli(c.argv());
    assert.equal(r.code, 2);
    assert.match(r.stderr, c.err);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('a bad document in a dump exits 2 naming file, document and field, without a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-inventory-'));
  writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n');
  const r = await runCli(['inventory', '--cluster', dir]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `error: ${join(dir, 'a.yaml')}:6: document 2: metadata.name: missing required field "metadata.name"\n`);
});

let server: RecordedServer;
let kubeconfig: string;
before(async () => {
  server = await startRecordedServer({
    '/apis/policy/v1beta1/podsecuritypolicies': { status: 200, file: 'podsecuritypolicies.json' },
    '/api/v1/pods': { status: 200, file: 'pods-page3.json' },
    '/apis/rbac.authorization.k8s.io/v1/clusterroles': { status: 403, file: 'forbidden-clusterroles.json' },
  });
  kubeconfig = writeKubeconfig(server.url);
});
after(() => server.close());

test('a live cluster read partially (403 on ClusterRoles) is still inventoried, but exits 2 saying the report is partial', async () => {
  const r = await runCli(['inventory', '--kubeconfig', kubeconfig, '--context', 'recorded']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stdout, new RegExp(`Cluster: ${server.url} \\(context recorded\\)`));
  assert.match(squash(r.stdout), /\nprivileged true \* RunAsAny RunAsAny RunAsAny RunAsAny false \*\n/);
  assert.equal(
    r.stderr,
    `error: inventory: cannot read the cluster at ${server.url} completely: the inventory above is partial, not the cluster:\n  cannot list ClusterRole: HTTP 403 Forbidden (RBAC: the reader needs verb "list" on clusterroles.rbac.authorization.k8s.io, cluster-wide): clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:podgate:reader" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope [GET /apis/rbac.authorization.k8s.io/v1/clusterroles?limit=500]\n`,
  );
  assert.match(r.stdout, /1 kind\(s\) could not be listed: ClusterRole \(Forbidden\)/);
  // Without the RBAC objects nobody can say who may use a PSP: not "nobody".
  assert.doesNotMatch(r.stdout, /nobody but system:masters/);
  assert.match(squash(r.stdout), /\nprivileged \(unknown: ClusterRole could not be listed\)/);
});

test('KUBECONFIG from the environment is used when no flag names a kubeconfig', async () => {
  const r = await runCli(['inventory', '--context', 'recorded', '-o', 'json'], { env: { KUBECONFIG: kubeconfig } });
  assert.equal(r.code, 2, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Inventory).problems.length, 1);
});

test('an unknown context exits 2 naming it', async () => {
  const r = await runCli(['inventory', '--kubeconfig', kubeconfig, '--context', 'prod']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: inventory: context "prod" not found in kubeconfig/);
});
