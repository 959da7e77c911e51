// A controller's pods are admitted as Pods too (session 5 migration probe). With `autogenControllers: none`
// the DaemonSets went unchecked (10 violations instead of 50), no exclusion was generated for the
// network-operator, and `migrate run` said Ready although ovnkube-node, mofed and rdma pods would be refused
// after the switch. A controller the resourceFilters skip (a standalone ReplicaSet, a `[DaemonSet,*,*]`
// filter) was "never seen by Kyverno", while its pods are.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

interface Audit {
  violations: { kind: string; namespace: string; name: string; policy: string; rule: string }[];
  skipped: { kind: string; namespace: string; name: string; reason: string }[];
}

/** A copy of the sample (cluster and inputs) to edit. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-ctlpods-'));
  cpSync(sample, join(dir, 'c'), { recursive: true });
  return join(dir, 'c');
}

async function run(cluster: string): Promise<{ code: number; audit: Audit; values: string; out: string; stdout: string }> {
  const out = join(cluster, '..', 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
  return { code: r.code, audit: JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as Audit, values: readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8'), out, stdout: r.stdout + r.stderr };
}

const excluded = (values: string, policy: string) => ((parse(values) as { policyExclude: Record<string, { any: { resources: { namespaces: string[] } }[] }> }).policyExclude[policy]?.any ?? []).flatMap((f) => f.resources?.namespaces ?? []);

test('autogenControllers: none — the DaemonSets\' pods are audited as Pods, excluded where needed, and the run is as ready as with autogen', async () => {
  const base = await run(copy());
  const c = copy();
  appendFileSync(join(c, 'inputs', 'kyverno-policies-values.minimal.yaml'), 'autogenControllers: none\n');
  const none = await run(c);
  assert.equal(none.code, base.code, none.stdout);
  const key = (v: Audit['violations'][number]) => `${v.kind}/${v.namespace}/${v.name} ${v.policy}/${v.rule.replace(/^autogen-/, '')}`;
  assert.deepEqual(none.audit.violations.map(key).sort(), base.audit.violations.map(key).sort());
  assert.ok(none.audit.violations.some((v) => v.kind === 'DaemonSet' && v.name === 'mofed-ubuntu20.04-ds' && v.policy === 'disallow-privileged-containers'));
  assert.ok(excluded(none.values, 'disallow-privileged-containers').includes('network-operator'));
});

test('a standalone ReplicaSet (resourceFilters skip it) has its pods audited; a Deployment\'s ReplicaSet stays covered by the Deployment', async () => {
  const c = copy();
  writeFileSync(
    join(c, 'cluster', 'zz-standalone-rs.yaml'),
    stringify({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'debug-tools', namespace: 'prometheus' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'debug-tools' } },
        template: { metadata: { labels: { app: 'debug-tools' } }, spec: { containers: [{ name: 'tools', image: 'busybox', securityContext: { privileged: true } }] } },
      },
    }),
  );
  const r = await run(c);
  assert.ok(
    r.audit.violations.some((v) => v.kind === 'ReplicaSet' && v.name === 'debug-tools' && v.policy === 'disallow-privileged-containers'),
    JSON.stringify(r.audit.violations.filter((v) => v.name === 'debug-tools')),
  );
  assert.ok(!r.audit.skipped.some((s) => s.name === 'debug-tools'));
  // The sample's coredns ReplicaSet is its Deployment's: skipped by the filter, its pods audited once, through the Deployment.
  assert.ok(r.audit.skipped.some((s) => s.kind === 'ReplicaSet' && s.name === 'coredns-588bb589b5'));
  assert.ok(!r.audit.violations.some((v) => v.kind === 'ReplicaSet' && v.name === 'coredns-588bb589b5'));
  assert.ok(excluded(r.values, 'disallow-privileged-containers').includes('prometheus'));
});

test('a [DaemonSet,*,*] resource filter: the DaemonSets\' pods are still audited', async () => {
  const c = copy();
  const kv = join(c, 'inputs', 'kyverno-values.yaml');
  const values = parse(readFileSync(kv, 'utf8')) as { config?: { resourceFilters?: string[] } };
  values.config ??= {};
  values.config.resourceFilters = [...(values.config.resourceFilters ?? []), '[DaemonSet,*,*]'];
  writeFileSync(kv, stringify(values));
  const r = await run(c);
  assert.ok(r.audit.violations.some((v) => v.kind === 'DaemonSet' && v.name === 'mofed-ubuntu20.04-ds'), r.stdout);
  assert.ok(excluded(r.values, 'disallow-privileged-containers').includes('network-operator'));
});

// Session 5 migration probe: a privileged Deployment that PSP refuses today (its namespace may only use a
// hardened PSP) got its namespace excluded from disallow-privileged-containers, so after the switch any
// privileged pod there would run. It is now left refused, with a warning, and blocks nothing.
test('a workload PSP refuses today gets no exclusion: it stays refused (a warning), where an exclusion would admit it', async () => {
  const c = copy();
  writeFileSync(
    join(c, 'cluster', 'zz-web.yaml'),
    `apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: web-hardened}
spec:
  privileged: false
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: [configMap, secret, emptyDir, projected]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: psp-web-hardened}
rules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [web-hardened]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: psp-web-hardened, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: psp-web-hardened}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:serviceaccounts:web'}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-root, namespace: web}
spec:
  selector: {matchLabels: {app: shop-root}}
  template:
    metadata: {labels: {app: shop-root}}
    spec:
      containers: [{name: shop, image: nginx, securityContext: {privileged: true, runAsUser: 1000}}]
`,
  );
  const r = await run(c);
  assert.ok(r.audit.violations.some((v) => v.name === 'shop-root' && v.policy === 'disallow-privileged-containers'));
  assert.ok(!excluded(r.values, 'disallow-privileged-containers').includes('web'), r.values);
  const s = JSON.parse(readFileSync(join(r.out, 'summary.json'), 'utf8')) as { ready: boolean; blockers: string[]; warnings: string[] };
  assert.ok(!s.blockers.some((b) => b.includes('shop-root')), s.blockers.join('\n'));
  assert.ok(s.warnings.some((w) => /^refused today by PSP and after the switch: Deployment\/web\/shop-root \(disallow-privileged-containers\//.test(w)), s.warnings.join('\n'));
});

// Session 6 upgrade probe: `config.resourceFiltersExcludeNamespaces: [kube-system]` makes Kyverno 1.10
// evaluate kube-system; the audit kept skipping it, so calico-node's violations never showed.
test('resourceFiltersExcludeNamespaces in the kyverno values: kube-system workloads are audited', async () => {
  const c = copy();
  const kv = join(c, 'inputs', 'kyverno-values.yaml');
  const values = parse(readFileSync(kv, 'utf8')) as { config?: Record<string, unknown> };
  values.config ??= {};
  values.config.resourceFiltersExcludeNamespaces = ['kube-system'];
  writeFileSync(kv, stringify(values));
  const r = await run(c);
  assert.ok(!r.audit.skipped.some((s) => s.namespace === 'kube-system' && s.kind !== 'ReplicaSet'), JSON.stringify(r.audit.skipped.filter((s) => s.namespace === 'kube-system')));
  assert.ok(r.audit.violations.some((v) => v.namespace === 'kube-system'), r.stdout);
});

// Session 6 verification: `config.webhooks` (its first namespaceSelector, which the kyverno chart puts on
// every Kyverno webhook) keeps a namespace's requests from reaching Kyverno at all; the audit evaluated
// them anyway (violations overstated, exclusions written that nothing needs).
test('a config.webhooks namespaceSelector in the kyverno values: the namespaces it leaves out are never seen by Kyverno', async () => {
  const c = copy();
  const kv = join(c, 'inputs', 'kyverno-values.yaml');
  const values = parse(readFileSync(kv, 'utf8')) as { config?: Record<string, unknown> };
  values.config ??= {};
  values.config.webhooks = [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['gpu-operator'] }] } }];
  writeFileSync(kv, stringify(values));
  const r = await run(c);
  assert.ok(!r.audit.violations.some((v) => v.namespace === 'gpu-operator'), r.stdout);
  const skipped = r.audit.skipped.filter((s) => s.namespace === 'gpu-operator');
  assert.ok(skipped.length > 0);
  for (const s of skipped) assert.match(s.reason, /^Kyverno webhook namespaceSelector \(config\.webhooks\)/);
  assert.ok(!excluded(r.values, 'disallow-host-path').includes('gpu-operator'), 'no exclusion for a namespace Kyverno never sees');
});
