// `{{@}}` through `podgate admit`: a mutate patch that writes `mirror.io/{{@}}` into each image and a label
// `zone-{{@}}` under the dashed key `deploy-zone` reads the request object at the same path, so the
// validation that runs on the mutated object (admit applies mutations first, as the API server's mutating
// webhook call does) sees the rewritten values.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-self-path-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};
const match = { any: [{ resources: { kinds: ['Pod'] } }] };
const mutate = file('mirror.json', {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'mirror' },
  spec: {
    rules: [
      {
        name: 'mirror-images',
        match,
        mutate: { patchStrategicMerge: { metadata: { labels: { 'deploy-zone': 'zone-{{@}}' } }, spec: { containers: [{ '(name)': '*', image: 'mirror.io/{{@}}' }] } } },
      },
    ],
  },
});
const validate = file('require-mirror.json', {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'require-mirror' },
  spec: {
    validationFailureAction: 'Enforce',
    rules: [{ name: 'mirror-only', match, validate: { message: 'images come from mirror.io, zones are zone-*', pattern: { metadata: { labels: { 'deploy-zone': 'zone-*' } }, spec: { containers: [{ image: 'mirror.io/*' }] } } } }],
  },
});
const review = file('review.json', {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    name: 'web',
    namespace: 'apps',
    operation: 'CREATE',
    userInfo: { username: 'alice' },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps', labels: { 'deploy-zone': 'eu-1' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
  },
});

test('admit: {{@}} in a mutate patch reads the object at the same path, so the mutated pod passes validation', async () => {
  const r = await runCli(['admit', '--policy', mutate, '--policy', validate, '--request', review]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((JSON.parse(r.stdout) as { response: { allowed: boolean } }).response.allowed, true);
});

test('admit: without the mutation the same pod is denied (the test can fail)', async () => {
  const r = await runCli(['admit', '--policy', validate, '--request', review]);
  assert.equal(r.code, 1);
  assert.equal((JSON.parse(r.stdout) as { response: { allowed: boolean } }).response.allowed, false);
});
