// Shadow mode with --psp-cluster over HTTPS: PSP (from the sample cluster dump) and Kyverno (chart
// values + ray's per-user policies) both decide each pod; the webhook always allows and records
// both decisions, flagging disagreements, in the log, the metrics and a psp-shadow PolicyReport.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { createLogger, createMetrics, ReportStore, type WebhookServer } from '../../src/webhook/index.js';
import { call, memoryLog, startKyvernoServer } from './helpers.js';

const data = (f: string) => new URL(`../../src/webhook/testdata/${f}`, import.meta.url).pathname;
const example = (f: string) => new URL(`../../examples/bcm-9.2-k8s-1.24/${f}`, import.meta.url).pathname;

const rayPod = () => parse(readFileSync(data('ray-host-mount-pod-review.yaml'), 'utf8')) as { request: Record<string, unknown> & { object: { metadata: Record<string, unknown>; spec: Record<string, unknown> } } };

/** The same hostPath pod created in gpu-operator by the ReplicaSet controller for a privileged service account. */
function operatorPod() {
  const r = rayPod();
  r.request.uid = 'gpu-1';
  r.request.namespace = 'gpu-operator';
  r.request.object.metadata.namespace = 'gpu-operator';
  r.request.object.spec.serviceAccountName = 'nvidia-operator-validator';
  r.request.userInfo = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };
  return r;
}

describe('shadow mode compares PSP with Kyverno', () => {
  let server: WebhookServer;
  const log = memoryLog();
  const metrics = createMetrics();
  const reports = new ReportStore({}, () => 1_700_000_000_000);
  before(async () => {
    const sources = { chartValues: example('inputs/kyverno-policies-values.minimal.yaml'), users: [data('ray-permission-user.yaml')], pspCluster: example('cluster') };
    server = await startKyvernoServer('shadow', sources, { log: createLogger({ destination: log.stream, level: 'debug' }), metrics, reports });
  });
  after(() => server.close(1000));

  const cases = [
    { name: "ray's hostPath /etc pod: PSP denies with the seed's text and Kyverno would deny too (same)", review: rayPod, cls: 'same', pspAllowed: false, psp: /PodSecurityPolicy: unable to admit pod: \[spec\.volumes\[0\]\.hostPath\.pathPrefix: Invalid value: "\/etc": is not allowed to be used\]/ },
    { name: 'a gpu-operator hostPath pod: PSP admits by the privileged PSP and Kyverno would deny (breakage)', review: operatorPod, cls: 'breakage', pspAllowed: true, psp: /^privileged$/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const review = c.review();
      const out = (await call(server.port, '/validate', JSON.stringify(review))).json() as { response: { allowed: boolean; status?: unknown } };
      assert.equal(out.response.allowed, true);
      assert.equal(out.response.status, undefined);
      const line = log.lines().find((l) => l.uid === review.request.uid && 'class' in l);
      assert.ok(line, 'a log line with both decisions');
      assert.equal(line.class, c.cls);
      const psp = line.psp as { allowed: boolean; policy?: string; message?: string };
      assert.equal(psp.allowed, c.pspAllowed);
      assert.match((c.pspAllowed ? psp.policy : psp.message) ?? '', c.psp);
      assert.equal((line.kyverno as { allowed: boolean }).allowed, false);
      assert.equal(line.level, c.cls === 'same' ? 20 : 40);
    });
  }

  test('the comparisons are counted by class and reported in a psp-shadow PolicyReport per namespace', async () => {
    const text = await metrics.registry.metrics();
    assert.match(text, /podgate_shadow_psp_comparisons_total\{class="breakage"\} 1/);
    assert.match(text, /podgate_shadow_psp_comparisons_total\{class="same"\} 1/);
    const report = reports.reports().find((r) => r.metadata.name === 'psp-shadow' && r.metadata.namespace === 'gpu-operator');
    assert.ok(report);
    assert.deepEqual(report.summary, { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 });
    const result = report.results[0] as { source: string; rule: string; properties: Record<string, string> };
    assert.equal(result.source, 'podsecuritypolicy');
    assert.equal(result.rule, 'privileged');
    assert.deepEqual(result.properties, { class: 'breakage', kyverno: 'would deny', kyvernoDenials: 'disallow-host-path/host-path' });
  });

  test('an UPDATE by the garbage collector (ownerReferences, with the managedFields the API server updates before admission) is ignored by PSP', async () => {
    const review = rayPod();
    review.request.uid = 'gc-1';
    review.request.operation = 'UPDATE';
    review.request.userInfo = { username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: ['system:serviceaccounts', 'system:authenticated'] };
    const managed = (time: string, manager: string) => [{ manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
    const old = structuredClone(review.request.object);
    old.metadata.managedFields = managed('2024-01-01T00:00:00Z', 'kubectl-create');
    old.metadata.selfLink = '/api/v1/namespaces/ray-restricted/pods/host-mount-pod';
    review.request.oldObject = old;
    review.request.object.metadata.managedFields = [...managed('2024-01-01T00:00:00Z', 'kubectl-create'), ...managed('2024-01-02T00:00:00Z', 'kube-controller-manager')];
    review.request.object.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: '1b2c3d4e-0000-0000-0000-000000000001' }];
    await call(server.port, '/validate', JSON.stringify(review));
    const line = log.lines().find((l) => l.uid === review.request.uid && 'class' in l);
    assert.ok(line, 'a log line with both decisions');
    assert.deepEqual(line.psp, { allowed: true, mutated: false });
  });

  test('a DaemonSet is not a pod: no PSP comparison, still allowed', async () => {
    const review = parse(readFileSync(data('nfd-worker-daemonset-review.yaml'), 'utf8')) as { request: { uid: string } };
    const out = (await call(server.port, '/validate', JSON.stringify(review))).json() as { response: { allowed: boolean } };
    assert.equal(out.response.allowed, true);
    assert.equal(log.lines().find((l) => l.uid === review.request.uid && 'class' in l), undefined);
  });
});
