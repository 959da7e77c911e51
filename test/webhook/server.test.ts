// HTTPS integration tests of the webhook server on 127.0.0.1 with a throwaway certificate and a
// stand-in engine (the Kyverno engine's byte-exact denials are in admit-e2e.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { fakeRecipe } from './fake-engine.js';
import {
  createLogger,
  createMetrics,
  type EngineProvider,
  PolicySource,
  ReportStore,
  startWebhookServer,
  type WebhookMode,
  type WebhookServer,
} from '../../src/webhook/index.js';
import { fakeEngine } from './fake-engine.js';
import { gatedRecipe } from './slow-engine.js';
import { call, loopbackCerts, memoryLog, podReview } from './helpers.js';
import { fcParams } from '../helpers/fc.js';

const fixed = (ready = true): EngineProvider => {
  const recipe = fakeRecipe();
  return { active: () => (ready ? { generation: 1, recipe } : undefined), status: () => ({ ready, policies: ready ? 2 : 0, generation: ready ? 1 : 0 }) };
};

async function start(mode: WebhookMode, engine: EngineProvider = fixed(), extra: { reports?: ReportStore; metricsPort?: number } = {}) {
  const log = memoryLog();
  const server = await startWebhookServer({
    mode,
    tls: { cert: loopbackCerts().cert, key: loopbackCerts().key },
    engine,
    log: createLogger({ destination: log.stream, level: 'debug' }),
    metrics: createMetrics(),
    host: '127.0.0.1',
    port: 0,
    ...extra,
  });
  return { server, log };
}

describe('enforce mode over HTTPS', () => {
  let server: WebhookServer;
  let logLines: () => Record<string, unknown>[];
  before(async () => {
    const s = await start('enforce', fixed(), { metricsPort: 0 });
    server = s.server;
    logLines = s.log.lines;
  });
  after(() => server.close(1000));

  const post = (body: unknown, path = '/validate') => call(server.port, path, typeof body === 'string' ? body : JSON.stringify(body));

  test('a violating Pod is denied with 403 and Kyverno’s body in status.message, byte for byte', async () => {
    const a = await post(podReview({ uid: 'deny-1' }));
    assert.equal(a.status, 200);
    const r = (a.json() as { response: { uid: string; allowed: boolean; status: { code: number; message: string } } }).response;
    assert.equal(r.uid, 'deny-1');
    assert.equal(r.allowed, false);
    assert.equal(r.status.code, 403);
    assert.equal(r.status.message, '\n\nresource Pod/team-a/web was blocked due to the following policies \n\nprefer-team:\n  team-label: label team is recommended\nrequire-ok:\n  ok-label: label ok is required (gen1)\n');
  });

  test('an allowed Pod carries the warnings of rules overridden to Audit', async () => {
    const a = await post(podReview({ labels: { ok: 'true' } }));
    const r = (a.json() as { response: { allowed: boolean; warnings?: string[]; status?: unknown } }).response;
    assert.equal(r.allowed, true);
    assert.equal(r.status, undefined);
    assert.deepEqual(r.warnings, ['policy prefer-team.team-label: label team is recommended']);
  });

  test('a v1beta1 review is answered in v1beta1', async () => {
    const a = await post(podReview({ apiVersion: 'admission.k8s.io/v1beta1', labels: { ok: 'true', team: 'x' } }));
    assert.deepEqual(a.json(), { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true } });
  });

  test('/mutate answers allowed without a patch when the engine has no mutate rules', async () => {
    const a = await post(podReview(), '/mutate');
    const r = (a.json() as { response: { allowed: boolean; patch?: string } }).response;
    assert.equal(r.allowed, true);
    assert.equal(r.patch, undefined);
  });

  const bad: { name: string; body: string | Buffer; headers?: Record<string, string>; reason: RegExp }[] = [
    { name: 'malformed JSON', body: '{"apiVersion":', reason: /malformed JSON/ },
    { name: 'a wrong kind', body: JSON.stringify({ ...podReview(), kind: 'Pod' }), reason: /kind must be AdmissionReview/ },
    { name: 'a wrong apiVersion', body: JSON.stringify(podReview({ apiVersion: 'admission.k8s.io/v2' })), reason: /apiVersion must be one of/ },
    { name: 'a body over 3 MiB', body: Buffer.alloc(3 * 1024 * 1024 + 10, 0x20), reason: /exceeds 3145728 bytes/ },
    { name: 'a non-JSON content type', body: '{}', headers: { 'content-type': 'text/plain' }, reason: /content-type/ },
  ];
  for (const b of bad) {
    test(`${b.name} gets HTTP 400 with the reason`, async () => {
      const a = await call(server.port, '/validate', b.body, b.headers);
      assert.equal(a.status, 400);
      assert.match((a.json() as { error: string }).error, b.reason);
    });
  }

  test('unknown paths are 404 and GET on /validate is 405', async () => {
    assert.equal((await call(server.port, '/nope', '{}')).status, 404);
    assert.equal((await call(server.port, '/validate')).status, 405);
  });

  test('health and readiness answer 200 once policies are loaded', async () => {
    assert.equal((await call(server.port, '/healthz')).status, 200);
    const r = await call(server.port, '/readyz');
    assert.equal(r.status, 200);
    assert.equal((r.json() as { ready: boolean }).ready, true);
  });

  test('log lines carry the request uid', async () => {
    await post(podReview({ uid: 'log-me' }));
    assert.ok(logLines().some((l) => l.uid === 'log-me' && l.msg === 'denied'));
  });

  test('metrics count requests and verdicts by policy, rule and result', async () => {
    const { request } = await import('node:http');
    const text = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.metricsPort, path: '/metrics' }, (res) => {
        let s = '';
        res.on('data', (c) => {
          s += c;
        });
        res.on('end', () => resolve(s));
      })
        .on('error', reject)
        .end();
    });
    assert.match(text, /podgate_admission_requests_total\{endpoint="validate",operation="CREATE",allowed="false",mode="enforce"\} \d+/);
    assert.match(text, /podgate_policy_results_total\{policy="require-ok",rule="ok-label",result="fail"\} \d+/);
    assert.match(text, /podgate_admission_review_duration_seconds_bucket/);
    assert.match(text, /podgate_bad_requests_total\{reason="malformed-json"\} 1/);
  });

  test('property: random bodies never crash the server nor get allowed: true unless they are valid reviews', async () => {
    const arbBody = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: v })),
      fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
    );
    await fc.assert(
      fc.asyncProperty(arbBody, async (body) => {
        const a = await call(server.port, '/validate', body);
        assert.ok(a.status === 200 || a.status === 400, `status ${a.status}`);
        if (a.status === 200) {
          // Only a decodable review gets a 200; it was checked like any other request.
          const parsed: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
          assert.equal((parsed as { kind?: unknown }).kind, 'AdmissionReview');
        }
      }),
      fcParams(150),
    );
    assert.equal((await call(server.port, '/healthz')).status, 200);
  });
});

describe('verdict metrics over HTTPS', () => {
  // Workers count verdicts into counters the main thread reads when scraped: the counts must be exact.
  test('podgate_policy_results_total counts every verdict once, across scrapes and workers', async () => {
    const { server } = await start('enforce', fixed(), { metricsPort: 0 });
    try {
      const { request } = await import('node:http');
      const scrape = () =>
        new Promise<Map<string, number>>((resolve, reject) => {
          request({ host: '127.0.0.1', port: server.metricsPort, path: '/metrics' }, (res) => {
            let s = '';
            res.on('data', (c) => {
              s += c;
            });
            res.on('end', () => {
              const out = new Map<string, number>();
              for (const m of s.matchAll(/^podgate_policy_results_total\{policy="([^"]*)",rule="([^"]*)",result="([^"]*)"\} (\d+)$/gm)) out.set(`${m[1]}/${m[2]}/${m[3]}`, Number(m[4]));
              resolve(out);
            });
          })
            .on('error', reject)
            .end();
        });
      const post = (labels: Record<string, string>) => call(server.port, '/validate', JSON.stringify(podReview({ labels })));
      // Concurrent, so that both workers answer some.
      await Promise.all([...Array.from({ length: 5 }, () => post({})), ...Array.from({ length: 3 }, () => post({ ok: 'true' }))]);
      const first = await scrape();
      assert.equal(first.get('require-ok/ok-label/fail'), 5);
      assert.equal(first.get('require-ok/ok-label/pass'), 3);
      assert.equal(first.get('prefer-team/team-label/fail'), 8);
      await Promise.all([post({ ok: 'true', team: 'a' }), post({ ok: 'true', team: 'b' })]);
      const second = await scrape();
      assert.equal(second.get('require-ok/ok-label/fail'), 5);
      assert.equal(second.get('require-ok/ok-label/pass'), 5);
      assert.equal(second.get('prefer-team/team-label/fail'), 8);
      assert.equal(second.get('prefer-team/team-label/pass'), 2);
    } finally {
      await server.close(1000);
    }
  });
});

describe('readiness before the first policy load', () => {
  test('/readyz is 503 and enforce mode denies rather than admitting everything', async () => {
    const { server } = await start('enforce', fixed(false));
    try {
      assert.equal((await call(server.port, '/readyz')).status, 503);
      const r = (await call(server.port, '/validate', JSON.stringify(podReview({ labels: { ok: 'true' } })))).json() as { response: { allowed: boolean; status: { message: string } } };
      assert.equal(r.response.allowed, false);
      assert.match(r.response.status.message, /not loaded yet/);
    } finally {
      await server.close(1000);
    }
  });
});

describe('shadow and audit modes', () => {
  test('shadow never denies, and records the would-be denial in logs and PolicyReports', async () => {
    const reports = new ReportStore({}, () => 1_700_000_000_000);
    const { server, log } = await start('shadow', fixed(), { reports });
    try {
      const r = (await call(server.port, '/validate', JSON.stringify(podReview({ uid: 'shadow-1' })))).json() as { response: { allowed: boolean; warnings?: string[] } };
      assert.equal(r.response.allowed, true);
      assert.equal(r.response.warnings, undefined);
      const line = log.lines().find((l) => l.uid === 'shadow-1');
      assert.equal(line?.msg, 'would deny');
      assert.match(JSON.stringify(line?.wouldDeny), /Pod\/team-a\/web was blocked/);
      const dir = mkdtempSync(join(tmpdir(), 'podgate-reports-'));
      reports.flush(dir);
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, ['team-a.cpol-prefer-team.yaml', 'team-a.cpol-require-ok.yaml']);
      const text = readFileSync(join(dir, 'team-a.cpol-require-ok.yaml'), 'utf8');
      assert.match(text, /kind: PolicyReport/);
      assert.match(text, /result: fail/);
      assert.match(text, /fail: 1/);
    } finally {
      await server.close(1000);
    }
  });

  test('a dryRun request has no side effects: nothing is recorded', async () => {
    const reports = new ReportStore();
    const { server } = await start('shadow', fixed(), { reports });
    try {
      await call(server.port, '/validate', JSON.stringify(podReview({ dryRun: true })));
      assert.deepEqual(reports.reports(), []);
    } finally {
      await server.close(1000);
    }
  });

  test('audit mode allows a violating Pod and returns every problem as a warning', async () => {
    const { server } = await start('audit');
    try {
      const r = (await call(server.port, '/validate', JSON.stringify(podReview()))).json() as { response: { allowed: boolean; warnings: string[] } };
      assert.equal(r.response.allowed, true);
      assert.deepEqual(r.response.warnings, ['policy require-ok.ok-label: label ok is required (gen1)', 'policy prefer-team.team-label: label team is recommended']);
    } finally {
      await server.close(1000);
    }
  });
});

describe('hot reload', () => {
  test('reloading under load swaps the policy set without a failed request', async () => {
    let gen = 0;
    let failNext = false;
    const source = new PolicySource(async () => {
      if (failNext) throw new Error('policy.yaml: document 1: spec.rules[0]: bad');
      gen++;
      return { engine: fakeEngine(`gen${gen}`), recipe: fakeRecipe(`gen${gen}`), policies: 2 };
    });
    await source.reload();
    const { server } = await start('enforce', source);
    try {
      const seen = new Set<string>();
      let stop = false;
      const worker = async () => {
        let n = 0;
        while (!stop) {
          const a = await call(server.port, '/validate', JSON.stringify(podReview({ uid: `load-${n++}` })));
          assert.equal(a.status, 200);
          const r = (a.json() as { response: { allowed: boolean; status: { message: string } } }).response;
          assert.equal(r.allowed, false);
          seen.add(/\((gen\d+)\)/.exec(r.status.message)?.[1] ?? 'none');
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(await source.reload(), true);
      }
      failNext = true;
      assert.equal(await source.reload(), false);
      const status = source.status();
      assert.equal(status.ready, true);
      assert.match(status.lastError ?? '', /spec.rules\[0\]: bad/);
      const readyz = (await call(server.port, '/readyz')).json() as { lastError?: string };
      assert.match(readyz.lastError ?? '', /bad/);
      await new Promise((r) => setTimeout(r, 30));
      stop = true;
      await Promise.all(workers);
      assert.ok(seen.has('gen6'), `saw ${[...seen].join(',')}`);
      assert.ok(!seen.has('none'));
      assert.ok(seen.size >= 2);
    } finally {
      await server.close(1000);
    }
  });
});

describe('readiness across reloads', () => {
  test('/readyz stays 200 while the workers build a newer generation (a reload, a namespace change): the one they have keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-gate-'));
    const gate = join(dir, 'open');
    let gen = 0;
    const source = new PolicySource(async () => {
      gen++;
      return { engine: fakeEngine(`gen${gen}`), recipe: gen === 1 ? fakeRecipe('gen1') : gatedRecipe(gate), policies: 2 };
    });
    await source.reload();
    const { server } = await start('enforce', source);
    try {
      for (let i = 0; i < 200 && (await call(server.port, '/readyz')).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await call(server.port, '/readyz')).status, 200);
      // Generation 2 is sent to every worker, whose build blocks until the gate opens.
      assert.equal(await source.reload(), true);
      const during = await call(server.port, '/readyz');
      assert.equal(during.status, 200, during.body);
      writeFileSync(gate, '');
      // Once built, the new generation answers (the stand-in allows everything).
      for (let i = 0; i < 200; i++) {
        const r = (await call(server.port, '/validate', JSON.stringify(podReview({ uid: `after-${i}` })))).json() as { response: { allowed: boolean } };
        if (r.response.allowed) break;
      }
      assert.equal(((await call(server.port, '/validate', JSON.stringify(podReview()))).json() as { response: { allowed: boolean } }).response.allowed, true);
    } finally {
      writeFileSync(gate, '');
      await server.close(1000);
    }
  });
});

describe('graceful shutdown', () => {
  test('close waits for an in-flight request (body still arriving) and then refuses new connections', async () => {
    const { server } = await start('enforce');
    const { request } = await import('node:https');
    const body = JSON.stringify(podReview());
    let closing: Promise<void> | undefined;
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/validate', method: 'POST', ca: loopbackCerts().caCert, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      // Finish the body only once the server counts the request as in flight and is closing.
      const poll = setInterval(() => {
        if (server.inFlight() > 0) {
          clearInterval(poll);
          closing = server.close(2000);
          setTimeout(() => req.end(body.slice(10)), 50);
        }
      }, 2);
    });
    assert.equal(await answer, 200);
    await closing;
    await assert.rejects(call(server.port, '/healthz'));
  });
});
