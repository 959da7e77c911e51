// Subresource requests through `podgate admit`: a request for `deployments/scale` (whose `kind` is the
// autoscaling/v1 Scale it carries) is matched as the parent resource's kind plus the subresource, as
// Kyverno 1.10.7 does, so `Deployment/scale`, `StatefulSet/scale`, `*/scale`, `Pod/ephemeralcontainers`
// and `*/ephemeralcontainers` select it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-subresource-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const denyPolicy = (name: string, kinds: string[], key: string, value: unknown) =>
  file(`${name}.json`, {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name },
    spec: {
      validationFailureAction: 'Enforce',
      background: false,
      rules: [
        {
          name: 'check',
          match: { any: [{ resources: { kinds } }] },
          validate: { message: `${name} denied`, deny: { conditions: { any: [{ key, operator: 'GreaterThan', value }] } } },
        },
      ],
    },
  });

const scaleReview = (resource: string, replicas: number) =>
  file(`${resource}-scale-${replicas}.json`, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource },
      subResource: 'scale',
      requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      name: 'web',
      namespace: 'default',
      operation: 'UPDATE',
      userInfo: { username: 'alice' },
      object: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas } },
      oldObject: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1 } },
    },
  });

const ephemeralReview = (subResource: string | undefined) =>
  file(`pod-${subResource ?? 'main'}.json`, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u2',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      ...(subResource ? { subResource } : {}),
      name: 'p',
      namespace: 'default',
      operation: 'UPDATE',
      userInfo: { username: 'alice' },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } },
      oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });

const maxReplicas = (kinds: string[]) => denyPolicy(`max-replicas-${kinds.join('-').replace(/[^a-z]/gi, '')}`.toLowerCase(), kinds, '{{ request.object.spec.replicas }}', 3);
const noDebug = (kinds: string[]) =>
  denyPolicy(`no-debug-${kinds.join('-').replace(/[^a-z]/gi, '')}`.toLowerCase(), kinds, '{{ length(request.object.spec.ephemeralContainers || `[]`) }}', 0);

async function allowed(policy: string, review: string): Promise<boolean> {
  const r = await runCli(['admit', '--policy', policy, '--request', review]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { response: { allowed: boolean } }).response.allowed;
}

const cases = [
  { name: 'Deployment/scale denies a deployments/scale request', policy: () => maxReplicas(['Deployment/scale']), review: () => scaleReview('deployments', 5), allowed: false },
  { name: 'Deployment/scale lets a small deployments/scale request through', policy: () => maxReplicas(['Deployment/scale']), review: () => scaleReview('deployments', 2), allowed: true },
  { name: 'Deployment/scale does not select statefulsets/scale', policy: () => maxReplicas(['Deployment/scale']), review: () => scaleReview('statefulsets', 5), allowed: true },
  { name: 'StatefulSet/scale selects statefulsets/scale', policy: () => maxReplicas(['StatefulSet/scale']), review: () => scaleReview('statefulsets', 5), allowed: false },
  { name: '*/scale selects any kind with a scale subresource', policy: () => maxReplicas(['*/scale']), review: () => scaleReview('statefulsets', 5), allowed: false },
  { name: 'Scale (the request kind) does not select a scale request', policy: () => maxReplicas(['Scale']), review: () => scaleReview('deployments', 5), allowed: true },
  { name: 'a bare Deployment does not select its scale subresource', policy: () => maxReplicas(['Deployment']), review: () => scaleReview('deployments', 5), allowed: true },
  { name: 'Pod/ephemeralcontainers selects the ephemeralcontainers request', policy: () => noDebug(['Pod/ephemeralcontainers']), review: () => ephemeralReview('ephemeralcontainers'), allowed: false },
  { name: '*/ephemeralcontainers selects the ephemeralcontainers request', policy: () => noDebug(['*/ephemeralcontainers']), review: () => ephemeralReview('ephemeralcontainers'), allowed: false },
  { name: '*/ephemeralcontainers does not select a plain Pod update', policy: () => noDebug(['*/ephemeralcontainers']), review: () => ephemeralReview(undefined), allowed: true },
  { name: 'a bare Pod still selects ephemeralcontainers requests', policy: () => noDebug(['Pod']), review: () => ephemeralReview('ephemeralcontainers'), allowed: false },
];

describe('podgate admit on subresource requests', () => {
  for (const c of cases) {
    test(c.name, async () => {
      assert.equal(await allowed(c.policy(), c.review()), c.allowed);
    });
  }
});

// podgate's webhook configurations (`podgate certs`) register pods, pods/ephemeralcontainers and the pod
// controllers for CREATE and UPDATE; Kyverno registers whatever its policies select. A rule for pods/exec,
// deployments/scale, a Service or DELETE is answered by `admit` (Kyverno's verdict) but the API server never
// sends podgate such a request, so in the cluster the rule decides nothing, and nothing said so.
describe('rules podgate\'s webhook registration never receives are named when the policies load', () => {
  const policyOf = (name: string, resources: Record<string, unknown>) =>
    file(`${name}.json`, {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name },
      spec: { validationFailureAction: 'Enforce', background: false, rules: [{ name: 'r', match: { any: [{ resources }] }, validate: { message: 'no', deny: {} } }] },
    });
  const cases: { name: string; resources: Record<string, unknown>; warned: RegExp | undefined }[] = [
    { name: 'pod-exec', resources: { kinds: ['Pod/exec'] }, warned: /policy pod-exec rule r selects Pod\/exec, which podgate's webhook configurations never send/ },
    { name: 'scale', resources: { kinds: ['Deployment/scale'] }, warned: /policy scale rule r selects Deployment\/scale, which/ },
    { name: 'services', resources: { kinds: ['Service'] }, warned: /policy services rule r selects Service, which/ },
    { name: 'deletes', resources: { kinds: ['Pod'], operations: ['DELETE'] }, warned: /policy deletes rule r selects DELETE, which/ },
    { name: 'pods', resources: { kinds: ['Pod'] }, warned: undefined },
    { name: 'ephemeral', resources: { kinds: ['Pod/ephemeralcontainers'] }, warned: undefined },
    { name: 'everything', resources: { kinds: ['*'] }, warned: undefined },
    { name: 'mixed', resources: { kinds: ['Pod', 'Service'] }, warned: undefined },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.warned ? 'a warning' : 'no warning'}`, async () => {
      const r = await runCli(['admit', '--policy', policyOf(c.name, c.resources), '--request', ephemeralReview(undefined)]);
      if (c.warned) assert.match(r.stderr, c.warned);
      else assert.doesNotMatch(r.stderr, /never send/);
    });
  }
});
