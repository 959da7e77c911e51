// Raw manifests are evaluated as the API server would store them (issue 15): a DaemonSet template with
// `annotations:` and nothing under it (null) must not fail restrict-apparmor-profiles, and podgate must
// not propose exempting its namespace; empty SELinux strings are dropped like the API server drops them.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dump = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-null-'));
  writeFileSync(
    join(dir, 'speaker.yaml'),
    `apiVersion: v1
kind: Namespace
metadata:
  name: metallb-system
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: speaker
  namespace: metallb-system
spec:
  selector:
    matchLabels: {app: speaker}
  template:
    metadata:
      labels: {app: speaker}
      annotations:
    spec:
      containers:
      - name: speaker
        image: quay.io/metallb/speaker:v0.13.9
        env:
        securityContext:
          seLinuxOptions:
            user: ""
            type: ""
`,
  );
  return dir;
})();

test('migrate exceptions proposes no exemption for a null annotations map or empty SELinux strings', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'exceptions', '--cluster', dump]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { exceptions: unknown }).exceptions, {});
});

test('migrate audit evaluates the normalised object and shows every change in `defaulted`', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', dump]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { violations: unknown[]; defaulted: { name: string; changes: string[] }[] };
  assert.deepEqual(out.violations, []);
  const changes = out.defaulted.find((d) => d.name === 'speaker')?.changes ?? [];
  for (const c of [
    '/spec/template/metadata/annotations: null dropped (decoding)',
    '/spec/template/spec/containers/0/env: null dropped (decoding)',
    '/spec/template/spec/containers/0/securityContext/seLinuxOptions/user: empty string dropped (omitempty)',
    '/spec/template/spec/containers/0/securityContext/seLinuxOptions/type: empty string dropped (omitempty)',
  ]) {
    assert.ok(changes.includes(c), `${c} in\n${changes.join('\n')}`);
  }
});
