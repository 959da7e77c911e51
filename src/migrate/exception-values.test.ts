import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { enablePolicyExceptions } from './exception-values.js';

const cases: { name: string; input: string; want: RegExp | object }[] = [
  { name: 'empty values get just the feature', input: '', want: { features: { policyExceptions: { enabled: true } } } },
  { name: 'comments and other keys are kept', input: '# mine\nadmissionController:\n  replicas: 3 # three\n', want: /# mine\nadmissionController:\n {2}replicas: 3 # three\nfeatures:\n {2}policyExceptions:\n {4}enabled: true\n/ },
  { name: 'a disabled feature is switched on, its namespace kept', input: 'features:\n  policyExceptions:\n    enabled: false\n    namespace: kyverno\n', want: { features: { policyExceptions: { enabled: true, namespace: 'kyverno' } } } },
];
for (const c of cases) {
  test(`enablePolicyExceptions: ${c.name}`, () => {
    const out = enablePolicyExceptions(c.input);
    if (c.want instanceof RegExp) assert.match(out, c.want);
    else assert.deepEqual(parse(out), c.want);
  });
}

test('values that are not a mapping are refused', () => {
  assert.throws(() => enablePolicyExceptions('- a\n- b\n'), /must be a mapping/);
});
