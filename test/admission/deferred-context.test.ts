// Context entries are loaded when a rule reads them (Kyverno's deferred loading, on by default in v1.10.7
// and v1.12.5: the kyverno chart 3.0.9 and 3.2.6 set --enableDeferredLoading=true, and the CLI's toggle
// defaults to true). An entry whose load fails (a ConfigMap the cluster lacks, a variable that evaluates to
// null) is an error only for a rule that reads it (pkg/engine/context/deferred.go: the loader runs when a
// query matches `(?:\A|\z|\s|[^.0-9A-Za-z])<name>\b`); a rule that never reads it is evaluated as usual.
// Through `podgate apply` (with and without --cluster) and `podgate admit`, under both profiles.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-deferred-context-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

// A dump without the ConfigMap the policies name.
const DUMP = join(dir, 'dump');
write('dump/cluster/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n');

// One rule whose context holds a failing entry; `reads` is the deny key (a read of the entry or not).
const policy = (name: string, entry: string, key: string) =>
  write(
    `policies/${name}.yaml`,
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  validationFailureAction: Enforce
  background: false
  rules:
  - name: no-latest
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
${entry}
    validate:
      message: "no latest tag"
      deny:
        conditions:
          any:
          - key: "${key}"
            operator: Equals
            value: latest
`,
  );
const MISSING_CM = '    - name: registries\n      configMap: {name: registries, namespace: kyverno}';
const NULL_VAR = '    - name: owner\n      variable: {jmesPath: request.object.metadata.labels.owner}';
const TAG = "{{ images.containers.c.tag }}";

const pod = (image: string) =>
  write(`resources/pod-${Math.random().toString(36).slice(2)}.yaml`, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image }] } }));
const review = (image: string) =>
  write(
    `reviews/r-${Math.random().toString(36).slice(2)}.json`,
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        namespace: 'team-a',
        name: 'web',
        operation: 'CREATE',
        userInfo: { username: 'alice' },
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image }] } },
      },
    }),
  );

interface ApplyOut {
  results: { rules: { name: string; status: string; message: string }[] }[];
}

describe('an unread failing context entry does not make the rule an error', () => {
  const cases = [
    { name: 'a ConfigMap missing from the cluster, rule passes', entry: MISSING_CM, cluster: true, image: 'nginx:1.25', status: 'pass' },
    { name: 'a ConfigMap missing from the cluster, rule fails', entry: MISSING_CM, cluster: true, image: 'nginx:latest', status: 'fail' },
    { name: 'a variable evaluating to null, rule passes', entry: NULL_VAR, cluster: false, image: 'nginx:1.25', status: 'pass' },
    { name: 'a variable evaluating to null, rule fails', entry: NULL_VAR, cluster: false, image: 'nginx:latest', status: 'fail' },
  ];
  for (const version of ['1.10', '1.12']) {
    for (const c of cases) {
      test(`apply --kyverno-version ${version}: ${c.name}`, async () => {
        const p = policy(`unread-${c.cluster ? 'cm' : 'var'}`, c.entry, TAG);
        const r = await runCli(['-o', 'json', 'apply', p, '--resource', pod(c.image), '--kyverno-version', version, ...(c.cluster ? ['--cluster', DUMP] : [])]);
        const out = JSON.parse(r.stdout) as ApplyOut;
        assert.deepEqual(
          out.results[0]?.rules.map((x) => x.status),
          [c.status],
          r.stdout,
        );
      });
    }
    test(`admit --kyverno-version ${version}: a pod without the latest tag is allowed though the ConfigMap is missing`, async () => {
      const r = await runCli(['admit', '--policy', policy('unread-cm', MISSING_CM, TAG), '--request', review('nginx:1.25'), '--cluster', DUMP, '--kyverno-version', version]);
      assert.equal(r.code, 0, r.stdout);
    });
  }
});

describe('a read failing context entry is still a rule error', () => {
  for (const version of ['1.10', '1.12']) {
    test(`apply --kyverno-version ${version}: a deny reading the missing ConfigMap`, async () => {
      const p = policy('read-cm', MISSING_CM, '{{ registries.data.allowed }}');
      const r = await runCli(['-o', 'json', 'apply', p, '--resource', pod('nginx:1.25'), '--cluster', DUMP, '--kyverno-version', version]);
      const out = JSON.parse(r.stdout) as ApplyOut;
      assert.deepEqual(out.results[0]?.rules.map((x) => x.status), ['error'], r.stdout);
    });
  }
});
