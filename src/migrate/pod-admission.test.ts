import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import { compilePolicy, loadPolicyList } from '../kyverno/index.js';
import { admitPaired, findingsOnce, podFromTemplate, podOnlyPolicies } from './pod-admission.js';

// A rule name long enough that Kyverno cuts its autogen name to 63 characters.
const LONG = `no-privileged-containers-${'x'.repeat(35)}`;

function policy(annotations: Record<string, string> = {}) {
  const { policies, problems } = loadPolicyList([
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p', annotations },
      spec: {
        validationFailureAction: 'Enforce',
        rules: [{ name: LONG, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'no', pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } } } }],
      },
    },
  ], (i) => `policy ${i}`);
  assert.deepEqual(problems, []);
  return [compilePolicy(policies[0]!)];
}

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } },
} as unknown as KubeObject;

test('podOnlyPolicies: a policy whose autogen covers the kind (even under a cut name) is not pod-only; with autogen off it is', () => {
  assert.equal(podOnlyPolicies(policy(), 'Deployment').length, 0);
  assert.equal(podOnlyPolicies(policy({ 'pod-policies.kyverno.io/autogen-controllers': 'none' }), 'Deployment').length, 1);
});

test('findingsOnce: the pod\'s result for a rule the controller gave under its cut autogen name is said once', () => {
  const ps = policy();
  const admissions = [admitPaired(ps, deployment, {}), admitPaired(ps, podFromTemplate(deployment)!, {})];
  const all = admissions.flatMap((a) => a.validated.flatMap((v) => v.result.rules)).filter((r) => r.status === 'fail');
  assert.equal(all.length, 2, JSON.stringify(all.map((r) => r.rule)));
  const once = findingsOnce(admissions, (_p, _r, x) => x.status === 'fail');
  assert.deepEqual(
    once.map((f) => f.rule.rule),
    [`autogen-${LONG}`.slice(0, 63)],
  );
});
