// The HTTPS admission server: POST /validate (+ /validate/fail, /validate/ignore) and /mutate,
// GET /healthz and /readyz; a 3 MiB body cap, timeouts, 400s with a reason for bad bodies,
// metrics, logs with the request uid, PolicyReports for audit/shadow, and a draining shutdown.
// Mirrors kyverno@v1.10.7:pkg/webhooks/server.go and pkg/webhooks/handlers/admission.go.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KyvernoConfig } from '../kyverno/config/index.js';
import type { WebhookMode } from './decision.js';
import { type AdmissionEngine, handleReview, type ReviewEndpoint } from './handle-review.js';
import type { WebhookLogger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';
import type { PolicySourceStatus } from './policy-source.js';
import type { ReportStore } from './report-store.js';

/** The API server's own request body limit, which we mirror. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Where the server gets its engine and readiness from (a PolicySource, or a fixed engine in tests). */
export interface EngineProvider {
  current(): AdmissionEngine | undefined;
  status(): PolicySourceStatus;
}

/** Server configuration. */
export interface WebhookServerOptions {
  mode: WebhookMode;
  tls: { cert: string; key: string };
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
  /** Whole-request deadline (headers + body), ms. */
  requestTimeoutMs?: number;
  maxBodyBytes?: number;
}

/** A running server. */
export interface WebhookServer {
  /** The HTTPS port actually bound. */
  port: number;
  metricsPort?: number;
  /** Requests in flight. */
  inFlight(): number;
  /** Stops accepting, waits for in-flight requests (up to graceMs), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

const ENDPOINTS: Record<string, ReviewEndpoint> = {
  '/validate': 'validate',
  '/validate/fail': 'validate-fail',
  '/validate/ignore': 'validate-ignore',
  '/mutate': 'mutate',
};

function send(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

/** Reads the body up to `max` bytes; resolves undefined (after answering 400) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse, max: number, onTooLarge: () => void): Promise<Buffer | undefined> {
  return new Promise((resolvePromise) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    const tooLarge = () => {
      onTooLarge();
      send(res, 400, { error: `request body exceeds ${max} bytes` }, { connection: 'close' });
      req.resume();
      resolvePromise(undefined);
    };
    if (declared > max) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        tooLarge();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolvePromise(Buffer.concat(chunks, size));
    });
    req.on('error', () => {
      if (!done) {
        done = true;
        resolvePromise(undefined);
      }
    });
  });
}

/** Starts the webhook (and metrics) listeners. */
export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  let inFlight = 0;
  let draining = false;
  const max = o.maxBodyBytes ?? MAX_BODY_BYTES;

  const badRequest = (res: ServerResponse, reason: string, label: string, extra: Record<string, unknown> = {}) => {
    o.metrics.badRequests.inc({ reason: label });
    o.log.warn({ reason, ...extra }, 'bad admission request');
    send(res, 400, { error: reason });
  };

  const onReview = async (req: IncomingMessage, res: ServerResponse, endpoint: ReviewEndpoint) => {
    const started = performance.now();
    const body = await readBody(req, res, max, () => o.metrics.badRequests.inc({ reason: 'too-large' }));
    if (!body) return;
    const ctype = req.headers['content-type'] ?? '';
    if (ctype && !ctype.startsWith('application/json')) return badRequest(res, `content-type must be application/json, got ${ctype}`, 'content-type');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return badRequest(res, `malformed JSON: ${(err as Error).message}`, 'malformed-json');
    }
    // handleReview never puts a patch in a shadow-mode answer: shadow must not change what the cluster stores.
    const handled = handleReview(parsed, o.engine.current(), {
      mode: o.mode,
      endpoint,
      ...(o.config ? { config: o.config } : {}),
    });
    if (handled.kind === 'invalid') return badRequest(res, handled.reason, 'invalid-review');
    const { request, decision, review } = handled;
    send(res, 200, review);
    const seconds = (performance.now() - started) / 1000;
    o.metrics.latency.observe({ endpoint }, seconds);
    o.metrics.requests.inc({ endpoint, operation: request.operation, allowed: String(decision.allowed), mode: o.mode });
    if (handled.error) o.metrics.internalErrors.inc({ endpoint });
    // Bookkeeping after the answer is written keeps it off the latency path.
    o.metrics.countVerdicts(handled.results);
    if (o.reports && request.dryRun !== true && handled.results.length > 0) o.reports.record(handled.results, request.object?.metadata?.uid as string | undefined);
    const line = {
      uid: request.uid,
      endpoint,
      operation: request.operation,
      kind: request.kind.kind,
      namespace: request.namespace,
      name: request.name,
      allowed: decision.allowed,
      ms: Math.round(seconds * 1e5) / 100,
      ...(request.dryRun ? { dryRun: true } : {}),
      ...(handled.skipped ? { skipped: handled.skipped } : {}),
    };
    const { shadow } = handled;
    if (shadow) {
      o.metrics.shadowComparisons.inc({ class: shadow.class });
      const resource = handled.results[0]?.resource ?? { kind: request.kind.kind, apiVersion: 'v1', ...(request.namespace ? { namespace: request.namespace } : {}), name: request.name ?? '' };
      if (o.reports && request.dryRun !== true) o.reports.recordShadow(resource, shadow, request.object?.metadata?.uid as string | undefined);
      // Disagreements are what shadow mode is for; agreement is only worth a debug line.
      const fields = { ...line, class: shadow.class, psp: shadow.psp, kyverno: shadow.kyverno };
      if (shadow.class === 'same') o.log.debug(fields, 'psp and kyverno agree');
      else o.log.warn(fields, shadow.class === 'breakage' ? 'psp admits, kyverno would deny' : 'psp denies or mutates, kyverno admits');
    }
    if (handled.error) o.log.error({ ...line, err: handled.error }, 'admission evaluation failed');
    else if (decision.wouldDeny) o.log.info({ ...line, wouldDeny: decision.wouldDeny }, 'would deny');
    else if (!decision.allowed) o.log.info({ ...line, webhook: decision.webhook }, 'denied');
    else o.log.debug(line, 'allowed');
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok');
    if (req.method === 'GET' && path === '/readyz') {
      const st = o.engine.status();
      const ready = st.ready && !draining;
      return send(res, ready ? 200 : 503, { ...st, ready, ...(draining ? { draining: true } : {}) });
    }
    const endpoint = ENDPOINTS[path];
    if (!endpoint) return send(res, 404, { error: `no such endpoint ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    inFlight++;
    onReview(req, res, endpoint)
      .catch((err: unknown) => {
        // Only a bug reaches here; the API server applies the webhook's failurePolicy to a 500.
        o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'request handler failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      })
      .finally(() => {
        inFlight--;
      });
  };

  const server: HttpsServer = createHttpsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, handler);
  server.requestTimeout = o.requestTimeoutMs ?? 10_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.keepAliveTimeout = 65_000;
  server.on('tlsClientError', (err) => o.log.debug({ err: err.message }, 'TLS handshake failed'));
  await listen(server, o.port ?? 9443, o.host ?? '0.0.0.0');

  let metricsServer: HttpServer | undefined;
  if (o.metricsPort !== undefined) {
    metricsServer = createHttpServer((req, res) => {
      if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
        o.metrics.registry.metrics().then(
          (text) => send(res, 200, text, { 'content-type': o.metrics.registry.contentType }),
          () => send(res, 500, 'metrics failed'),
        );
        return;
      }
      send(res, 404, 'not found');
    });
    await listen(metricsServer, o.metricsPort, o.host ?? '0.0.0.0');
  }

  return {
    port: (server.address() as AddressInfo).port,
    ...(metricsServer ? { metricsPort: (metricsServer.address() as AddressInfo).port } : {}),
    inFlight: () => inFlight,
    async close(graceMs = 10_000) {
      draining = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      server.closeAllConnections();
      await closed;
      if (metricsServer) {
        const m = metricsServer;
        await new Promise<void>((r) => m.close(() => r()));
        m.closeAllConnections();
      }
    },
  };
}

function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}
