// /mutate over HTTPS with the Kyverno engine: the base64 JSONPatch applies (fast-json-patch) to the
// request object and gives the mutated object; /validate decides on the mutated object; shadow mode
// never returns a patch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import type { WebhookMode, WebhookServer } from '../../src/webhook/index.js';
import { call, podReview, startKyvernoServer } from './helpers.js';

const data = (f: string) => new URL(`../../src/webhook/testdata/${f}`, import.meta.url).pathname;

interface Response {
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string; status?: { message: string } };
}

const start = (mode: WebhookMode, policies: string[]) => startKyvernoServer(mode, policies);

describe('mutation over HTTPS', () => {
  const servers: Partial<Record<WebhookMode, WebhookServer>> = {};
  before(async () => {
    servers.enforce = await start('enforce', [data('mutate-defaults.yaml'), data('require-run-as-non-root.yaml')]);
    servers.shadow = await start('shadow', [data('mutate-defaults.yaml'), data('require-run-as-non-root.yaml')]);
  });
  after(async () => {
    await servers.enforce?.close(1000);
    await servers.shadow?.close(1000);
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

  test('validation decides on the mutated object: the default makes the pod pass', async () => {
    const r = (await call(servers.enforce!.port, '/validate', JSON.stringify(podReview()))).json() as Response;
    assert.equal(r.response.allowed, true, r.response.status?.message);
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
