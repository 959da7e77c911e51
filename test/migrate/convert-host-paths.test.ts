// `migrate convert` on allowedHostPaths, on the user's path: the PSP is converted with the CLI, the pod is
// judged by `psp check` (the PSP engine) and by `admit` with the converted policies, and both must give
// PSP's answer. PSP (kubernetes@release-1.24 pkg/security/podsecuritypolicy/util/util.go hasPathPrefix)
// trims one trailing `/` from the path and from the prefix and compares the rest as written, on a segment
// boundary: it does not clean the path, so `//data/x` and `/./data/x` are not under `/data`, and
// `/data//x` is under `/data//`.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { grantToAll } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-hostpaths-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const psp = (prefixes: { pathPrefix: string; readOnly?: boolean }[]) => ({
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name: 'hostpaths' },
  spec: {
    privileged: false,
    seLinux: { rule: 'RunAsAny' },
    runAsUser: { rule: 'RunAsAny' },
    fsGroup: { rule: 'RunAsAny' },
    supplementalGroups: { rule: 'RunAsAny' },
    // secret: the service-account token volume the API server adds is admitted where secrets are.
    volumes: ['hostPath', 'emptyDir', 'secret'],
    allowedHostPaths: prefixes,
  },
});

const pod = (path: string, readOnly: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team' },
  spec: {
    containers: [{ name: 'c', image: 'busybox:1.36', volumeMounts: [{ name: 'h', mountPath: '/h', ...(readOnly ? { readOnly: true } : {}) }] }],
    volumes: [{ name: 'h', hostPath: { path } }],
  },
});

const review = (name: string, p: unknown) =>
  file(name, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      name: 'p',
      namespace: 'team',
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object: p,
    },
  });

const cases: { prefix: string; readOnlyPrefix?: boolean; path: string; readOnly?: boolean; admitted: boolean }[] = [
  { prefix: '/data', path: '/data/x', admitted: true },
  { prefix: '/data', path: '/data/', admitted: true },
  { prefix: '/data', path: '/datax', admitted: false },
  // Written differently from the prefix: PSP compares the text, it does not clean it.
  { prefix: '/data', path: '//data/x', admitted: false },
  { prefix: '/data', path: '/./data/x', admitted: false },
  { prefix: '/data', path: '/var/../data/x', admitted: false },
  { prefix: '/var/log', path: '/var//log', admitted: false },
  { prefix: '/data//', path: '/data//x', admitted: true },
  { prefix: '/data//', path: '/data/x', admitted: false },
  { prefix: '/data/', path: '/data/./x', admitted: true },
  { prefix: '/data/', path: '/data//x', admitted: true },
  // A read-only prefix: only read-only mounts, for the same paths PSP matches.
  { prefix: '/logs', readOnlyPrefix: true, path: '//logs/app', readOnly: true, admitted: false },
  { prefix: '/logs//', readOnlyPrefix: true, path: '/logs//app', readOnly: true, admitted: true },
  { prefix: '/logs//', readOnlyPrefix: true, path: '/logs//app', admitted: false },
];

test('allowedHostPaths: the converted policy admits exactly the host paths PSP admits', async () => {
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const pspFile = file(`psp-${i}.json`, psp([{ pathPrefix: c.prefix, ...(c.readOnlyPrefix ? { readOnly: true } : {}) }]));
    const rbacFile = file(`rbac-${i}.json`, { apiVersion: 'v1', kind: 'List', items: grantToAll('hostpaths') });
    const converted = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
    assert.equal(converted.code, 0, converted.stderr);
    const policies = join(dir, `converted-${i}.yaml`);
    writeFileSync(policies, converted.stdout);
    const p = pod(c.path, c.readOnly ?? false);
    const pspCheck = await runCli(['psp', 'check', '--pod', file(`pod-${i}.json`, p), '--psp', pspFile, '--rbac', rbacFile, '--user', 'alice']);
    const admit = await runCli(['admit', '--policy', policies, '--request', review(`review-${i}.json`, p), '-o', 'json']);
    assert.ok(admit.code === 0 || admit.code === 1, admit.stderr);
    const allowed = (JSON.parse(admit.stdout) as { response: { allowed: boolean } }).response.allowed;
    const what = `prefix ${c.prefix}${c.readOnlyPrefix ? ' (read-only)' : ''}, path ${c.path}${c.readOnly ? ' (mounted read-only)' : ''}`;
    if ((pspCheck.code === 0) !== c.admitted) failures.push(`${what}: psp check exit ${pspCheck.code}, expected ${c.admitted ? 'admitted' : 'refused'}`);
    if (allowed !== c.admitted) failures.push(`${what}: the converted policy ${allowed ? 'admits' : 'refuses'} it, PSP ${c.admitted ? 'admits' : 'refuses'} it`);
  }
  assert.deepEqual(failures, []);
});
