// Issue 13 points 3 and 4, the server's limits over real sockets: a TCP client that never sends a
// ClientHello is closed at the handshake timeout, slow headers at the header timeout (not ~30 s
// later), connections beyond the cap are refused, a full queue or too many bytes in flight get 429
// with Retry-After, and the latency histogram counts queue time from arrival.
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { createLogger, createMetrics, type EngineProvider, startWebhookServer, type WebhookServerOptions } from '../../src/webhook/index.js';
import { loopbackCerts, memoryLog, podReview } from './helpers.js';
import { slowRecipe } from './slow-engine.js';

const provider = (ms: number): EngineProvider => {
  const recipe = slowRecipe(ms);
  return { active: () => ({ generation: 1, recipe }), status: () => ({ ready: true, policies: 1, generation: 1 }) };
};

async function start(extra: Partial<WebhookServerOptions>, ms = 0) {
  return startWebhookServer({
    mode: 'enforce',
    tls: { cert: loopbackCerts().cert, key: loopbackCerts().key },
    engine: provider(ms),
    log: createLogger({ destination: memoryLog().stream }),
    metrics: createMetrics(),
    host: '127.0.0.1',
    port: 0,
    ...extra,
  });
}

function post(port: number, body: string): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/validate', method: 'POST', ca: loopbackCerts().caCert, servername: 'localhost', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Milliseconds until the server closes this socket. */
function closedAfter(sock: Socket, startedAt: number, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    sock.on('error', () => {});
    // Read what the server sends (a 408), or 'close' never comes.
    sock.resume();
    sock.on('close', () => {
      clearTimeout(t);
      resolve(Date.now() - startedAt);
    });
  });
}

describe('connection-level limits', () => {
  test('raw TCP with no ClientHello is closed at the handshake timeout', async () => {
    const server = await start({ handshakeTimeoutMs: 300 });
    try {
      const t0 = Date.now();
      const sock = netConnect(server.port, '127.0.0.1');
      const ms = await closedAfter(sock, t0, 5000);
      assert.ok(ms >= 250, `closed after ${ms} ms`);
    } finally {
      await server.close(1000);
    }
  });

  test('headers that never finish are cut at the header timeout, not ~30 s later', async () => {
    const server = await start({ headersTimeoutMs: 500, requestTimeoutMs: 500 });
    try {
      const t0 = Date.now();
      const sock = tlsConnect({ host: '127.0.0.1', port: server.port, ca: loopbackCerts().caCert, servername: 'localhost' }, () => sock.write('POST /validate HTTP/1.1\r\nHost: x\r\n'));
      const ms = await closedAfter(sock, t0, 5000);
      assert.ok(ms < 3000, `closed after ${ms} ms`);
    } finally {
      await server.close(1000);
    }
  });

  test('a body that trickles is cut at the request timeout', async () => {
    const server = await start({ requestTimeoutMs: 600 });
    try {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const sock = tlsConnect({ host: '127.0.0.1', port: server.port, ca: loopbackCerts().caCert, servername: 'localhost' }, () => {
        sock.write('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
        timer = setInterval(() => sock.write('{'), 100);
      });
      const ms = await closedAfter(sock, t0, 6000);
      clearInterval(timer);
      assert.ok(ms < 3000, `closed after ${ms} ms`);
    } finally {
      await server.close(1000);
    }
  });

  // Session 5 probe: 256 connections that finished the TLS handshake and sent nothing held every slot (the
  // cap closed newcomers at accept), so reviews and the kubelet's probes failed. A newcomer now takes the
  // slot of the longest-idle connection (no request, or a body still arriving); a request being evaluated
  // or answered keeps its connection.
  test('at the cap a newcomer replaces the longest-idle connection; never more than the cap are open', async () => {
    const server = await start({ maxConnections: 3 });
    const socks: Socket[] = [];
    try {
      const open = () =>
        new Promise<Socket>((resolve, reject) => {
          const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: loopbackCerts().caCert, servername: 'localhost' }, () => resolve(s));
          s.on('error', () => {});
          s.once('close', () => reject(new Error('closed before the handshake')));
          socks.push(s);
        });
      for (let i = 0; i < 6; i++) await open();
      await new Promise((r) => setTimeout(r, 200));
      const alive = socks.filter((s) => !s.destroyed && !s.readableEnded);
      assert.deepEqual(
        socks.map((s) => alive.includes(s)),
        [false, false, false, true, true, true],
      );
      // The cap holds idle connections only: a review still gets through.
      const a = await post(server.port, JSON.stringify(podReview({ uid: 'through' })));
      assert.equal(a.status, 200, a.body);
    } finally {
      for (const s of socks) s.destroy();
      await server.close(1000);
    }
  });

  test('a review being evaluated keeps its connection when idle newcomers arrive at the cap', async () => {
    const server = await start({ maxConnections: 2, evalTimeoutMs: 5000 }, 400);
    const socks: Socket[] = [];
    try {
      const slow = post(server.port, JSON.stringify(podReview({ uid: 'slow' })));
      await new Promise((r) => setTimeout(r, 150));
      for (let i = 0; i < 4; i++) {
        const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: loopbackCerts().caCert, servername: 'localhost' });
        s.on('error', () => {});
        socks.push(s);
        await new Promise((r) => setTimeout(r, 30));
      }
      const a = await slow;
      assert.equal(a.status, 200, a.body);
      assert.equal((JSON.parse(a.body) as { response: { uid: string } }).response.uid, 'slow');
    } finally {
      for (const s of socks) s.destroy();
      await server.close(1000);
    }
  });
});

describe('queue, bytes in flight and the budget', () => {
  test('a full queue answers 429 with Retry-After; the rest are evaluated', async () => {
    const server = await start({ workers: 1, maxQueue: 1, evalTimeoutMs: 5000 }, 300);
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post(server.port, JSON.stringify(podReview({ uid: `q${i}` })))));
      const refused = answers.filter((a) => a.status === 429);
      assert.ok(refused.length >= 1, answers.map((a) => a.status).join(','));
      assert.ok(answers.some((a) => a.status === 200));
      for (const a of refused) {
        assert.equal(a.retryAfter, '1');
        assert.match(a.body, /evaluation queue full/);
      }
    } finally {
      await server.close(3000);
    }
  });

  test('more request bytes in flight than allowed answers 429 with Retry-After', async () => {
    const server = await start({ workers: 1, maxInflightBytes: 64 * 1024, evalTimeoutMs: 5000 }, 300);
    try {
      const big = JSON.stringify({ ...podReview({ uid: 'big' }), padding: 'x'.repeat(40 * 1024) });
      const answers = await Promise.all([post(server.port, big), post(server.port, big), post(server.port, big)]);
      const statuses = answers.map((a) => a.status).sort();
      assert.ok(statuses.includes(429) && statuses.includes(200), statuses.join(','));
      assert.match(answers.find((a) => a.status === 429)?.body ?? '', /too many request bytes in flight/);
    } finally {
      await server.close(3000);
    }
  });

  test('bytes in flight are the bytes received: bodies that declare a large Content-Length and stall hold none of the budget', async () => {
    // Session 5 probe: 21 connections declaring 3 MiB each and sending 1 byte held the whole 64 MiB
    // (reserved from the declared length) until the request timeout, and every review got 429.
    const server = await start({ maxInflightBytes: 1024 * 1024, requestTimeoutMs: 5000, headersTimeoutMs: 5000 });
    const socks: Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca: loopbackCerts().caCert, servername: 'localhost' }, () =>
          s.write('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 524288\r\n\r\n{'),
        );
        s.on('error', () => {});
        socks.push(s);
      }
      await new Promise((r) => setTimeout(r, 300));
      const a = await post(server.port, JSON.stringify(podReview({ uid: 'legit' })));
      assert.equal(a.status, 200, a.body);
      assert.equal((JSON.parse(a.body) as { response: { uid: string } }).response.uid, 'legit');
    } finally {
      for (const s of socks) s.destroy();
      await server.close(1000);
    }
  });

  test('the budget counts queue time: a review queued behind a slow one is answered by failurePolicy at its deadline', async () => {
    const metrics = createMetrics();
    const server = await startWebhookServer({
      mode: 'enforce',
      tls: { cert: loopbackCerts().cert, key: loopbackCerts().key },
      engine: provider(700),
      log: createLogger({ destination: memoryLog().stream }),
      metrics,
      host: '127.0.0.1',
      port: 0,
      metricsPort: 0,
      workers: 1,
      evalTimeoutMs: 1000,
    });
    try {
      const first = post(server.port, JSON.stringify(podReview({ uid: 'first' })));
      await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      const second = await post(server.port, JSON.stringify(podReview({ uid: 'second' })));
      const waited = performance.now() - t0;
      assert.equal((await first).status, 200);
      const r = JSON.parse(second.body) as { response: { uid: string; allowed: boolean; status: { code: number; message: string } } };
      // 700 ms behind the first, then 700 ms of its own: over its 1 s budget, counted from arrival.
      assert.equal(r.response.uid, 'second');
      assert.equal(r.response.allowed, false);
      assert.equal(r.response.status.code, 500);
      assert.ok(waited >= 900, `answered after ${Math.round(waited)} ms`);
      const text = await new Promise<string>((resolve, reject) => {
        httpGet(`http://127.0.0.1:${server.metricsPort}/metrics`, (res) => {
          let t = '';
          res.on('data', (c) => {
            t += c;
          });
          res.on('end', () => resolve(t));
        }).on('error', reject);
      });
      assert.match(text, /podgate_admission_budget_exceeded_total\{endpoint="validate",phase="running",failure_policy="Fail"\} 1/);
      assert.match(text, /podgate_eval_worker_restarts_total\{reason="budget"\} 1/);
      // Both reviews took ≥ 0.5 s from arrival, queue included: the histogram's sum shows it.
      const sum = Number(/podgate_admission_review_duration_seconds_sum\{endpoint="validate"\} (\S+)/.exec(text)?.[1]);
      assert.ok(sum >= 1.5, `latency sum ${sum}`);
    } finally {
      await server.close(3000);
    }
  });
});
