// Benchmark: issue 13's pathological reviews at the engine level (observation 3), each timed once against
// JSON.parse of its own AdmissionReview text in the same run: a nested foreach + AnyNotIn over 20,000
// volumeMounts, AnyIn over 60,000 ports, and a `*aaa…b` wildcard against a 2.9 MB label.
// Run: npm run bench -- pathological
import type { KubeObject } from '../src/kube/index.js';
import { compilePolicy, evaluatePolicy, loadPolicyList } from '../src/kyverno/index.js';

function policy(name: string, validate: unknown) {
  const loaded = loadPolicyList(
    [{ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Enforce', rules: [{ name, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate }] } } as unknown as KubeObject],
    () => name,
  );
  const p = loaded.policies[0];
  if (!p) throw new Error(loaded.problems.join('\n'));
  return compilePolicy(p);
}

const pod = (spec: unknown, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec }) as unknown as KubeObject;
const N = 20_000;
const cases = [
  {
    name: 'nested foreach + AnyNotIn, 20,000 volumeMounts',
    policy: policy('mounts', {
      message: 'mounts',
      foreach: [{ list: 'request.object.spec.containers', foreach: [{ list: 'element.volumeMounts', deny: { conditions: { any: [{ key: '{{ element.name }}', operator: 'AnyNotIn', value: '{{ request.object.spec.volumes[].name }}' }] } } }] }],
    }),
    resource: pod({
      containers: [{ name: 'c', image: 'i', volumeMounts: Array.from({ length: N }, (_, i) => ({ name: `v${i}`, mountPath: `/m/${i}` })) }],
      volumes: Array.from({ length: N }, (_, i) => ({ name: `v${i}`, emptyDir: {} })),
    }),
  },
  {
    name: 'AnyIn over 60,000 ports',
    policy: policy('ports', {
      message: 'ports',
      deny: { conditions: { any: [{ key: '{{ request.object.spec.containers[].ports[].containerPort }}', operator: 'AnyIn', value: Array.from({ length: 100 }, (_, i) => 70_000 + i) }] } },
    }),
    resource: pod({ containers: [{ name: 'c', image: 'i', ports: Array.from({ length: 60_000 }, (_, i) => ({ containerPort: i + 1 })) }] }),
  },
  {
    name: '*aaa…b wildcard against a 2.9 MB label',
    policy: policy('label', { message: 'label', pattern: { metadata: { labels: { big: `*${'a'.repeat(3000)}b` } } } }),
    resource: pod({ containers: [{ name: 'c', image: 'i' }] }, { big: 'a'.repeat(2_900_000) }),
  },
];

for (const c of cases) {
  const text = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { object: c.resource } });
  let t = performance.now();
  JSON.parse(text);
  const parse = performance.now() - t;
  t = performance.now();
  const r = evaluatePolicy(c.policy, c.resource, { operation: 'CREATE', namespaceLabels: {} });
  const ms = performance.now() - t;
  console.log(`${c.name}: ${ms.toFixed(0)} ms (${r.rules[0]?.status}), JSON.parse ${parse.toFixed(0)} ms, ratio ${(ms / parse).toFixed(1)}×`);
}
