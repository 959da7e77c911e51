// /mutate over HTTPS with the Kyverno engine: the base64 JSONPatch applies (fast-json-patch) to the
// request object and gives the mutated object. /validate decides on the object the API server sends,
// which its mutating webhook call has already mutated (as Kyverno's validating webhook does); shadow mode
// never returns a patch, so there /validate applies the mutations itself to predict Kyverno's verdict.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { createMetrics, type WebhookMode, type WebhookServer } from '../../src/webhook/index.js';
import { call, podReview, startKyvernoServer } from './helpers.js';

const data = (f: string) => new URL(`../../src/webhook/testdata/${f}`, import.meta.url).pathname;

interface Response {
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string; status?: { message: string } };
}

/** The review the API server sends to the validating webhook: the request object with /mutate's patch applied. */
function afterMutation(review: Record<string, unknown>, mutate: Response): Record<string, unknown> {
  const ops = mutate.response.patch ? (JSON.parse(Buffer.from(mutate.response.patch, 'base64').toString('utf8')) as fastJsonPatch.Operation[]) : [];
  const request = review.request as { object: Record<string, unknown> };
  const object = fastJsonPatch.applyPatch(structuredClone(request.object), ops, true, false).newDocument;
  return { ...review, request: { ...request, object } };
}

const start = (mode: WebhookMode, policies: string[]) => startKyvernoServer(mode, policies);

describe('mutation over HTTPS', () => {
  const shadowMetrics = createMetrics();
  const servers: Partial<Record<WebhookMode | 'append', WebhookServer>> = {};
  before(async () => {
    servers.enforce = await start('enforce', [data('mutate-defaults.yaml'), data('require-run-as-non-root.yaml')]);
    servers.shadow = await startKyvernoServer('shadow', [data('mutate-defaults.yaml'), data('require-run-as-non-root.yaml')], { metrics: shadowMetrics });
    servers.append = await start('enforce', [data('append-sidecar-env.yaml')]);
  });
  after(async () => {
    await servers.enforce?.close(1000);
    await servers.shadow?.close(1000);
    await servers.append?.close(1000);
  });

  test("the patch /mutate returns applies to the request object and gives the policy's mutated object", async () => {
    const review = podReview({ uid: 'mut-1', labels: { app: 'web' } });
    const r = (await call(servers.enforce!.port, '/mutate', JSON.stringify(review))).json() as Response;
    assert.equal(r.response.uid, 'mut-1');
    assert.equal(r.response.allowed, true);
    assert.equal(r.response.patchType, 'JSONPatch');
    const ops = JSON.parse(Buffer.from(r.response.patch ?? '', 'base64').toString('utf8')) as fastJsonPatch.Operation[];
    const object = (review.request as { object: Record<string, unknown> }).object;
    const mutated = fastJsonPatch.applyPatch(structuredClone(object), ops, true, false).newDocument;
    const want = structuredClone(object) as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    want.metadata.labels.team = 'unassigned';
    want.spec.securityContext = { runAsNonRoot: true };
    assert.deepEqual(mutated, want);
  });

  test('an object that already has the defaults gets no patch', async () => {
    const review = podReview({ labels: { team: 'a' } });
    (review.request as { object: { spec: Record<string, unknown> } }).object.spec.securityContext = { runAsNonRoot: false };
    const r = (await call(servers.enforce!.port, '/mutate', JSON.stringify(review))).json() as Response;
    assert.equal(r.response.patch, undefined);
    assert.equal(r.response.patchType, undefined);
  });

  test('validation decides on the object the API server sends after /mutate: the default makes the pod pass', async () => {
    const review = podReview();
    const m = (await call(servers.enforce!.port, '/mutate', JSON.stringify(review))).json() as Response;
    const r = (await call(servers.enforce!.port, '/validate', JSON.stringify(afterMutation(review, m)))).json() as Response;
    assert.equal(r.response.allowed, true, r.response.status?.message);
  });

  test('a pod /mutate did not reach (failurePolicy Ignore) is validated as sent, as Kyverno would', async () => {
    const r = (await call(servers.enforce!.port, '/validate', JSON.stringify(podReview()))).json() as Response;
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status?.message ?? '', /require-run-as-non-root/);
  });

  test('a non-idempotent mutation is applied once: /validate does not mutate the mutated object again', async () => {
    const review = podReview({ uid: 'mut-append' });
    const m = (await call(servers.append!.port, '/mutate', JSON.stringify(review))).json() as Response;
    const sent = afterMutation(review, m);
    assert.deepEqual((sent.request as { object: { spec: { containers: { env?: unknown[] }[] } } }).object.spec.containers[0]?.env, [{ name: 'TRACE', value: 'on' }]);
    const r = (await call(servers.append!.port, '/validate', JSON.stringify(sent))).json() as Response;
    assert.equal(r.response.allowed, true, r.response.status?.message);
  });

  test('shadow mode, where /mutate patches nothing, predicts the verdict on the object Kyverno would have mutated', async () => {
    const r = (await call(servers.shadow!.port, '/validate', JSON.stringify(podReview()))).json() as Response;
    assert.equal(r.response.allowed, true);
    const metrics = await shadowMetrics.registry.metrics();
    assert.match(metrics, /podgate_policy_results_total\{policy="require-run-as-non-root",rule="[^"]+",result="pass"\} 1/);
    assert.doesNotMatch(metrics, /policy="require-run-as-non-root",rule="[^"]+",result="fail"/);
  });

  test('an explicit runAsNonRoot: false is kept by the +() anchor and denied', async () => {
    const review = podReview({ uid: 'mut-3' });
    (review.request as { object: { spec: Record<string, unknown> } }).object.spec.securityContext = { runAsNonRoot: false };
    const r = (await call(servers.enforce!.port, '/validate', JSON.stringify(review))).json() as Response;
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status?.message ?? '', /require-run-as-non-root:\n {2}pod-level: 'validation error: runAsNonRoot must be true/);
  });

  test('shadow mode never returns a patch', async () => {
    const r = (await call(servers.shadow!.port, '/mutate', JSON.stringify(podReview()))).json() as Response;
    assert.equal(r.response.allowed, true);
    assert.equal(r.response.patch, undefined);
    assert.equal(r.response.patchType, undefined);
  });
});
