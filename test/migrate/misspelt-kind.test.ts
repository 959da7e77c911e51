// An object whose kind is one letter off a workload kind (a hand-edited dump: `Daemonset`) is skipped like
// any unknown kind; migrate run said Ready with only a warning on stderr, though the workload was never
// evaluated. The API server never returns such a kind, so it is a blocker: the input is not the cluster.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

test('migrate run: a workload with a misspelt kind is a blocker naming it, not a Ready run', async () => {
  const base = mkdtempSync(join(tmpdir(), 'podgate-misspelt-'));
  const cluster = join(base, 'cluster');
  cpSync(join(sample, 'cluster'), cluster, { recursive: true });
  writeFileSync(
    join(cluster, 'zz.yaml'),
    `apiVersion: apps/v1
kind: Daemonset
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      hostPID: true
      containers: [{name: c, image: "busybox:1.36", securityContext: {privileged: true}}]
`,
  );
  const out = join(base, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
  assert.equal(r.code, 1, r.stdout);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { ready: boolean; blockers: string[] };
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /not evaluated: .*zz\.yaml.*kind "Daemonset" is not a Kubernetes kind, so agent is skipped/.test(b)), s.blockers.join('\n'));
});
