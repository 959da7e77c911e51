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
  // Kyverno decodes rule preconditions and deny conditions from raw JSON and refuses a key other than any/all
  // (ApiextensionsJsonToKyvernoConditions), and a condition without key, value or operator (validateConditions):
  // podgate read such a block as empty, so the rule's preconditions held and `deny` denied everything.
  {
    name: 'preconditions with a key other than any/all',
    doc: base({ rules: [{ ...rule, preconditions: { conditions: { any: [{ key: 'a', operator: 'Equals', value: 'b' }] } } }] }),
    want: "spec.rules[0].preconditions.conditions: Forbidden: unknown field 'conditions' found under preconditions/validate.deny.conditions",
  },
  {
    name: 'deny conditions with a misspelt any',
    doc: base({ rules: [{ ...rule, validate: { deny: { conditions: { anyy: [{ key: 'a', operator: 'Equals', value: 'a' }] } } } }] }),
    want: "spec.rules[0].validate.deny.conditions.anyy: Forbidden: unknown field 'anyy' found under preconditions/validate.deny.conditions",
  },
  {
    name: 'foreach deny conditions with a misspelt all',
    doc: base({ rules: [{ ...rule, validate: { foreach: [{ list: 'request.object.spec.containers', deny: { conditions: { alll: [] } } }] } }] }),
    want: "spec.rules[0].validate.foreach[0].deny.conditions.alll: Forbidden: unknown field 'alll' found under preconditions/validate.deny.conditions",
  },
  {
    name: 'a precondition without value',
    doc: base({ rules: [{ ...rule, preconditions: { all: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals' }] } }] }),
    want: 'spec.rules[0].preconditions.all[0]: Required value: entered value of `key`, `value` or `operator` is missing or misspelled',
  },
  {
    name: 'a deny condition whose key is null (legacy list form)',
    doc: base({ rules: [{ ...rule, validate: { deny: { conditions: [{ key: null, operator: 'Equals', value: 'x' }] } } }] }),
    want: 'spec.rules[0].validate.deny.conditions[0]: Required value: entered value of `key`, `value` or `operator` is missing or misspelled',
  },
  {
    name: 'request.operation compared with a value that is no operation',
    doc: base({ rules: [{ ...rule, preconditions: { any: [{ key: '{{ request.operation }}', operator: 'AnyIn', value: ['CREATE', 'create'] }] } }] }),
    want: "spec.rules[0].preconditions.any[0].value[1]: Invalid value: \"create\": unknown value 'create' found under the 'value' field. Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]",
  },
  {
    name: 'request.operation compared with a number',
    doc: base({ rules: [{ ...rule, preconditions: { all: [{ key: '{{request.operation}}', operator: 'Equals', value: 1 }] } }] }),
    want: "spec.rules[0].preconditions.all[0].value: Invalid value: 1: 'value' field found to be of the type float64. The provided value/values are expected to be either in the form of a string or list",
  },
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
  {
    // Typed in Kyverno (ForEachValidation.AnyAllConditions): an unknown key is dropped on decoding, not refused.
    name: 'foreach preconditions with an unknown key load (the key is ignored)',
    spec: { rules: [{ ...rule, validate: { foreach: [{ list: 'request.object.spec.containers', preconditions: { anyy: [] }, deny: {} }] } }] },
    check: (p) => assert.deepEqual(p.rules[0]?.validate?.foreach?.[0]?.preconditions, {}),
  },
  {
    name: 'request.operation compared with a template, and other keys with any value, load',
    spec: {
      rules: [
        {
          ...rule,
          preconditions: {
            all: [
              { key: '{{ request.operation }}', operator: 'In', value: '{{ allowed.data.ops }}' },
              { key: "{{ request.operation || 'BACKGROUND' }}", operator: 'NotEquals', value: 'background' },
              { key: 1, operator: 'Equals', value: 1 },
            ],
          },
        },
      ],
    },
    check: (p) => assert.equal(p.rules[0]?.preconditions?.all?.length, 3),
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
