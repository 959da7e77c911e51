// A connection to an API server from a kubeconfig (kubectl's lookup: --kubeconfig, $KUBECONFIG,
// ~/.kube/config) or from the pod's service account (in-cluster). Credentials come from
// @kubernetes/client-node (imported lazily, so a broken optional dependency never breaks the CLI)
// and are applied again on every request, so a rotated in-cluster token file is picked up.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { isObject } from '../util/index.js';
import { decodeText } from './files.js';

/** Where to connect. */
export interface KubeConnectionOptions {
  /** Kubeconfig file; without it (and without inCluster), $KUBECONFIG (from `env`) or ~/.kube/config. */
  kubeconfig?: string;
  /** Context name; default the kubeconfig's current-context. */
  context?: string;
  /** Use the pod's service account token and CA (KUBERNETES_SERVICE_HOST/PORT). */
  inCluster?: boolean;
  /** Environment used to find the default kubeconfig. */
  env?: Record<string, string | undefined>;
  /** Per-request idle timeout in milliseconds (nothing received for this long); default 30000. */
  timeoutMs?: number;
  /** Per-request deadline in milliseconds (the whole answer, however it trickles in); default 60000. */
  deadlineMs?: number;
}

/** An HTTP answer. */
export interface KubeReply {
  status: number;
  statusText: string;
  body: string;
  /** The `Retry-After` header, when the server sent one. */
  retryAfter?: string;
}

/** A usable connection. */
export interface KubeConnection {
  /** Server URL without a trailing slash. */
  server: string;
  /** Context name (`in-cluster` for the service account). */
  context: string;
  /**
   * One request; `body` is sent as JSON. Rejects with LiveClusterError when the server cannot be reached,
   * or when `opts.signal` aborts it (the request is destroyed).
   */
  request(method: string, path: string, body?: unknown, opts?: { signal?: AbortSignal }): Promise<KubeReply>;
  /** The loaded configuration, for @kubernetes/client-node watches (informers); absent on stand-in connections. */
  readonly kubeConfig?: KubeConfig;
}

/** The cluster could not be reached or the kubeconfig is unusable. */
export class LiveClusterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiveClusterError';
  }
}

/** One request that got no complete answer (a timeout, a body cut short); the server was reached. */
export class KubeRequestError extends LiveClusterError {
  /** `Timeout` or `Truncated`. */
  readonly reason: string;
  /** What happened, without the request: `no complete answer within 60000 ms (request deadline)`. */
  readonly detail: string;
  /** `GET /api/v1/pods?limit=500`. */
  readonly request: string;
  constructor(reason: string, detail: string, request: string, server: string) {
    super(`${request} at ${server}: ${detail}`);
    this.name = 'KubeRequestError';
    this.reason = reason;
    this.detail = detail;
    this.request = request;
  }
}

type ClientModule = typeof import('@kubernetes/client-node');

async function loadClient(): Promise<ClientModule> {
  try {
    return await import('@kubernetes/client-node');
  } catch (err) {
    throw new LiveClusterError(`cannot load @kubernetes/client-node: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A kubeconfig file, checked before the client reads it: the client's own errors for an empty
 * file, another kind of object or binary bytes were JavaScript internals ("Cannot read properties of
 * undefined (reading 'clusters')", context "undefined") or the bytes themselves.
 */
function checkKubeconfig(file: string): Record<string, unknown> {
  const decoded = decodeText(readFileSync(file), file);
  if ('error' in decoded) throw new Error(decoded.error.message);
  const text = decoded.text;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const e = doc.errors[0];
  if (e) throw new Error(`YAML syntax error at line ${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  const v: unknown = doc.toJS({ maxAliasCount: 100 });
  if (v === null || v === undefined) throw new Error('the file is empty');
  if (!isObject(v)) throw new Error('not a kubeconfig: the top level must be a map (clusters, contexts, users)');
  if (v.kind !== undefined && v.kind !== 'Config') throw new Error(`not a kubeconfig: kind ${JSON.stringify(v.kind)} (a kubeconfig is kind Config)`);
  for (const f of ['clusters', 'contexts', 'users'] as const) {
    if (v[f] !== undefined && v[f] !== null && !Array.isArray(v[f])) throw new Error(`${f} must be a list`);
  }
  if (!Array.isArray(v.clusters) || v.clusters.length === 0) throw new Error('not a kubeconfig: it has no clusters');
  return v;
}

/**
 * `users[].user.tokenFile` of a kubeconfig, resolved against its folder: kubectl reads it (client-go's
 * `tokenFile`); client-node only knows `token-file`, so the token was silently missing (401 everywhere).
 */
function tokenFiles(raw: Record<string, unknown> | undefined, file: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw || !file || !Array.isArray(raw.users)) return out;
  for (const u of raw.users) {
    // A token in the kubeconfig wins over the file, as in kubectl.
    if (isObject(u) && typeof u.name === 'string' && isObject(u.user) && typeof u.user.tokenFile === 'string' && u.user.tokenFile !== '' && !(typeof u.user.token === 'string' && u.user.token !== '')) {
      out.set(u.name, resolve(dirname(file), u.user.tokenFile));
    }
  }
  return out;
}

function readError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  return code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : ((err as Error)?.message ?? String(err));
}

/** What went wrong, also for an error without a message (an exec credential plugin that exits non-zero). */
function describeFailure(err: unknown): string {
  const e = err as (Error & { code?: unknown; stderr?: unknown; status?: unknown }) | undefined;
  const parts = [e?.message, typeof e?.stderr === 'string' ? e.stderr.trim() : undefined, e?.status !== undefined ? `exit status ${String(e.status)}` : undefined, typeof e?.code === 'string' ? e.code : undefined].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? parts.join('; ') : 'it failed without saying why';
}

/** Resolves the kubeconfig (or in-cluster config) and context; throws LiveClusterError when unusable. */
export async function connectKube(opts: KubeConnectionOptions = {}): Promise<KubeConnection> {
  const { KubeConfig } = await loadClient();
  const kc = new KubeConfig();
  const source = opts.inCluster ? 'in-cluster service account' : (opts.kubeconfig ?? opts.env?.KUBECONFIG ?? '(default)');
  let tokenFileOf = new Map<string, string>();
  try {
    const file = opts.inCluster ? undefined : (opts.kubeconfig ?? opts.env?.KUBECONFIG?.split(':')[0]);
    if (opts.inCluster) kc.loadFromCluster();
    else if (file) {
      tokenFileOf = tokenFiles(checkKubeconfig(file), file);
      // loadFromFile, not loadFromString: relative certificate paths are relative to the kubeconfig.
      kc.loadFromFile(file);
    }
    else kc.loadFromDefault();
  } catch (err) {
    throw new LiveClusterError(`cannot read kubeconfig ${source}: ${(err as Error).message}`, { cause: err });
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new LiveClusterError(`context "${opts.context}" not found in kubeconfig (have: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!opts.inCluster && !kc.getCurrentContext()) {
    const known = kc.getContexts().map((c) => c.name);
    throw new LiveClusterError(`kubeconfig ${source} sets no current-context: pass --context (have: ${known.join(', ') || 'none'})`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new LiveClusterError(`kubeconfig context "${kc.getCurrentContext()}" names no cluster${opts.inCluster ? ' (is KUBERNETES_SERVICE_HOST set?)' : ''}`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeout = opts.timeoutMs ?? 30_000;
  const deadline = opts.deadlineMs ?? 60_000;
  const credentials = async (): Promise<https.RequestOptions> => {
    const base: https.RequestOptions = { headers: { Accept: 'application/json' }, timeout };
    const user = kc.getCurrentUser();
    const tokenFile = user ? tokenFileOf.get(user.name) : undefined;
    if (user && tokenFile !== undefined) {
      // Read on every request, so a rotated token is picked up.
      let text: string;
      try {
        text = readFileSync(tokenFile, 'utf8').trim();
      } catch (err) {
        throw new LiveClusterError(`cannot use kubeconfig credentials for ${server}: user "${user.name}": tokenFile ${tokenFile}: cannot read: ${readError(err)}`, { cause: err });
      }
      (user as { token?: string }).token = text;
    }
    try {
      await kc.applyToHTTPSOptions(base);
    } catch (err) {
      const exec = kc.getCurrentUser()?.exec?.command;
      const plugin = typeof exec === 'string' && exec !== '' ? ` (exec credential plugin ${exec})` : '';
      throw new LiveClusterError(`cannot use kubeconfig credentials for ${server}${plugin}: ${describeFailure(err)}`, { cause: err });
    }
    return base;
  };
  await credentials();
  return {
    server,
    context: kc.getCurrentContext(),
    request: async (method, path, body, ro) => send(new URL(server + path), { ...(await credentials()), method }, body, deadline, ro?.signal),
    kubeConfig: kc,
  };
}

function send(url: URL, base: https.RequestOptions, body: unknown, deadlineMs: number, signal?: AbortSignal): Promise<KubeReply> {
  const mod = url.protocol === 'http:' ? http : https;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { ...(base.headers as Record<string, string>), ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}) };
  const what = `${base.method ?? 'GET'} ${url.pathname}${url.search}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: LiveClusterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      req.destroy();
      reject(err);
    };
    const aborted = () => fail(new LiveClusterError(`${what}: abandoned (${String(signal?.reason ?? 'aborted')})`));
    // The socket timeout is idle time: a body trickling in a byte at a time never trips it.
    const timer = setTimeout(() => fail(new KubeRequestError('Timeout', `no complete answer within ${deadlineMs} ms (request deadline)`, what, url.origin)), deadlineMs);
    const req = mod.request(url, { ...base, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8'), ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
      });
      // A connection closed mid-body (reset, proxy gone) leaves a prefix that must never be parsed as the answer.
      const truncated = () => {
        const got = chunks.reduce((n, c) => n + c.length, 0);
        const length = res.headers['content-length'];
        fail(new KubeRequestError('Truncated', `response truncated: the connection closed after ${got} bytes of the body${length ? ` (Content-Length ${length})` : ''}`, what, url.origin));
      };
      res.on('error', truncated);
      res.on('close', () => {
        if (!res.complete) truncated();
      });
    });
    req.on('timeout', () => fail(new KubeRequestError('Timeout', `nothing received for ${base.timeout} ms`, what, url.origin)));
    req.on('error', (err) => fail(new LiveClusterError(`cannot reach the API server at ${url.origin}: ${err.message}`, { cause: err })));
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
    req.end(payload);
  });
}
