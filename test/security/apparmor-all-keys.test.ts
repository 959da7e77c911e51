// Issue 13 observation 2: a wildcard metadata key checks EVERY matching label/annotation. With the chart's
// restrict-apparmor-profiles, one unconfined container among allowed ones denies the pod, whatever the key order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, evaluatePolicy, loadPolicyList } from '../../src/kyverno/index.js';
import type { KubeObject } from '../../src/kube/index.js';
import { runCli } from '../helpers/cli.js';

const values = new URL('./testdata/baseline-enforce-values.yaml', import.meta.url).pathname;
const PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function review(annotations: Record<string, string>) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'aa-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'team-a',
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'team-a', annotations },
        spec: { containers: ['a', 'c', 'm', 'z'].map((name) => ({ name, image: 'nginx' })) },
      },
    },
  };
}

const cases: { name: string; annotations: Record<string, string>; allowed: boolean; failingKey?: string }[] = [
  { name: 'c allowed, z unconfined: denied naming z', annotations: { [`${PREFIX}c`]: 'runtime/default', [`${PREFIX}z`]: 'unconfined' }, allowed: false, failingKey: 'z' },
  { name: 'a unconfined, c allowed: denied naming a', annotations: { [`${PREFIX}a`]: 'unconfined', [`${PREFIX}c`]: 'runtime/default' }, allowed: false, failingKey: 'a' },
  { name: 'an unconfined key in the middle: denied naming m', annotations: { [`${PREFIX}a`]: 'localhost/x', [`${PREFIX}m`]: 'unconfined', [`${PREFIX}z`]: 'runtime/default' }, allowed: false, failingKey: 'm' },
  { name: 'every key allowed: allowed', annotations: { [`${PREFIX}a`]: 'localhost/x', [`${PREFIX}c`]: 'runtime/default', [`${PREFIX}z`]: 'runtime/default' }, allowed: true },
  { name: 'no AppArmor annotation: allowed', annotations: { team: 'a' }, allowed: true },
];

for (const c of cases) {
  test(`restrict-apparmor-profiles through podgate admit: ${c.name} (issue 13 obs. 2)`, async () => {
    const r = await runCli(['admit', '--chart-values', values, '--request', '-'], { stdin: JSON.stringify(review(c.annotations)) });
    const out = JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } };
    assert.equal(out.response.allowed, c.allowed, r.stdout);
    assert.equal(r.code, c.allowed ? 0 : 1);
    if (c.failingKey) {
      assert.match(out.response.status?.message ?? '', /restrict-apparmor-profiles/);
      assert.match(out.response.status?.message.replace(/\s*\n\s*/g, ' ') ?? '', new RegExp(`/metadata/annotations/${PREFIX.replaceAll('.', '\\.')}${c.failingKey}/`));
    }
  });
}

const labelPolicy = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'tier-labels' },
  spec: {
    validationFailureAction: 'Enforce',
    rules: [
      {
        name: 'tiers',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        validate: { message: 'tier labels must be gold or silver', pattern: { metadata: { labels: { 'tier.example.com/*': 'gold | silver' } } } },
      },
    ],
  },
} as unknown as KubeObject;

const labelCases: { labels: Record<string, string>; status: string }[] = [
  { labels: { 'tier.example.com/a': 'gold', 'tier.example.com/b': 'bronze' }, status: 'fail' },
  { labels: { 'tier.example.com/a': 'bronze', 'tier.example.com/b': 'gold' }, status: 'fail' },
  { labels: { 'tier.example.com/a': 'gold', 'tier.example.com/b': 'silver' }, status: 'pass' },
];

for (const c of labelCases) {
  test(`wildcard label keys check every matching label: ${JSON.stringify(c.labels)} → ${c.status} (issue 13 obs. 2)`, () => {
    const loaded = loadPolicyList([labelPolicy], () => 'policy');
    assert.deepEqual(loaded.problems, []);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', labels: c.labels }, spec: { containers: [{ name: 'c', image: 'i' }] } } as unknown as KubeObject;
    const r = evaluatePolicy(compilePolicy(loaded.policies[0]!), pod, { operation: 'CREATE', namespaceLabels: {} });
    assert.equal(r.rules[0]?.status, c.status, r.rules[0]?.message);
  });
}
