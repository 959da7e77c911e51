// Issue 13 point 3 on the user's path (the HTTPS endpoint): reviews that take the engine seconds
// (20,000 volumeMounts vs nested foreach + AnyNotIn, 60,000 ports vs AnyIn, a 2.9 MB label vs a
// `*aaa…b` wildcard) each get an HTTP 200 AdmissionReview within their budget, answered by the
// endpoint's failurePolicy, while /healthz keeps answering. The budget is short (300 ms) and the
// margins generous so the assertions hold on a loaded 2-core machine; bench/webhook-hostile.ts
// measures the same scenario without margins.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { WebhookServer } from '../../src/webhook/index.js';
import { loopbackCerts, startKyvernoServer } from './helpers.js';
import { goodPod, HOSTILE_POLICIES, labelPod, mountsPod, portsPod, slowLabelPod } from './hostile-reviews.js';

const BUDGET_MS = 300;
// Client-side slack over the budget: sending MBs over TLS, scheduling on a shared machine.
const MARGIN_MS = 900;

interface Timed {
  status: number;
  body: string;
  ms: number;
}

function timedPost(port: number, path: string, body: string, agent?: Agent): Promise<Timed> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', ca: loopbackCerts().caCert, servername: 'localhost', headers: { 'content-type': 'application/json' }, ...(agent ? { agent } : { agent: false }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body || undefined);
  });
}

interface Reply {
  apiVersion: string;
  response: { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[] };
}

describe('hostile reviews within a budget (POST /validate, failurePolicy Fail)', () => {
  let server: WebhookServer;
  before(async () => {
    server = await startKyvernoServer('enforce', [HOSTILE_POLICIES], { evalTimeoutMs: BUDGET_MS, workers: 2 });
  });
  after(() => server.close(2000));

  test('every pathological review gets a 200 AdmissionReview denial in time (its verdict, or code 500 naming the budget), /healthz never stalls', async () => {
    // Built before probing: this process is also the client, and stringifying MBs blocks it.
    // The first three were seconds of engine work before the engine's set lookups and wildcard search;
    // now they may finish within the budget (a 403 verdict). The `?`-heavy wildcard always overruns.
    const bodies = { mounts: mountsPod('mounts'), ports: portsPod('ports'), label: labelPod('label'), slow: slowLabelPod('slow') };
    const health = new Agent({ keepAlive: true, maxSockets: 1 });
    let polling = true;
    const healthDelays: number[] = [];
    const poller = (async () => {
      while (polling) {
        const h = await timedPost(server.port, '/healthz', '', health);
        assert.equal(h.status, 200);
        healthDelays.push(h.ms);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const answers = await Promise.all(Object.entries(bodies).map(async ([uid, body]) => ({ uid, a: await timedPost(server.port, '/validate', body) })));
    polling = false;
    await poller;
    health.destroy();
    for (const { uid, a } of answers) {
      assert.equal(a.status, 200, `${uid}: ${a.body}`);
      const r = JSON.parse(a.body) as Reply;
      assert.equal(r.response.uid, uid);
      assert.equal(r.response.allowed, false);
      const overrun = r.response.status?.code === 500;
      if (uid === 'slow') assert.ok(overrun, `the ?-heavy wildcard finished within the budget: ${a.body.slice(0, 300)}`);
      if (overrun) assert.match(r.response.status?.message ?? '', /did not finish within its 300ms budget \(--eval-timeout.*denied by failurePolicy Fail/);
      else assert.equal(r.response.status?.code, 403, `${uid}: ${a.body.slice(0, 300)}`);
      assert.ok(a.ms < BUDGET_MS + MARGIN_MS, `${uid} answered after ${Math.round(a.ms)} ms`);
    }
    const worst = Math.max(...healthDelays);
    console.log(`hostile reviews answered in ${answers.map(({ uid, a }) => `${uid} ${Math.round(a.ms)} ms`).join(', ')}; /healthz worst ${Math.round(worst)} ms over ${healthDelays.length} probes`);
    assert.ok(healthDelays.length >= 3, 'health was probed while the reviews ran');
    assert.ok(worst < 100 + MARGIN_MS, `/healthz took ${Math.round(worst)} ms`);
  });

  test('after the overruns the recycled workers are ready and evaluate normally again', async () => {
    const deadline = Date.now() + 30_000;
    while ((await timedPost(server.port, '/readyz', '')).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const a = await timedPost(server.port, '/validate', goodPod('good-after'));
    const r = JSON.parse(a.body) as Reply;
    assert.equal(r.response.uid, 'good-after');
    assert.equal(r.response.allowed, true, a.body);
  });
});

describe('hostile reviews on the Ignore webhook', () => {
  test('an overrun on /validate/ignore is allowed with a warning naming the budget', async () => {
    const server = await startKyvernoServer('enforce', [HOSTILE_POLICIES], { evalTimeoutMs: BUDGET_MS, workers: 1 });
    try {
      const a = await timedPost(server.port, '/validate/ignore', slowLabelPod('label-ignore'));
      assert.equal(a.status, 200);
      const r = JSON.parse(a.body) as Reply;
      assert.equal(r.response.allowed, true, a.body.slice(0, 400));
      assert.match(r.response.warnings?.[0] ?? '', /did not finish within its 300ms budget.*allowed unevaluated by failurePolicy Ignore/);
    } finally {
      await server.close(2000);
    }
  });
});
