// The gate of `migrate upgrade` must not be green when the upgrade stops refusing something refused today:
// a workload denied under Kyverno 1.10 and allowed under 1.12 is a security change the admin has to look
// at, as `migrate diff` fails on regressions. Here a policy that errs under 1.10 (`images.*.reference`
// came with 1.11.2) denies a running pod, and 1.12 admits it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-loosening-'));
const policy = join(dir, 'policy.json');
writeFileSync(
  policy,
  JSON.stringify({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'pinned-registry' },
    spec: {
      validationFailureAction: 'Enforce',
      background: false,
      rules: [
        {
          name: 'registry',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          validate: { message: 'images must come from docker.io', deny: { conditions: { any: [{ key: '{{ images.containers.c.reference }}', operator: 'NotEquals', value: 'docker.io/busybox:1.36' }] } } },
        },
      ],
    },
  }),
);
const cluster = join(dir, 'cluster.json');
writeFileSync(
  cluster,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker', namespace: 'team', uid: 'u', resourceVersion: '3' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }] } },
    ],
  }),
);

test('migrate upgrade: a workload denied today and allowed after the upgrade fails the gate, and says why', async () => {
  const args = ['migrate', 'upgrade', '--cluster', cluster, '--policy', policy, '--kubernetes', '1.26'];
  const table = await runCli([...args, '--out-dir', join(dir, 'a')]);
  assert.match(table.stdout, /Pod team\/worker: denied → allowed, because of the engine/);
  assert.match(table.stderr, /1 workload denied today would be allowed after the upgrade/);
  // The error line says how the gate is cleared for this cause, not only that it fails.
  assert.match(table.stderr, /error: .*Kyverno 1\.12 decides the rules of the "-" lines differently.*change those policies so that both versions decide alike/);
  assert.doesNotMatch(table.stderr, /error: .*--kyverno-values/);
  assert.equal(table.code, 1, table.stderr);
  const json = await runCli(['-o', 'json', ...args, '--out-dir', join(dir, 'b')]);
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stdout) as { summary: { noLongerDenied: number } }).summary.noLongerDenied, 1);
});

test('migrate plan: the gate step asks for nothing newly denied and nothing newly allowed', async () => {
  const r = await runCli(['migrate', 'plan']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /podgate migrate upgrade exited 0 \(no workload newly denied, none denied today newly allowed\)/);
});

test('migrate upgrade: a loosening by a PolicyException that chart 3.2.6 turns on says to pass the kyverno values', async () => {
  const withException = join(dir, 'cluster-exception.json');
  writeFileSync(
    withException,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tools', namespace: 'team', uid: 'u2', resourceVersion: '3' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }] } },
        {
          apiVersion: 'kyverno.io/v2alpha1',
          kind: 'PolicyException',
          metadata: { name: 'tools', namespace: 'kyverno' },
          spec: { exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['host-namespaces'] }], match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['team'] } }] } },
        },
      ],
    }),
  );
  const values = join(dir, 'enforce.yaml');
  writeFileSync(values, 'validationFailureAction: Enforce\n');
  const r = await runCli(['migrate', 'upgrade', '--cluster', withException, '--values', values, '--kubernetes', '1.26', '--out-dir', join(dir, 'c')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /Pod team\/tools: denied → allowed/);
  assert.match(r.stderr, /error: 1 workload denied today .*PolicyExceptions that take effect after the upgrade \(kyverno\/tools\): pass the kyverno values you install with --kyverno-values/);
});
