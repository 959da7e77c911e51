import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../../kube/index.js';
import { loadPolicy } from './load.js';

const rule = { name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { spec: {} } } };
const base = (spec: object, extra: object = {}) => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [rule], ...spec }, ...extra });

const bad: { name: string; doc: unknown; want: string }[] = [
  { name: 'an unknown action is named with its field', doc: base({ validationFailureAction: 'block' }), want: 'spec.validationFailureAction: Unsupported value: "block": supported values: "Audit", "Enforce" (or "audit", "enforce")' },
  { name: 'a rule without match', doc: base({ rules: [{ name: 'r', validate: { pattern: {} } }] }), want: 'spec.rules[0].match: Required value: match is required' },
  { name: 'a policy without rules', doc: base({ rules: [] }), want: 'spec.rules: Required value: a policy needs at least one rule' },
  { name: 'a duplicate rule name', doc: base({ rules: [rule, rule] }), want: 'spec.rules[1].name: Duplicate value: "r"' },
  { name: 'a condition without operator', doc: base({ rules: [{ ...rule, preconditions: [{ key: 'a' }] }] }), want: 'spec.rules[0].preconditions[0].operator: Required value: a condition needs an operator' },
  { name: 'a context entry named request', doc: base({ rules: [{ ...rule, context: [{ name: 'request', variable: { value: 1 } }] }] }), want: 'spec.rules[0].context[0].name: Invalid value: "request": entry name request is invalid as it conflicts with a pre-defined variable request' },
  { name: 'a context entry under images', doc: base({ rules: [{ ...rule, context: [{ name: 'images.containers', variable: { value: 1 } }] }] }), want: 'spec.rules[0].context[0].name: Invalid value: "images.containers": entry name images.containers is invalid as it conflicts with a pre-defined variable images' },
  { name: 'a context entry without a name', doc: base({ rules: [{ ...rule, context: [{ variable: { value: 1 } }] }] }), want: 'spec.rules[0].context[0].name: Required value: a name is required for context entries' },
  { name: 'a context entry with two sources', doc: base({ rules: [{ ...rule, context: [{ name: 'x', variable: { value: 1 }, configMap: { name: 'c', namespace: 'd' } }] }] }), want: 'spec.rules[0].context[0]: Invalid value: "x": exactly one of configMap or apiCall or imageRegistry or variable is required for context entries' },
  { name: 'a context entry with no source', doc: base({ rules: [{ ...rule, context: [{ name: 'x' }] }] }), want: 'spec.rules[0].context[0]: Invalid value: "x": exactly one of configMap or apiCall or imageRegistry or variable is required for context entries' },
  { name: 'a context entry whose only source is null', doc: base({ rules: [{ ...rule, context: [{ name: 'x', variable: null }] }] }), want: 'spec.rules[0].context[0]: Invalid value: "x": exactly one of configMap or apiCall or imageRegistry or variable is required for context entries' },
  { name: 'a globalReference context entry', doc: base({ rules: [{ ...rule, context: [{ name: 'x', globalReference: { name: 'g' } }] }] }), want: 'spec.rules[0].context[0].globalReference: Unsupported value: "x": globalReference context entries (Kyverno 1.12) are not supported by podgate: the rule could not be decided' },
  { name: 'an unsupported apiVersion', doc: base({}, { apiVersion: 'kyverno.io/v9' }), want: 'apiVersion: Unsupported value: "kyverno.io/v9": supported values: "kyverno.io/v1", "kyverno.io/v2beta1"' },
];
for (const c of bad) {
  test(c.name, () => {
    const r = loadPolicy(c.doc);
    assert.ok(r.errors.map(formatFieldError).includes(c.want), r.errors.map(formatFieldError).join('\n'));
  });
}

const good: { name: string; spec: object; check: (p: NonNullable<ReturnType<typeof loadPolicy>['policy']>) => void }[] = [
  {
    name: 'a foreach context entry may be named element (Kyverno checks rule context names only)',
    spec: { rules: [{ ...rule, validate: { foreach: [{ list: 'request.object.spec.containers', context: [{ name: 'element', variable: { value: 1 } }], deny: {} }] } }] },
    check: (p) => assert.equal(p.rules[0]?.validate?.foreach?.[0]?.context?.[0]?.name, 'element'),
  },
  { name: 'requests and a.b are ordinary context names', spec: { rules: [{ ...rule, context: [{ name: 'requests', variable: { value: 1 } }, { name: 'a.b', variable: { value: 1 } }] }] }, check: (p) => assert.equal(p.rules[0]?.context?.length, 2) },
  { name: 'lower-case enforce is Enforce', spec: { validationFailureAction: 'enforce' }, check: (p) => assert.equal(p.validationFailureAction, 'Enforce') },
  { name: 'the default action is Audit, failurePolicy Fail, background true', spec: {}, check: (p) => assert.deepEqual([p.validationFailureAction, p.failurePolicy, p.background], ['Audit', 'Fail', true]) },
  {
    name: 'a legacy condition list means all',
    spec: { rules: [{ ...rule, preconditions: [{ key: 'a', operator: 'Equals', value: 'a' }] }] },
    check: (p) => assert.deepEqual(p.rules[0]?.preconditions, { all: [{ key: 'a', operator: 'Equals', value: 'a' }] }),
  },
  { name: 'overrides keep both spellings', spec: { validationFailureActionOverrides: [{ action: 'audit', namespaces: ['dev'] }] }, check: (p) => assert.deepEqual(p.validationFailureActionOverrides, [{ action: 'Audit', namespaces: ['dev'] }]) },
];
for (const c of good) {
  test(c.name, () => {
    const r = loadPolicy(base(c.spec));
    assert.deepEqual(r.errors, []);
    assert.ok(r.policy);
    c.check(r.policy);
  });
}

test('a namespaced Policy without a namespace lands in default', () => {
  assert.equal(loadPolicy(base({}, { kind: 'Policy' })).policy?.namespace, 'default');
});
