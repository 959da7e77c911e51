// CLI tests for `podgate pss check` and `podgate pss suggest`, run in-process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../test/helpers/cli.js';

const pods = fileURLToPath(new URL('../../pss/testdata/pods.yaml', import.meta.url));
const cluster = fileURLToPath(new URL('../../pss/testdata/cluster.yaml', import.meta.url));

test('pss check -o json prints one entry per pod-bearing object in input order and exits 1 on a denial', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'baseline', '--version', 'v1.24', '-o', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    results: [
      {
        file: pods,
        kind: 'Pod',
        namespace: 'apps',
        name: 'web',
        allowed: false,
        message: 'violates PodSecurity "baseline:v1.24": host namespaces (hostNetwork=true), hostPath volumes (volume "etc")',
      },
      { file: pods, kind: 'Deployment', namespace: 'apps', name: 'api', allowed: true, message: null },
    ],
  });
});

test('pss check prints verdict lines and a summary', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'restricted']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Deployment\/apps\/api: denied: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  assert.match(r.stdout, /2 checked at restricted:latest, 0 allowed, 2 denied\n$/);
});

test('pss check exits 0 when everything is allowed', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'privileged']);
  assert.equal(r.code, 0, r.stderr);
});

const usage: { name: string; argv: string[]; err: RegExp }[] = [
  { name: 'an unknown level is a usage error', argv: ['pss', 'check', pods, '--level', 'strict'], err: /--level strict is not a level/ },
  { name: 'a malformed version is a usage error', argv: ['pss', 'check', pods, '--level', 'baseline', '--version', '1.24'], err: /--version 1.24 is not a policy version/ },
  { name: 'a missing file is a usage error naming it', argv: ['pss', 'check', '/nonexistent.yaml', '--level', 'baseline'], err: /nonexistent.yaml: cannot read/ },
];
for (const c of usage) {
  test(c.name, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 2);
    assert.match(r.stderr, c.err);
  });
}

test('pss suggest -o json gives each namespace its strictest level, labels and blockers', async () => {
  const r = await runCli(['pss', 'suggest', '--cluster', cluster, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { namespaces: { namespace: string; level: string; version: string; labels: Record<string, string>; current: Record<string, string>; blockers: { name: string; level: string }[] }[] };
  assert.deepEqual(
    out.namespaces.map((n) => [n.namespace, `${n.level}:${n.version}`, n.blockers.map((b) => `${b.name}@${b.level}`)]),
    [
      ['locked', 'restricted:latest', []],
      ['nodes', 'privileged:latest', ['agent@baseline']],
    ],
  );
  assert.equal(out.namespaces[0]?.current['pod-security.kubernetes.io/enforce'], 'baseline');
  assert.equal(out.namespaces[1]?.labels['pod-security.kubernetes.io/enforce'], 'privileged');
  assert.equal(out.namespaces[1]?.labels['pod-security.kubernetes.io/warn'], 'restricted');
});

test('pss suggest prints a table and the kubectl label commands', async () => {
  const r = await runCli(['pss', 'suggest', '--cluster', cluster]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAMESPACE\s+WORKLOADS\s+SATISFIES/);
  assert.match(r.stdout, /kubectl label --overwrite ns locked pod-security.kubernetes.io\/enforce=restricted /);
  assert.match(r.stdout, /held back from baseline:latest by DaemonSet\/agent .*host namespaces \(hostPID=true\)/);
});
