// Image references as Kyverno 1.10.7 reads them into the `images` variable (pkg/utils/image/infos.go,
// GetImageInfo and addDefaultRegistry): the first path component is the registry when it holds a `.` or a
// `:`, is `localhost`, or is not all lower-case. `Registry/nginx` is pulled from the host `Registry` by the
// container runtime (the same rule in distribution's splitDockerDomain), and Kyverno names that registry,
// so a registry allow-list denies it; podgate read it as docker.io and admitted it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-image-'));
const policy = join(dir, 'allowed-registries.yaml');
writeFileSync(
  policy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: allowed-registries
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: registries
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: images must come from docker.io or ghcr.io
        deny:
          conditions:
            any:
              - key: "{{ images.containers.*.registry }}"
                operator: AnyNotIn
                value: [docker.io, ghcr.io]
`,
);

function review(image: string): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image }] } };
  const request = { uid: 'img-1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'team-a', operation: 'CREATE', userInfo: { username: 'mallory' }, object: pod };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  return f;
}

const cases: { image: string; allowed: boolean }[] = [
  { image: 'nginx', allowed: true },
  { image: 'library/nginx:1.25', allowed: true },
  { image: 'ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', allowed: true },
  { image: 'registry.evil/nginx', allowed: false },
  // An upper-case first component is a host name, not a docker.io repository.
  { image: 'Registry/nginx', allowed: false },
  { image: 'LOCALHOST/x:1', allowed: false },
  { image: 'eVil/team/app:v1', allowed: false },
];

for (const c of cases) {
  test(`admit --policy: a registry allow-list ${c.allowed ? 'admits' : 'denies'} ${c.image}`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--policy', policy, '--request', review(c.image)]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, c.allowed, response.status?.message);
    assert.equal(r.code, c.allowed ? 0 : 1);
    if (!c.allowed) assert.match(response.status?.message ?? '', /registries: images must come from docker\.io or ghcr\.io/);
  });
}

// Kyverno 1.10.7 builds the `images` variable for every admission request (NewPolicyContextFromAdmissionRequest
// → AddImageInfos) and answers a request whose image distribution/reference cannot parse with the error
// (pkg/webhooks/resource/handlers.go: `failed create policy context: …`), whatever its policies say.
// podgate evaluated such a pod and, with the chart's baseline policies, admitted it.
const baseline = new URL('./testdata/baseline-enforce-values.yaml', import.meta.url).pathname;

function reviewOf(object: Record<string, unknown>, operation = 'CREATE', resource = 'pods', group = ''): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const kind = { group, version: 'v1', kind: object.kind };
  const objects = operation === 'DELETE' ? { oldObject: object } : { object };
  const request = { uid: 'img-2', kind, resource: { group, version: 'v1', resource }, name: 'p', namespace: 'team-a', operation, userInfo: { username: 'mallory' }, ...objects };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  return f;
}
const podWith = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' }, spec: { initContainers: [{ name: 'i', image: 'busybox' }], containers: [{ name: 'c', image }] } });
const PREFIX = 'failed create policy context: failed to add image information to the policy rule context: ';

const unparseable: { image: string; error: string }[] = [
  { image: 'Nginx', error: "invalid image 'Nginx' (bad image: docker.io/Nginx, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase)" },
  { image: 'nginx:bad tag', error: "invalid image 'nginx:bad tag' (bad image: docker.io/nginx:bad tag, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format)" },
  { image: `nginx@md5:${'0'.repeat(32)}`, error: `invalid image 'nginx@md5:${'0'.repeat(32)}' (bad image: docker.io/nginx@md5:${'0'.repeat(32)}, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: unsupported digest algorithm)` },
  { image: `nginx@sha256:${'A'.repeat(64)}`, error: `invalid image 'nginx@sha256:${'A'.repeat(64)}' (bad image: docker.io/nginx@sha256:${'A'.repeat(64)}, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid checksum digest format)` },
];

for (const c of unparseable) {
  test(`admit --chart-values: a pod with the image ${JSON.stringify(c.image.slice(0, 24))} is refused as Kyverno refuses it`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--chart-values', baseline, '--request', reviewOf(podWith(c.image))]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, false);
    assert.equal(response.status?.message, PREFIX + c.error);
    assert.equal(r.code, 1);
  });
}

test('admit --chart-values: a Deployment whose template has an unparseable image is refused too', async () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'p', namespace: 'team-a' }, spec: { selector: {}, template: { metadata: {}, spec: podWith('Nginx').spec } } };
  const r = await runCli(['-o', 'json', 'admit', '--chart-values', baseline, '--request', reviewOf(deployment, 'CREATE', 'deployments', 'apps')]);
  const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
  assert.equal(response.allowed, false);
  assert.match(response.status?.message ?? '', /^failed create policy context: .*invalid image 'Nginx'/);
});

test('admit --chart-values: valid images and the DELETE of a pod with an unparseable image are not refused for it', async () => {
  for (const file of [reviewOf(podWith('nginx:1.25')), reviewOf(podWith('Registry/app:v1')), reviewOf(podWith('Nginx'), 'DELETE')]) {
    const r = await runCli(['-o', 'json', 'admit', '--chart-values', baseline, '--request', file]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, true, response.status?.message);
  }
});

test('admit --mode audit: the refusal is a warning', async () => {
  const r = await runCli(['-o', 'json', 'admit', '--chart-values', baseline, '--mode', 'audit', '--request', reviewOf(podWith('Nginx'))]);
  const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; warnings?: string[] } }).response;
  assert.equal(response.allowed, true);
  assert.deepEqual(response.warnings, [PREFIX + unparseable[0]!.error]);
});

// Whether Kyverno answers with the context error depends only on whether one of its webhooks is called for
// the request and builds the context, not on what its policies would select. kyverno@v1.10.7: the validating
// webhooks are registered for the kinds of every policy with validate, generate or image-check rules (any
// namespace, any operation: the webhook rules list CREATE, UPDATE, DELETE and CONNECT) and their handler builds
// the context before looking at a policy; the mutating handler builds it when the policy cache has a mutate or
// verifyImages policy for the kind (cluster policies, and namespaced ones of the request's namespace).
// podgate narrowed by the policies' namespaces and operations and looked at validate rules only, so a pod
// with an unparseable image passed where Kyverno refuses it.
describe('admit: the context error follows the webhooks Kyverno would call', () => {
  const rule = (extra: Record<string, unknown>, resources: Record<string, unknown> = {}) => ({ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], ...resources } }] }, ...extra });
  const validate = { validate: { message: 'no', pattern: { metadata: { labels: { team: '?*' } } } } };
  const mutate = { mutate: { patchStrategicMerge: { metadata: { labels: { seen: 'yes' } } } } };
  const generate = { generate: { apiVersion: 'v1', kind: 'ConfigMap', name: 'gen', namespace: '{{request.object.metadata.namespace}}', data: { data: { a: 'b' } } } };
  const policyFile = (name: string, rules: Record<string, unknown>[], namespace?: string, kinds = 'ClusterPolicy') => {
    const f = join(dir, `${name}.json`);
    const metadata = namespace ? { name, namespace } : { name };
    writeFileSync(f, JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: kinds, metadata, spec: { validationFailureAction: 'Audit', background: false, rules } }));
    return f;
  };
  const cases: { name: string; policy: () => string; refused: boolean }[] = [
    { name: 'a generate-only policy for pods', policy: () => policyFile('ctx-generate', [rule(generate)]), refused: true },
    { name: 'a validate policy for pods of another namespace', policy: () => policyFile('ctx-other-ns', [rule(validate, { namespaces: ['prod'] })]), refused: true },
    { name: 'a namespaced validate Policy of another namespace', policy: () => policyFile('ctx-ns-policy', [rule(validate)], 'prod', 'Policy'), refused: true },
    { name: 'a validate policy for UPDATE only', policy: () => policyFile('ctx-update-only', [rule(validate, { operations: ['UPDATE'] })]), refused: true },
    { name: 'a mutate policy for pods of another namespace', policy: () => policyFile('ctx-mutate-other-ns', [rule(mutate, { namespaces: ['prod'] })]), refused: true },
    { name: 'a namespaced mutate Policy of another namespace', policy: () => policyFile('ctx-mutate-ns-policy', [rule(mutate)], 'prod', 'Policy'), refused: false },
    {
      name: 'a validate policy for Services only',
      policy: () => policyFile('ctx-services', [{ name: 'r', match: { any: [{ resources: { kinds: ['Service'] } }] }, ...validate }]),
      refused: false,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.refused ? 'refused' : 'not refused for the image'}`, async () => {
      const r = await runCli(['-o', 'json', 'admit', '--policy', c.policy(), '--request', reviewOf(podWith('Nginx'))]);
      const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
      assert.equal(response.allowed, !c.refused, response.status?.message ?? r.stderr);
      if (c.refused) assert.equal(response.status?.message, PREFIX + unparseable[0]!.error);
    });
  }
});

// Kyverno 1.12 registers its webhooks for the operations its rules select (match operations; every operation
// when a rule names none), not for all of them as 1.10 does (kyverno PR #8437, milestone 1.12.0). A pod created
// while the only rules for pods select UPDATE or DELETE is never sent to Kyverno 1.12, so its unparseable
// image is not refused; podgate (--kyverno-version 1.12) refused it as 1.10 would.
describe('admit --kyverno-version 1.12: the context error follows the operations the webhooks are registered for', () => {
  const validate = { validate: { message: 'no', pattern: { metadata: { labels: { team: '?*' } } } } };
  const mutate = { mutate: { patchStrategicMerge: { metadata: { labels: { seen: 'yes' } } } } };
  const policyFile = (name: string, rule: Record<string, unknown>, operations?: string[]) => {
    const f = join(dir, `ops-${name}.json`);
    const resources = { kinds: ['Pod'], ...(operations ? { operations } : {}) };
    writeFileSync(f, JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Audit', background: false, rules: [{ name: 'r', match: { any: [{ resources }] }, ...rule }] } }));
    return f;
  };
  const cases: { name: string; policy: () => string; version: string; operation: string; refused: boolean }[] = [
    { name: 'a validate rule for UPDATE only, a CREATE', policy: () => policyFile('v-update', validate, ['UPDATE']), version: '1.12', operation: 'CREATE', refused: false },
    { name: 'a validate rule for DELETE only, a CREATE', policy: () => policyFile('v-delete', validate, ['DELETE']), version: '1.12', operation: 'CREATE', refused: false },
    { name: 'a mutate rule for UPDATE only, a CREATE', policy: () => policyFile('m-update', mutate, ['UPDATE']), version: '1.12', operation: 'CREATE', refused: false },
    { name: 'a validate rule for UPDATE only, an UPDATE', policy: () => policyFile('v-update', validate, ['UPDATE']), version: '1.12', operation: 'UPDATE', refused: true },
    { name: 'a validate rule naming no operation, a CREATE', policy: () => policyFile('v-any', validate), version: '1.12', operation: 'CREATE', refused: true },
    { name: 'a mutate rule naming no operation, a CREATE', policy: () => policyFile('m-any', mutate), version: '1.12', operation: 'CREATE', refused: true },
    // 1.10 registers every operation whatever the rules select.
    { name: 'a validate rule for UPDATE only, a CREATE (1.10)', policy: () => policyFile('v-update', validate, ['UPDATE']), version: '1.10', operation: 'CREATE', refused: true },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.refused ? 'refused' : 'not refused for the image'}`, async () => {
      const pod = podWith('Nginx');
      const r = await runCli(['-o', 'json', 'admit', '--kyverno-version', c.version, '--policy', c.policy(), '--request', reviewOf(pod, c.operation)]);
      const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
      assert.equal(response.allowed, !c.refused, response.status?.message ?? r.stderr);
      if (c.refused) assert.equal(response.status?.message, PREFIX + unparseable[0]!.error);
    });
  }
});

// Session 8: the API server sends the validating webhook the object as the mutating webhook's patch left it,
// and Kyverno builds the validating context from that object. A mutate policy that writes an image Kyverno
// cannot parse (here a tag appended to images that already have one) had the pod refused by Kyverno's validating webhook;
// `admit` (and shadow mode) checked the image of the object as sent, before mutation, and admitted it.
test('admit: an image made unparseable by a mutate policy is refused by the validating webhook, as in the API server', async () => {
  const f = join(dir, 'rewrite-registry.json');
  const rules = [
    { name: 'rewrite', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { foreach: [{ list: 'request.object.spec.containers', patchStrategicMerge: { spec: { containers: [{ name: '{{ element.name }}', image: '{{ element.image }}:latest' }] } } }] } },
    { name: 'labelled', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'no', pattern: { metadata: { name: '?*' } } } },
  ];
  writeFileSync(f, JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'rewrite-registry' }, spec: { validationFailureAction: 'Enforce', background: false, rules } }));
  const r = await runCli(['-o', 'json', 'admit', '--policy', f, '--request', reviewOf(podWith('nginx:1.25'))]);
  const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
  assert.equal(response.allowed, false, r.stdout);
  assert.match(response.status?.message ?? '', /^failed create policy context: failed to add image information to the policy rule context: invalid image 'nginx:1\.25:latest'/);
  // An image without a tag gets a valid one, and the pod is admitted.
  const plain = await runCli(['-o', 'json', 'admit', '--policy', f, '--request', reviewOf(podWith('nginx'))]);
  assert.equal(plain.code, 0, plain.stdout);
});
