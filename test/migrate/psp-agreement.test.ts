// `migrate diff` and `psp check` must give one PSP decision for the same raw pod and cluster: both admit
// the pod as the 1.24 API server would see it (decoding defaults, the ServiceAccount plugin's token
// volume, the seccomp field sync only after admission). The bare pod runs in a namespace no user owns,
// so diff checks it as a cluster administrator; psp check as admin in system:masters.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';

const fidelity = fileURLToPath(new URL('../../src/psp/testdata/fidelity/', import.meta.url));

const cases: { name: string; dir: string; want: { allowed: boolean; policy: string | null; message?: string } }[] = [
  {
    name: 'the token volume the ServiceAccount plugin adds is checked by PSP (no projected volumes allowed)',
    dir: 'token-volume',
    want: {
      allowed: false,
      policy: null,
      message: 'pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]: Invalid value: "projected": projected volumes are not allowed to be used]',
    },
  },
  {
    name: 'a seccompProfile field without the annotation: the annotation is synced after admission, so every PSP mutates and the first by name admits',
    dir: 'seccomp-field',
    want: { allowed: true, policy: 'a-mutating' },
  },
];

for (const c of cases) {
  test(`migrate diff and psp check agree: ${c.name}`, async (t) => {
    const cluster = mkdtempSync(join(tmpdir(), 'podgate-agree-'));
    t.after(() => rmSync(cluster, { recursive: true, force: true }));
    cpSync(join(fidelity, c.dir, 'cluster'), cluster, { recursive: true });
    cpSync(join(fidelity, c.dir, 'pod.yaml'), join(cluster, 'pod.yaml'));
    const check = await runCli(['-o', 'json', 'psp', 'check', '--pod', join(fidelity, c.dir, 'pod.yaml'), '--cluster', cluster, '--user', 'admin', '--group', 'system:masters']);
    const v = JSON.parse(check.stdout) as { allowed: boolean; policy: string | null; message: string | null };
    const diff = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', cluster]);
    const d = JSON.parse(diff.stdout) as { entries: { kind: string; name: string; psp: { allowed: boolean; policy: string | null; message: string | null } }[] };
    const entry = d.entries.find((e) => e.kind === 'Pod' && e.name === 'p');
    assert.ok(entry, diff.stderr);
    assert.deepEqual({ allowed: v.allowed, policy: v.policy }, { allowed: c.want.allowed, policy: c.want.policy }, v.message ?? '');
    if (c.want.message !== undefined) assert.equal(v.message, c.want.message);
    assert.deepEqual({ allowed: entry.psp.allowed, policy: entry.psp.policy, message: entry.psp.message }, { allowed: v.allowed, policy: v.policy, message: v.message });
  });
}

test('migrate diff judges a stored pod as it was created: a container added later through the ephemeralcontainers subresource (kubectl debug) is not part of the PSP decision', async (t) => {
  const cluster = mkdtempSync(join(tmpdir(), 'podgate-agree-'));
  t.after(() => rmSync(cluster, { recursive: true, force: true }));
  cpSync(join(fidelity, 'stored-pod-debug-container', 'cluster'), cluster, { recursive: true });
  cpSync(join(fidelity, 'stored-pod-debug-container', 'pod.yaml'), join(cluster, 'pod.yaml'));
  const diff = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', cluster]);
  const d = JSON.parse(diff.stdout) as { entries: { kind: string; name: string; psp: { allowed: boolean; policy: string | null; message: string | null } }[] };
  const entry = d.entries.find((e) => e.kind === 'Pod' && e.name === 'p');
  assert.ok(entry, diff.stderr);
  assert.deepEqual({ allowed: entry.psp.allowed, policy: entry.psp.policy, message: entry.psp.message }, { allowed: true, policy: 'a', message: null });
});
