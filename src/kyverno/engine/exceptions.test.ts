// PolicyExceptions and configMap context entries in the engine, written from kyverno@v1.10.7
// pkg/engine/exceptions.go (match after the rule matched, first exception by namespace/name wins, skip
// message), api/kyverno/v2alpha1 (policyName `ns/name` for a Policy, wildcard ruleNames) and
// pkg/engine/context/loaders/configmap.go (name/namespace substituted, `default` namespace, errors).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.js';
import { mutatePolicy } from '../mutate/index.js';
import { loadPolicyException, type PolicyException } from '../model/exception.js';
import { loadPolicy, type Policy } from '../model/index.js';
import { evaluatePolicy } from './evaluate.js';
import type { ConfigMapData, RuleStatus } from './types.js';

function policy(spec: object, meta: { name?: string; namespace?: string } = {}): Policy {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: meta.namespace ? 'Policy' : 'ClusterPolicy',
    metadata: { name: meta.name ?? 'disallow-host-path', ...(meta.namespace ? { namespace: meta.namespace } : {}) },
    spec: { validationFailureAction: 'Enforce', ...spec },
  });
  assert.deepEqual(r.errors, []);
  return r.policy!;
}

const hostPathRule = {
  name: 'host-path',
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { message: 'HostPath volumes are forbidden.', pattern: { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } } },
};

const pod = (ns = 'gpu-operator', name = 'nfd-worker'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'v', hostPath: { path: '/sys' } }] },
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nfd', namespace: 'gpu-operator' },
  spec: { template: { metadata: {}, spec: (pod().spec as object) } },
};

function exception(name: string, targets: { policyName: string; ruleNames: string[] }[], match: object, namespace = 'kyverno'): PolicyException {
  const r = loadPolicyException({ apiVersion: 'kyverno.io/v2alpha1', kind: 'PolicyException', metadata: { name, namespace }, spec: { exceptions: targets, match } });
  assert.deepEqual(r.errors, []);
  return r.exception!;
}

const inGpuOperator = { any: [{ resources: { kinds: ['Pod', 'Deployment'], namespaces: ['gpu-operator'] } }] };

const cases: { name: string; policy: Policy; resource?: KubeObject; exceptions: PolicyException[]; want: [string, RuleStatus, string?][] }[] = [
  {
    name: 'an exception naming the policy and rule, matching the resource, skips the rule with Kyverno’s message',
    policy: policy({ rules: [hostPathRule] }),
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['host-path'] }], inGpuOperator)],
    want: [['host-path', 'skip', 'rule skipped due to policy exception kyverno/nfd']],
  },
  {
    name: 'an exception for another rule leaves the rule alone',
    policy: policy({ rules: [hostPathRule] }),
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['other'] }], inGpuOperator)],
    want: [['host-path', 'fail']],
  },
  {
    name: 'rule names take wildcards',
    policy: policy({ rules: [hostPathRule] }),
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['host-*'] }], inGpuOperator)],
    want: [['host-path', 'skip', 'rule skipped due to policy exception kyverno/nfd']],
  },
  {
    name: 'an exception whose match does not select the resource leaves the rule alone',
    policy: policy({ rules: [hostPathRule] }),
    resource: pod('default'),
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['host-path'] }], inGpuOperator)],
    want: [['host-path', 'fail']],
  },
  {
    name: 'an autogen rule is exempt only when the exception names the autogen rule',
    policy: policy({ rules: [hostPathRule] }),
    resource: deployment,
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['host-path'] }], inGpuOperator)],
    want: [['autogen-host-path', 'fail']],
  },
  {
    name: 'naming autogen-host-path exempts the Deployment',
    policy: policy({ rules: [hostPathRule] }),
    resource: deployment,
    exceptions: [exception('nfd', [{ policyName: 'disallow-host-path', ruleNames: ['host-path', 'autogen-host-path'] }], inGpuOperator)],
    want: [['autogen-host-path', 'skip', 'rule skipped due to policy exception kyverno/nfd']],
  },
  {
    name: 'a namespaced Policy is named namespace/name; its bare name does not match',
    policy: policy({ rules: [hostPathRule] }, { namespace: 'gpu-operator' }),
    exceptions: [exception('bare', [{ policyName: 'disallow-host-path', ruleNames: ['*'] }], inGpuOperator)],
    want: [['host-path', 'fail']],
  },
  {
    name: 'a namespaced Policy named namespace/name is exempt',
    policy: policy({ rules: [hostPathRule] }, { namespace: 'gpu-operator' }),
    exceptions: [exception('full', [{ policyName: 'gpu-operator/disallow-host-path', ruleNames: ['*'] }], inGpuOperator)],
    want: [['host-path', 'skip', 'rule skipped due to policy exception kyverno/full']],
  },
  {
    name: 'of several matching exceptions the first by namespace, then name, is reported',
    policy: policy({ rules: [hostPathRule] }),
    exceptions: [
      exception('b', [{ policyName: 'disallow-host-path', ruleNames: ['*'] }], inGpuOperator, 'kyverno'),
      exception('z', [{ policyName: 'disallow-host-path', ruleNames: ['*'] }], inGpuOperator, 'default'),
      exception('a', [{ policyName: 'disallow-host-path', ruleNames: ['*'] }], inGpuOperator, 'kyverno'),
    ],
    want: [['host-path', 'skip', 'rule skipped due to policy exception default/z']],
  },
  {
    name: 'the exception match takes user criteria from the request',
    policy: policy({ rules: [hostPathRule] }),
    exceptions: [exception('ops', [{ policyName: 'disallow-host-path', ruleNames: ['*'] }], { any: [{ subjects: [{ kind: 'User', name: 'ops' }] }] })],
    want: [['host-path', 'skip', 'rule skipped due to policy exception kyverno/ops']],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const r = evaluatePolicy(c.policy, c.resource ?? pod(), { exceptions: c.exceptions, requestInfo: { userInfo: { username: 'ops' } } });
    assert.deepEqual(
      r.rules.map((x) => [x.rule, x.status, ...(c.want.some((w) => w.length > 2) ? [x.message] : [])]),
      c.want,
    );
  });
}

test('a mutate rule an exception names is skipped and the resource stays as it was', () => {
  const p = policy({ rules: [{ name: 'add-label', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { team: 'x' } } } } }] }, { name: 'defaults' });
  const ex = exception('no-defaults', [{ policyName: 'defaults', ruleNames: ['add-label'] }], inGpuOperator);
  const resource = pod();
  const m = mutatePolicy(p, resource, { exceptions: [ex] });
  assert.deepEqual(m.rules.map((r) => [r.rule, r.status, r.message]), [['add-label', 'skip', 'rule skipped due to policy exception kyverno/no-defaults']]);
  assert.equal(m.patched, resource);
  assert.equal(mutatePolicy(p, resource, {}).patched.metadata.labels?.team, 'x');
});

const invalid: { name: string; obj: object; want: RegExp }[] = [
  { name: 'v2beta1 is a Kyverno 1.11 version', obj: { apiVersion: 'kyverno.io/v2beta1' }, want: /apiVersion: Unsupported value: "kyverno.io\/v2beta1"/ },
  { name: 'a policyName is required', obj: { spec: { exceptions: [{ ruleNames: ['r'] }], match: inGpuOperator } }, want: /spec.exceptions\[0\].policyName: Required value: An exception requires a policy name/ },
  { name: 'match needs any or all', obj: { spec: { exceptions: [{ policyName: 'p', ruleNames: ['r'] }], match: {} } }, want: /spec.match: Required value/ },
];
for (const c of invalid) {
  test(`invalid PolicyException: ${c.name}`, async () => {
    const { formatFieldError } = await import('../../kube/index.js');
    const r = loadPolicyException({ apiVersion: 'kyverno.io/v2alpha1', kind: 'PolicyException', metadata: { name: 'x', namespace: 'kyverno' }, spec: { exceptions: [{ policyName: 'p', ruleNames: ['r'] }], match: inGpuOperator }, ...c.obj });
    assert.equal(r.exception, undefined);
    assert.match(r.errors.map(formatFieldError).join('\n'), c.want);
  });
}

// context.configMap from the cluster's ConfigMaps.
const cmPolicy = policy(
  {
    rules: [
      {
        name: 'allowed-registry',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        context: [{ name: 'registries', configMap: { name: 'registries', namespace: '{{ request.object.metadata.namespace }}' } }],
        validate: { message: 'registry not allowed', deny: { conditions: { all: [{ key: '{{ registries.data.allowed }}', operator: 'NotEquals', value: 'nginx' }] } } },
      },
    ],
  },
  { name: 'registries' },
);
const cm = (ns: string, allowed: string): Record<string, ConfigMapData> => ({ [`${ns}/registries`]: { data: { allowed }, metadata: { name: 'registries', namespace: ns } } });

const cmCases: { name: string; configMaps?: Record<string, ConfigMapData>; want: [RuleStatus, RegExp] }[] = [
  { name: 'the entry loads the ConfigMap of the substituted namespace', configMaps: cm('gpu-operator', 'nginx'), want: ['pass', /passed/] },
  { name: 'its data decides', configMaps: cm('gpu-operator', 'quay'), want: ['fail', /registry not allowed/] },
  {
    // Loaded when the deny conditions read it (deferred loading): the read fails with the load's error.
    name: 'a ConfigMap the cluster does not have is an error, as in Kyverno',
    configMaps: cm('other', 'nginx'),
    want: [
      'error',
      /^failed to check deny preconditions: failed to substitute variables in deny conditions: failed to resolve registries.data.allowed at path \/all\/0\/key: failed to retrieve config map for context entry registries: failed to get configmap gpu-operator\/registries : configmaps "registries" not found$/,
    ],
  },
  { name: 'without a cluster the entry stays unloaded (the variable is unresolved)', want: ['error', /registries.data.allowed/] },
];
for (const c of cmCases) {
  test(`configMap context: ${c.name}`, () => {
    const r = evaluatePolicy(cmPolicy, pod(), c.configMaps ? { configMaps: c.configMaps } : {});
    assert.equal(r.rules[0]?.status, c.want[0], r.rules[0]?.message);
    assert.match(r.rules[0]?.message ?? '', c.want[1]);
  });
}
