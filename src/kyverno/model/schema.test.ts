import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { checkPolicySchema, pruneUnknownFields } from './schema.js';

const policy = (spec: Record<string, unknown>, apiVersion = 'kyverno.io/v1') => ({
  apiVersion,
  kind: 'ClusterPolicy',
  metadata: { name: 'p' },
  spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm', pattern: { spec: { anything: 'goes' } } } }], ...spec },
});

const cases: { name: string; obj: unknown; version?: '1.10' | '1.12'; messages: string[] }[] = [
  { name: 'a valid policy has no issues', obj: policy({ validationFailureAction: 'Enforce' }), messages: [] },
  { name: 'v2beta1 is checked too', obj: policy({ validationFailureActon: 'Enforce' }, 'kyverno.io/v2beta1'), messages: ['spec.validationFailureActon: unknown field "validationFailureActon"'] },
  { name: 'an unknown field', obj: policy({ validationFailureActon: 'Enforce' }), messages: ['spec.validationFailureActon: unknown field "validationFailureActon"'] },
  { name: 'a wrong type', obj: policy({ background: 'yes' }), messages: ['spec.background: Invalid value: "yes": must be of type boolean'] },
  { name: 'an unsupported enum value', obj: policy({ failurePolicy: 'Never' }), messages: ['spec.failurePolicy: Unsupported value: "Never": supported values: "Ignore", "Fail"'] },
  { name: 'null is what the API server prunes: accepted', obj: policy({ background: null, validationFailureActionOverrides: null }), messages: [] },
  { name: 'patterns keep unknown fields (x-kubernetes-preserve-unknown-fields)', obj: policy({}), messages: [] },
  { name: 'other kinds are not checked', obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, bogus: 1 }, messages: [] },
];

for (const c of cases) {
  test(`schema: ${c.name}`, () => {
    assert.deepEqual(
      checkPolicySchema(c.obj, c.version).map((i) => i.message),
      c.messages,
    );
  });
}

test('schema: pruning drops exactly the unknown fields, on a copy', () => {
  const p = policy({ validationFailureActon: 'Enforce', background: false });
  const pruned = pruneUnknownFields(p, checkPolicySchema(p));
  assert.equal((pruned.spec as Record<string, unknown>).validationFailureActon, undefined);
  assert.equal((pruned.spec as Record<string, unknown>).background, false);
  assert.equal((p.spec as Record<string, unknown>).validationFailureActon, 'Enforce');
});

test('schema: the vendored schemas are what the generator makes from the pinned CRDs', () => {
  const r = spawnSync(process.execPath, [new URL('../../../scripts/gen-kyverno-schemas.mjs', import.meta.url).pathname, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
