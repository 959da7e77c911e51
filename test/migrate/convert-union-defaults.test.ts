// `migrate convert` for a requester who may use two PSPs that both fill in defaults. PSP applies the
// defaults of the PSP it picks (the first by name that admits the pod unchanged, else the first that
// admits it after its own defaults: kubernetes@release-1.24 admission.go computeSecurityContext), and
// checks each PSP against the pod as its own defaults leave it. One PSP's defaults must never make another
// admit a pod that neither admits (a security regression). On the user's path: convert, `psp check`,
// `admit`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { grantToAll, grantToUser } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-union-defaults-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};
const base = { volumes: ['*'], seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } };
const apparmor = (withDefault: boolean) => ({
  'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
  ...(withDefault ? { 'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default' } : {}),
});
// Both fill in a user. `a-restricted` also fills in an AppArmor profile but refuses the host network;
// `b-hostnet` allows the host network but fills in no AppArmor profile.
const pspFile = file('psps.json', {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'a-restricted', annotations: apparmor(true) }, spec: { ...base, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } } },
    { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'b-hostnet', annotations: apparmor(false) }, spec: { ...base, hostNetwork: true, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } } },
  ],
});
const rbacFile = file('rbac.json', { apiVersion: 'v1', kind: 'List', items: [...grantToAll('a-restricted'), ...grantToUser('b-hostnet', 'bob')] });
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36' }] } };
const review = file('review.json', {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'p',
    namespace: 'team',
    operation: 'CREATE',
    userInfo: { username: 'bob', groups: ['system:authenticated'] },
    object: pod,
  },
});

test('a union of two defaulting PSPs: the policy admits only what one PSP admits with its own defaults', async () => {
  const converted = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
  assert.equal(converted.code, 0, converted.stderr);
  const policies = join(dir, 'converted.yaml');
  writeFileSync(policies, converted.stdout);
  const pspCheck = await runCli(['psp', 'check', '--pod', file('pod.json', pod), '--psp', pspFile, '--rbac', rbacFile, '--user', 'bob']);
  assert.equal(pspCheck.code, 1, 'PSP refuses: a-restricted refuses the host network, b-hostnet wants an AppArmor profile');
  const admit = await runCli(['admit', '--policy', policies, '--request', review, '-o', 'json']);
  const response = (JSON.parse(admit.stdout) as { response: { allowed: boolean } }).response;
  assert.equal(response.allowed, false, "a-restricted's AppArmor default must not make b-hostnet admit the pod");
  assert.doesNotMatch(converted.stderr, /policy selection/, 'the choice of defaults is exact: nothing to list');
});

test('a union of two defaulting PSPs: the pod gets the defaults of the PSP that admits it, and only those', async () => {
  const converted = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
  assert.equal(converted.code, 0, converted.stderr);
  const policies = join(dir, 'converted-2.yaml');
  writeFileSync(policies, converted.stdout);
  // With its own AppArmor profile the host-network pod is admitted by b-hostnet (a-restricted still refuses
  // the host network): PSP fills in b-hostnet's user and nothing of a-restricted's.
  const annotated = { ...pod, metadata: { ...pod.metadata, annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default' } } };
  const pspCheck = await runCli(['psp', 'check', '--pod', file('pod-2.json', annotated), '--psp', pspFile, '--rbac', rbacFile, '--user', 'bob']);
  assert.equal(pspCheck.code, 0, pspCheck.stdout + pspCheck.stderr);
  assert.match(pspCheck.stdout, /b-hostnet/);
  const req = JSON.parse(readFileSync(review, 'utf8')) as { request: { object: unknown } };
  req.request.object = annotated;
  const admit = await runCli(['admit', '--policy', policies, '--request', file('review-2.json', req), '-o', 'json']);
  const response = (JSON.parse(admit.stdout) as { response: { allowed: boolean; patch?: string } }).response;
  assert.equal(response.allowed, true, admit.stdout);
  const patch = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as { op: string; path: string; value?: unknown }[];
  const patched = structuredClone(annotated) as { spec: { containers: { securityContext?: unknown }[] } };
  assert.deepEqual(
    patch.map((p) => p.path),
    ['/spec/containers/0/securityContext'],
    JSON.stringify(patch),
  );
  patched.spec.containers[0]!.securityContext = patch[0]!.value;
  assert.deepEqual(patched.spec.containers[0]!.securityContext, { runAsUser: 1000 });
});

