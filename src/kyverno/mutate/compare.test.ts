// Comparing a mutated resource with a kyverno-test patched resource, and saying where they differ.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patchedResourceDiff, samePatchedResource } from './compare.js';

const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } };

const cases: { name: string; actual: object; expected: object; same: boolean; diff: string[] }[] = [
  {
    name: 'empty maps, lists and nulls do not count as differences',
    actual: { ...base, spec: { containers: [{ name: 'a', env: [] }], volumes: null } },
    expected: { ...base, spec: { containers: [{ name: 'a' }] } },
    same: true,
    diff: [],
  },
  {
    name: 'an absent namespace in the expected file counts as default',
    actual: base,
    expected: { ...base, metadata: { name: 'p' } },
    same: true,
    diff: [],
  },
  {
    name: 'a changed leaf is reported with both values',
    actual: { ...base, spec: { containers: [{ name: 'a', imagePullPolicy: 'IfNotPresent' }] } },
    expected: { ...base, spec: { containers: [{ name: 'a', imagePullPolicy: 'Always' }] } },
    same: false,
    diff: ['/spec/containers/0/imagePullPolicy: want "Always", got "IfNotPresent"'],
  },
  {
    name: 'a field the mutation did not add is missing, one it added is unexpected',
    actual: { ...base, metadata: { ...base.metadata, labels: { 'a/b': 'x' } } },
    expected: { ...base, spec: { runtimeClassName: 'prod' } },
    same: false,
    diff: ['/metadata/labels: unexpected {"a/b":"x"}', '/spec: missing, want {"runtimeClassName":"prod"}'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.equal(samePatchedResource(c.actual, c.expected), c.same);
    assert.deepEqual(patchedResourceDiff(c.actual, c.expected), c.diff);
  });
}

test('a long diff is cut to ten lines and a count of the rest', () => {
  const data = (offset: number) => Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`k${i}`, i + offset]));
  const lines = patchedResourceDiff({ ...base, data: data(1) }, { ...base, data: data(0) });
  assert.equal(lines.length, 11);
  assert.equal(lines[10], '… 4 more');
});
