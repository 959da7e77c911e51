import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDepth, checkObjectTypes, jsonDuplicateKey, MAX_DEPTH, normaliseObject } from './input-checks.js';

const dupCases: { name: string; text: string; want?: { key: string; path: string } }[] = [
  { name: 'no duplicates', text: '{"a": 1, "b": {"a": 2}}' },
  { name: 'a top-level duplicate', text: '{"a": 1, "a": 2}', want: { key: 'a', path: 'a' } },
  { name: 'a nested duplicate names its path', text: '{"metadata": {"labels": {"x": "1", "x": "2"}}}', want: { key: 'x', path: 'metadata.labels.x' } },
  { name: 'the same key in sibling objects of a list is fine', text: '[{"a": 1}, {"a": 2}]' },
  { name: 'braces and quotes inside strings are text', text: '{"a": "}{\\"a\\":", "b": "[", "c": 1}' },
  { name: 'escaped keys compare decoded', text: '{"\\u0061": 1, "a": 2}', want: { key: 'a', path: 'a' } },
  { name: 'a value equal to a key is not a key', text: '{"a": "a", "b": "a"}' },
];
for (const c of dupCases) {
  test(`jsonDuplicateKey: ${c.name}`, () => {
    JSON.parse(c.text);
    const r = jsonDuplicateKey(c.text);
    assert.deepEqual(r && { key: r.key, path: r.path }, c.want);
  });
}

test('checkDepth: the limit is inclusive, recursion-free at 100,000', () => {
  let ok: unknown = 1;
  for (let i = 0; i < MAX_DEPTH; i++) ok = [ok];
  assert.equal(checkDepth(ok), true);
  assert.equal(checkDepth([ok]), false);
  assert.equal(checkDepth(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)), false);
});

test('normaliseObject drops nulls (not in Kyverno policies)', () => {
  const o = normaliseObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: null as unknown as Record<string, string> }, spec: { containers: [{ name: 'c', securityContext: null }], volumes: null } });
  assert.deepEqual(o, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
  const p = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'x' }, spec: { pattern: { a: null } } };
  assert.deepEqual(normaliseObject(p).spec, { pattern: { a: null } });
});

test('checkObjectTypes names each wrong field', () => {
  const problems = checkObjectTypes({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { app: 1 as unknown as string } },
    spec: { template: { spec: { hostNetwork: 'yes', containers: [{ name: 'c', securityContext: { runAsUser: '0' } }, 'oops'] } } },
  });
  assert.deepEqual(
    problems.map((p) => `${p.field}: ${p.message}`),
    [
      'metadata.labels: must be a mapping of strings, found a mapping',
      'spec.template.spec.hostNetwork: must be a boolean, found "yes"',
      'spec.template.spec.containers[0].securityContext.runAsUser: must be an integer, found "0"',
      'spec.template.spec.containers[1]: must be a mapping, found "oops"',
    ],
  );
});
