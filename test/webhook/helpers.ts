// Test helpers for the webhook: a throwaway loopback certificate, HTTPS POSTs, and review bodies.
import { request } from 'node:https';
import { Writable } from 'node:stream';
import {
  buildPolicySet,
  createLogger,
  createMetrics,
  generateCertificates,
  type PolicySources,
  PolicySource,
  type WebhookCertificates,
  type WebhookMode,
  type WebhookServer,
  type WebhookServerOptions,
  startWebhookServer,
} from '../../src/webhook/index.js';

let cached: WebhookCertificates | undefined;

/** A CA and serving certificate valid for 127.0.0.1 and localhost (generated once per process). */
export function loopbackCerts(): WebhookCertificates {
  cached ??= generateCertificates({ service: 'podgate', namespace: 'test', extraNames: ['localhost', '127.0.0.1'] });
  return cached;
}

/** An HTTP answer. */
export interface Answer {
  status: number;
  body: string;
  json(): unknown;
}

/** POSTs (or GETs when body is undefined) over HTTPS to 127.0.0.1, trusting the test CA. */
export function call(port: number, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', ca: loopbackCerts().caCert, servername: 'localhost', headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** A log sink that keeps pino's JSON lines. */
export function memoryLog(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A Pod CREATE review. */
export function podReview(opts: { uid?: string; namespace?: string; name?: string; labels?: Record<string, string>; apiVersion?: string; dryRun?: boolean } = {}): Record<string, unknown> {
  const ns = opts.namespace ?? 'team-a';
  const name = opts.name ?? 'web';
  return {
    apiVersion: opts.apiVersion ?? 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: opts.uid ?? 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: ns,
      name,
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: opts.labels ?? {} }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...(opts.dryRun ? { dryRun: true } : {}),
    },
  };
}

/** Starts the HTTPS webhook on 127.0.0.1 (any free port) over a PolicySource built from these sources; throws if they do not load. */
export async function startKyvernoServer(mode: WebhookMode, sources: PolicySources | readonly string[], extra: Partial<WebhookServerOptions> = {}): Promise<WebhookServer> {
  const source = new PolicySource(() => buildPolicySet(sources));
  if (!(await source.reload())) throw new Error(source.status().lastError);
  return startWebhookServer({
    mode,
    tls: { cert: loopbackCerts().cert, key: loopbackCerts().key },
    engine: source,
    log: createLogger({ destination: memoryLog().stream }),
    metrics: createMetrics(),
    host: '127.0.0.1',
    port: 0,
    ...extra,
  });
}
