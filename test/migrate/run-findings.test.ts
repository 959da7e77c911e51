// migrate run on altered copies of the sample: ways it said Ready, or lost what the user gave, without
// having earned it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = join(sample, 'inputs', 'kyverno-policies-values.minimal.yaml');

interface Summary {
  ready: boolean;
  blockers: string[];
  warnings: string[];
  counts: Record<string, number>;
}

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

/** A copy of the sample's cluster objects, with extra YAML added as one more file. */
function clusterWith(extra: string): string {
  const dir = tmp('podgate-findings-');
  cpSync(join(sample, 'cluster'), dir, { recursive: true });
  if (extra) writeFileSync(join(dir, 'zz-extra.yaml'), extra);
  return dir;
}

test('migrate run --values a.yaml b.yaml: the generated values keep what b.yaml sets (helm -f merge), not a.yaml alone', async () => {
  const dir = tmp('podgate-two-values-');
  const b = join(dir, 'b.yaml');
  writeFileSync(b, 'podSecurityStandard: restricted\npolicyExclude:\n  require-run-as-nonroot:\n    any:\n    - resources:\n        namespaces: [gpu-operator]\n');
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, b, '--out-dir', out]);
  const values = parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')) as Record<string, unknown>;
  // b.yaml's profile was lost: the re-audit judged baseline values, and the cluster would get baseline.
  assert.equal(values.podSecurityStandard, 'restricted', r.stdout);
  const exclude = values.policyExclude as Record<string, { any: { resources: { namespaces: string[] } }[] }>;
  assert.ok(exclude['require-run-as-nonroot']?.any.some((e) => e.resources.namespaces.includes('gpu-operator')), JSON.stringify(exclude['require-run-as-nonroot']));
  // a.yaml's settings are kept too.
  assert.equal(values.validationFailureAction, 'Enforce');
  assert.ok(exclude['disallow-host-path']?.any.some((e) => e.resources.namespaces.includes('local-path-storage')));
  // Restricted confines the user namespaces: the re-audit sees it.
  const s = summaryOf(out);
  assert.ok(s.counts.userViolations! > 0, JSON.stringify(s.counts));
  assert.match(r.stderr, /2 values files are merged/);
});

test('migrate run: the pods a component creates later (local-path helper pods mount hostPath) get their exclusion, not only a "needed" note', async () => {
  const dir = tmp('podgate-later-');
  const values = join(dir, 'values.yaml');
  // The KB's minimal values without local-path-storage under disallow-host-path.
  const text = readFileSync(minimal, 'utf8');
  const hostPath = text.indexOf('disallow-host-path:');
  const cut = text.indexOf('        - local-path-storage\n', hostPath);
  assert.ok(cut > hostPath && cut < text.indexOf('disallow-host-ports:'));
  writeFileSync(values, text.slice(0, cut) + text.slice(cut + '        - local-path-storage\n'.length));
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', values, '--out-dir', out]);
  const generated = parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')) as { policyExclude: Record<string, { any: { resources: { namespaces: string[] } }[] }> };
  // The provisioner's helper pods (one per volume) mount the storage directory from the host: refused, no
  // PVC would be provisioned after the switch, while the run said Ready.
  assert.ok(generated.policyExclude['disallow-host-path']?.any.some((e) => e.resources.namespaces.includes('local-path-storage')), r.stdout);
  assert.match(r.stdout, /disallow-host-path: \+ [^\n]*local-path-storage/);
  const exceptions = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  assert.ok(exceptions.exceptions['disallow-host-path']?.includes('local-path-storage'));
  // Not for the other policies the helper pods do not need.
  assert.ok(!exceptions.exceptions['disallow-privileged-containers']?.includes('local-path-storage'));
});

test('migrate run: a mirror pod (static pod, created by the kubelet) gets no namespace exclusion: Kyverno never sees the kubelet', async () => {
  const cluster = clusterWith(`apiVersion: v1
kind: Pod
metadata:
  name: haproxy-node001
  namespace: cm
  uid: 0b3c2f4e-1111-4a5b-9c1d-2e3f4a5b6c7d
  resourceVersion: "4711"
  annotations: {kubernetes.io/config.mirror: 5f1e2d3c, kubernetes.io/config.source: file}
  ownerReferences: [{apiVersion: v1, kind: Node, name: node001, uid: 9a8b7c6d-2222-4e5f-8a9b-0c1d2e3f4a5b, controller: true}]
spec:
  nodeName: node001
  hostNetwork: true
  containers:
  - name: haproxy
    image: haproxy:2.6
    ports: [{containerPort: 8443, hostPort: 8443, protocol: TCP}]
`);
  const out = join(tmp('podgate-mirror-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const exceptions = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  // hostNetwork and a host port in cm for every pod, for a pod whose requests Kyverno skips (excludeGroups system:nodes).
  assert.ok(!exceptions.exceptions['disallow-host-namespaces']?.includes('cm'), JSON.stringify(exceptions.exceptions));
  assert.ok(!exceptions.exceptions['disallow-host-ports']?.includes('cm'), JSON.stringify(exceptions.exceptions));
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { skipped: { name: string; reason: string }[] };
  assert.match(audit.skipped.find((s) => s.name === 'haproxy-node001')?.reason ?? '', /mirror pod/);
  assert.equal(summaryOf(out).ready, true);
});

test('migrate run: a custom controller with a pod template (Argo Rollout) is audited as the Pods it creates, not skipped in silence', async () => {
  const cluster = clusterWith(`apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: apps}
spec:
  replicas: 0
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        securityContext: {privileged: true}
---
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: agent, namespace: apps}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata:
  name: agent-x7k2p
  namespace: apps
  labels: {app: agent}
  ownerReferences: [{apiVersion: apps.kruise.io/v1alpha1, kind: CloneSet, name: agent, uid: 1c2d3e4f-3333-4a5b-8c9d-0e1f2a3b4c5d, controller: true}]
spec:
  containers: [{name: a, image: busybox:1.36}]
`);
  const out = join(tmp('podgate-custom-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as {
    violations: { kind: string; namespace: string; name: string; policy: string }[];
    coveredByOwner: { name: string; owner: string }[];
  };
  // Its ReplicaSets (filtered) or Pods are checked after the switch: a privileged pod template is a finding.
  assert.ok(
    audit.violations.some((v) => v.kind === 'Rollout' && v.namespace === 'apps' && v.name === 'web' && v.policy === 'disallow-privileged-containers'),
    r.stdout,
  );
  // The CloneSet's pod in the dump is its controller's, said once.
  assert.deepEqual(
    audit.coveredByOwner.filter((c) => c.name === 'agent-x7k2p'),
    [{ namespace: 'apps', name: 'agent-x7k2p', owner: 'CloneSet/agent' }],
  );
  const s = summaryOf(out);
  assert.ok(s.warnings.some((w) => /custom controller: Rollout\/apps\/web .*not compared with PSP/.test(w)), s.warnings.join('\n'));
});

test('migrate run: PolicyExceptions in effect that exempt every pod everywhere are a blocker, as values that exclude everything are', async () => {
  const cluster = clusterWith(`apiVersion: kyverno.io/v2alpha1
kind: PolicyException
metadata: {name: everything, namespace: kyverno}
spec:
  exceptions:
  - {policyName: disallow-privileged-containers, ruleNames: [privileged-containers, autogen-privileged-containers, autogen-cronjob-privileged-containers]}
  - {policyName: disallow-host-namespaces, ruleNames: [host-namespaces, autogen-host-namespaces, autogen-cronjob-host-namespaces]}
  - {policyName: disallow-host-path, ruleNames: [host-path, autogen-host-path, autogen-cronjob-host-path]}
  - {policyName: disallow-capabilities, ruleNames: [adding-capabilities, autogen-adding-capabilities, autogen-cronjob-adding-capabilities]}
  - {policyName: disallow-host-ports, ruleNames: [host-ports-none, autogen-host-ports-none, autogen-cronjob-host-ports-none]}
  match:
    any:
    - resources:
        kinds: [Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob]
        namespaces: ['*']
`);
  const dir = tmp('podgate-pex-');
  const kyvernoValues = join(dir, 'kyverno-values.yaml');
  writeFileSync(kyvernoValues, `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nfeatures:\n  policyExceptions:\n    enabled: true\n    namespace: kyverno\n`);
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out]);
  // Every workload passes because nothing is checked any more: a privileged pod in any new namespace too.
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = summaryOf(out);
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /passes every chart policy: the PolicyExceptions in effect exempt it \(kyverno\/everything\)/.test(b)), s.blockers.join('\n'));
});

test('migrate run --kyverno-values is read as Helm reads it: resourceFilters given through a << merge key count', async () => {
  const dir = tmp('podgate-kv-merge-');
  const kyvernoValues = join(dir, 'kyverno-values.yaml');
  // Kyverno checks kube-system with these filters (no [*,kube-system,*]): calico-node's hostNetwork needs an exclusion.
  writeFileSync(
    kyvernoValues,
    `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nourFilters: &ourFilters\n  resourceFilters:\n  - '[Event,*,*]'\n  - '[ReplicaSet,*,*]'\n  - '[*/*,kyverno,*]'\nconfig:\n  <<: *ourFilters\n`,
  );
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out]);
  const exceptions = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  // Read as YAML 1.2, the merged keys were dropped: the default filters skipped kube-system, no exclusion, Ready.
  assert.ok(exceptions.exceptions['disallow-host-namespaces']?.includes('kube-system'), r.stdout);
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { skipped: { namespace: string; reason: string }[] };
  assert.ok(!audit.skipped.some((s) => s.namespace === 'kube-system' && s.reason.includes('kube-system')), JSON.stringify(audit.skipped));
});

test('migrate run: a pod carrying what its controller\'s template does not (a sidecar injector\'s NET_ADMIN) is not "covered by its controller"', async () => {
  const cluster = clusterWith(`apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: psp-privileged, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "psp:privileged"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:serviceaccounts:shop'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop, uid: 7e1d2c3b-4444-4a5b-8c9d-0e1f2a3b4c5d, resourceVersion: "900"}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: "shop/cart:1.4", imagePullPolicy: IfNotPresent}]
---
apiVersion: v1
kind: Pod
metadata:
  name: cart-5d4f8b7c9-abcde
  namespace: shop
  uid: 8f2e3d4c-5555-4a5b-8c9d-0e1f2a3b4c5d
  resourceVersion: "901"
  labels: {app: cart, security.istio.io/tlsMode: istio}
  annotations: {kubernetes.io/psp: privileged, sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"]}'}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: cart-5d4f8b7c9, uid: 9a3f4e5d-6666-4a5b-8c9d-0e1f2a3b4c5d, controller: true}]
spec:
  serviceAccountName: default
  initContainers:
  - name: istio-init
    image: docker.io/istio/proxyv2:1.17.2
    args: [istio-iptables, -p, "15001"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_ADMIN, NET_RAW], drop: [ALL]}
      runAsUser: 0
      runAsNonRoot: false
  containers:
  - {name: cart, image: "shop/cart:1.4", imagePullPolicy: IfNotPresent}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.17.2
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsUser: 1337, runAsNonRoot: true}
`);
  const out = join(tmp('podgate-injected-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as {
    violations: { kind: string; name: string; policy: string; rule: string }[];
    coveredByOwner: { name: string }[];
  };
  // Every new cart pod gets istio-init (NET_ADMIN, NET_RAW) from the mutating webhook before Kyverno
  // validates it: refused after the switch, while the Deployment's template is clean.
  assert.deepEqual(
    audit.violations.filter((v) => v.name.startsWith('cart')).map((v) => `${v.kind}/${v.name} ${v.policy}/${v.rule}`),
    ['Pod/cart-5d4f8b7c9-abcde disallow-capabilities/adding-capabilities'],
    r.stdout,
  );
  assert.ok(!audit.coveredByOwner.some((c) => c.name.startsWith('cart')));
  const exceptions = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  assert.ok(exceptions.exceptions['disallow-capabilities']?.includes('shop'));
  // A pod that only repeats its template's findings is still said once, under its controller.
  assert.ok(audit.coveredByOwner.some((c) => c.name === 'kube-prometheus-stack-prometheus-node-exporter-8kz2t'));
});

test('migrate run: a debug container added later (ephemeralContainers) does not make a pod differ from its template', async () => {
  const cluster = clusterWith(`apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: ray-restricted-not, uid: 7e1d2c3b-4444-4a5b-8c9d-0e1f2a3b4c5e, resourceVersion: "900"}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: "shop/cart:1.4", imagePullPolicy: IfNotPresent}]
---
apiVersion: v1
kind: Pod
metadata:
  name: cart-5d4f8b7c9-abcde
  namespace: ray-restricted-not
  uid: 8f2e3d4c-5555-4a5b-8c9d-0e1f2a3b4c5e
  resourceVersion: "901"
  labels: {app: cart}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: cart-5d4f8b7c9, uid: 9a3f4e5d-6666-4a5b-8c9d-0e1f2a3b4c5e, controller: true}]
spec:
  containers: [{name: cart, image: "shop/cart:1.4", imagePullPolicy: IfNotPresent}]
  ephemeralContainers: [{name: debugger, image: busybox, securityContext: {privileged: true}}]
`);
  const out = join(tmp('podgate-ephemeral-'), 'out');
  await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { violations: { name: string }[]; coveredByOwner: { name: string }[] };
  assert.deepEqual(audit.violations.filter((v) => v.name.startsWith('cart')), []);
  assert.ok(audit.coveredByOwner.some((c) => c.name === 'cart-5d4f8b7c9-abcde'));
});

test('migrate run: RBAC bindings without any role (a dump of bindings only) make the PSP comparison impossible, not "refused today" everywhere', async () => {
  const cluster = clusterWith('');
  const rbacFile = join(cluster, '02-rbac-psp.yaml');
  const list = parse(readFileSync(rbacFile, 'utf8')) as { items: { kind: string }[] };
  list.items = list.items.filter((o) => o.kind !== 'ClusterRole' && o.kind !== 'Role');
  writeFileSync(rbacFile, JSON.stringify(list));
  const out = join(tmp('podgate-noroles-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  // Every binding led nowhere: every system workload read as refused by PSP today, got no exclusion, and
  // 20 violations were left as warnings under Ready.
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /PSP comparison impossible: .*no ClusterRoles or Roles/.test(b)), s.blockers.join('\n'));
  assert.equal(s.counts.systemViolations, 0, 'the exclusions are made as without PSP');
  assert.doesNotMatch(r.stderr, /is refused by PSP today/);
});

test('migrate run: "refused by PSP today" read from the input\'s RBAC is a blocker when PSP admitted the workload\'s pod (kubernetes.io/psp)', async () => {
  const cluster = clusterWith(`apiVersion: v1
kind: Pod
metadata:
  name: ovnkube-node-9wq4d
  namespace: ovn-kubernetes
  uid: 2b3c4d5e-7777-4a5b-8c9d-0e1f2a3b4c5d
  resourceVersion: "5120"
  annotations: {kubernetes.io/psp: privileged}
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: ovnkube-node, uid: 3c4d5e6f-8888-4a5b-8c9d-0e1f2a3b4c5d, controller: true}]
spec:
  hostNetwork: true
  containers: [{name: ovnkube-node, image: ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-f:master, securityContext: {privileged: true}}]
`);
  // The dump left out the ClusterRole that grants the privileged PSP.
  const rbacFile = join(cluster, '02-rbac-psp.yaml');
  const list = parse(readFileSync(rbacFile, 'utf8')) as { items: { kind: string; metadata: { name: string } }[] };
  list.items = list.items.filter((o) => !(o.kind === 'ClusterRole' && o.metadata.name === 'psp:privileged'));
  writeFileSync(rbacFile, JSON.stringify(list));
  const out = join(tmp('podgate-psp-evidence-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.ok(
    s.blockers.some((b) => /system workload DaemonSet\/ovn-kubernetes\/ovnkube-node still violates .*its pod ovn-kubernetes\/ovnkube-node-9wq4d runs admitted by PSP privileged/.test(b)),
    s.blockers.join('\n'),
  );
  // Workloads without such evidence stay warnings.
  assert.ok(s.warnings.some((w) => /refused today by PSP and after the switch: DaemonSet\/runai\/runai-container-toolkit/.test(w)), s.warnings.join('\n'));
});

test('migrate run: kyverno values whose excludeGroups skip every service account are a blocker (nothing checks what they create)', async () => {
  const dir = tmp('podgate-exclude-sa-');
  const kyvernoValues = join(dir, 'kyverno-values.yaml');
  writeFileSync(kyvernoValues, `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nconfig:\n  excludeGroups:\n  - system:nodes\n  - system:serviceaccounts\n`);
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out]);
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.ok(s.blockers.some((b) => /excludeGroups\/excludeUsernames \(system:nodes, system:serviceaccounts\) skip the requests of every service account/.test(b)), s.blockers.join('\n'));
  // kube-system's controllers only (as Kyverno's docs show it) is no blocker.
  writeFileSync(kyvernoValues, `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nconfig:\n  excludeGroups:\n  - system:nodes\n  - system:serviceaccounts:kube-system\n`);
  const out2 = join(dir, 'out2');
  const r2 = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out2]);
  assert.equal(r2.code, 0, r2.stdout);
});

test('migrate run: a webhooks namespaceSelector that lets in only some namespaces is a blocker (new and user namespaces go unchecked)', async () => {
  const dir = tmp('podgate-webhook-sel-');
  const kyvernoValues = join(dir, 'kyverno-values.yaml');
  const selector = (op: string, values: string[]) =>
    `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nconfig:\n  webhooks:\n  - namespaceSelector:\n      matchExpressions:\n      - key: kubernetes.io/metadata.name\n        operator: ${op}\n        values: [${values.join(', ')}]\n`;
  writeFileSync(kyvernoValues, selector('In', ['default', 'prometheus']));
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out]);
  // 47 of 52 workloads "never seen by Kyverno", the users' namespaces among them: 0 violations, Ready.
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.ok(s.blockers.some((b) => /a new namespace \(with no labels\) is never sent to Kyverno/.test(b)), s.blockers.join('\n'));
  assert.ok(s.blockers.some((b) => /user namespaces whose pods Kyverno never checks: cmsupport-restricted \(config\.webhooks namespaceSelector\), ray-restricted \(config\.webhooks namespaceSelector\)/.test(b)), s.blockers.join('\n'));
  // Leaving out one operator namespace (NotIn) checks new namespaces and the users': no blocker.
  writeFileSync(kyvernoValues, selector('NotIn', ['gpu-operator']));
  const out2 = join(dir, 'out2');
  const r2 = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out2]);
  assert.equal(r2.code, 0, r2.stdout);
});

test('migrate run: resourceFilters that skip every Pod, or the users\' namespaces, are a blocker', async () => {
  const dir = tmp('podgate-filters-');
  const kyvernoValues = join(dir, 'kyverno-values.yaml');
  writeFileSync(kyvernoValues, `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nconfig:\n  resourceFilters:\n  - '[Event,*,*]'\n  - '[*,kube-system,*]'\n  - '[ReplicaSet,*,*]'\n  - '[*,*-restricted,*]'\n`);
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out]);
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.ok(
    s.blockers.some((b) => /user namespaces whose pods Kyverno never checks: cmsupport-restricted \(resourceFilters \[\*,\*-restricted,\*\]\), ray-restricted/.test(b)),
    s.blockers.join('\n'),
  );
  writeFileSync(kyvernoValues, `${readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8')}\nconfig:\n  resourceFilters:\n  - '[Event,*,*]'\n  - '[*,kube-system,*]'\n  - '[Pod,*,*]'\n`);
  const out2 = join(dir, 'out2');
  await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, '--kyverno-values', kyvernoValues, '--out-dir', out2]);
  assert.ok(summaryOf(out2).blockers.some((b) => /resourceFilters skip a Pod in a new namespace \(\[Pod,\*,\*\]\)/.test(b)), summaryOf(out2).blockers.join('\n'));
});

test('migrate run: no PSP admits Kyverno\'s own pods (RuntimeDefault seccomp allowed by none): the plan cannot install Kyverno under PSP, a blocker', async () => {
  const cluster = clusterWith('');
  const pspFile = join(cluster, '01-podsecuritypolicies.yaml');
  // The PSPs without their seccomp annotations: a pod that sets a seccomp profile is refused by each.
  writeFileSync(pspFile, readFileSync(pspFile, 'utf8').replace(/^ {2}annotations:\n {4}seccomp\.security\.alpha\.kubernetes\.io\/allowedProfileNames: '\*'\n/gm, ''));
  assert.doesNotMatch(readFileSync(pspFile, 'utf8'), /allowedProfileNames/);
  const out = join(tmp('podgate-kyverno-psp-'), 'out');
  const r = await runCli(['migrate', 'run', '--cluster', cluster, '--values', minimal, '--out-dir', out]);
  // The plan's grant read --resource-name=<psp that admits the kyverno pods>, and the run said Ready.
  assert.equal(r.code, 1, r.stdout);
  const s = summaryOf(out);
  assert.ok(s.blockers.some((b) => /no PodSecurityPolicy of the cluster admits Kyverno's own pods as they are \(Deployment\/kyverno\/kyverno-admission-controller/.test(b)), s.blockers.join('\n'));
});
