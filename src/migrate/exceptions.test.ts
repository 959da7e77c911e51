import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/index.js';
import type { AuditResult, Violation } from './audit.js';
import { parseCatalog, recognizeComponent } from './components.js';
import { computeExceptions, policyExceptions } from './exceptions.js';

const v = (over: Partial<Violation>): Violation => ({
  kind: 'DaemonSet',
  namespace: 'gpu-operator',
  name: 'nfd-worker',
  policy: 'disallow-host-path',
  rule: 'autogen-host-path',
  message: 'm',
  component: 'gpu-operator',
  result: 'fail',
  action: 'Enforce',
  userViolation: false,
  ...over,
});
const audit = (violations: Violation[]): AuditResult => ({
  violations,
  skipped: [],
  defaulted: [],
  mutated: [],
  coveredByOwner: [],
  summary: { workloads: 0, evaluated: 0, skipped: 0, workloadsWithViolations: 0, violations: 0, denials: 0, userViolations: 0, byPolicy: {}, byNamespace: {}, byComponent: {} },
});
const base = {
  chartPolicies: new Set(['disallow-host-path', 'disallow-host-namespaces']),
  userNamespaces: new Map([['ray-restricted', { namespace: 'ray-restricted', user: 'ray', evidence: 'PermissionUser ray' }]]),
  namespaces: ['gpu-operator', 'ray-restricted', 'scratch-restricted', 'default'],
};

test('a system namespace with a violation is added with its component as the comment', () => {
  const p = computeExceptions(audit([v({})]), { ...base, existing: new Map() });
  assert.deepEqual(p.exceptions, { 'disallow-host-path': ['gpu-operator'] });
  assert.deepEqual(p.additions.get('disallow-host-path'), [{ namespace: 'gpu-operator', comment: 'NVIDIA GPU Operator' }]);
});

test('a namespace the values already exclude (also by glob) is not added again', () => {
  const p = computeExceptions(audit([v({}), v({ namespace: 'scratch-restricted', component: 'unknown' })]), { ...base, existing: new Map([['disallow-host-path', new Set(['gpu-*', '*-restricted'])]]) });
  assert.deepEqual(p.exceptions, {});
});

test('user namespaces are never exempted: their violations are listed', () => {
  const p = computeExceptions(audit([v({ namespace: 'ray-restricted', userViolation: true })]), { ...base, existing: new Map() });
  assert.deepEqual(p.exceptions, {});
  assert.equal(p.userViolations.length, 1);
});

test('violations of policies outside the chart (per-user policies) are not turned into chart excludes', () => {
  const p = computeExceptions(audit([v({ policy: 'ray-l9x71kv-lhv' })]), { ...base, existing: new Map() });
  assert.deepEqual(p.exceptions, {});
});

test("a glob such as '*-restricted' that also exempts a namespace no user owns is warned about", () => {
  const p = computeExceptions(audit([]), { ...base, existing: new Map([['disallow-host-path', new Set(['*-restricted'])]]) });
  assert.equal(p.warnings.length, 1);
  assert.match(p.warnings[0]!, /'\*-restricted' also exempts scratch-restricted, which no cluster user owns/);
});

test('PolicyExceptions name exactly the violated rules, for the controller and its pods', () => {
  const [pe] = policyExceptions(audit([v({})]));
  assert.equal(pe?.kind, 'PolicyException');
  assert.ok(pe);
  assert.deepEqual((pe.spec as { exceptions: unknown }).exceptions, [{ policyName: 'disallow-host-path', ruleNames: ['autogen-host-path', 'host-path'] }]);
});

const workload = (labels: Record<string, string>, namespace = 'x'): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'w', namespace, labels }, spec: {} }) as KubeObject;
const components: { name: string; o: KubeObject; want: string | undefined }[] = [
  { name: 'by app.kubernetes.io/part-of', o: workload({ 'app.kubernetes.io/part-of': 'gpu-operator' }), want: 'gpu-operator' },
  { name: 'by the chart name in helm.sh/chart, version stripped', o: workload({ 'helm.sh/chart': 'prometheus-node-exporter-4.24.0' }), want: 'prometheus' },
  { name: 'by namespace when labels say nothing', o: workload({}, 'metallb-system'), want: 'metallb' },
  { name: 'unknown when neither labels nor namespace match', o: workload({ app: 'mine' }, 'team-a'), want: undefined },
];
for (const c of components) {
  test(`component recognised ${c.name}`, () => {
    assert.equal(recognizeComponent(c.o)?.id, c.want);
  });
}

test('an extra catalog file adds components and rejects bad entries with their index', () => {
  const extra = parseCatalog({ components: [{ id: 'acme', comment: 'ACME agent', labelValues: ['acme-agent'] }] }, 'catalog.yaml');
  assert.equal(recognizeComponent(workload({ app: 'acme-agent' }), extra)?.comment, 'ACME agent');
  assert.throws(() => parseCatalog({ components: [{ comment: 'x' }] }, 'catalog.yaml'), /catalog\.yaml: components\[0\]\.id: Required value/);
});
