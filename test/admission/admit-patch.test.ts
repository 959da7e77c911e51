// `podgate admit` answers as the API server experiences Kyverno: the mutating webhook's JSONPatch
// (patchType JSONPatch, base64 patch) that, applied to the request object, gives the mutated object —
// for strategic merge with anchors, JSON6902 and foreach — and the validating verdict on that object.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-admit-patch-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const policy = (name: string, rule: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  rules:
${rule}`;

const SMP_ANCHORS = file(
  'smp.yaml',
  policy(
    'smp-anchors',
    `  - name: pull-latest
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(team): unassigned
        spec:
          containers:
          - (image): "*:latest"
            imagePullPolicy: Always
`,
  ),
);
const JSON6902 = file(
  'json6902.yaml',
  policy(
    'json6902',
    `  - name: add-annotation-and-env
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchesJson6902: |-
        - op: add
          path: /metadata/annotations
          value: {audited-by: podgate}
        - op: add
          path: /spec/containers/0/env
          value: [{name: TZ, value: UTC}]
`,
  ),
);
const FOREACH = file(
  'foreach.yaml',
  policy(
    'foreach-no-escalation',
    `  - name: no-escalation
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      foreach:
      - list: request.object.spec.containers
        patchStrategicMerge:
          spec:
            containers:
            - name: "{{ element.name }}"
              securityContext:
                allowPrivilegeEscalation: false
`,
  ),
);
const REQUIRE_TEAM = file(
  'require-team.yaml',
  policy(
    'require-team',
    `  - name: team-label
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: a team label is required
      pattern: {metadata: {labels: {team: "?*"}}}
`,
  ).replace('spec:\n', 'spec:\n  validationFailureAction: Enforce\n'),
);

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:latest' },
      { name: 'sidecar', image: 'envoy:1.27' },
    ],
  },
});

const review = (object: unknown) =>
  file(
    `review-${Math.random().toString(36).slice(2)}.json`,
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u-1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        namespace: 'team-a',
        name: 'web',
        operation: 'CREATE',
        userInfo: { username: 'alice' },
        object,
      },
    }),
  );

interface Reply {
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string; status?: { message: string; code: number } };
}

const applyPatch = (object: unknown, patch: string | undefined) => {
  const ops = JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8')) as fastJsonPatch.Operation[];
  return fastJsonPatch.applyPatch(structuredClone(object), ops, true, false).newDocument;
};

const cases: { name: string; policies: string[]; want: (p: ReturnType<typeof pod>) => unknown }[] = [
  {
    name: 'strategic merge with anchors: +() adds the missing label, the (image) condition picks the :latest container only',
    policies: [SMP_ANCHORS],
    want: (p) => {
      Object.assign(p.metadata.labels, { team: 'unassigned' });
      Object.assign(p.spec.containers[0]!, { imagePullPolicy: 'Always' });
      return p;
    },
  },
  {
    name: 'JSON6902 operations',
    policies: [JSON6902],
    want: (p) => {
      Object.assign(p.metadata, { annotations: { 'audited-by': 'podgate' } });
      Object.assign(p.spec.containers[0]!, { env: [{ name: 'TZ', value: 'UTC' }] });
      return p;
    },
  },
  {
    name: 'foreach over the containers',
    policies: [FOREACH],
    want: (p) => {
      for (const c of p.spec.containers) Object.assign(c, { securityContext: { allowPrivilegeEscalation: false } });
      return p;
    },
  },
  {
    name: 'all three policies in order, each on the previous one’s output',
    policies: [SMP_ANCHORS, JSON6902, FOREACH],
    want: (p) => {
      Object.assign(p.metadata.labels, { team: 'unassigned' });
      Object.assign(p.metadata, { annotations: { 'audited-by': 'podgate' } });
      Object.assign(p.spec.containers[0]!, { imagePullPolicy: 'Always', env: [{ name: 'TZ', value: 'UTC' }] });
      for (const c of p.spec.containers) Object.assign(c, { securityContext: { allowPrivilegeEscalation: false } });
      return p;
    },
  },
];

// A mutate rule that cannot be evaluated (an unresolvable variable) in a policy of each failurePolicy.
const BROKEN = (failurePolicy: string) =>
  file(
    `broken-${failurePolicy}.yaml`,
    policy(
      `broken-${failurePolicy.toLowerCase()}`,
      `  - name: copy-owner
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            owner: "{{ request.object.metadata.annotations.owner }}"
`,
    ).replace('spec:\n', `spec:\n  failurePolicy: ${failurePolicy}\n`),
  );

describe('podgate admit returns the mutating webhook patch', () => {
  test('a mutate rule error under failurePolicy Fail: the mutating webhook refuses, with Kyverno’s message', async () => {
    const r = await runCli(['admit', '--policy', BROKEN('Fail'), '--policy', JSON6902, '--request', review(pod())]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status?.message ?? '', /^mutation policy broken-fail error: failed to apply policy broken-fail rules \[copy-owner: .+\]$/);
    assert.equal(out.response.patch, undefined);
    assert.match(r.stderr, /denied by webhook "mutate\.kyverno\.svc-fail"/);
  });

  test('the same error under failurePolicy Ignore: that policy’s changes are dropped, the others’ patch is returned', async () => {
    const object = pod();
    const r = await runCli(['admit', '--policy', BROKEN('Ignore'), '--policy', JSON6902, '--request', review(object)]);
    assert.equal(r.code, 0, r.stdout);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.allowed, true);
    assert.deepEqual(applyPatch(object, out.response.patch), cases[1]!.want(pod()));
  });

  for (const c of cases) {
    test(c.name, async () => {
      const object = pod();
      const r = await runCli(['admit', ...c.policies.flatMap((p) => ['--policy', p]), '--request', review(object)]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Reply;
      assert.equal(out.response.allowed, true);
      assert.equal(out.response.patchType, 'JSONPatch');
      assert.deepEqual(applyPatch(object, out.response.patch), c.want(pod()));
    });
  }

  test('the validation verdict is on the mutated object: the defaulted team label satisfies require-team', async () => {
    const object = pod();
    const r = await runCli(['admit', '--policy', SMP_ANCHORS, '--policy', REQUIRE_TEAM, '--request', review(object)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.allowed, true);
    assert.equal((applyPatch(object, out.response.patch) as { metadata: { labels: Record<string, string> } }).metadata.labels.team, 'unassigned');
  });

  test('a denied request carries the denial and no patch', async () => {
    const r = await runCli(['admit', '--policy', JSON6902, '--policy', REQUIRE_TEAM, '--request', review(pod())]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status?.message ?? '', /require-team:\n {2}team-label: 'validation error: a team label is required/);
    assert.equal(out.response.patch, undefined);
    assert.equal(out.response.patchType, undefined);
  });

  test('an object the policies leave unchanged gets no patch', async () => {
    const object = pod();
    object.spec.containers = [{ name: 'app', image: 'nginx:1.25' }];
    Object.assign(object.metadata.labels, { team: 'a' });
    const r = await runCli(['admit', '--policy', SMP_ANCHORS, '--request', review(object)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.patch, undefined);
    assert.equal(out.response.patchType, undefined);
  });

  test('-o yaml prints the same response as YAML', async () => {
    const req = review(pod());
    const json = await runCli(['admit', '--policy', FOREACH, '--request', req]);
    const yaml = await runCli(['-o', 'yaml', 'admit', '--policy', FOREACH, '--request', req]);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.ok(!yaml.stdout.trimStart().startsWith('{'));
    assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));
  });

  test('-o table prints one kubectl-style row: uid, allowed, whether a patch was made, message', async () => {
    const r = await runCli(['-o', 'table', 'admit', '--policy', FOREACH, '--request', review(pod())]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^UID +ALLOWED +PATCHED +MESSAGE\n/);
    assert.match(r.stdout, /\n\S+ +yes +yes/);
  });
});
