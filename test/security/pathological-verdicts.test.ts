// Issue 13 observation 3 at the engine level: the pathological shapes (nested foreach + AnyNotIn over many
// volumeMounts, AnyIn over many ports, `*aaa…b` against a huge label) keep their verdicts now that membership
// uses set lookups, request-only expressions are evaluated once per request and wildcards scan once.
// Their cost is measured by `npm run bench -- pathological`, not here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/index.js';
import { compilePolicy, evaluatePolicy, loadPolicyList } from '../../src/kyverno/index.js';

function policy(name: string, validate: unknown) {
  const loaded = loadPolicyList(
    [{ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Enforce', rules: [{ name, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate }] } } as unknown as KubeObject],
    () => name,
  );
  assert.deepEqual(loaded.problems, []);
  return compilePolicy(loaded.policies[0]!);
}
const pod = (spec: unknown, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec }) as unknown as KubeObject;
const evaluate = (p: ReturnType<typeof policy>, r: KubeObject) => evaluatePolicy(p, r, { operation: 'CREATE', namespaceLabels: {} }).rules.map((x) => [x.status, x.message]);

const mounts = policy('mounts', {
  message: 'every mount names a volume',
  foreach: [
    {
      list: 'request.object.spec.containers',
      foreach: [{ list: 'element.volumeMounts', deny: { conditions: { any: [{ key: '{{ element.name }}', operator: 'AnyNotIn', value: '{{ request.object.spec.volumes[].name }}' }] } } }],
    },
  ],
});
const N = 3000;
const volumes = Array.from({ length: N }, (_, i) => ({ name: `v${i}`, emptyDir: {} }));
const mountList = (extra: string[]) => [...Array.from({ length: N }, (_, i) => ({ name: `v${N - 1 - i}`, mountPath: `/m/${i}` })), ...extra.map((name) => ({ name, mountPath: `/x/${name}` }))];

test('nested foreach + AnyNotIn over 3,000 volumeMounts: all known passes, one unknown mount fails (issue 13 obs. 3)', () => {
  assert.deepEqual(evaluate(mounts, pod({ containers: [{ name: 'a', image: 'i', volumeMounts: mountList([]) }, { name: 'b', image: 'i', volumeMounts: mountList([]) }], volumes })), [['pass', 'rule passed']]);
  const r = evaluate(mounts, pod({ containers: [{ name: 'a', image: 'i', volumeMounts: mountList([]) }, { name: 'b', image: 'i', volumeMounts: mountList(['ghost']) }], volumes }));
  assert.equal(r[0]?.[0], 'fail');
  assert.match(String(r[0]?.[1]), /every mount names a volume/);
});

const ports = policy('ports', {
  message: 'no ports in 7000-7099',
  deny: { conditions: { any: [{ key: '{{ request.object.spec.containers[].ports[].containerPort }}', operator: 'AnyIn', value: Array.from({ length: 100 }, (_, i) => 7000 + i) }] } },
});
const portList = (n: number, extra: number[]) => [...Array.from({ length: n }, (_, i) => ({ containerPort: 10_000 + i })), ...extra.map((containerPort) => ({ containerPort }))];

test('AnyIn over 20,000 ports: no forbidden port passes, the last one forbidden fails (issue 13 obs. 3)', () => {
  assert.equal(evaluate(ports, pod({ containers: [{ name: 'c', image: 'i', ports: portList(20_000, []) }] }))[0]?.[0], 'pass');
  assert.equal(evaluate(ports, pod({ containers: [{ name: 'c', image: 'i', ports: portList(20_000, [7099]) }] }))[0]?.[0], 'fail');
});

test('a *aaa…b wildcard against a 2.9 MB label: fails without the b, passes with it (issue 13 obs. 3)', () => {
  const label = policy('label', { message: 'label', pattern: { metadata: { labels: { big: `*${'a'.repeat(3000)}b` } } } });
  const big = 'a'.repeat(2_900_000);
  assert.equal(evaluate(label, pod({ containers: [{ name: 'c', image: 'i' }] }, { big }))[0]?.[0], 'fail');
  assert.equal(evaluate(label, pod({ containers: [{ name: 'c', image: 'i' }] }, { big: `${big}b` }))[0]?.[0], 'pass');
});
