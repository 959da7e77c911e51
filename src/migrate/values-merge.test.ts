import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { existingExcludes, mergeExceptions } from './values-merge.js';

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
