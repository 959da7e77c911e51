// Two configMap context entries under one name: cluster-wide defaults, then the namespace's own ConfigMap.
// Kyverno (v1.10.7 and v1.12.5) adds a configMap entry with AddContextEntry, a JSON merge into what the
// name already holds, so a key the namespace's ConfigMap does not set keeps the cluster-wide value; only
// a `variable` entry replaces the name whole (ReplaceContextEntry). Through `podgate admit` and `apply`
// with a cluster dump: a pod Kyverno denies must not be admitted.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-context-names-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const DUMP = join(dir, 'dump');
write(
  'dump/cluster/objects.yaml',
  `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: registries, namespace: kyverno}
data: {blocked: quay.io, allowed: docker.io}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: registries, namespace: team-a}
data: {allowed: ghcr.io}
`,
);

// The entry of the second ConfigMap is either another rule entry or the foreach's own.
const policy = (where: 'rule' | 'foreach') => {
  const nsEntry = '{name: registries, configMap: {name: registries, namespace: "{{ request.object.metadata.namespace }}"}}';
  const deny = `deny: {conditions: {any: [{key: "{{ registries.data.blocked || 'none' }}", operator: Equals, value: "{{ split(element.image, '/')[0] }}"}]}}`;
  return write(
    `policies/${where}.yaml`,
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: blocked-registries}
spec:
  validationFailureAction: Enforce
  rules:
  - name: blocked
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - {name: registries, configMap: {name: registries, namespace: kyverno}}
${where === 'rule' ? `    - ${nsEntry}\n` : ''}    validate:
      message: "registry {{ registries.data.blocked }} is blocked"
      foreach:
      - list: request.object.spec.containers
${where === 'foreach' ? `        context:\n        - ${nsEntry}\n` : ''}        ${deny}
`,
  );
};

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'quay.io/nginx' }] } };
const REVIEW = write(
  'review.json',
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'team-a', name: 'web', operation: 'CREATE', userInfo: { username: 'alice' }, object: pod },
  }),
);
const RESOURCE = write('pod.json', JSON.stringify(pod));

describe('configMap entries sharing a name merge, as in Kyverno', () => {
  for (const where of ['rule', 'foreach'] as const) {
    test(`admit: the namespace ConfigMap (${where} context) keeps the cluster-wide blocked registry: denied`, async () => {
      const r = await runCli(['admit', '--policy', policy(where), '--request', REVIEW, '--cluster', DUMP]);
      const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
      assert.equal(response.allowed, false, r.stdout + r.stderr);
      assert.match(response.status?.message ?? '', /blocked: 'validation failure: registry quay.io is blocked'/);
      assert.equal(r.code, 1);
    });
    test(`apply: the same rule fails (${where} context)`, async () => {
      const r = await runCli(['-o', 'json', 'apply', policy(where), '--resource', RESOURCE, '--cluster', DUMP]);
      const out = JSON.parse(r.stdout) as { results: { rules: { status: string; message: string }[] }[] };
      assert.deepEqual(out.results[0]?.rules.map((x) => x.status), ['fail'], r.stdout + r.stderr);
      assert.equal(r.code, 1);
    });
  }
});
