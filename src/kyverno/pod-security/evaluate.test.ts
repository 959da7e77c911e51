// Tests for the validate.podSecurity subrule: the public pod-security/subrule suites (rows checked
// directly against this function) and exact Kyverno messages.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type KubeObject, parseObjects } from '../../kube/index.js';
import { isObject } from '../../util/index.js';
import { type PssPod, parsePssVersion } from '../../pss/index.js';
import { evaluateKyvernoChecks, podSecurityStepRuns } from './checks.js';
import { compilePodSecurityRule, evaluateCompiledPodSecurityRule, evaluatePodSecurityRule, podSecurityCheckRuns } from './evaluate.js';
import { applyPodSecurityExclusion, type PodSecurityExclude } from './exclude.js';

const suites = fileURLToPath(new URL('../../../../shared/conformance/kyverno-policies/pod-security/subrule/', import.meta.url));

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name === 'kyverno-test.yaml') out.push(p);
  }
  return out.sort();
}

const suiteFiles = existsSync(suites) ? findTests(suites) : [];

for (const file of suiteFiles) {
  test(`the ${file.slice(suites.length).split('/')[0]}/… subrule suite gives every expected result`, () => {
    const spec = parse(readFileSync(file, 'utf8')) as { policies: string[]; resources: string[]; results: { policy: string; rule: string; resources: string[]; result: string }[] };
    const base = dirname(file);
    const policies = spec.policies.flatMap((p) => parseObjects(readFileSync(resolve(base, p), 'utf8'), p).objects.map((o) => o.object));
    const resources = spec.resources.flatMap((r) => parseObjects(readFileSync(resolve(base, r), 'utf8'), r).objects.map((o) => o.object));
    for (const row of spec.results) {
      const policy = policies.find((p) => p.metadata.name === row.policy);
      const rules = (isObject(policy?.spec) && Array.isArray(policy.spec.rules) ? policy.spec.rules : []) as { name: string; validate?: { podSecurity?: { level: string; version?: string; exclude?: unknown[] } } }[];
      const rule = rules.find((r) => r.name === row.rule);
      const ps = rule?.validate?.podSecurity;
      assert.ok(ps, `${row.policy}/${row.rule} has a podSecurity subrule`);
      for (const name of row.resources) {
        const resource = resources.find((r) => r.metadata.name === name);
        assert.ok(resource, name);
        const got = evaluatePodSecurityRule(resource, { name: row.rule, ...ps });
        assert.equal(got.status, row.result, `${name}: ${got.message}`);
      }
    }
  });
}

test('the subrule suites are present and were all run', { skip: !existsSync(suites) && 'shared conformance data not present' }, () => {
  assert.equal(suiteFiles.length, 4);
});

const pod = (spec: Record<string, unknown>, kind = 'Pod'): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'p' }, spec: spec as KubeObject['spec'] });
const restrictedContainer = { name: 'c', image: 'nginx', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } } };

const cases: { name: string; resource: KubeObject; rule: { level: string; version?: string; exclude?: unknown[] }; status: string; message: string }[] = [
  {
    name: 'a baseline failure prints the forbidden reason and field errors',
    resource: pod({ hostIPC: true, containers: [{ name: 'c', image: 'i' }] }),
    rule: { level: 'baseline', version: 'latest' },
    status: 'fail',
    message: `Validation rule 'r' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: host namespaces, field error list: [spec.hostIPC is forbidden, forbidden values found: true])`,
  },
  {
    name: 'restricted failures list Required fields and each failing check in ID order',
    resource: pod({ containers: [{ name: 'c', image: 'i', securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }] }),
    rule: { level: 'restricted', version: 'latest' },
    status: 'fail',
    message: `Validation rule 'r' failed. It violates PodSecurity "restricted:latest": (Forbidden reason: allowPrivilegeEscalation != false, field error list: [spec.containers[0].securityContext.allowPrivilegeEscalation: Required value])(Forbidden reason: unrestricted capabilities, field error list: [spec.containers[0].securityContext.capabilities.drop: Required value])`,
  },
  {
    name: 'controller templates get spec.template paths (autogen)',
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] } } } },
    rule: { level: 'baseline' },
    status: 'fail',
    message: `Validation rule 'r' failed. It violates PodSecurity "baseline:": (Forbidden reason: privileged, field error list: [spec.template.spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])`,
  },
  {
    name: 'a capabilities exclusion with a matching image wildcard passes',
    resource: pod({ containers: [{ ...restrictedContainer, securityContext: { ...restrictedContainer.securityContext, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } } }] }),
    rule: { level: 'restricted', version: 'latest', exclude: [{ controlName: 'Capabilities', images: ['ngin*'] }] },
    status: 'pass',
    message: `Validation rule 'r' passed.`,
  },
  {
    name: 'an exclusion whose values do not cover the bad value keeps the failure',
    resource: pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [{ name: 'c', image: 'i' }] }),
    rule: { level: 'baseline', version: 'v1.24', exclude: [{ controlName: 'Sysctls', restrictedField: 'spec.securityContext.sysctls[*].name', values: ['net.*'] }] },
    status: 'fail',
    message: `Validation rule 'r' failed. It violates PodSecurity "baseline:v1.24": (Forbidden reason: forbidden sysctls, field error list: [spec.securityContext.sysctls[0].name is forbidden, forbidden values found: kernel.msgmax])`,
  },
  {
    name: 'an exclusion on the restricted field with matching values passes',
    resource: pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }, containers: [{ name: 'c', image: 'i' }] }),
    rule: { level: 'baseline', version: 'v1.24', exclude: [{ controlName: 'Sysctls', restrictedField: 'spec.securityContext.sysctls[*].name', values: ['kernel.*'] }] },
    status: 'pass',
    message: `Validation rule 'r' passed.`,
  },
  {
    name: 'a malformed version is an error',
    resource: pod({ containers: [] }),
    rule: { level: 'baseline', version: '1.24' },
    status: 'error',
    message: 'failed to parse pod security api version: invalid version "1.24"',
  },
  {
    name: 'a kind without a pod is an error',
    resource: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    rule: { level: 'baseline' },
    status: 'error',
    message: 'Error while getting new resource: could not find correct resource type',
  },
];

for (const c of cases) {
  test(c.name, () => {
    const got = evaluatePodSecurityRule(c.resource, { name: 'r', ...c.rule });
    assert.equal(got.message, c.message);
    assert.equal(got.status, c.status);
  });
}

test('podSecurity rules of one request share the PSS checks of their level and version; another object is checked again', () => {
  const pod = (privileged: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged } }] },
  });
  const rules = [
    compilePodSecurityRule({ name: 'a', level: 'baseline', version: 'latest' }),
    compilePodSecurityRule({ name: 'b', level: 'baseline', version: 'latest' }),
    compilePodSecurityRule({ name: 'c', level: 'baseline', version: 'latest', exclude: [{ controlName: 'Privileged Containers', images: ['nginx'] }] }),
    compilePodSecurityRule({ name: 'd', level: 'restricted' }),
  ];
  const bad = pod(true);
  const before = podSecurityCheckRuns();
  const statuses = rules.map((r) => evaluateCompiledPodSecurityRule(bad, r).status);
  assert.deepEqual(statuses, ['fail', 'fail', 'pass', 'fail']);
  // baseline:latest once for a, b and c (c's exclusion re-runs on its own reduced pod), restricted:latest once.
  assert.equal(podSecurityCheckRuns() - before, 2);
  assert.equal(evaluateCompiledPodSecurityRule(bad, rules[0]!).message, evaluatePodSecurityRule(bad, { name: 'a', level: 'baseline', version: 'latest' }).message);
  // The same answers as the uncached path, and a new object (a mutated pod) is evaluated on its own.
  const good = pod(false);
  assert.deepEqual(rules.map((r) => evaluateCompiledPodSecurityRule(good, r).status).slice(0, 3), ['pass', 'pass', 'pass']);
  assert.ok(podSecurityCheckRuns() - before >= 4);
});

test("an exclusion re-runs only its control's checks on the reduced pod, with the answer every check's run gives", () => {
  const pod: PssPod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      hostNetwork: true,
      containers: [
        { name: 'a', image: 'nginx', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] }, seccompProfile: { type: 'Unconfined' } } },
        { name: 'b', image: 'redis', securityContext: { capabilities: { add: ['SYS_TIME'] } } },
      ],
      initContainers: [{ name: 'i', image: 'busybox', securityContext: { runAsUser: 0 } }],
    },
  };
  const cases: { exclude: PodSecurityExclude[]; level: 'baseline' | 'restricted'; version?: string }[] = [
    { exclude: [{ controlName: 'Seccomp' }, { controlName: 'Seccomp', images: ['*'] }], level: 'restricted' },
    { exclude: [{ controlName: 'Seccomp' }, { controlName: 'Capabilities', images: ['nginx'] }], level: 'restricted', version: 'v1.25' },
    { exclude: [{ controlName: 'Capabilities', images: ['nginx', 'redis'] }], level: 'restricted' },
    { exclude: [{ controlName: 'Capabilities', images: ['redis*'], values: ['SYS_TIME'] }], level: 'baseline' },
    { exclude: [{ controlName: 'Host Namespaces' }, { controlName: 'Privileged Containers', images: ['nginx'] }], level: 'baseline' },
    { exclude: [{ controlName: 'Running as Non-root user', images: ['busybox'], restrictedField: 'spec.initContainers[*].securityContext.runAsUser' }], level: 'restricted' },
    { exclude: [{ controlName: 'No Such Control' }], level: 'restricted' },
    // Controls with no failed check (their run is skipped), also at a pinned version, where a check fails at several steps.
    { exclude: [{ controlName: 'Sysctls' }, { controlName: 'AppArmor', images: ['*'] }], level: 'restricted' },
    { exclude: [{ controlName: 'Volume Types' }, { controlName: 'Host Ports', images: ['nginx'] }], level: 'restricted', version: 'v1.25' },
    { exclude: [{ controlName: 'No Such Control' }, { controlName: 'Sysctls', images: ['*'] }], level: 'restricted', version: 'v1.23' },
  ];
  for (const c of cases) {
    const version = c.version === undefined ? 'latest' : parsePssVersion(c.version)!;
    const failed = evaluateKyvernoChecks(pod, c.level, version);
    const before = podSecurityStepRuns();
    const got = applyPodSecurityExclusion(failed, c.exclude, pod, c.level, version);
    const steps = podSecurityStepRuns() - before;
    // At latest, at most the control's two checks (a baseline and a restricted one) per exclusion.
    if (version === 'latest') assert.ok(steps <= 2 * c.exclude.length, `${steps} check steps for ${JSON.stringify(c.exclude)}`);
    // Kyverno's way, every check run for each exclusion, gives the same failed checks in the same order.
    assert.deepEqual(got, applyPodSecurityExclusion(failed, c.exclude, pod, c.level, version, undefined, true), JSON.stringify(c));
  }
});

test('an exclusion whose control has no failed check runs no check on the reduced pod', () => {
  const pod: PssPod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { hostPID: true, containers: [{ name: 'a', image: 'nginx', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] },
  };
  const cases: { exclude: PodSecurityExclude; runs: boolean }[] = [
    { exclude: { controlName: 'Sysctls' }, runs: false },
    { exclude: { controlName: 'Privileged Containers', images: ['*'] }, runs: false },
    { exclude: { controlName: 'Host Namespaces' }, runs: true },
    { exclude: { controlName: 'Capabilities', images: ['redis'] }, runs: true },
  ];
  const failed = evaluateKyvernoChecks(pod, 'baseline', 'latest');
  for (const c of cases) {
    const before = podSecurityStepRuns();
    applyPodSecurityExclusion(failed, [c.exclude], pod, 'baseline', 'latest');
    assert.equal(podSecurityStepRuns() - before > 0, c.runs, JSON.stringify(c.exclude));
  }
});

test('a baseline rule after a restricted one on the same pod reads the restricted run: same answer, no second run', () => {
  const pod = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } },
    spec: {
      hostPID: true,
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'CHOWN'] }, runAsUser: 0 } }],
    },
  });
  for (const version of ['latest', 'v1.22', 'v1.25']) {
    const restricted = compilePodSecurityRule({ name: 'r', level: 'restricted', version });
    const baseline = compilePodSecurityRule({ name: 'b', level: 'baseline', version });
    const shared = pod();
    const before = podSecurityCheckRuns();
    assert.equal(evaluateCompiledPodSecurityRule(shared, restricted).status, 'fail');
    const derived = evaluateCompiledPodSecurityRule(shared, baseline);
    assert.equal(podSecurityCheckRuns() - before, 1, version);
    // The same as a baseline run of its own on another object.
    assert.deepEqual(derived, evaluateCompiledPodSecurityRule(pod(), baseline), version);
    assert.equal(derived.status, 'fail');
  }
});

test('a restricted rule after a baseline one on the same pod runs only the restricted checks: same answer', () => {
  const pod = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
    spec: {
      hostNetwork: true,
      volumes: [{ name: 'h', hostPath: { path: '/etc' } }, { name: 'n', nfs: { server: 's', path: '/' } }],
      securityContext: { seccompProfile: { type: 'Unconfined' }, runAsUser: 0 },
      initContainers: [{ name: 'i', image: 'busybox', securityContext: { allowPrivilegeEscalation: true } }],
      containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, runAsNonRoot: false } }],
    },
  });
  for (const version of ['latest', 'v1.0', 'v1.19', 'v1.22', 'v1.25']) {
    const restricted = compilePodSecurityRule({ name: 'r', level: 'restricted', version });
    const baseline = compilePodSecurityRule({ name: 'b', level: 'baseline', version });
    const shared = pod();
    assert.equal(evaluateCompiledPodSecurityRule(shared, baseline).status, 'fail');
    const steps = podSecurityStepRuns();
    const merged = evaluateCompiledPodSecurityRule(shared, restricted);
    const mergedSteps = podSecurityStepRuns() - steps;
    const alone = podSecurityStepRuns();
    const fresh = evaluateCompiledPodSecurityRule(pod(), restricted);
    assert.ok(mergedSteps < podSecurityStepRuns() - alone, `${version}: the baseline checks were not run again`);
    assert.deepEqual(merged, fresh, version);
  }
});
