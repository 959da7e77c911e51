// Admission context from a cluster dump: namespace labels decide namespaceSelector, ConfigMaps feed
// context.configMap, and PolicyExceptions count exactly when the kyverno chart values enable them (and
// only in features.policyExceptions.namespace when set) — through `podgate admit` and `podgate apply`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-admission-context-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

// A dump folder: objects under cluster/, as `migrate run` expects.
const DUMP = join(dir, 'dump');
write(
  'dump/cluster/namespaces.yaml',
  `apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {tier: user}}
---
apiVersion: v1
kind: Namespace
metadata: {name: gpu-operator, labels: {tier: system}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: registries, namespace: kyverno}
data: {allowed: docker.io}
`,
);
const EXCEPTION = write(
  'exceptions/nfd.yaml',
  `apiVersion: kyverno.io/v2alpha1
kind: PolicyException
metadata: {name: nfd, namespace: kyverno}
spec:
  exceptions:
  - policyName: user-no-host-path
    ruleNames: [host-path, autogen-host-path]
  match:
    any:
    - resources: {kinds: [Pod], namespaces: [team-a], names: [nfd-*]}
`,
);
const ENABLED = write('values/enabled.yaml', 'features:\n  policyExceptions:\n    enabled: true\n');
const ENABLED_ELSEWHERE = write('values/elsewhere.yaml', 'features:\n  policyExceptions:\n    enabled: true\n    namespace: policy-exceptions\n');

const POLICY = write(
  'policies/user-no-host-path.yaml',
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: user-no-host-path}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-path
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaceSelector: {matchLabels: {tier: user}}
    validate:
      message: hostPath volumes are not allowed in user namespaces
      pattern: {spec: {=(volumes): [{X(hostPath): "null"}]}}
`,
);
const CM_POLICY = write(
  'policies/registries.yaml',
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: registries}
spec:
  validationFailureAction: Enforce
  rules:
  - name: allowed-registry
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - name: registries
      configMap: {name: registries, namespace: kyverno}
    validate:
      message: "images must come from {{ registries.data.allowed }}"
      pattern: {spec: {containers: [{image: "{{ registries.data.allowed }}/*"}]}}
`,
);

const podObject = (ns: string, name = 'web', image = 'docker.io/nginx') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { containers: [{ name: 'c', image }], volumes: [{ name: 'v', hostPath: { path: '/sys' } }] },
});
const review = (ns: string, name = 'web', image?: string) =>
  write(
    `reviews/${ns}-${name}-${Math.random().toString(36).slice(2)}.json`,
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: ns, name, operation: 'CREATE', userInfo: { username: 'alice' }, object: podObject(ns, name, image) },
    }),
  );
const resource = (ns: string, name = 'web', image?: string) => write(`resources/${ns}-${name}-${Math.random().toString(36).slice(2)}.yaml`, JSON.stringify(podObject(ns, name, image)));

interface Reply {
  response: { allowed: boolean; status?: { message: string } };
}

describe('admit --cluster: namespace labels decide namespaceSelector', () => {
  const cases = [
    { name: 'a user namespace (tier: user) is selected and the hostPath pod denied', ns: 'team-a', cluster: true, allowed: false },
    { name: 'a system namespace (tier: system) is not selected: allowed', ns: 'gpu-operator', cluster: true, allowed: true },
    { name: 'without the dump the namespace has only its name label: not selected, allowed', ns: 'team-a', cluster: false, allowed: true },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await runCli(['admit', '--policy', POLICY, '--request', review(c.ns), ...(c.cluster ? ['--cluster', DUMP] : [])]);
      assert.equal(r.code, c.allowed ? 0 : 1, r.stderr);
      const out = JSON.parse(r.stdout) as Reply;
      assert.equal(out.response.allowed, c.allowed);
      if (!c.allowed) assert.match(out.response.status?.message ?? '', /user-no-host-path:\n {2}host-path: 'validation error: hostPath volumes are not allowed in user namespaces/);
    });
  }
});

describe('apply --cluster: the same namespace labels', () => {
  test('apply reports fail in the user namespace and no result in the system one', async () => {
    const r = await runCli(['-o', 'json', 'apply', POLICY, '--resource', resource('team-a'), '--resource', resource('gpu-operator', 'nfd'), '--cluster', DUMP]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { resource: { namespace: string }; rules: { status: string }[] }[] };
    assert.deepEqual(
      out.results.map((x) => [x.resource.namespace, x.rules.map((y) => y.status)]),
      [
        ['team-a', ['fail']],
        ['gpu-operator', []],
      ],
    );
  });
});

describe('context.configMap from the dump', () => {
  test('admit reads the ConfigMap: an allowed registry passes', async () => {
    const r = await runCli(['admit', '--policy', CM_POLICY, '--request', review('team-a', 'web', 'docker.io/nginx'), '--cluster', DUMP]);
    assert.equal(r.code, 0, r.stdout);
  });
  test('admit reads the ConfigMap: another registry is denied with the ConfigMap value in the message', async () => {
    const r = await runCli(['admit', '--policy', CM_POLICY, '--request', review('team-a', 'web', 'quay.io/nginx'), '--cluster', DUMP]);
    assert.equal(r.code, 1);
    assert.match((JSON.parse(r.stdout) as Reply).response.status?.message ?? '', /images must come from docker.io/);
  });
  test('a ConfigMap missing from the dump is a rule error, which blocks under failurePolicy Fail', async () => {
    const empty = write('empty-dump/cluster/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n');
    const r = await runCli(['admit', '--policy', CM_POLICY, '--request', review('team-a'), '--cluster', join(empty, '..', '..')]);
    assert.equal(r.code, 1);
    const message = ((JSON.parse(r.stdout) as Reply).response.status?.message ?? '').replace(/\s*\n\s*/g, ' ');
    // The entry is loaded when the pattern reads it (deferred loading): that read fails with the load's error.
    assert.match(
      message,
      /allowed-registry: 'variable substitution failed: failed to resolve registries.data.allowed at path \/spec\/containers\/0\/image: failed to retrieve config map for context entry registries: failed to get configmap kyverno\/registries : configmaps "registries" not found'/,
    );
  });
});

describe('PolicyExceptions follow features.policyExceptions', () => {
  const nfd = () => review('team-a', 'nfd-worker');
  test('chart defaults (disabled): the exception protects nothing, the pod is denied, and a warning says so', async () => {
    const r = await runCli(['admit', '--policy', POLICY, '--request', nfd(), '--cluster', DUMP, '--exception', EXCEPTION]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /warning: PolicyException kyverno\/nfd: policy exceptions are disabled \(features.policyExceptions.enabled is false\): Kyverno ignores it, so it protects nothing/);
  });
  test('enabled: the rule is skipped for the excepted pod and it is allowed', async () => {
    const r = await runCli(['admit', '--policy', POLICY, '--request', nfd(), '--cluster', DUMP, '--exception', EXCEPTION, '--kyverno-values', ENABLED]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stderr, '');
  });
  test('enabled: a pod the exception does not select is still denied', async () => {
    const r = await runCli(['admit', '--policy', POLICY, '--request', review('team-a', 'web'), '--cluster', DUMP, '--exception', EXCEPTION, '--kyverno-values', ENABLED]);
    assert.equal(r.code, 1);
  });
  test('restricted to another namespace: the exception in kyverno is ignored, with a warning', async () => {
    const r = await runCli(['admit', '--policy', POLICY, '--request', nfd(), '--cluster', DUMP, '--exception', EXCEPTION, '--kyverno-values', ENABLED_ELSEWHERE]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PolicyException kyverno\/nfd: outside the exception namespace policy-exceptions/);
  });
  test('apply shows the skip with Kyverno’s message', async () => {
    const r = await runCli(['-o', 'json', 'apply', POLICY, '--resource', resource('team-a', 'nfd-worker'), '--cluster', DUMP, '--exception', EXCEPTION, '--kyverno-values', ENABLED]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { rules: { status: string; message: string }[] }[] };
    assert.deepEqual(out.results[0]?.rules.map((x) => [x.status, x.message]), [['skip', 'rule skipped due to policy exception kyverno/nfd']]);
  });
  test('an exception found in the dump counts like one given with --exception', async () => {
    const withEx = join(dir, 'dump-with-exception');
    write('dump-with-exception/cluster/all.yaml', `${'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a, labels: {tier: user}}\n---\n'}${(await import('node:fs')).readFileSync(EXCEPTION, 'utf8')}`);
    const r = await runCli(['admit', '--policy', POLICY, '--request', nfd(), '--cluster', withEx, '--kyverno-values', ENABLED]);
    assert.equal(r.code, 0, r.stdout);
  });
  const bad = [
    { name: 'an --exception file with other kinds', file: () => POLICY, want: /--exception .*kind ClusterPolicy is not a PolicyException/ },
    { name: 'an invalid PolicyException names the field', file: () => write('bad-ex.yaml', 'apiVersion: kyverno.io/v2alpha1\nkind: PolicyException\nmetadata: {name: x, namespace: kyverno}\nspec:\n  exceptions: [{ruleNames: [a]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n'), want: /bad-ex.yaml: document 1: PolicyException kyverno\/x: spec.exceptions\[0\].policyName: Required value/ },
    { name: 'a bad features value', file: () => EXCEPTION, values: () => write('values/bad.yaml', 'features: {policyExceptions: {enabled: "yes"}}\n'), want: /features.policyExceptions.enabled: must be true or false/ },
  ];
  for (const b of bad) {
    test(`usage error: ${b.name}`, async () => {
      const r = await runCli(['admit', '--policy', POLICY, '--request', nfd(), '--exception', b.file(), ...(b.values ? ['--kyverno-values', b.values()] : [])]);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, b.want);
    });
  }
});
