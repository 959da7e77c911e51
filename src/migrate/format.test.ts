import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareValues } from './format.js';

const values = 'policyExclude:\n  disallow-host-path:\n    any:\n    - resources: {kinds: [Pod], namespaces: [gpu-operator]}\n';

test('compareValues: identical exclusions say so (the file held a lone newline)', () => {
  const r = compareValues(values, values, ['gpu-operator']);
  assert.equal(r.same, true);
  assert.deepEqual(r.lines, []);
  assert.equal(r.text, 'same exclusions as the reference for every policy\n');
});

test('compareValues: a namespace only the reference excludes is listed', () => {
  const r = compareValues('policyExclude: {}\n', values, ['gpu-operator']);
  assert.equal(r.same, false);
  assert.equal(r.text, 'disallow-host-path: in the reference but not needed by any workload here: gpu-operator\n');
});
