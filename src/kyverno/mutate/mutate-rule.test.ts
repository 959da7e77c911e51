// Rule- and policy-level mutation: Kyverno's statuses and messages, foreach order and nesting, autogen of
// strategic merge patches, and mutate-before-validate (validation sees the mutated object).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import { type JsonObject, isObject } from '../../util/index.js';
import { evaluatePolicy } from '../engine/index.js';
import { loadPolicy, type Policy } from '../model/index.js';
import { mutatePolicy } from './index.js';

function policy(rules: string): Policy {
  const doc = parse(`apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n${rules}`) as JsonObject;
  const p = loadPolicy(doc as unknown as KubeObject).policy;
  assert.ok(p);
  return p;
}

const pod = (spec: JsonObject, namespace = 'ns'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace }, spec });
const match = `    match: {any: [{resources: {kinds: [Pod]}}]}`;

// `message` is the exact text; with `prefixOnly` only its start (the JMESPath library's own error text follows).
const cases: { name: string; rules: string; resource: KubeObject; want: { status: string; message: string; prefixOnly?: boolean } }[] = [
  {
    name: 'a patch that changes the pod passes with the mutated message',
    rules: `  - name: r\n${match}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: prod}}}`,
    resource: pod({ containers: [{ name: 'a' }] }),
    want: { status: 'pass', message: 'mutated Pod/p1 in namespace ns' },
  },
  {
    name: 'a patch that changes nothing is skipped',
    rules: `  - name: r\n${match}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: prod}}}`,
    resource: pod({ runtimeClassName: 'prod' }),
    want: { status: 'skip', message: 'no patches applied' },
  },
  {
    name: 'unmet preconditions skip the rule',
    rules: `  - name: r\n${match}\n    preconditions: {all: [{key: '{{request.object.spec.dnsPolicy || ""}}', operator: Equals, value: None}]}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: prod}}}`,
    resource: pod({}),
    want: { status: 'skip', message: 'preconditions not met' },
  },
  {
    name: 'a variable that fails to evaluate in the patch is an error',
    rules: `  - name: r\n${match}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: '{{ length(\`1\`) }}'}}}`,
    resource: pod({}),
    want: { status: 'error', message: 'variable substitution failed: failed to resolve length(`1`) at path /mutate/patchStrategicMerge/spec/runtimeClassName: ', prefixOnly: true },
  },
  {
    name: 'a variable naming a missing field is an error, not a deleted field',
    rules: `  - name: r\n${match}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: '{{ request.object.metadata.labels.runtime }}'}}}`,
    resource: pod({ runtimeClassName: 'kata' }),
    want: { status: 'error', message: 'variable substitution failed: failed to resolve request.object.metadata.labels.runtime at path /mutate/patchStrategicMerge/spec/runtimeClassName: JMESPath query failed: Unknown key "labels" in path' },
  },
  {
    name: 'a foreach over no elements passes (1.10.7)',
    rules: `  - name: r\n${match}\n    mutate:\n      foreach:\n      - list: request.object.spec.initContainers\n        patchesJson6902: '[{"op": "add", "path": "/spec/x", "value": 1}]'`,
    resource: pod({ containers: [{ name: 'a' }] }),
    want: { status: 'pass', message: 'mutated Pod/p1 in namespace ns' },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const r = mutatePolicy(policy(c.rules), c.resource);
    assert.equal(r.rules.length, 1);
    assert.equal(r.rules[0]?.status, c.want.status);
    if (c.want.prefixOnly) assert.ok(r.rules[0]?.message.startsWith(c.want.message), r.rules[0]?.message);
    else assert.equal(r.rules[0]?.message, c.want.message);
  });
}

test('descending foreach removes elements by their original index, nested foreach sees both indices', () => {
  const rules = `  - name: r
${match}
    mutate:
      foreach:
      - list: request.object.spec.containers
        foreach:
        - list: element.volumeMounts
          order: Descending
          preconditions: {all: [{key: '{{element.name}}', operator: Equals, value: host}]}
          patchesJson6902: '[{"op": "remove", "path": "/spec/containers/{{elementIndex0}}/volumeMounts/{{elementIndex1}}"}]'`;
  const mounts = [{ name: 'host' }, { name: 'data' }, { name: 'host' }];
  const r = mutatePolicy(policy(rules), pod({ containers: [{ name: 'a' }, { name: 'b', volumeMounts: mounts }] }));
  assert.equal(r.rules[0]?.status, 'pass');
  assert.deepEqual((r.patched.spec as JsonObject).containers, [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data' }] }]);
});

test('autogen wraps a Pod strategic merge patch into the Deployment pod template', () => {
  const rules = `  - name: r\n${match}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: prod}}}`;
  const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
  const r = mutatePolicy(policy(rules), deploy);
  assert.deepEqual(r.rules.map((x) => [x.rule, x.status]), [['autogen-r', 'pass']]);
  const tpl = (r.patched.spec as JsonObject).template;
  assert.ok(isObject(tpl) && isObject(tpl.spec) && tpl.spec.runtimeClassName === 'prod');
});

test('validation run on the mutated pod sees the defaults the mutate rule added', () => {
  const defaults = policy(`  - name: default-nonroot\n${match}\n    mutate: {patchStrategicMerge: {spec: {securityContext: {+(runAsNonRoot): true}}}}`);
  const check = policy(`  - name: require-nonroot\n${match}\n    validate: {message: nonroot, pattern: {spec: {securityContext: {runAsNonRoot: true}}}}`);
  const original = pod({ containers: [{ name: 'a' }] });
  assert.equal(evaluatePolicy(check, original).rules[0]?.status, 'fail');
  const mutated = mutatePolicy(defaults, original).patched;
  assert.equal(evaluatePolicy(check, mutated).rules[0]?.status, 'pass');
});

test('{{@}} in a strategic merge patch is the value at the same path of the object (keys with dashes quoted)', () => {
  const p = policy(
    `  - name: r\n${match}\n    mutate:\n      patchStrategicMerge:\n        metadata: {labels: {deploy-zone: 'zone-{{@}}'}}\n        spec: {containers: [{(name): '*', image: 'mirror.io/{{@}}'}]}`,
  );
  const res: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns', labels: { 'deploy-zone': 'eu-1' } }, spec: { containers: [{ name: 'a', image: 'nginx:1' }] } };
  const m = mutatePolicy(p, res);
  assert.equal(m.rules[0]?.status, 'pass', m.rules[0]?.message);
  assert.deepEqual(m.patched.metadata.labels, { 'deploy-zone': 'zone-eu-1' });
  assert.equal((m.patched.spec as { containers: { image: string }[] }).containers[0]?.image, 'mirror.io/nginx:1');
});

test('unmet preconditions with messages skip the rule with those messages (1.10.7)', () => {
  const p = policy(
    `  - name: r\n${match}\n    preconditions: {all: [{key: '{{request.object.spec.dnsPolicy || ""}}', operator: Equals, value: None, message: 'dnsPolicy is not None'}]}\n    mutate: {patchStrategicMerge: {spec: {runtimeClassName: prod}}}`,
  );
  const r = mutatePolicy(p, pod({}));
  assert.deepEqual([r.rules[0]?.status, r.rules[0]?.message], ['skip', 'preconditions not met; dnsPolicy is not None']);
});

// kyverno@v1.10.7 forEachMutator: a declaration processed without error counts as applied; 1.11 skips it.
const unchangedForeach = `  - name: r\n${match}\n    mutate:\n      foreach:\n      - list: request.object.spec.containers\n        patchStrategicMerge: {spec: {containers: [{(name): '{{element.name}}', image: nginx}]}}`;
const noPatchCases = [
  { name: 'passes by default (1.10.7)', skip: false, want: ['pass', 'mutated Pod/p1 in namespace ns'] },
  { name: 'is skipped with the 1.11 option', skip: true, want: ['skip', '0 elements processed'] },
];
for (const c of noPatchCases) {
  test(`a foreach whose patch changes nothing ${c.name}`, () => {
    const r = mutatePolicy(policy(unchangedForeach), pod({ containers: [{ name: 'a', image: 'nginx' }] }), c.skip ? { skipUnchangedForeach: true } : {});
    assert.deepEqual([r.rules[0]?.status, r.rules[0]?.message], c.want);
  });
}
