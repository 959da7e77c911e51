// `migrate convert` for a requester who may use two PSPs (a union policy, "admitted when any one admits"),
// on the user's path: converted with the CLI, judged by `psp check` and by `admit`. The union policy's
// per-PSP AppArmor and seccomp checks read the container annotations; a container annotated with a profile
// the PSPs do not allow must be refused, as PSP refuses it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { grantToAll } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-union-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP = 'container.seccomp.security.alpha.kubernetes.io/';
const psp = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: {
    name,
    annotations: {
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,localhost/k8s-nginx',
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default',
    },
  },
  spec: { volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, ...spec },
});
// Everyone may use `base`; bob may also use `net` (host network, read-only root filesystem): bob's pods
// are admitted when either admits.
const pspFile = file('psps.json', { apiVersion: 'v1', kind: 'List', items: [psp('base', {}), psp('net', { hostNetwork: true, readOnlyRootFilesystem: true })] });
const bobOnly = grantToAll('net').map((o) => (o.kind === 'ClusterRoleBinding' ? { ...o, subjects: [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }] } : o));
const rbacFile = file('rbac.json', { apiVersion: 'v1', kind: 'List', items: [...grantToAll('base'), ...bobOnly] });

const pod = (annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default', ...annotations } },
  spec: {
    hostNetwork: true,
    containers: [
      { name: 'web', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  },
});

const review = (name: string, p: unknown) =>
  file(name, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: name,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      name: 'p',
      namespace: 'team',
      operation: 'CREATE',
      userInfo: { username: 'bob', groups: ['system:authenticated'] },
      object: p,
    },
  });

const cases: { name: string; annotations: Record<string, string>; admitted: boolean }[] = [
  { name: 'allowed AppArmor profiles on both containers', annotations: { [`${APPARMOR}web`]: 'runtime/default', [`${APPARMOR}sidecar`]: 'localhost/k8s-nginx' }, admitted: true },
  { name: 'an unconfined AppArmor profile on one container', annotations: { [`${APPARMOR}web`]: 'runtime/default', [`${APPARMOR}sidecar`]: 'unconfined' }, admitted: false },
  { name: 'an AppArmor profile missing on one container', annotations: { [`${APPARMOR}web`]: 'runtime/default' }, admitted: false },
  { name: 'an unconfined seccomp profile on one container', annotations: { [`${APPARMOR}web`]: 'runtime/default', [`${APPARMOR}sidecar`]: 'runtime/default', [`${SECCOMP}sidecar`]: 'unconfined' }, admitted: false },
];

test('a union of two PSPs: container AppArmor and seccomp annotations are checked as PSP checks them', async () => {
  const converted = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
  assert.equal(converted.code, 0, converted.stderr);
  assert.match(converted.stderr, /requester set: \[base, net\] → decided by \[base, net\] → psp-any-of-base-net/);
  const policies = join(dir, 'converted.yaml');
  writeFileSync(policies, converted.stdout);
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const p = pod(c.annotations);
    const pspCheck = await runCli(['psp', 'check', '--pod', file(`pod-${i}.json`, p), '--psp', pspFile, '--rbac', rbacFile, '--user', 'bob']);
    const admit = await runCli(['admit', '--policy', policies, '--request', review(`review-${i}.json`, p), '-o', 'json']);
    const allowed = (JSON.parse(admit.stdout) as { response: { allowed: boolean } }).response.allowed;
    if ((pspCheck.code === 0) !== c.admitted) failures.push(`${c.name}: psp check exit ${pspCheck.code}, expected ${c.admitted ? 'admitted' : 'refused'}\n${pspCheck.stdout.slice(0, 300)}`);
    if (allowed !== c.admitted) failures.push(`${c.name}: the converted union policy ${allowed ? 'admits' : 'refuses'} it, PSP ${c.admitted ? 'admits' : 'refuses'} it`);
  }
  assert.deepEqual(failures, []);
});
