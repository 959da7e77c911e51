// Benchmark: issue 13's pathological reviews at the engine level (observation 3), each timed once against
// JSON.parse of its own AdmissionReview text in the same run: a nested foreach + AnyNotIn over 20,000
// volumeMounts, AnyIn over 60,000 ports, and a `*aaa…b` wildcard against a 2.9 MB label. Then the
// adversarial inputs whose timing used to be asserted inside tests (tests now assert work counts or the
// bounds that make them fast): wildcards, range detection, RE2 regexes, JMESPath output amplification.
// Run: npm run bench -- pathological
import type { KubeObject } from '../src/kube/index.js';
import { compilePolicy, evaluatePolicy, loadPolicyList } from '../src/kyverno/index.js';
import { searchJmespath } from '../src/kyverno/jmespath/index.js';
import { matchValue } from '../src/kyverno/pattern/index.js';
import { wildcardMatch } from '../src/util/index.js';

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

const attempt = (f: () => unknown) => () => {
  try {
    return f();
  } catch (e) {
    return (e as Error).constructor.name;
  }
};
const inputs: { name: string; run: () => unknown }[] = [
  { name: 'wildcard: many stars before a missing suffix (100,000 chars)', run: () => wildcardMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(100_000)) },
  { name: 'wildcard: a 200-char literal almost matching everywhere', run: () => wildcardMatch(`*${'a'.repeat(200)}b*`, 'a'.repeat(100_000)) },
  { name: 'wildcard: question marks between stars', run: () => wildcardMatch(`*${'?*'.repeat(100)}c`, 'ab'.repeat(50_000)) },
  { name: 'wildcard: question marks inside a piece', run: () => wildcardMatch(`*${'a?'.repeat(50)}b*`, 'a'.repeat(20_000)) },
  { name: 'pattern: range detection on 100,000-digit runs', run: () => [matchValue('1', `${'1'.repeat(50000)}x-${'2'.repeat(50000)}`), matchValue('1', '9'.repeat(100000))] },
  { name: "regex_match('(a+)+$') on 50,000 chars (RE2)", run: () => searchJmespath("regex_match('(a+)+$', @)", `${'a'.repeat(50_000)}!`) },
  { name: "JMESPath pad_left('a', 100000000)", run: attempt(() => searchJmespath("pad_left('a', `100000000`, 'x')", {})) },
  { name: 'JMESPath nested replace_all ×14', run: attempt(() => searchJmespath(`${'replace_all('.repeat(14)}'aaaa'${",'a','aaaa')".repeat(14)}`, {})) },
  { name: 'JMESPath to_string doubling ×30', run: attempt(() => searchJmespath(`${'[@,@] | '.repeat(30)}to_string(@)`, {})) },
];
for (const c of inputs) {
  const t = performance.now();
  const out = c.run();
  console.log(`${c.name}: ${(performance.now() - t).toFixed(1)} ms (${JSON.stringify(out)})`);
}
