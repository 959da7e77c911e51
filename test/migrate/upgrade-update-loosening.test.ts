// Kyverno 1.12 validates the old object of an UPDATE too, and a pattern/anyPattern rule whose result has not
// changed is skipped: an UPDATE of a workload that already violates such an Enforce rule (a label change, a new
// image) is admitted, where 1.10 denies it. CREATE decisions do not change, so the decision comparison shows
// nothing; `migrate upgrade` must still tell the admin which workloads this opens up, or its green would not
// be earned. deny and podSecurity rules are not compared by 1.12 and keep denying.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-update-'));
const rule = (name: string, validate: Record<string, unknown>) => ({ name, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate });
const policy = join(dir, 'policy.json');
writeFileSync(
  policy,
  JSON.stringify({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'house-rules' },
    spec: {
      validationFailureAction: 'Enforce',
      background: true,
      rules: [
        rule('no-latest', { message: 'pin the image', pattern: { spec: { containers: [{ image: '!*:latest' }] } } }),
        rule('no-latest-foreach', { message: 'pin the image', foreach: [{ list: 'request.object.spec.containers', pattern: { image: '!*:latest' } }] }),
        rule('no-host-network', { message: 'no host network', deny: { conditions: { any: [{ key: '{{ request.object.spec.hostNetwork || `false` }}', operator: 'Equals', value: true }] } } }),
        rule('team-label', { message: 'label it', pattern: { metadata: { labels: { team: '?*' } } } }),
      ],
      validationFailureActionOverrides: [],
    },
  }),
);
const cluster = join(dir, 'cluster.json');
const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team', labels: { team: 'a' }, uid: name, resourceVersion: '3' }, spec });
writeFileSync(
  cluster,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
      pod('latest', { containers: [{ name: 'c', image: 'busybox:latest' }] }),
      pod('host', { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36' }] }),
      pod('fine', { containers: [{ name: 'c', image: 'busybox:1.36' }] }),
    ],
  }),
);

test('migrate upgrade: workloads that violate an Enforce pattern rule are listed as updatable without a fix under 1.12; deny rules are not', async () => {
  const args = ['migrate', 'upgrade', '--cluster', cluster, '--policy', policy, '--kubernetes', '1.26'];
  const table = await runCli([...args, '--out-dir', join(dir, 'a')]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /updates: Kyverno 1\.12 admits an UPDATE that leaves a pattern rule's failure unchanged \(1\.10 denies it\): 1 workload denied today could be updated without fixing it:/);
  assert.match(table.stdout, /\n {2}Pod team\/latest: house-rules\/no-latest, house-rules\/no-latest-foreach\n/);
  assert.doesNotMatch(table.stdout, /Pod team\/host:/);
  assert.doesNotMatch(table.stdout, /Pod team\/fine:/);
  const json = await runCli(['-o', 'json', ...args, '--out-dir', join(dir, 'b')]);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { updatesAdmittedWithoutFix: { kind: string; namespace: string; name: string; rules: string[] }[] };
  assert.deepEqual(out.updatesAdmittedWithoutFix, [{ kind: 'Pod', namespace: 'team', name: 'latest', rules: ['house-rules/no-latest', 'house-rules/no-latest-foreach'] }]);
});
