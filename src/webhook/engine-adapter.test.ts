import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionRequest } from '../kube/index.js';
import type { Policy } from '../kyverno/index.js';
import { createKyvernoEngine, loadPolicyFiles } from './engine-adapter.js';

const data = (f: string) => new URL(`./testdata/${f}`, import.meta.url).pathname;

function policies(): Policy[] {
  const loaded = loadPolicyFiles([data('mutate-defaults.yaml'), data('require-run-as-non-root.yaml')]);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.join('\n'));
  const require = loaded.policies.find((p) => p.name === 'require-run-as-non-root')!;
  return [...loaded.policies, { ...require, name: 'require-run-as-non-root-ignore', failurePolicy: 'Ignore' }];
}

const request = (operation: AdmissionRequest['operation'], securityContext?: Record<string, unknown>): AdmissionRequest => {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(securityContext ? { securityContext } : {}) } };
  return {
    uid: 'u1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'team-a',
    name: 'web',
    operation,
    userInfo: { username: 'alice' },
    ...(operation === 'DELETE' ? { oldObject: object } : { object }),
  } as AdmissionRequest;
};

const validateCases: { name: string; failurePolicy?: 'Fail' | 'Ignore'; want: string[] }[] = [
  { name: 'without a failurePolicy every validate policy is evaluated', want: ['require-run-as-non-root', 'require-run-as-non-root-ignore'] },
  { name: 'the Fail webhook evaluates only failurePolicy Fail policies', failurePolicy: 'Fail', want: ['require-run-as-non-root'] },
  { name: 'the Ignore webhook evaluates only failurePolicy Ignore policies', failurePolicy: 'Ignore', want: ['require-run-as-non-root-ignore'] },
];

for (const c of validateCases) {
  test(c.name, () => {
    const answer = createKyvernoEngine(policies()).validate(request('CREATE'), c.failurePolicy);
    assert.deepEqual(
      answer.results.map((r) => r.policy.name),
      c.want,
    );
  });
}

const mutationCases: { name: string; applyMutations?: boolean; want: string[] }[] = [
  { name: 'validation sees the object as sent (the mutating webhook already ran): runAsNonRoot missing fails', want: ['fail', 'fail'] },
  { name: 'with applyMutations, validation sees the object as mutated: the defaulted runAsNonRoot passes', applyMutations: true, want: ['pass', 'pass'] },
];

for (const c of mutationCases) {
  test(c.name, () => {
    const answer = createKyvernoEngine(policies()).validate(request('CREATE'), undefined, c.applyMutations === undefined ? undefined : { applyMutations: c.applyMutations });
    assert.deepEqual(
      answer.results.flatMap((r) => r.rules.map((x) => x.status)),
      c.want,
    );
  });
}

const mutateCases: { name: string; request: AdmissionRequest; want: string[] }[] = [
  { name: 'a CREATE missing the defaults gets a patch adding them', request: request('CREATE'), want: ['/metadata/labels', '/spec/securityContext'] },
  { name: 'a CREATE that already sets runAsNonRoot gets only the label', request: request('CREATE', { runAsNonRoot: false }), want: ['/metadata/labels'] },
  { name: 'a DELETE is never mutated', request: request('DELETE'), want: [] },
];

for (const c of mutateCases) {
  test(c.name, () => {
    const patch = createKyvernoEngine(policies()).mutate?.(c.request) ?? [];
    assert.deepEqual(
      patch.map((op) => op.path),
      c.want,
    );
  });
}

test('a policy set without mutate rules answers /mutate with no patch', () => {
  const validateOnly = policies().filter((p) => p.name !== 'add-defaults');
  assert.deepEqual(createKyvernoEngine(validateOnly).mutate?.(request('CREATE')), []);
});

test('the cluster context is plain data: a structured clone (as a worker thread receives it) decides the same', async () => {
  const { buildClusterContext } = await import('../kyverno/config/index.js');
  const { loadPolicy } = await import('../kyverno/index.js');
  const built = buildClusterContext([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'constructor', labels: { tier: 'user' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } },
  ]);
  const policy = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'user-ns' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { tier: 'user' } } } }] }, validate: { deny: {} } }],
    },
  }).policy!;
  const review = (namespace: string) => ({
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace,
    operation: 'CREATE' as const,
    userInfo: {},
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [] } },
  });
  for (const context of [built.context, structuredClone(built.context)]) {
    const engine = createKyvernoEngine([policy], { context: { snapshot: () => context } });
    const statuses = (ns: string) => engine.validate(review(ns) as never).results.flatMap((r) => r.rules.map((x) => x.status));
    assert.deepEqual(statuses('constructor'), ['fail']);
    assert.deepEqual(statuses('team-b'), []);
    assert.deepEqual(statuses('toString'), []);
  }
});

test('a Namespace request gets no namespace labels (Kyverno reads none for kind Namespace)', async () => {
  const { buildClusterContext } = await import('../kyverno/config/index.js');
  const context = buildClusterContext([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { tier: 'user' } } }]).context;
  const engine = createKyvernoEngine(policies(), { context: { snapshot: () => context } });
  const request = (kind: string) =>
    ({
      uid: 'u',
      kind: { group: '', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: `${kind.toLowerCase()}s` },
      namespace: 'team-a',
      operation: 'CREATE',
      userInfo: {},
      object: { apiVersion: 'v1', kind, metadata: { name: kind === 'Namespace' ? 'team-a' : 'p', namespace: kind === 'Namespace' ? undefined : 'team-a' }, spec: {} },
    }) as unknown as AdmissionRequest;
  assert.deepEqual(engine.validate(request('Namespace')).namespaceLabels, {});
  assert.deepEqual(engine.validate(request('ConfigMap')).namespaceLabels, { tier: 'user', 'kubernetes.io/metadata.name': 'team-a' });
});
