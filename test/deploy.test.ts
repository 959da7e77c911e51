// deploy/ as users apply it: each overlay rendered by the real `kubectl kustomize`, and the objects
// checked — the mode in the container args, failurePolicy per mode, the image name and tag, the TLS
// source (cert-manager component or `podgate certs` component), and that the timings agree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildProgram, parseSize } from '../src/cli/program.js';
import { parseGoDuration } from '../src/kube/duration.js';
import { VERSION } from '../src/version.js';
import { SERVER_DEFAULTS, WORKER_MEMORY, webhookConfigurations } from '../src/webhook/index.js';
import { runCli } from './helpers/cli.js';

const deployDir = new URL('../deploy/', import.meta.url).pathname;
const MODES = ['shadow', 'audit', 'enforce'] as const;
type Mode = (typeof MODES)[number];

const haveKubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).status === 0;
const skip = haveKubectl ? false : 'kubectl is not installed on this machine';

// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are walked by field name
type Obj = any;

function render(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS());
}

function one(objs: Obj[], kind: string, name: string): Obj {
  const found = objs.filter((o) => o.kind === kind && o.metadata?.name === name);
  assert.equal(found.length, 1, `one ${kind}/${name} (found ${found.length})`);
  return found[0];
}

function container(objs: Obj[]): Obj {
  return one(objs, 'Deployment', 'podgate').spec.template.spec.containers[0];
}

function flag(args: string[], name: string): string | undefined {
  const hits = args.filter((a) => a.startsWith(`--${name}=`));
  assert.ok(hits.length <= 1, `--${name} given once`);
  return hits[0]?.slice(name.length + 3);
}

function seconds(d: string): number {
  const ns = parseGoDuration(d);
  assert.ok(ns !== undefined, `duration ${d}`);
  return Number(ns) / 1e9;
}

const webhookConfigs = (objs: Obj[]) => objs.filter((o) => o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration');

for (const mode of MODES) {
  test(`kubectl kustomize deploy/overlays/${mode}: mode in args, failurePolicy, image, cert-manager TLS`, { skip }, () => {
    const objs = render(join(deployDir, 'overlays', mode));
    const c = container(objs);
    assert.equal(c.args[0], 'serve');
    assert.equal(flag(c.args, 'mode'), mode);
    assert.equal(c.image, `podgate:${VERSION}`);

    // The webhooks are exactly what `podgate certs --mode <mode>` registers, CA bundle aside.
    const rendered = webhookConfigs(objs);
    const expected = webhookConfigurations({ service: 'podgate', namespace: 'podgate', caBundlePem: '', mode: mode as Mode, timeoutSeconds: 10 });
    assert.equal(rendered.length, expected.length);
    for (const want of expected as Obj[]) {
      const got = one(objs, want.kind, want.metadata.name);
      for (const w of want.webhooks) delete w.clientConfig.caBundle;
      assert.deepEqual(got.webhooks, want.webhooks, `${want.kind} webhooks`);
      assert.equal(got.metadata.annotations?.['cert-manager.io/inject-ca-from'], 'podgate/podgate-tls');
    }
    const policies = rendered.flatMap((o) => o.webhooks.map((w: Obj) => `${w.name}=${w.failurePolicy}`)).sort();
    if (mode === 'shadow') assert.ok(policies.every((p) => p.endsWith('=Ignore')), policies.join(' '));
    else assert.deepEqual(policies, ['mutate.kyverno.svc-fail=Ignore', 'validate.kyverno.svc-fail=Fail', 'validate.kyverno.svc-ignore=Ignore']);

    // cert-manager issues the Secret the Deployment mounts, for the Service the webhooks call.
    const cert = one(objs, 'Certificate', 'podgate-tls');
    const tls = one(objs, 'Deployment', 'podgate').spec.template.spec.volumes.find((v: Obj) => v.name === 'tls');
    assert.equal(cert.spec.secretName, tls.secret.secretName);
    assert.ok(cert.spec.dnsNames.includes('podgate.podgate.svc'));
    one(objs, 'Service', 'podgate');
    assert.equal(one(objs, 'Issuer', cert.spec.issuerRef.name).spec.ca.secretName, one(objs, 'Certificate', 'podgate-ca').spec.secretName);
  });
}

test('deploy/base timings agree: webhook timeoutSeconds > --eval-timeout; grace period >= drain + eval timeout + margin', { skip }, () => {
  const objs = render(join(deployDir, 'base'));
  const spec = one(objs, 'Deployment', 'podgate').spec.template.spec;
  const args: string[] = spec.containers[0].args;
  const evalTimeout = seconds(flag(args, 'eval-timeout') ?? '');
  const webhookTimeout = seconds(flag(args, 'webhook-timeout') ?? '');
  const drain = seconds(flag(args, 'drain-period') ?? '');
  assert.ok(evalTimeout < webhookTimeout);
  for (const cfg of webhookConfigs(objs)) {
    for (const w of cfg.webhooks) {
      assert.ok(w.timeoutSeconds > evalTimeout, `${w.name}: timeoutSeconds ${w.timeoutSeconds} > eval timeout ${evalTimeout}s`);
      assert.equal(w.timeoutSeconds, webhookTimeout, `${w.name}: timeoutSeconds = --webhook-timeout`);
    }
  }
  // 5 s margin: the last PolicyReport flush and process exit after the in-flight requests finish.
  assert.ok(spec.terminationGracePeriodSeconds >= drain + evalTimeout + 5, `terminationGracePeriodSeconds ${spec.terminationGracePeriodSeconds}`);
});

/** A Kubernetes memory quantity in MiB, read as podgate reads sizes. */
const mebibytes = (what: string, q: string): number => parseSize(what, q) / 1048576;

// Resident memory of `serve` with its policies loaded, workers included, before any worker heap grows
// toward its limit (npm run bench -- webhook: 180-230 MiB from no policies to the 141 corpus policies).
const RESIDENT_BASELINE_MIB = 230;

test('deploy/base memory limit covers every worker heap limit and the bytes in flight, so a hungry review fails alone', { skip }, () => {
  const objs = render(join(deployDir, 'base'));
  const c = container(objs);
  const args: string[] = c.args;
  const workers = Number(flag(args, 'workers') ?? SERVER_DEFAULTS.workers);
  const inflightFlag = flag(args, 'max-inflight-bytes');
  const inflight = inflightFlag === undefined ? SERVER_DEFAULTS.maxInflightBytes / 1048576 : mebibytes('--max-inflight-bytes', inflightFlag);
  const need = RESIDENT_BASELINE_MIB + workers * (WORKER_MEMORY.heapLimitMb + WORKER_MEMORY.youngGenerationMb) + inflight;
  const limit = mebibytes('limits.memory', c.resources.limits.memory);
  assert.ok(limit >= need, `limits.memory ${c.resources.limits.memory} < ${need} MiB (baseline ${RESIDENT_BASELINE_MIB} + ${workers} workers × ${WORKER_MEMORY.heapLimitMb + WORKER_MEMORY.youngGenerationMb} + ${inflight} in flight)`);
  assert.ok(mebibytes('requests.memory', c.resources.requests.memory) >= 200, 'the memory request covers what the webhook holds resident');
});

test('deploy/base: every serve argument is a flag podgate serve has; nothing of the former deploy/podgate.yaml is lost', { skip }, () => {
  const objs = render(join(deployDir, 'base'));
  const args: string[] = container(objs).args;
  const serve = buildProgram({ io: {} as never, state: { exitCode: 0 } }).commands.find((c) => c.name() === 'serve')!;
  const known = new Set(serve.options.map((o) => o.long));
  for (const a of args.slice(1)) assert.ok(known.has(a.split('=')[0]), `podgate serve has no ${a.split('=')[0]}`);
  const ns = one(objs, 'Namespace', 'podgate');
  assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  assert.equal(one(objs, 'PodDisruptionBudget', 'podgate').spec.maxUnavailable, 1);
  assert.equal(one(objs, 'ServiceAccount', 'podgate').automountServiceAccountToken, false);
  const d = one(objs, 'Deployment', 'podgate').spec;
  assert.equal(d.replicas, 3);
  assert.equal(d.template.spec.securityContext.runAsUser, 65532);
  assert.equal(d.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true);

  // The PolicyReport writer's RBAC: report verbs only, bound to podgate's ServiceAccount.
  const role = one(objs, 'ClusterRole', 'podgate:reports');
  assert.deepEqual(role.rules, [{ apiGroups: ['wgpolicyk8s.io'], resources: ['policyreports', 'clusterpolicyreports'], verbs: ['get', 'list', 'create', 'update', 'delete'] }]);
  assert.deepEqual(one(objs, 'ClusterRoleBinding', 'podgate:reports').subjects, [{ kind: 'ServiceAccount', name: 'podgate', namespace: 'podgate' }]);
});

test('podgate certs --out deploy/generated is a kustomize Component an overlay can take its TLS from', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'podgate-deploy-'));
  try {
    cpSync(deployDir, join(tmp, 'deploy'), { recursive: true });
    const generated = join(tmp, 'deploy', 'generated');
    const r = await runCli(['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', generated, '--mode', 'audit']);
    assert.equal(r.code, 0, r.stderr);
    const overlay = join(tmp, 'deploy', 'overlays', 'audit', 'kustomization.yaml');
    const text = readFileSync(overlay, 'utf8');
    assert.ok(text.includes('  - ../../components/cert-manager\n'));
    writeFileSync(overlay, text.replace('  - ../../components/cert-manager\n', '  - ../../generated\n'));
    const objs = render(join(tmp, 'deploy', 'overlays', 'audit'));
    const ca = Buffer.from(readFileSync(join(generated, 'ca.crt'))).toString('base64');
    const configs = webhookConfigs(objs);
    assert.equal(configs.length, 2);
    for (const cfg of configs) {
      assert.equal(cfg.metadata.annotations, undefined);
      for (const w of cfg.webhooks) assert.equal(w.clientConfig.caBundle, ca, w.name);
    }
    assert.equal(one(objs, 'Secret', 'podgate-tls').type, 'kubernetes.io/tls');
    assert.equal(objs.filter((o) => o.apiVersion === 'cert-manager.io/v1').length, 0);
    // The generated configurations (for kubectl apply -f) are the same objects.
    const applied = parseAllDocuments(readFileSync(join(generated, 'webhook-configurations.yaml'), 'utf8')).map((d) => d.toJS());
    for (const a of applied) {
      const got = one(objs, a.kind, a.metadata.name);
      assert.deepEqual(got.webhooks, a.webhooks);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// Session 6 deployment review. (1) The base declared the policies ConfigMap with `data: {}`: after the
// README's `kubectl apply` of the policies, the next `kubectl apply -k` (audit, enforce) pruned every key
// (three-way merge), the new pods never became ready, and a fail-closed webhook with fewer and fewer pods
// locked the cluster out. (2) Required anti-affinity with maxSurge 1 / maxUnavailable 0 could not roll out
// on 3 nodes, and a PDB of minAvailable 2 blocked every drain on 2 nodes.
for (const overlay of ['base', 'overlays/shadow', 'overlays/audit', 'overlays/enforce']) {
  test(`${overlay}: the policies ConfigMap is not kustomize's (an apply -k never prunes its data); the pods mount it`, { skip }, () => {
    const objs = render(join(deployDir, overlay));
    assert.ok(!objs.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'podgate-policies'), 'podgate-policies is rendered');
    const volumes = one(objs, 'Deployment', 'podgate').spec.template.spec.volumes as { name: string; configMap?: { name: string } }[];
    assert.ok(volumes.some((v) => v.configMap?.name === 'podgate-policies'));
  });
}

test('deploy/base rolls out and drains on 3 nodes or fewer: preferred anti-affinity, a PDB of maxUnavailable 1', { skip }, () => {
  const objs = render(join(deployDir, 'base'));
  const spec = one(objs, 'Deployment', 'podgate').spec;
  const anti = spec.template.spec.affinity.podAntiAffinity;
  assert.equal(anti.requiredDuringSchedulingIgnoredDuringExecution, undefined, 'required anti-affinity leaves the surge pod unschedulable on 3 nodes');
  assert.ok(Array.isArray(anti.preferredDuringSchedulingIgnoredDuringExecution));
  const pdb = one(objs, 'PodDisruptionBudget', 'podgate').spec;
  assert.equal(pdb.minAvailable, undefined);
  assert.equal(pdb.maxUnavailable, 1);
});

// Session 6 deployment review: the Component `podgate certs` writes carried only the CA bundle, so its
// --timeout-seconds and --exclude-namespace reached webhook-configurations.yaml but not the kustomize path.
test('podgate certs --exclude-namespace/--timeout-seconds reach the overlay through the Component: the same webhooks either way', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'podgate-deploy-'));
  try {
    cpSync(deployDir, join(tmp, 'deploy'), { recursive: true });
    const generated = join(tmp, 'deploy', 'generated');
    const r = await runCli(['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', generated, '--mode', 'enforce', '--timeout-seconds', '5', '--exclude-namespace', 'cert-manager']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^note: deploy\/base runs serve with --webhook-timeout=10s and --eval-timeout=2s; with --timeout-seconds 5, set --webhook-timeout=5s in your overlay$/m);
    const overlay = join(tmp, 'deploy', 'overlays', 'enforce', 'kustomization.yaml');
    writeFileSync(overlay, readFileSync(overlay, 'utf8').replace('  - ../../components/cert-manager\n', '  - ../../generated\n'));
    const objs = render(join(tmp, 'deploy', 'overlays', 'enforce'));
    const applied = parseAllDocuments(readFileSync(join(generated, 'webhook-configurations.yaml'), 'utf8')).map((d) => d.toJS());
    for (const a of applied) assert.deepEqual(one(objs, a.kind, a.metadata.name).webhooks, a.webhooks, a.metadata.name);
    const w = webhookConfigs(objs)[0]!.webhooks[0]!;
    assert.equal(w.timeoutSeconds, 5);
    assert.match(JSON.stringify(w.namespaceSelector), /cert-manager/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
