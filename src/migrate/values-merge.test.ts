import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { existingExcludes, mergeExceptions, requesterExcludes } from './values-merge.js';

const minimal = `# kyverno-policies values (seed, step 7)
policyExclude:
  disallow-host-path:
    any:
    - resources:
        kinds:
        - Pod
        namespaces:
        - default
        - '*-restricted'   # user namespaces
validationFailureAction: Enforce
`;

test('adds namespaces to an existing exclude, keeping comments, order and sequence style', () => {
  const r = mergeExceptions(minimal, new Map([['disallow-host-path', [{ namespace: 'gpu-operator', comment: 'NVIDIA GPU Operator' }]]]));
  assert.equal(
    r.text,
    `# kyverno-policies values (seed, step 7)
policyExclude:
  disallow-host-path:
    any:
    - resources:
        kinds:
        - Pod
        namespaces:
        - default
        - '*-restricted' # user namespaces
        - gpu-operator # NVIDIA GPU Operator
validationFailureAction: Enforce
`,
  );
  assert.deepEqual(r.added, [{ policy: 'disallow-host-path', namespace: 'gpu-operator' }]);
});

test('creates the policy block when the values file has none for that policy', () => {
  const r = mergeExceptions(minimal, new Map([['disallow-capabilities', [{ namespace: 'ceph-csi-rbd', comment: 'CEPH' }]]]));
  const v = parse(r.text) as { policyExclude: Record<string, unknown> };
  assert.deepEqual(v.policyExclude['disallow-capabilities'], { any: [{ resources: { kinds: ['Pod'], namespaces: ['ceph-csi-rbd'] } }] });
  assert.match(r.text, /- ceph-csi-rbd # CEPH\n/);
});

test('namespaces already present are not added twice, and the rest of the values survive', () => {
  const r = mergeExceptions(minimal, new Map([['disallow-host-path', [{ namespace: 'default' }, { namespace: 'cm' }, { namespace: 'cm' }]]]));
  assert.deepEqual(r.added, [{ policy: 'disallow-host-path', namespace: 'cm' }]);
  const before = parse(minimal) as Record<string, unknown>;
  const after = parse(r.text) as Record<string, unknown>;
  assert.equal(after.validationFailureAction, before.validationFailureAction);
});

test('an empty values file gets a policyExclude block', () => {
  const r = mergeExceptions('', new Map([['disallow-host-ports', [{ namespace: 'metallb-system', comment: 'MetalLB (Load Balancer)' }]]]));
  assert.deepEqual(parse(r.text), { policyExclude: { 'disallow-host-ports': { any: [{ resources: { kinds: ['Pod'], namespaces: ['metallb-system'] } }] } } });
});

test('existingExcludes reads the namespaces per policy', () => {
  assert.deepEqual([...(existingExcludes(minimal).get('disallow-host-path') ?? [])], ['default', '*-restricted']);
});

// Session 5 migration probe: a `subjects` entry got the generated namespaces appended, which Kyverno reads
// as "this subject AND these namespaces" (it excluded less than meant), and it counted as excluding them.
const withSubjects = `policyExclude:
  disallow-privileged-containers:
    any:
    - subjects: [{kind: Group, name: 'system:serviceaccounts'}]
    - resources: {kinds: [Pod], names: [debug-*], namespaces: [ops]}
    all:
    - resources: {kinds: [Pod], namespaces: [tools]}
    - subjects: [{kind: User, name: alice}]
`;

test('only pure namespace entries count as excluding a namespace, and only they get namespaces added', () => {
  assert.deepEqual([...(existingExcludes(withSubjects).get('disallow-privileged-containers') ?? [])], []);
  const merged = parse(mergeExceptions(withSubjects, new Map([['disallow-privileged-containers', [{ namespace: 'gpu-operator' }]]])).text) as {
    policyExclude: Record<string, { any: Record<string, unknown>[] }>;
  };
  const any = merged.policyExclude['disallow-privileged-containers']?.any ?? [];
  assert.deepEqual(any[0], { subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }] });
  assert.deepEqual(any[1], { resources: { kinds: ['Pod'], names: ['debug-*'], namespaces: ['ops'] } });
  assert.deepEqual(any[2], { resources: { kinds: ['Pod'], namespaces: ['gpu-operator'] } });
});

test('requesterExcludes names the exclusions by subjects, roles and clusterRoles', () => {
  assert.deepEqual(
    requesterExcludes(withSubjects).map((r) => `${r.policy} ${r.who}`),
    ['disallow-privileged-containers subjects: [{"kind":"Group","name":"system:serviceaccounts"}]', 'disallow-privileged-containers subjects: [{"kind":"User","name":"alice"}]'],
  );
});

test('an entry without namespaces excludes everywhere: nothing is added to it (that would narrow it to the namespace added)', () => {
  const text = 'policyExclude:\n  disallow-host-path:\n    any:\n    - resources:\n        kinds: [Pod]\n';
  assert.deepEqual([...(existingExcludes(text).get('disallow-host-path') ?? [])], ['*']);
  const r = mergeExceptions(text, new Map([['disallow-host-path', [{ namespace: 'local-path-storage' }]]]));
  assert.deepEqual(r.added, []);
  assert.deepEqual(parse(r.text), parse(text));
  // Beside a namespace entry, the addition goes to that entry and the everywhere-entry stays as written.
  const two = 'policyExclude:\n  disallow-host-path:\n    any:\n    - resources:\n        kinds: [Pod]\n        names: [calico-*]\n    - resources:\n        kinds: [Pod]\n        namespaces: [cm]\n';
  const r2 = mergeExceptions(two, new Map([['disallow-host-path', [{ namespace: 'runai' }]]]));
  assert.deepEqual((parse(r2.text) as { policyExclude: { 'disallow-host-path': { any: unknown[] } } }).policyExclude['disallow-host-path'].any, [
    { resources: { kinds: ['Pod'], names: ['calico-*'] } },
    { resources: { kinds: ['Pod'], namespaces: ['cm', 'runai'] } },
  ]);
});
