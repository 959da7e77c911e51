import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.js';
import { loadPolicy, type Policy } from '../model/index.js';
import { compilePolicy, effectiveAction, evaluatePolicy } from './evaluate.js';
import type { EvaluationContext, RuleStatus } from './types.js';

function policy(validate: object, spec: object = {}): Policy {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: { validationFailureAction: 'enforce', ...spec, rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate }] },
  });
  assert.deepEqual(r.errors, []);
  assert.ok(r.policy);
  return r.policy;
}

const hostPathPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'ns1' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'v', hostPath: { path: '/home/ray' } }] },
};

const noHostPath = { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } };

const cases: { name: string; validate: object; status: RuleStatus; message: string }[] = [
  {
    name: 'a pattern failure names the message, rule and path',
    validate: { message: 'HostPath volumes are forbidden', pattern: noHostPath },
    status: 'fail',
    message: 'validation error: HostPath volumes are forbidden. rule r failed at path /spec/volumes/0/hostPath/',
  },
  {
    name: 'a message ending in a dot gets no second dot',
    validate: { message: 'No hostPath.', pattern: noHostPath },
    status: 'fail',
    message: 'validation error: No hostPath. rule r failed at path /spec/volumes/0/hostPath/',
  },
  {
    name: 'a pattern failure without a message',
    validate: { pattern: noHostPath },
    status: 'fail',
    message: 'validation error: rule r failed at path /spec/volumes/0/hostPath/',
  },
  {
    name: 'variables in the message are substituted',
    validate: { message: 'pod {{ request.object.metadata.name }} uses hostPath', pattern: noHostPath },
    status: 'fail',
    message: 'validation error: pod web uses hostPath. rule r failed at path /spec/volumes/0/hostPath/',
  },
  { name: 'a passing pattern', validate: { pattern: { spec: { containers: [{ name: '?*' }] } } }, status: 'pass', message: "validation rule 'r' passed." },
  {
    name: 'anyPattern lists every failed alternative after the message',
    validate: { message: 'bad', anyPattern: [noHostPath, { spec: { hostNetwork: true } }] },
    status: 'fail',
    message: 'validation error: bad. rule r[0] failed at path /spec/volumes/0/hostPath/ rule r[1] failed at path /spec/hostNetwork/',
  },
  { name: 'anyPattern passes on the first matching alternative', validate: { anyPattern: [noHostPath, { spec: { containers: [{ name: 'c' }] } }] }, status: 'pass', message: "validation rule 'r' anyPattern[1] passed." },
  {
    name: 'a deny failure is the substituted rule message without prefix or path',
    validate: { message: 'no {{ request.object.metadata.name }}', deny: { conditions: { any: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals', value: 'web' }] } } },
    status: 'fail',
    message: 'no web',
  },
  {
    name: 'a deny failure without a message',
    validate: { deny: { conditions: [{ key: 'a', operator: 'Equals', value: 'a' }] } },
    status: 'fail',
    message: 'validation error: rule r failed',
  },
  {
    name: 'a foreach deny failure is prefixed with validation failure',
    validate: {
      message: 'hostPath volumes are confined to [/home/ray].',
      foreach: [{ list: 'request.object.spec.volumes', deny: { conditions: { any: [{ key: '{{ element.hostPath.path }}', operator: 'NotEquals', value: '/tmp' }] } } }],
    },
    status: 'fail',
    message: 'validation failure: hostPath volumes are confined to [/home/ray].',
  },
  {
    name: 'a foreach pattern failure nests the pattern message',
    validate: { message: 'm', foreach: [{ list: 'request.object.spec.volumes', pattern: { 'X(hostPath)': 'null' } }] },
    status: 'fail',
    message: 'validation failure: validation error: m. rule r failed at path /hostPath/',
  },
  {
    name: 'a foreach over an empty list skips',
    validate: { foreach: [{ list: 'request.object.spec.initContainers', deny: { conditions: [{ key: 'a', operator: 'Equals', value: 'a' }] } }] },
    status: 'skip',
    message: 'rule skipped',
  },
  { name: 'a foreach whose elements all pass', validate: { foreach: [{ list: 'request.object.spec.containers', pattern: { name: 'c' } }] }, status: 'pass', message: 'rule passed' },
  {
    name: 'elementScope true over elements that are not maps is an error naming the Go type',
    validate: { foreach: [{ list: 'request.object.spec.containers[].name', elementScope: true, pattern: { name: 'c' } }] },
    status: 'error',
    message: 'failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=string',
  },
  {
    name: 'a foreach error on an element other than the last is ignored',
    validate: { foreach: [{ list: '`[{"a":"x"},{"b":"y"}]`', deny: { conditions: { any: [{ key: '{{ element.b }}', operator: 'Equals', value: 'z' }] } } }] },
    status: 'pass',
    message: 'rule passed',
  },
  {
    name: 'a foreach error on the last element is the rule error, prefixed with validation failure',
    validate: { foreach: [{ list: '`[{"b":"y"},{"a":"x"}]`', deny: { conditions: { any: [{ key: '{{ element.b }}', operator: 'Equals', value: 'z' }] } } }] },
    status: 'error',
    message:
      'validation failure: failed to check deny preconditions: failed to substitute variables in deny conditions: failed to resolve element.b at path /any/0/key: JMESPath query failed: Unknown key "b" in path',
  },
  {
    name: 'anyPattern skips when every alternative is skipped, joining the reasons',
    validate: { anyPattern: [{ spec: { '(hostNetwork)': true, hostPID: true } }, { spec: { '(hostIPC)': true } }] },
    status: 'skip',
    message:
      "rule r[0] skipped: conditional anchor mismatch: conditional anchor key doesn't exist in the resource rule r[1] skipped: conditional anchor mismatch: conditional anchor key doesn't exist in the resource",
  },
  {
    name: 'anyPattern with one skipped and one failed alternative fails, listing only the failure',
    validate: { message: 'm.', anyPattern: [{ spec: { '(hostNetwork)': true, hostPID: true } }, { spec: { hostIPC: true } }] },
    status: 'fail',
    message: 'validation error: m. rule r[1] failed at path /spec/hostIPC/',
  },
];

for (const c of cases) {
  test(c.name, () => {
    const res = evaluatePolicy(policy(c.validate), hostPathPod);
    assert.equal(res.rules.length, 1);
    assert.equal(res.rules[0]?.message, c.message);
    assert.equal(res.rules[0]?.status, c.status);
  });
}

test('preconditions that are not met skip the rule', () => {
  const p = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      rules: [
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          preconditions: { all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'Equals', value: 'UPDATE' }] },
          validate: { pattern: noHostPath },
        },
      ],
    },
  }).policy;
  assert.ok(p);
  assert.deepEqual(
    evaluatePolicy(p, hostPathPod).rules.map((r) => [r.status, r.message]),
    [['skip', 'preconditions not met']],
  );
});

test('a rule that does not match produces no result; autogen rules answer for controllers', () => {
  const compiled = compilePolicy(policy({ pattern: noHostPath }));
  const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns1' }, spec: { template: { spec: hostPathPod.spec as object } } };
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
  assert.deepEqual(evaluatePolicy(compiled, svc).rules, []);
  assert.deepEqual(
    evaluatePolicy(compiled, deploy).rules.map((r) => [r.rule, r.status, r.path]),
    [['autogen-r', 'fail', '/spec/template/spec/volumes/0/hostPath/']],
  );
});

test('overrides pick the first matching entry, else the policy action', () => {
  const p = policy({ pattern: noHostPath }, { validationFailureActionOverrides: [{ action: 'audit', namespaces: ['dev-*'] }] });
  assert.equal(effectiveAction(p, 'dev-1', {}), 'Audit');
  assert.equal(effectiveAction(p, 'prod', {}), 'Enforce');
});

test('rules with the same preconditions each get their verdict, across policies of one request', () => {
  const rule = (name: string, preconditions: object) => ({
    name,
    match: { any: [{ resources: { kinds: ['Pod'] } }] },
    preconditions,
    validate: { deny: { conditions: { all: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals', value: 'web' }] } } },
  });
  const load = (name: string, rules: object[]) => {
    const r = loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { rules } });
    assert.ok(r.policy);
    return compilePolicy(r.policy);
  };
  const onCreate = { all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'NotEquals', value: 'DELETE' }] };
  const onDelete = { all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'Equals', value: 'DELETE' }] };
  const broken = { all: [{ key: '{{ request.object.metadata.labels.team }}', operator: 'Equals', value: 'x' }] };
  const a = load('a', [rule('r1', onCreate), rule('r2', onDelete), rule('r3', onCreate)]);
  const b = load('b', [rule('r4', onCreate), rule('r5', broken)]);
  const ctx = { operation: 'CREATE' as const };
  const verdicts = [a, b].flatMap((p) => evaluatePolicy(p, hostPathPod, ctx).rules.map((r) => `${r.rule}:${r.status}`));
  assert.deepEqual(verdicts, ['r1:fail', 'r2:skip', 'r3:fail', 'r4:fail', 'r5:error']);
  assert.equal(
    evaluatePolicy(b, hostPathPod, ctx).rules[1]?.message,
    'failed to evaluate preconditions: failed to substitute variables in preconditions: failed to resolve request.object.metadata.labels.team at path /all/0/key: JMESPath query failed: Unknown key "labels" in path',
  );
  const onDeleteVerdicts = evaluatePolicy(a, hostPathPod, { operation: 'DELETE' }).rules.map((r) => `${r.rule}:${r.status}`);
  assert.deepEqual(onDeleteVerdicts, ['r1:skip', 'r2:fail', 'r3:skip']);
});

test('{{@}} in a validate pattern is the value at the same path of the object (keys with dashes quoted)', () => {
  const p = compilePolicy(policy({ message: 'zone', pattern: { metadata: { labels: { 'deploy-zone': '{{@}}' } } } }));
  const pod = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'n', labels }, spec: {} });
  assert.equal(evaluatePolicy(p, pod({ 'deploy-zone': 'eu-1' }), {}).rules[0]?.status, 'pass');
  const missing = evaluatePolicy(p, pod({}), {}).rules[0];
  assert.equal(missing?.status, 'error');
  assert.match(missing?.message ?? '', /request\.object\.metadata\.labels\."deploy-zone"/);
});

test('unmet preconditions with messages skip a validate rule with those messages (1.10.7)', () => {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      rules: [
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          preconditions: { any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE', message: 'not an update' }] },
          validate: { pattern: noHostPath },
        },
      ],
    },
  });
  assert.ok(r.policy);
  const rule = evaluatePolicy(compilePolicy(r.policy), hostPathPod, {}).rules[0];
  assert.deepEqual([rule?.status, rule?.message], ['skip', 'preconditions not met; not an update']);
});

test('one compiled policy evaluated on many kinds: each kind gets the rules that select it, in order', () => {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'kinds' },
    spec: {
      validationFailureAction: 'audit',
      rules: [
        { name: 'pods', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm', pattern: { metadata: { name: '?*' } } } },
        { name: 'any-kind', match: { any: [{ resources: { names: ['w*'] } }] }, validate: { message: 'm', pattern: { metadata: { name: '?*' } } } },
        { name: 'pods-and-k0', match: { any: [{ resources: { kinds: ['Pod', 'K0'] } }] }, validate: { message: 'm', pattern: { metadata: { name: '?*' } } } },
      ],
    },
  });
  assert.ok(r.policy);
  const compiled = compilePolicy(r.policy);
  // More kinds than a policy keeps lists for, then the first ones again.
  const kinds = ['Pod', 'Deployment', ...Array.from({ length: 20 }, (_, i) => `K${i}`), 'Pod', 'K0', 'Deployment'];
  for (const kind of kinds) {
    const rules = evaluatePolicy(compiled, { apiVersion: 'v1', kind, metadata: { name: 'web' } }).rules.map((x) => x.rule);
    const want = kind === 'Pod' ? ['pods', 'any-kind', 'pods-and-k0'] : kind === 'K0' ? ['any-kind', 'pods-and-k0'] : ['any-kind'];
    assert.deepEqual(rules, want, kind);
  }
});

test('rules selecting by bare kinds: the policy namespace, the subresource and the old object decide as the full match does', () => {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'Policy',
    metadata: { name: 'ns-pods', namespace: 'ns1' },
    spec: { rules: [{ name: 'pods', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { metadata: { name: '?*' } } } }] },
  });
  assert.ok(r.policy);
  const compiled = compilePolicy(r.policy);
  const pod = (namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace } });
  const cases: { name: string; resource: KubeObject; ctx: EvaluationContext; want: string[] }[] = [
    { name: 'the policy namespace', resource: pod('ns1'), ctx: {}, want: ['pods'] },
    { name: 'another namespace', resource: pod('ns2'), ctx: {}, want: [] },
    { name: 'a subresource', resource: pod('ns1'), ctx: { subresource: 'status' }, want: [] },
    { name: 'ephemeralcontainers', resource: pod('ns1'), ctx: { subresource: 'ephemeralcontainers' }, want: ['pods'] },
    { name: 'an update from the policy namespace', resource: pod('ns2'), ctx: { operation: 'UPDATE', oldObject: pod('ns1') }, want: ['pods'] },
    { name: 'an update in another namespace', resource: pod('ns2'), ctx: { operation: 'UPDATE', oldObject: pod('ns3') }, want: [] },
  ];
  for (const c of cases) assert.deepEqual(evaluatePolicy(compiled, c.resource, c.ctx).rules.map((x) => x.rule), c.want, c.name);
});

test('a pass result shared between requests names its own policy, and cannot be changed', () => {
  const a = policy({ pattern: { metadata: { name: '?*' } } });
  // The same rule objects under another name (a renamed copy shares them).
  const b: Policy = { ...a, name: 'q' };
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } };
  for (const p of [a, b, a, b, b, a]) {
    const [r] = evaluatePolicy(p, { ...pod }).rules;
    assert.deepEqual(r, { policy: p.name, rule: 'r', ruleType: 'validate', status: 'pass', message: "validation rule 'r' passed." });
    assert.throws(() => Object.assign(r as object, { status: 'fail' }), TypeError);
  }
  const [again] = evaluatePolicy(a, pod).rules;
  assert.equal(again?.status, 'pass');
});
