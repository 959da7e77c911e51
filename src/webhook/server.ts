// The HTTPS admission server: POST /validate (+ /validate/fail, /validate/ignore) and /mutate,
// GET /healthz and /readyz. The main thread does TLS, HTTP and health only: reviews are parsed and
// evaluated by an EvalPool of worker threads within a budget counted from arrival. Limits: a 3 MiB
// body cap, bytes in flight, a queue (then 429 with Retry-After), a connection cap, handshake,
// header and request timeouts. Metrics, logs with the request uid, PolicyReports for audit/shadow,
// TLS hot swap, and a draining shutdown (readyz 503, keep serving, Connection: close, then stop).
// Mirrors kyverno@v1.10.7:pkg/webhooks/server.go and pkg/webhooks/handlers/admission.go.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { KyvernoConfig } from '../kyverno/config/index.js';
import { ConnectionSlots } from './connection-slots.js';
import type { WebhookMode } from './decision.js';
import type { EngineRecipe } from './engine-recipe.js';
import { EvalPool, type PoolAnswer } from './eval-pool.js';
import { endpointFailurePolicy, failureReview, type ReviewOutcome } from './evaluate.js';
import type { ReviewEndpoint } from './handle-review.js';
import type { WebhookLogger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';
import type { PolicySourceStatus } from './policy-source.js';
import type { ReportStore } from './report-store.js';
import { peekEnvelope } from './review-codec.js';

/** The API server's own request body limit, which we mirror. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Defaults of the server's limits (documented in README.md and deploy/README.md). */
export const SERVER_DEFAULTS = {
  evalTimeoutMs: 2000,
  workers: 2,
  maxQueue: 64,
  maxInflightBytes: 64 * 1024 * 1024,
  maxConnections: 256,
  handshakeTimeoutMs: 5000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  drainMs: 5000,
} as const;

/** Where the server gets its policy set and readiness from (a PolicySource, or a fixed recipe in tests). */
export interface EngineProvider {
  /** The active set: what evaluation workers load. */
  active(): { generation: number; recipe: EngineRecipe } | undefined;
  status(): PolicySourceStatus;
  /** Notifies after each reload, so workers load the new set before the next review. */
  onChange?(listener: () => void): () => void;
}

/** A listener that could not start (a usage problem: the port is taken or not allowed). */
export class ListenError extends Error {
  readonly what: string;
  readonly host: string;
  readonly port: number;
  constructor(what: string, host: string, port: number, cause: Error & { code?: string }) {
    super(`cannot listen on ${host}:${port} for ${what}: ${cause.code === 'EADDRINUSE' ? 'address already in use' : cause.code === 'EACCES' ? 'permission denied' : cause.message}`);
    this.what = what;
    this.host = host;
    this.port = port;
  }
}

/** Server configuration. */
export interface WebhookServerOptions {
  mode: WebhookMode;
  tls: { cert: string; key: string };
  /**
   * PEM CA bundle: reviews are evaluated only for a caller presenting a client certificate signed by it
   * (the API server, through its AdmissionConfiguration kubeConfigFile); anyone else gets 403. The probes
   * stay open (the kubelet presents no certificate). Omitted: no client authentication, as Kyverno.
   */
  clientCa?: string;
  engine: EngineProvider;
  log: WebhookLogger;
  metrics: WebhookMetrics;
  reports?: ReportStore;
  /** Kyverno's resourceFilters/excludeGroups/excludeUsernames; omitted means filter nothing. */
  config?: KyvernoConfig;
  host?: string;
  port?: number;
  /** Metrics port (plain HTTP); omitted means no metrics listener. */
  metricsPort?: number;
  /** Whole-request deadline (headers + body), ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Headers deadline, ms (default 10 s). */
  headersTimeoutMs?: number;
  /** TLS handshake deadline from the TCP connection, ms (default 5 s). */
  handshakeTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Each review's budget from arrival, queue included, ms (default 2 s). */
  evalTimeoutMs?: number;
  /** Evaluation worker threads (default 2). */
  workers?: number;
  /** Reviews waiting for a worker before 429 (default 64). */
  maxQueue?: number;
  /** Request bytes held at once (reading, queued, evaluating) before 429 (default 64 MiB). */
  maxInflightBytes?: number;
  /** Open connections (default 256); more are closed at accept. */
  maxConnections?: number;
}

/** A running server. */
export interface WebhookServer {
  /** The HTTPS port actually bound. */
  port: number;
  metricsPort?: number;
  /** Requests in flight. */
  inFlight(): number;
  /** Swaps the serving certificate for new connections. */
  setTls(tls: { cert: string; key: string }): void;
  /**
   * Drains then stops: /readyz turns 503 and every answer carries `Connection: close` while the
   * server keeps serving for `drainMs` (what a preStop hook would do); then it stops accepting,
   * waits for requests in flight (up to `graceMs`), closes the remaining connections and workers.
   */
  close(graceMs?: number, drainMs?: number): Promise<void>;
}

const ENDPOINTS: Record<string, ReviewEndpoint> = {
  '/validate': 'validate',
  '/validate/fail': 'validate-fail',
  '/validate/ignore': 'validate-ignore',
  '/mutate': 'mutate',
};

function send(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}, json = typeof body !== 'string'): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

const PEEK_BYTES = 64 * 1024;

// Request fields in log lines: a hand-made review's 100,000-character uid made a 100 KB log line. Real
// uids are 36 characters and names at most 253.
const LOG_FIELD_MAX = 256;

function clip<T extends string | undefined>(s: T): T {
  return (s !== undefined && s.length > LOG_FIELD_MAX ? `${s.slice(0, LOG_FIELD_MAX)}…(${s.length - LOG_FIELD_MAX} more)` : s) as T;
}

/** Formats milliseconds as a Go duration for messages ("2s", "300ms", "1.5s"). */
function ms(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}s` : n < 1000 ? `${n}ms` : `${n / 1000}s`;
}

/**
 * Reads the body into one unpooled buffer (its memory can move to a worker); undefined when it was refused
 * or the client went away. Bytes in flight are reserved as they arrive, never from the declared
 * Content-Length: a client that declares 3 MiB and stalls holds only what it sent. (Reserving the declared
 * length let 21 stalled connections hold the default 64 MiB and refuse every review until the request
 * timeout.) The chunks are joined once the body is complete, so a body is briefly held twice.
 */
function readBody(req: IncomingMessage, max: number, reserve: (n: number) => boolean, refuse: (status: number, reason: string, label: string) => void): Promise<Uint8Array | undefined> {
  return new Promise((resolvePromise) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    let done = false;
    const fail = (status: number, reason: string, label: string) => {
      if (done) return;
      done = true;
      refuse(status, reason, label);
      req.resume();
      resolvePromise(undefined);
    };
    if (declared > max) return fail(400, `request body exceeds ${max} bytes`, 'too-large');
    const known = Number.isInteger(declared) && declared >= 0;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (done) return;
      if (size + c.length > (known ? declared : max)) return fail(400, known ? 'request body longer than its Content-Length' : `request body exceeds ${max} bytes`, 'too-large');
      if (!reserve(c.length)) return fail(429, 'too many request bytes in flight', 'inflight-bytes');
      chunks.push(c);
      size += c.length;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      // Not Buffer.concat: small results come from Node's shared pool, whose memory must not be transferred.
      const out = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const c of chunks) {
        c.copy(out, at);
        at += c.length;
      }
      chunks.length = 0;
      resolvePromise(out);
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolvePromise(undefined);
    });
  });
}

/** Starts the webhook (and metrics) listeners and the evaluation workers. */
export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  let inFlight = 0;
  let inflightBytes = 0;
  let draining = false;
  const max = o.maxBodyBytes ?? MAX_BODY_BYTES;
  const budgetMs = o.evalTimeoutMs ?? SERVER_DEFAULTS.evalTimeoutMs;
  const maxInflightBytes = o.maxInflightBytes ?? SERVER_DEFAULTS.maxInflightBytes;
  let pool: EvalPool | undefined;
  let slots: ConnectionSlots | undefined;

  // Ready once the policy set is built (and the cluster cache synced) and a worker has loaded it, until the
  // drain starts: /readyz and podgate_ready give this one answer.
  const isReady = (engineReady = o.engine.status().ready) => engineReady && !draining && pool?.ready() === true;
  o.metrics.addReadiness(() => isReady());
  // While draining, every answer closes its connection: keep-alive clients move on after it.
  const headers = (extra: Record<string, string> = {}): Record<string, string> => (draining ? { ...extra, connection: 'close' } : extra);

  const badRequest = (res: ServerResponse, reason: string, label: string, extra: Record<string, unknown> = {}) => {
    o.metrics.badRequests.inc({ reason: label });
    o.log.warn({ reason, ...extra }, 'bad admission request');
    send(res, 400, { error: reason }, headers());
  };

  const record = (endpoint: ReviewEndpoint, out: ReviewOutcome, started: number) => {
    if (out.bad) {
      o.metrics.badRequests.inc({ reason: out.bad.label });
      o.log.warn({ reason: out.bad.reason }, out.status === 200 ? 'invalid admission review answered with an error' : 'bad admission request');
    }
    const request = out.request;
    const decision = out.decision;
    if (!request || !decision) return;
    o.metrics.requests.inc({ endpoint, operation: request.operation, allowed: String(decision.allowed), mode: o.mode });
    if (out.error) o.metrics.internalErrors.inc({ endpoint });
    // Verdicts travel as slot codes (counted by the pool) and keys (tally); an answer without a tally has none.
    if (out.tally) o.metrics.countVerdictKeys(out.tally);
    if (o.reports && request.dryRun !== true && out.results.length > 0) o.reports.record(out.results, request.objectUid);
    const line = {
      uid: clip(request.uid),
      endpoint,
      operation: request.operation,
      kind: clip(request.kind),
      namespace: clip(request.namespace),
      name: clip(request.name),
      allowed: decision.allowed,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(request.dryRun ? { dryRun: true } : {}),
      ...(out.skipped ? { skipped: out.skipped } : {}),
    };
    const { shadow } = out;
    if (shadow) {
      o.metrics.shadowComparisons.inc({ class: shadow.class });
      const resource = out.results[0]?.resource ?? { kind: request.kind, apiVersion: 'v1', ...(request.namespace ? { namespace: request.namespace } : {}), name: request.name ?? '' };
      if (o.reports && request.dryRun !== true) o.reports.recordShadow(resource, shadow, request.objectUid);
      // Disagreements are what shadow mode is for; agreement is only worth a debug line.
      const fields = { ...line, class: shadow.class, psp: shadow.psp, kyverno: shadow.kyverno };
      if (shadow.class === 'same') o.log.debug(fields, 'psp and kyverno agree');
      else o.log.warn(fields, shadow.class === 'breakage' ? 'psp admits, kyverno would deny' : 'psp denies or mutates, kyverno admits');
    }
    if (out.error) o.log.error({ ...line, err: out.error }, 'admission evaluation failed');
    else if (decision.wouldDeny) o.log.info({ ...line, wouldDeny: decision.wouldDeny }, 'would deny');
    else if (!decision.allowed) o.log.info({ ...line, webhook: decision.webhook }, 'denied');
    else o.log.debug(line, 'allowed');
  };

  /** The answer when no verdict came back in time (or the worker died): the endpoint's failurePolicy decides. */
  const unevaluated = (res: ServerResponse, endpoint: ReviewEndpoint, envelope: ReturnType<typeof peekEnvelope>, a: Exclude<PoolAnswer, { kind: 'done' }>, arrival: number) => {
    const failurePolicy = endpointFailurePolicy(endpoint, o.mode);
    const what =
      a.kind === 'overrun'
        ? `policy evaluation did not finish within its ${ms(budgetMs)} budget (--eval-timeout, counted from arrival${a.phase === 'queued' ? '; the review was still queued' : ''})`
        : `policy evaluation failed: ${a.reason}`;
    const message = failurePolicy === 'Fail' ? `podgate: ${what}; denied by failurePolicy Fail` : `podgate: ${what}; allowed unevaluated by failurePolicy Ignore`;
    if (a.kind === 'overrun') o.metrics.budgetExceeded.inc({ endpoint, phase: a.phase, failure_policy: failurePolicy });
    else o.metrics.internalErrors.inc({ endpoint });
    o.log.error({ uid: clip(envelope?.uid), endpoint, failurePolicy, ms: Math.round(performance.now() - arrival), ...(a.kind === 'overrun' ? { phase: a.phase, budgetMs } : { err: a.reason }) }, a.kind === 'overrun' ? 'evaluation budget exceeded' : 'evaluation failed');
    // Without the uid no AdmissionReview answer is possible; the API server applies failurePolicy to a 503.
    if (!envelope) return send(res, 503, { error: message }, headers({ 'retry-after': '1' }));
    send(res, 200, failureReview(envelope.apiVersion, envelope.uid, failurePolicy, o.mode, message, 500), headers());
  };

  const onReview = async (req: IncomingMessage, res: ServerResponse, endpoint: ReviewEndpoint, arrival: number) => {
    const refuse = (status: number, reason: string, label: string) => {
      if (status === 429) {
        o.metrics.rejected.inc({ reason: label });
        o.log.warn({ reason }, 'admission request refused');
        send(res, 429, { error: reason }, headers({ 'retry-after': '1', connection: 'close' }));
      } else {
        o.metrics.badRequests.inc({ reason: label });
        send(res, status, { error: reason }, headers({ connection: 'close' }));
      }
    };
    const ctype = req.headers['content-type'] ?? '';
    if (ctype && !ctype.startsWith('application/json')) {
      req.resume();
      return badRequest(res, `content-type must be application/json, got ${ctype}`, 'content-type');
    }
    if (pool?.full()) return refuse(429, `evaluation queue full (${o.maxQueue ?? SERVER_DEFAULTS.maxQueue} reviews waiting)`, 'queue-full');
    let reserved = 0;
    const reserve = (n: number) => {
      if (inflightBytes + n > maxInflightBytes) return false;
      inflightBytes += n;
      reserved += n;
      return true;
    };
    try {
      const body = await readBody(req, max, reserve, refuse);
      if (!body) return;
      slots?.mark(req.socket, 'busy');
      const left = budgetMs - (performance.now() - arrival);
      // The body moves to a worker; keep its head (apiVersion and uid come first), read only when
      // an answer without a verdict is needed.
      const head = Buffer.from(body.subarray(0, PEEK_BYTES));
      const job = pool?.submit(endpoint, body, left);
      if (!job) return refuse(429, `evaluation queue full (${o.maxQueue ?? SERVER_DEFAULTS.maxQueue} reviews waiting)`, 'queue-full');
      const a = await job;
      if (a.kind !== 'done') return unevaluated(res, endpoint, peekEnvelope(head, PEEK_BYTES), a, arrival);
      const out = a.outcome;
      send(res, out.status, out.body, headers(), true);
      // Bookkeeping after the answer is written keeps it off the latency path.
      record(endpoint, out, arrival);
    } finally {
      inflightBytes -= reserved;
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const arrival = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok', headers());
    if (req.method === 'GET' && path === '/readyz') {
      const st = o.engine.status();
      const ready = isReady(st.ready);
      return send(res, ready ? 200 : 503, { ...st, ready, ...(draining ? { draining: true } : {}) }, headers());
    }
    const endpoint = ENDPOINTS[path];
    if (!endpoint) return send(res, 404, { error: `no such endpoint ${path}` }, headers());
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, headers({ allow: 'POST' }));
    if (o.clientCa !== undefined && !(req.socket as TLSSocket).authorized) {
      // Before the body is read: an unauthenticated caller costs no evaluation and leaves no record.
      const why = (req.socket as TLSSocket).authorizationError;
      o.metrics.badRequests.inc({ reason: 'client-certificate' });
      o.log.debug({ remote: req.socket.remoteAddress, why: why ? String(why) : 'no certificate' }, 'review refused: no valid client certificate');
      req.resume();
      return send(
        res,
        403,
        { error: `client certificate required: only a caller presenting a certificate signed by --client-ca may send reviews (${why ? String(why) : 'no certificate presented'})` },
        headers({ connection: 'close' }),
      );
    }
    // Reading its body, the connection can still make room for a newcomer; evaluating, it cannot.
    slots?.mark(req.socket, 'reading');
    res.once('close', () => slots?.mark(req.socket, 'idle'));
    inFlight++;
    // From arrival (headers received) to the last byte written, queue time included.
    res.once('finish', () => o.metrics.latency.observe({ endpoint }, (performance.now() - arrival) / 1000));
    onReview(req, res, endpoint, arrival)
      .catch((err: unknown) => {
        // Only a bug reaches here; the API server applies the webhook's failurePolicy to a 500.
        o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'request handler failed');
        send(res, 500, { error: 'internal error' }, headers());
      })
      .finally(() => {
        inFlight--;
      });
  };

  const server: HttpsServer = createHttpsServer(
    {
      cert: o.tls.cert,
      key: o.tls.key,
      minVersion: 'TLSv1.2',
      // Asked for, not required at the handshake: the probes must still get through; the review endpoints check.
      ...(o.clientCa !== undefined ? { ca: o.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
      handshakeTimeout: o.handshakeTimeoutMs ?? SERVER_DEFAULTS.handshakeTimeoutMs,
      // Node checks header and request deadlines on this interval (30 s by default, so a 10 s timeout fired after ~35 s).
      connectionsCheckingInterval: 500,
      requestTimeout: o.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs,
      headersTimeout: Math.min(o.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs, o.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs),
      keepAliveTimeout: SERVER_DEFAULTS.keepAliveTimeoutMs,
    },
    handler,
  );
  // Not server.maxConnections (newcomers closed at accept, so idle connections could hold every slot).
  slots = new ConnectionSlots(o.maxConnections ?? SERVER_DEFAULTS.maxConnections, (event, state) => {
    if (event === 'refused') o.metrics.rejected.inc({ reason: 'connections' });
    else o.metrics.connectionsEvicted.inc({ state: state ?? 'idle' });
  });
  const connectionSlots = slots;
  server.on('connection', (socket: Socket) => connectionSlots.accept(socket));
  server.on('tlsClientError', (err) => o.log.debug({ err: err.message }, 'TLS handshake failed'));
  const host = o.host ?? '0.0.0.0';
  await listen(server, o.port ?? 9443, host, 'HTTPS');

  let metricsServer: HttpServer | undefined;
  if (o.metricsPort !== undefined) {
    metricsServer = createHttpServer({ connectionsCheckingInterval: 1000, requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
        o.metrics.registry.metrics().then(
          (text) => send(res, 200, text, { 'content-type': o.metrics.registry.contentType }),
          () => send(res, 500, 'metrics failed'),
        );
        return;
      }
      send(res, 404, 'not found');
    });
    metricsServer.maxConnections = 64;
    try {
      await listen(metricsServer, o.metricsPort, host, 'metrics');
    } catch (err) {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      throw err;
    }
  }

  pool = new EvalPool({
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.maxQueue !== undefined ? { maxQueue: o.maxQueue } : {}),
    setup: { mode: o.mode, keepResults: o.reports !== undefined, ...(o.config ? { config: o.config } : {}) },
    engine: o.engine,
    log: o.log,
    metrics: o.metrics,
  });
  const workers = pool;
  // Answering before any worker is up would spend the first reviews' budgets on thread start-up.
  await pool.whenOnline(30_000);

  return {
    port: (server.address() as AddressInfo).port,
    ...(metricsServer ? { metricsPort: (metricsServer.address() as AddressInfo).port } : {}),
    inFlight: () => inFlight,
    setTls(tls) {
      server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ...(o.clientCa !== undefined ? { ca: o.clientCa } : {}) });
    },
    async close(graceMs = 10_000, drainMs = 0) {
      draining = true;
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      // Stop accepting, but not through http's close(), which also drops idle connections at once:
      // one accepted a moment ago may carry a request already written (ECONNRESET for it).
      const closed = new Promise<void>((r) => NetServer.prototype.close.call(server, () => r()));
      const start = Date.now();
      const connections = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n ?? 0)));
      let idleClosed = false;
      while (Date.now() - start < graceMs) {
        if (inFlight === 0 && (await connections()) === 0) break;
        // Connections still idle after a second are not about to send anything.
        if (!idleClosed && Date.now() - start >= Math.min(1000, graceMs / 2)) {
          server.closeIdleConnections();
          idleClosed = true;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      server.closeAllConnections();
      await closed;
      await workers.close();
      if (metricsServer) {
        const m = metricsServer;
        const mClosed = new Promise<void>((r) => m.close(() => r()));
        m.closeAllConnections();
        await mClosed;
      }
    },
  };
}

function listen(server: HttpServer | HttpsServer, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', (err) => reject(new ListenError(what, host, port, err)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      server.on('error', () => {});
      resolvePromise();
    });
  });
}
