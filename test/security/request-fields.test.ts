// The whole AdmissionRequest is in the policy context: Kyverno 1.10.7 adds it as `request`
// (pkg/engine/context/context.go AddRequest, called by NewPolicyContextFromAdmissionRequest), so
// `request.subResource`, `request.name`, `request.kind`, `request.uid`, `request.dryRun`… resolve, and on a
// CREATE `request.oldObject` is null. podgate had only object, oldObject, operation, namespace and userInfo:
// `{{ request.subResource || '' }}` was always '', so a rule for `kubectl debug` (pods/ephemeralcontainers)
// was skipped and the debug container admitted where Kyverno denies it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-request-'));
const policy = join(dir, 'request-fields.yaml');
writeFileSync(
  policy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: block-debug
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: no-debug-containers
      match:
        any:
          - resources:
              kinds: [Pod]
      preconditions:
        all:
          - key: "{{ request.subResource || '' }}"
            operator: Equals
            value: ephemeralcontainers
      validate:
        message: "kubectl debug is not allowed ({{ request.kind.kind }} {{ request.name }}, request {{ request.uid }}, dry run {{ request.dryRun }})"
        deny: {}
    - name: new-pods-only
      match:
        any:
          - resources:
              kinds: [Pod]
      preconditions:
        all:
          - key: "{{ request.oldObject || 'none' }}"
            operator: Equals
            value: none
          - key: "{{ request.resource.resource }}"
            operator: Equals
            value: pods
      validate:
        message: "new pods need a team label"
        pattern:
          metadata:
            labels:
              team: "?*"
`,
);

const pod = (ephemeral: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a', labels: { team: 'a' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...(ephemeral ? { ephemeralContainers: [{ name: 'd', image: 'busybox' }] } : {}) },
});

function review(request: Record<string, unknown>): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const base = { uid: 'dbg-7', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, name: 'web', namespace: 'team-a', userInfo: { username: 'mallory' } };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { ...base, ...request } }));
  return f;
}

async function admit(file: string) {
  const r = await runCli(['-o', 'json', 'admit', '--policy', policy, '--request', file]);
  return (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string }; warnings?: string[] } }).response;
}

test('admit: kubectl debug (pods/ephemeralcontainers) is denied by a precondition on request.subResource', async () => {
  const response = await admit(review({ operation: 'UPDATE', subResource: 'ephemeralcontainers', dryRun: false, object: pod(true), oldObject: pod(false) }));
  assert.equal(response.allowed, false, JSON.stringify(response));
  assert.match(response.status?.message ?? '', /no-debug-containers: kubectl debug is not allowed \(Pod web, request dbg-7, dry run\s+false\)/);
});

test('admit: an update of the pod itself is not a debug request, and has an old object', async () => {
  const response = await admit(review({ operation: 'UPDATE', object: pod(false), oldObject: pod(false) }));
  assert.equal(response.allowed, true, JSON.stringify(response));
  assert.deepEqual(response.warnings ?? [], []);
});

test('admit: on CREATE request.oldObject is null and request.resource is set, so the new-pods rule applies', async () => {
  const p = pod(false);
  p.metadata.labels = {} as { team: string };
  const response = await admit(review({ operation: 'CREATE', object: p }));
  assert.equal(response.allowed, false, JSON.stringify(response));
  assert.match(response.status?.message ?? '', /new-pods-only: 'validation error: new pods need a team label/);
});

// Kyverno's admission context always holds serviceAccountName and serviceAccountNamespace (AddServiceAccount,
// called by newJsonContext for every request): '' for a user that is not a service account. podgate left
// them out, so `{{ serviceAccountName }}` was a rule error for people, which a failurePolicy Ignore policy
// lets through: a person created the pods only the CI service account may create.
const saPolicy = join(dir, 'ci-deployer-only.yaml');
writeFileSync(
  saPolicy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ci-deployer-only
spec:
  validationFailureAction: Enforce
  failurePolicy: Ignore
  background: false
  rules:
    - name: deployer
      match:
        any:
          - resources:
              kinds: [Pod]
              namespaces: [ci]
      validate:
        message: "only ci/deployer may create pods in ci, not '{{ serviceAccountNamespace }}/{{ serviceAccountName }}'"
        deny:
          conditions:
            any:
              - key: "{{ serviceAccountName }}"
                operator: NotEquals
                value: deployer
`,
);

for (const c of [
  { username: 'alice', denied: "not '/'" },
  { username: 'system:serviceaccount:ci:other', denied: "not 'ci/other'" },
  { username: 'system:serviceaccount:ci:deployer' },
]) {
  test(`admit: serviceAccountName for ${c.username} ${c.denied ? 'denies' : 'admits'} the pod`, async () => {
    const p = pod(false);
    p.metadata.namespace = 'ci';
    const f = review({ namespace: 'ci', operation: 'CREATE', userInfo: { username: c.username }, object: p });
    const r = await runCli(['-o', 'json', 'admit', '--policy', saPolicy, '--request', f]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string }; warnings?: string[] } }).response;
    assert.equal(response.allowed, c.denied === undefined, JSON.stringify(response));
    if (c.denied) assert.ok(response.status?.message.includes(`deployer: only ci/deployer may create pods in ci, ${c.denied}`), response.status?.message);
  });
}
