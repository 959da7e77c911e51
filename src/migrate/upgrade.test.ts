// The upgrade judgement's pieces: values translation between chart versions, the causes of a decision
// change, the Kubernetes gate and the PolicyException translation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { type CompiledPolicy, compilePolicy, loadPolicy } from '../kyverno/index.js';
import type { AuditResult, Violation } from './audit.js';
import { compareUpgrade, kubernetesGate, policyContentChanges, translateExceptions } from './upgrade.js';
import { translateKyvernoValues, translatePoliciesValues } from './values-upgrade.js';

test('kyverno values 3.0.9 → 3.2.6: image string moved, user comments kept, keys with no effect warned, user settings never replaced', () => {
  const t = translateKyvernoValues(
    '# my cluster\nwebhooksCleanup:\n  image: registry.local:5000/bitnami/kubectl:1.26.4 # mirrored\nadmissionController:\n  replicas: 3\n  bogus: true\nfeatures:\n  policyExceptions:\n    enabled: true # we use them\n',
  );
  const v = parse(t.text) as { webhooksCleanup: { image: unknown }; admissionController: { replicas: number } };
  assert.deepEqual(v.webhooksCleanup.image, { registry: 'registry.local:5000', repository: 'bitnami/kubectl', tag: '1.26.4' });
  assert.match(t.text, /# my cluster/);
  assert.match(t.text, /your comment: mirrored/);
  assert.match(t.text, /enabled: true # we use them/);
  assert.equal(v.admissionController.replicas, 3);
  assert.deepEqual(t.warnings, ['admissionController.bogus is not a value of the kyverno chart 3.2.6: it has no effect; remove it or find where the new chart reads it']);
  assert.ok(!t.changes.some((c) => c.kind === 'pinned'), 'the user set policyExceptions.enabled: nothing pinned');
  // Unset: 3.2.6 would enable exceptions; the translation keeps 3.0.9's false and says so.
  const unset = translateKyvernoValues('admissionController:\n  replicas: 1\n');
  assert.equal((parse(unset.text) as { features: { policyExceptions: { enabled: boolean } } }).features.policyExceptions.enabled, false);
  assert.deepEqual(
    unset.changes.filter((c) => c.kind === 'pinned').map((c) => c.path),
    ['features.policyExceptions.enabled'],
  );
});

test('kyverno-policies values 3.0.7 → 3.2.5: excludes kept verbatim, new keys listed, unknown keys warned', () => {
  const text = 'policyExclude:\n  disallow-host-path:\n    any:\n    - resources:\n        kinds: [Pod]\n        namespaces: [kube-system] # csi\nvalidationFailureAction: Enforce\npodSecurityStandard: baseline\nnotAValue: 1\n';
  const t = translatePoliciesValues(text);
  assert.deepEqual((parse(t.text) as Record<string, unknown>).policyExclude, (parse(text) as Record<string, unknown>).policyExclude);
  assert.match(t.text, /# csi/);
  assert.deepEqual(t.changes.filter((c) => c.kind === 'new').map((c) => c.path), ['policyKind', 'skipBackgroundRequests']);
  assert.deepEqual(t.warnings, ['notAValue is not a value of the kyverno-policies chart 3.2.5: it has no effect; remove it or find where the new chart reads it']);
  assert.throws(() => translatePoliciesValues('- a list\n'), /must be a mapping/);
});

const v = (name: string, policy: string, message: string, action: 'Enforce' | 'Audit' = 'Enforce'): Violation => ({
  kind: 'Pod', namespace: 'ns', name, policy, rule: policy, message, component: 'unknown', result: 'fail', action, userViolation: false,
});
const audit = (violations: Violation[]): AuditResult => ({
  violations, skipped: [], defaulted: [], mutated: [], coveredByOwner: [],
  summary: { workloads: 3, evaluated: 3, skipped: 0, workloadsWithViolations: 0, violations: violations.length, denials: 0, userViolations: 0, byPolicy: {}, byNamespace: {}, byComponent: {} },
});

test('decision changes name their cause: the policies (new chart under the old engine) or the engine', () => {
  const current = audit([v('a', 'p1', 'm'), v('b', 'p2', 'm')]);
  const newPolicies = audit([v('b', 'p2', 'm'), v('c', 'p3', 'new rule')]); // a: the chart dropped p1
  const target = audit([v('c', 'p3', 'new rule'), v('b', 'p2', 'm'), v('b', 'p4', 'engine', 'Audit')]);
  const r = compareUpgrade(current, newPolicies, target);
  assert.deepEqual(
    r.changes.map((c) => [c.name, c.before, c.after, c.causes.join('+')]),
    [
      ['a', 'denied', 'allowed', 'policies'],
      ['b', 'denied', 'denied', 'engine'],
      ['c', 'allowed', 'denied', 'policies'],
    ],
  );
  assert.deepEqual(r.summary, { changed: 3, newlyDenied: 1, noLongerDenied: 1, byCause: { policies: 2, engine: 1 } });
  assert.equal(compareUpgrade(current, current, current).changes.length, 0);
});

test('the Kubernetes gate: Kyverno 1.12 needs 1.26; the hops come from the version matrix', () => {
  assert.equal(kubernetesGate('1.26'), undefined);
  assert.equal(kubernetesGate('v1.29.3'), undefined);
  const g = kubernetesGate('1.24');
  assert.deepEqual(g?.hops.map((h) => [h.from, h.to, h.kyverno?.kyverno]), [
    ['1.24', '1.25', '1.10'],
    ['1.25', '1.26', '1.10'],
  ]);
  assert.match(kubernetesGate('x')!.message, /not a Kubernetes version/);
  assert.deepEqual(kubernetesGate('1.30')?.hops, []);
  assert.match(kubernetesGate('1.30')!.message, /above what Kyverno 1\.12/);
  assert.match(kubernetesGate('2.0')!.message, /not a Kubernetes 1\.x version/);
});

test('PolicyExceptions: v2alpha1 becomes v2beta1 (server fields dropped), v2beta1 kept, other kinds ignored', () => {
  const alpha = { apiVersion: 'kyverno.io/v2alpha1', kind: 'PolicyException', metadata: { name: 'x', namespace: 'kyverno', uid: 'u', resourceVersion: '1' }, spec: { exceptions: [] } };
  const beta = { apiVersion: 'kyverno.io/v2beta1', kind: 'PolicyException', metadata: { name: 'y' }, spec: {} };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
  const r = translateExceptions([alpha, beta, pod]);
  assert.equal(r.translated, 1);
  assert.deepEqual(r.exceptions, [{ ...alpha, apiVersion: 'kyverno.io/v2beta1', metadata: { name: 'x', namespace: 'kyverno' } }, beta]);
});

test('kyverno-policies values translation keeps the file sequence style when the key line carries a comment', () => {
  // `helm get values` style (sequence items at the key's indentation); the only block sequence's key has a trailing comment.
  const text = 'policyExclude:\n  disallow-host-path:\n    any: # exclusions\n    - resources:\n        kinds: [Pod]\n        namespaces: [kube-system]\n';
  const t = translatePoliciesValues(text);
  assert.match(t.text, /\n {4}- resources:\n/);
  assert.doesNotMatch(t.text, /\n {6}- resources:/);
});

// Session 6 upgrade probe: chart 3.2.6's default config.webhooks sends nothing of kube-system to Kyverno.
// Values that make Kyverno 1.10 evaluate kube-system (resourceFiltersExcludeNamespaces, or a filter list
// without it) would silently lose that enforcement: the translation keeps 3.0.9's `webhooks: []` then.
test('kyverno values: config.webhooks is pinned to [] when the values make Kyverno evaluate kube-system, not otherwise', () => {
  const evaluated = translateKyvernoValues('config:\n  resourceFiltersExcludeNamespaces:\n  - kube-system\n');
  assert.deepEqual((parse(evaluated.text) as { config: { webhooks: unknown } }).config.webhooks, []);
  const pin = evaluated.changes.find((c) => c.path === 'config.webhooks');
  assert.equal(pin?.kind, 'pinned');
  assert.match(pin?.message ?? '', /kube-system/);
  assert.match(evaluated.text, /# podgate: chart 3\.2\.6's default namespaceSelector sends nothing of kube-system to Kyverno.*\n\s+webhooks: \[\]/);
  const filtered = translateKyvernoValues('admissionController:\n  replicas: 1\n');
  assert.equal((parse(filtered.text) as { config?: { webhooks?: unknown } }).config?.webhooks, undefined);
  assert.equal(filtered.changes.find((c) => c.path === 'config.webhooks')?.kind, 'default');
  const own = translateKyvernoValues('config:\n  resourceFiltersExcludeNamespaces: [kube-system]\n  webhooks:\n  - namespaceSelector: {matchLabels: {team: a}}\n');
  assert.ok(!own.changes.some((c) => c.path === 'config.webhooks' && c.kind === 'pinned'), 'the user set webhooks: kept');
});

// Session 6 upgrade probe: chart 3.2.6 adds pod-bearing components (the crds.migration hook runs during
// the upgrade itself). Values that give every Kyverno component the control-plane tolerations (the KB's,
// for clusters whose only untainted nodes are busy or absent) left the new ones without: a Pending hook
// pod fails `helm upgrade --wait`.
test('kyverno values: the new 3.2.6 components get the tolerations every other component has, said in a comment', () => {
  const kb = readFileSync('examples/bcm-9.2-k8s-1.24/inputs/kyverno-values.yaml', 'utf8');
  const t = translateKyvernoValues(kb);
  const v = parse(t.text) as Record<string, Record<string, unknown>>;
  const want = (parse(kb) as { admissionController: { tolerations: unknown } }).admissionController.tolerations;
  assert.deepEqual((v.crds as { migration: { tolerations: unknown } }).migration.tolerations, want);
  for (const job of ['updateRequests', 'ephemeralReports', 'clusterEphemeralReports']) assert.deepEqual((v.cleanupJobs as Record<string, { tolerations: unknown }>)[job]?.tolerations, want, job);
  assert.ok(t.changes.some((c) => c.path === 'crds.migration.tolerations' && c.kind === 'pinned' && /helm upgrade --wait/.test(c.message)), JSON.stringify(t.changes));
  assert.match(t.text, /# podgate: new in chart 3\.2\.6/);
  // Components with different tolerations: nothing is guessed, a warning names the new components.
  const mixed = translateKyvernoValues('admissionController:\n  tolerations: [{key: a, operator: Exists}]\nreportsController:\n  tolerations: [{key: b, operator: Exists}]\n');
  assert.equal((parse(mixed.text) as { crds?: unknown }).crds, undefined);
  assert.ok(mixed.warnings.some((w) => /crds\.migration/.test(w) && /tolerations/.test(w)), mixed.warnings.join('\n'));
});

test('policy content changes: the spec and the kyverno.io metadata Kyverno reads, not the chart bookkeeping labels', () => {
  const policy = (metadata: Record<string, unknown>, spec: Record<string, unknown>): CompiledPolicy => {
    const r = loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p', ...metadata }, spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'm', pattern: { spec: { hostNetwork: false } } } }], ...spec } });
    assert.ok(r.policy, JSON.stringify(r.errors));
    return compilePolicy(r.policy);
  };
  const changes = (a: CompiledPolicy, b: CompiledPolicy) => policyContentChanges([a], [b], () => true).map((c) => c.change);
  const chart = (v: string) => ({ labels: { 'app.kubernetes.io/version': v, 'helm.sh/chart': `kyverno-policies-${v}` }, annotations: { 'policies.kyverno.io/title': 'T' } });
  assert.deepEqual(changes(policy(chart('3.0.7'), {}), policy(chart('3.2.5'), {})), []);
  assert.deepEqual(changes(policy(chart('3.0.7'), { validationFailureAction: 'audit' }), policy(chart('3.2.5'), { validationFailureAction: 'Audit' })), []);
  assert.deepEqual(changes(policy(chart('3.0.7'), { background: true }), policy(chart('3.2.5'), { background: false })), ['changed']);
  const autogen = { ...chart('3.2.5'), annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } };
  assert.deepEqual(changes(policy(chart('3.0.7'), {}), policy(autogen, {})), ['changed']);
});

// Session 6 upgrade probe: chart 3.2.6 keeps config.annotations in its values but its ConfigMap template
// reads a top-level `annotations` instead, so the key silently stops working.
test('kyverno values: config.annotations is warned about (3.2.6 reads the ConfigMap annotations from top-level annotations)', () => {
  const t = translateKyvernoValues('config:\n  annotations:\n    team: platform\n');
  assert.ok(t.warnings.some((w) => /^config\.annotations: /.test(w) && /top-level `annotations`/.test(w)), t.warnings.join('\n'));
  assert.ok(!translateKyvernoValues('config:\n  annotations: {}\n').warnings.some((w) => w.startsWith('config.annotations')));
});
