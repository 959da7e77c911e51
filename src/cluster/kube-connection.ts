// A connection to an API server from a kubeconfig (kubectl's lookup: --kubeconfig, $KUBECONFIG,
// ~/.kube/config) or from the pod's service account (in-cluster). Credentials come from
// @kubernetes/client-node (imported lazily, so a broken optional dependency never breaks the CLI)
// and are applied again on every request, so a rotated in-cluster token file is picked up.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

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
  /** Per-request timeout in milliseconds; default 30000. */
  timeoutMs?: number;
}

/** An HTTP answer. */
export interface KubeReply {
  status: number;
  statusText: string;
  body: string;
}

/** A usable connection. */
export interface KubeConnection {
  /** Server URL without a trailing slash. */
  server: string;
  /** Context name (`in-cluster` for the service account). */
  context: string;
  /** One request; `body` is sent as JSON. Rejects with LiveClusterError when the server cannot be reached. */
  request(method: string, path: string, body?: unknown): Promise<KubeReply>;
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

type ClientModule = typeof import('@kubernetes/client-node');

async function loadClient(): Promise<ClientModule> {
  try {
    return await import('@kubernetes/client-node');
  } catch (err) {
    throw new LiveClusterError(`cannot load @kubernetes/client-node: ${(err as Error).message}`, { cause: err });
  }
}

/** Resolves the kubeconfig (or in-cluster config) and context; throws LiveClusterError when unusable. */
export async function connectKube(opts: KubeConnectionOptions = {}): Promise<KubeConnection> {
  const { KubeConfig } = await loadClient();
  const kc = new KubeConfig();
  const source = opts.inCluster ? 'in-cluster service account' : (opts.kubeconfig ?? opts.env?.KUBECONFIG ?? '(default)');
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (opts.env?.KUBECONFIG) kc.loadFromFile(opts.env.KUBECONFIG.split(':')[0] ?? '');
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
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new LiveClusterError(`kubeconfig context "${kc.getCurrentContext()}" names no cluster${opts.inCluster ? ' (is KUBERNETES_SERVICE_HOST set?)' : ''}`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeout = opts.timeoutMs ?? 30_000;
  const credentials = async (): Promise<https.RequestOptions> => {
    const base: https.RequestOptions = { headers: { Accept: 'application/json' }, timeout };
    try {
      await kc.applyToHTTPSOptions(base);
    } catch (err) {
      throw new LiveClusterError(`cannot use kubeconfig credentials for ${server}: ${(err as Error).message}`, { cause: err });
    }
    return base;
  };
  await credentials();
  return {
    server,
    context: kc.getCurrentContext(),
    request: async (method, path, body) => send(new URL(server + path), { ...(await credentials()), method }, body),
    kubeConfig: kc,
  };
}

function send(url: URL, base: https.RequestOptions, body: unknown): Promise<KubeReply> {
  const mod = url.protocol === 'http:' ? http : https;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { ...(base.headers as Record<string, string>), ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}) };
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { ...base, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${base.timeout} ms`)));
    req.on('error', (err) => reject(new LiveClusterError(`cannot reach the API server at ${url.origin}: ${err.message}`, { cause: err })));
    req.end(payload);
  });
}
