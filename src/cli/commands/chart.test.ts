import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../../test/helpers/cli.js';

const td = (f: string) => new URL(`../../chart/testdata/${f}`, import.meta.url).pathname;

test('chart render prints the seed values as a multi-document stream of 11 ClusterPolicies with Helm source comments', async () => {
  const r = await runCli(['chart', 'render', '-f', td('kyverno-policies-values-minimal.yaml')]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; spec: { validationFailureAction: string } });
  assert.equal(docs.length, 11);
  assert.ok(docs.every((d) => d.kind === 'ClusterPolicy' && d.spec.validationFailureAction === 'Enforce'));
  assert.match(r.stdout, /^---\n# Source: kyverno-policies\/templates\/baseline\/disallow-capabilities\.yaml\napiVersion: kyverno.io\/v1\n/);
});

test('chart render -o json puts policies and warnings in the output and warnings on stderr', async () => {
  const r = await runCli(['-o', 'json', 'chart', 'render', '--chart-version', '3.2.5', '--set', 'policyExclude.host-path.any[0].resources.namespaces[0]=x', '--release', 'kp']);
  assert.equal(r.code, 0);
  const out = JSON.parse(r.stdout) as { policies: { metadata: { labels: Record<string, string> } }[]; warnings: { code: string; path: string }[] };
  assert.equal(out.policies.length, 11);
  assert.equal(out.policies[0]?.metadata.labels['helm.sh/chart'], 'kyverno-policies-3.2.5');
  assert.equal(out.policies[0]?.metadata.labels['app.kubernetes.io/instance'], 'kp');
  assert.deepEqual(
    out.warnings.map((w) => [w.code, w.path]),
    [['CHART_RULE_KEY_IGNORED', 'policyExclude.host-path']],
  );
  assert.match(r.stderr, /^warning: policyExclude\.host-path: .* \[CHART_RULE_KEY_IGNORED\]\n$/);
});

test('chart render reports a bad values file with its line and exits 2', async () => {
  const r = await runCli(['chart', 'render', '-f', td('bad-values.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-values\.yaml:\d+: YAML syntax error/);
  assert.equal(r.stdout, '');
});

test('chart render refuses 3.2.5 on Kubernetes 1.24 like Helm, exit 2', async () => {
  const r = await runCli(['chart', 'render', '--chart-version', '3.2.5', '--kube-version', '1.24']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /chart requires kubeVersion: >=1\.25\.0-0 which is incompatible with Kubernetes v1\.24\.0/);
});

test('versions -o json answers for Kubernetes 1.24', async () => {
  const r = await runCli(['-o', 'json', 'versions', '--kubernetes', '1.24']);
  assert.equal(r.code, 0);
  const m = JSON.parse(r.stdout) as { newestSafe: unknown };
  assert.deepEqual(m.newestSafe, { kyverno: '1.10', kyvernoChart: '3.0.9', kyvernoPoliciesChart: '3.0.7' });
});

test('versions prints a table with the newest safe choice', async () => {
  const r = await runCli(['versions']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Kubernetes 1\.24\n/);
  assert.match(r.stdout, /Newest safe choice: Kyverno 1\.10 \(kyverno 3\.0\.9, kyverno-policies 3\.0\.7\)/);
  assert.match(r.stdout, /Chart versions: podgate recommends only chart versions it renders and has verified: kyverno-policies 3\.0\.7 and 3\.2\.5/);
});

test('versions rejects a version it cannot read with exit 2', async () => {
  const r = await runCli(['versions', '--kubernetes', 'latest']);
  assert.equal(r.code, 2);
});
