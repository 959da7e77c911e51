// `migrate convert` on seLinux MustRunAs levels, on the user's path: the PSP is converted with the CLI,
// the pod is judged by `psp check` (the PSP engine) and by `admit` with the converted policies, and both
// must give PSP's answer. PSP (kubernetes@release-1.24 pkg/security/podsecuritypolicy/selinux/mustrunas.go
// equalLevels) compares a level's sensitivity (before the first `:`) as written and its categories (after
// it, split on `,`) in any order, duplicates counted; a level without `:` is compared as written. Both
// the single-PSP policy and the union policy (a second PSP granted to bob) are checked.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { grantToAll, grantToUser } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-selinux-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const base = { volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } };
const psps = (level: string) => ({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'mcs' }, spec: { ...base, seLinux: { rule: 'MustRunAs', seLinuxOptions: { type: 'container_t', level } } } },
    // Granted to bob only: his pods are judged by a union policy; spc admits none of the pods below.
    { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'spc' }, spec: { ...base, seLinux: { rule: 'MustRunAs', seLinuxOptions: { type: 'spc_t', level: 's9' } } } },
  ],
});
const rbac = { apiVersion: 'v1', kind: 'List', items: [...grantToAll('mcs'), ...grantToUser('spc', 'bob')] };

const pod = (podLevel: string | undefined, containerLevel: string | undefined) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team' },
  spec: {
    ...(podLevel === undefined ? {} : { securityContext: { seLinuxOptions: { type: 'container_t', level: podLevel } } }),
    containers: [{ name: 'c', image: 'busybox:1.36', ...(containerLevel === undefined ? {} : { securityContext: { seLinuxOptions: { type: 'container_t', level: containerLevel } } }) }],
  },
});

const review = (name: string, user: string, p: unknown) =>
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
      userInfo: { username: user, groups: ['system:authenticated'] },
      object: p,
    },
  });

const cases: { level: string; podLevel?: string; containerLevel?: string; admitted: boolean }[] = [
  { level: 's0:c1,c2', podLevel: 's0:c1,c2', admitted: true },
  { level: 's0:c1,c2', podLevel: 's0:c2,c1', admitted: true },
  { level: 's0:c2,c1', podLevel: 's0:c1,c2', containerLevel: 's0:c2,c1', admitted: true },
  { level: 's0:c1,c2,c3', podLevel: 's0:c3,c1,c2', admitted: true },
  { level: 's0:c1,c2', podLevel: 's0:c1', admitted: false },
  { level: 's0:c1,c2', podLevel: 's0:c1,c2,c2', admitted: false },
  { level: 's0:c1,c1', podLevel: 's0:c1', admitted: false },
  // The sensitivity is compared as written.
  { level: 's0:c1,c2', podLevel: 's1:c2,c1', admitted: false },
  { level: 's0:c1,c2', podLevel: 's0-s0:c1,c2', admitted: false },
  // A container's own level is compared the same way.
  { level: 's0:c1,c2', podLevel: 's0:c1,c2', containerLevel: 's0:c2,c1', admitted: true },
  { level: 's0:c1,c2', podLevel: 's0:c1,c2', containerLevel: 's0:c3,c1', admitted: false },
  // Only what follows the first `:` is split into categories.
  { level: 's0:c1:x,c2', podLevel: 's0:c2,c1:x', admitted: true },
  { level: 's0', podLevel: 's0', admitted: true },
  { level: 's0', podLevel: 's0:', admitted: false },
];

test('seLinux MustRunAs: the converted policies compare levels as PSP does (categories in any order)', async () => {
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const pspFile = file(`psp-${i}.json`, psps(c.level));
    const rbacFile = file(`rbac-${i}.json`, rbac);
    const converted = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
    assert.equal(converted.code, 0, converted.stderr);
    if (/seLinuxOptions\.level/.test(converted.stderr)) failures.push(`PSP level ${c.level}: a level gap is listed although the comparison is exact`);
    const policies = join(dir, `converted-${i}.yaml`);
    writeFileSync(policies, converted.stdout);
    const p = pod(c.podLevel, c.containerLevel);
    const podFile = file(`pod-${i}.json`, p);
    for (const user of ['alice', 'bob']) {
      const what = `${user}: PSP level ${c.level}, pod ${c.podLevel ?? '-'}, container ${c.containerLevel ?? '-'}`;
      const pspCheck = await runCli(['psp', 'check', '--pod', podFile, '--psp', pspFile, '--rbac', rbacFile, '--user', user]);
      const admit = await runCli(['admit', '--policy', policies, '--request', review(`review-${i}-${user}.json`, user, p), '-o', 'json']);
      assert.ok(admit.code === 0 || admit.code === 1, admit.stderr);
      const allowed = (JSON.parse(admit.stdout) as { response: { allowed: boolean } }).response.allowed;
      if ((pspCheck.code === 0) !== c.admitted) failures.push(`${what}: psp check exit ${pspCheck.code}, expected ${c.admitted ? 'admitted' : 'refused'}`);
      if (allowed !== c.admitted) failures.push(`${what}: the converted policy ${allowed ? 'admits' : 'refuses'} it, PSP ${c.admitted ? 'admits' : 'refuses'} it`);
    }
  }
  assert.deepEqual(failures, []);
});
