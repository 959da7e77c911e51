// A list+watch cache of the cluster objects admission needs (Namespaces, the ConfigMaps policies read,
// PolicyExceptions), built on @kubernetes/client-node informers (makeInformer). It only holds objects and
// says whether every watched resource has synced; turning them into an admission context is the caller's
// job. Failures are reported and retried with backoff; a 404 for an optional resource (a CRD that is not
// installed) means "none" and counts as synced, rechecked now and then. Mirrors how Kyverno's admission
// controller waits for its informer caches (kyverno@v1.10.7:cmd/internal/informer.go WaitForCacheSync)
// before serving, and treats a missing CRD as no objects.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeObject } from '../kube/index.js';
import { isObject } from '../util/index.js';
import { type KubeConnection, LiveClusterError } from './kube-connection.js';

type ClientModule = typeof import('@kubernetes/client-node');
type KubeConfig = InstanceType<ClientModule['KubeConfig']>;
type Informer = InstanceType<ClientModule['ListWatch']>;
type ClientWatch = InstanceType<ClientModule['Watch']>;

/** A resource type to keep in the cache. */
export interface WatchedResource {
  kind: string;
  apiVersion: string;
  /** Plural resource name. */
  resource: string;
  /** Restrict to one namespace. */
  namespace?: string;
  /** A 404 means the type is not served (CRD not installed): no objects, not an error. */
  optional?: boolean;
}

/** Where one watched resource stands. */
export interface WatchState {
  resource: string;
  state: 'syncing' | 'synced' | 'not-served' | 'failing';
  objects: number;
  /** The last failure (kept while a synced cache is served stale and retried). */
  lastError?: string;
}

/** What /readyz shows about the cache. */
export interface CacheStatus {
  server: string;
  synced: boolean;
  resources: WatchState[];
}

/** A minimal structured logger (pino-compatible). */
export interface CacheLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How patiently to watch (the connection says where and as whom). */
export interface ClusterCacheOptions {
  /** First retry delay after a failure, doubled up to maxRetryMs. Default 1000. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * A watch that ran at least this long before it ended resets the retry delay to retryMs (client-go's
   * backoff manager resets after 2 minutes). Default 120000.
   */
  watchResetMs?: number;
  /** How long a watch may take to be answered (status line) before it is given up and retried. Default 30000. */
  watchConnectTimeoutMs?: number;
  /**
   * The API server is asked to end each watch after this long (`timeoutSeconds`, as client-go asks for 5 to
   * 10 minutes); a stream still open watchStallGraceMs after that is taken for dead (a half-open connection to
   * an API server that is gone) and restarted from its resourceVersion. Default 300000.
   */
  watchTimeoutMs?: number;
  /** See watchTimeoutMs. Default: watchTimeoutMs, at most 30000. */
  watchStallGraceMs?: number;
  /** How often a not-served (404) type is checked again. Default 60000. */
  notServedRecheckMs?: number;
  log?: CacheLogger;
  /** Called after any object changes (add, update, delete, relist). */
  onChange?: () => void;
}

/** The path of a resource type's collection. */
export function collectionPath(r: WatchedResource): string {
  const base = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  return r.namespace ? `${base}/namespaces/${r.namespace}/${r.resource}` : `${base}/${r.resource}`;
}

class HttpStatusError extends Error {
  readonly statusCode: number;
  constructor(message: string, statusCode: number) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Why a watch stream that was answered 200 ended (the cache restarts it). */
class WatchEnded extends Error {
  /** The offending line, when the stream carried a malformed event. */
  readonly malformed?: string;
  /** The stream outlived the timeout the API server was asked for: given up as dead. */
  readonly stalled?: boolean;
  constructor(message: string, malformed?: string, stalled?: boolean) {
    super(message);
    this.name = 'WatchEnded';
    if (malformed !== undefined) this.malformed = malformed;
    if (stalled) this.stalled = true;
  }
}

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * A watch event line checked before the informer sees it: `{ type, object }` when it can be handed on (a
 * known type and an object that is a map, with metadata and a name for ADDED/MODIFIED/DELETED, metadata
 * for BOOKMARK), else `{ reason }` saying why not.
 * client-node's cache reads `object.metadata.namespace` unchecked, so `{"type":"MODIFIED"}` threw out of
 * the stream's event handler and ended the process.
 */
export function malformedWatchEvent(line: string): { reason: string } | { type: string; object: Record<string, unknown> } {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    return { reason: 'not JSON' };
  }
  if (!isObject(ev)) return { reason: 'not a JSON object' };
  if (typeof ev.type !== 'string' || !EVENT_TYPES.has(ev.type)) return { reason: `unknown event type ${JSON.stringify(ev.type ?? null)}` };
  const obj = ev.object;
  if (!isObject(obj)) return { reason: `${ev.type} event without an object` };
  if (ev.type !== 'ERROR') {
    if (!isObject(obj.metadata)) return { reason: `${ev.type} event object without metadata` };
    if (ev.type !== 'BOOKMARK' && (typeof obj.metadata.name !== 'string' || obj.metadata.name === '')) return { reason: `${ev.type} event object without metadata.name` };
  }
  return { type: ev.type, object: obj };
}

/**
 * The watch half of an informer (what client-node's ListWatch calls): one GET ?watch=true stream with the
 * kubeconfig's credentials, each line checked before the informer sees it. A malformed line ends the
 * stream with a WatchEnded error (the cache logs it and restarts the watch from the last good
 * resourceVersion, so nothing is lost).
 */
class CheckedWatch {
  readonly #kc: KubeConfig;
  readonly #server: string;
  readonly #onOpen: () => void;
  readonly #connectTimeoutMs: number;
  readonly #timeoutSeconds: number;
  readonly #stallMs: number;
  constructor(kc: KubeConfig, server: string, onOpen: () => void, connectTimeoutMs: number, timeoutMs: number, stallGraceMs: number) {
    this.#kc = kc;
    this.#server = server;
    this.#onOpen = onOpen;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#timeoutSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    this.#stallMs = this.#timeoutSeconds * 1000 + stallGraceMs;
  }

  async watch(path: string, query: Record<string, unknown>, callback: (type: string, obj: unknown, raw: unknown) => void, done: (err: unknown) => void): Promise<{ abort(): void }> {
    const url = new URL(this.#server + path);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    // The API server ends the stream after this; one that outlives it (plus a grace) is dead. Without it a
    // half-open connection kept the watch "open" forever: no change arrived, nothing was logged, and a
    // namespace's old labels went on deciding.
    url.searchParams.set('timeoutSeconds', String(this.#timeoutSeconds));
    let finished = false;
    let req: http.ClientRequest | undefined;
    let stall: NodeJS.Timeout | undefined;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(stall);
      req?.destroy();
      done(err);
    };
    const handle = { abort: () => {
      finished = true;
      clearTimeout(stall);
      req?.destroy();
    } };
    const base: https.RequestOptions = { headers: { Accept: 'application/json' }, method: 'GET' };
    try {
      await this.#kc.applyToHTTPSOptions(base);
    } catch (err) {
      finish(err);
      return handle;
    }
    const mod = url.protocol === 'http:' ? http : https;
    await new Promise<void>((resolve) => {
      // client-node's watch had no timeout at all: a server that never answers left serve unready, silently.
      const timer = setTimeout(() => {
        answered();
        finish(new LiveClusterError(`no answer to the watch of ${path} within ${this.#connectTimeoutMs} ms`));
      }, this.#connectTimeoutMs);
      const answered = () => {
        clearTimeout(timer);
        resolve();
      };
      req = mod.request(url, base, (res) => {
        answered();
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
          res.on('error', finish);
          res.on('end', () => {
            let message = res.statusMessage || `HTTP ${res.statusCode}`;
            try {
              const st: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (isObject(st) && typeof st.message === 'string') message = st.message;
            } catch {
              // not a Status object
            }
            finish(new HttpStatusError(message, res.statusCode ?? 0));
          });
          return;
        }
        this.#onOpen();
        stall = setTimeout(() => finish(new WatchEnded(`the watch of ${path} was still open ${this.#stallMs} ms after it started, past the ${this.#timeoutSeconds} s the API server was asked to end it at`, undefined, true)), this.#stallMs);
        stall.unref();
        const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
        lines.on('line', (line) => {
          if (finished || line.trim() === '') return;
          const ev = malformedWatchEvent(line);
          if ('reason' in ev) {
            finish(new WatchEnded(`malformed watch event (${ev.reason})`, line.slice(0, 200)));
            return;
          }
          callback(ev.type, ev.object, ev);
        });
        // readline re-emits the stream's errors (a reset after destroy) on itself.
        lines.on('error', finish);
        res.on('error', finish);
        // The end of a stream is a restart like any other: the cache waits its backoff first (client-node's
        // informer re-watched at once, ~150 requests a second against a server that closes at once).
        res.on('close', () => finish(new WatchEnded('the API server closed the watch')));
      });
      req.on('error', (err) => {
        answered();
        finish(err);
      });
      req.end();
    });
    return handle;
  }
}

interface Entry {
  def: WatchedResource;
  path: string;
  state: WatchState;
  informer?: Informer;
  timer?: NodeJS.Timeout;
  delay: number;
  everSynced: boolean;
  /** The current start attempt reported an error. */
  attemptFailed?: boolean;
  /** When the current watch stream was answered 200. */
  openedAt?: number;
}

/** The cache: one informer per watched resource type. */
export class ClusterCache {
  readonly server: string;
  #entries = new Map<string, Entry>();
  #version = 0;
  #closed = false;
  readonly #kc: KubeConfig;
  readonly #client: ClientModule;
  readonly #conn: KubeConnection;
  readonly #o: ClusterCacheOptions;

  private constructor(client: ClientModule, conn: KubeConnection, kc: KubeConfig, opts: ClusterCacheOptions) {
    this.#client = client;
    this.#conn = conn;
    this.#kc = kc;
    this.#o = opts;
    this.server = conn.server;
  }

  /**
   * A cache over a connection made by connectKube (lists go through it; watches use its kubeconfig).
   * Nothing is listed yet.
   */
  static async create(conn: KubeConnection, opts: ClusterCacheOptions = {}): Promise<ClusterCache> {
    if (!conn.kubeConfig) throw new LiveClusterError(`the connection to ${conn.server} carries no kubeconfig to watch with`);
    let client: ClientModule;
    try {
      client = await import('@kubernetes/client-node');
    } catch (err) {
      throw new LiveClusterError(`cannot load @kubernetes/client-node: ${(err as Error).message}`, { cause: err });
    }
    return new ClusterCache(client, conn, conn.kubeConfig, opts);
  }

  /** Starts watching resource types not watched yet (the same collection path is watched once). */
  watch(resources: readonly WatchedResource[]): void {
    for (const def of resources) {
      const path = collectionPath(def);
      if (this.#entries.has(path) || this.#closed) continue;
      const entry: Entry = { def, path, state: { resource: path, state: 'syncing', objects: 0 }, delay: this.#o.retryMs ?? 1000, everSynced: false };
      this.#entries.set(path, entry);
      void this.#start(entry);
    }
  }

  /** Every watched type synced (or not served). False before anything is watched. */
  synced(): boolean {
    if (this.#entries.size === 0) return false;
    for (const e of this.#entries.values()) if (!e.everSynced) return false;
    return true;
  }

  /** Bumped on every change; equal versions mean equal contents. */
  version(): number {
    return this.#version;
  }

  /** All cached objects (each with apiVersion and kind). */
  objects(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const e of this.#entries.values()) if (e.informer) for (const o of e.informer.list()) out.push(o as unknown as KubeObject);
    return out;
  }

  status(): CacheStatus {
    return { server: this.server, synced: this.synced(), resources: [...this.#entries.values()].map((e) => ({ ...e.state, objects: e.informer?.list().length ?? 0 })) };
  }

  /** Stops every informer and timer. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const e of this.#entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      await e.informer?.stop();
    }
  }

  #changed = () => {
    this.#version++;
    this.#o.onChange?.();
  };

  /** Lists with the connection's credentials, restoring apiVersion/kind on items. */
  #list = async (def: WatchedResource, path: string) => {
    const reply = await this.#conn.request('GET', path);
    if (reply.status !== 200) {
      let message = reply.statusText || `HTTP ${reply.status}`;
      try {
        const st: unknown = JSON.parse(reply.body);
        if (isObject(st) && typeof st.message === 'string') message = st.message;
      } catch {
        // not a Status object
      }
      throw new HttpStatusError(message, reply.status);
    }
    const list: unknown = JSON.parse(reply.body);
    if (!isObject(list) || !Array.isArray(list.items)) throw new Error('response is not a list (no items)');
    const items = list.items.filter(isObject).map((it) => ({ ...it, apiVersion: typeof it.apiVersion === 'string' ? it.apiVersion : def.apiVersion, kind: typeof it.kind === 'string' ? it.kind : def.kind }));
    return { apiVersion: 'v1', kind: 'List', metadata: isObject(list.metadata) ? list.metadata : {}, items } as never;
  };

  async #start(entry: Entry): Promise<void> {
    if (this.#closed) return;
    // One informer per type for the cache's life: a restart after a failure keeps its objects (served
    // stale) and resumes the watch from its resourceVersion, relisting only when that has expired (410).
    let informer = entry.informer;
    if (!informer) {
      const watch = new CheckedWatch(
        this.#kc,
        this.server,
        () => {
          entry.openedAt = Date.now();
        },
        this.#o.watchConnectTimeoutMs ?? 30_000,
        this.#o.watchTimeoutMs ?? 300_000,
        this.#o.watchStallGraceMs ?? Math.min(this.#o.watchTimeoutMs ?? 300_000, 30_000),
      ) as unknown as ClientWatch;
      const created = new this.#client.ListWatch(entry.path, watch, () => this.#list(entry.def, entry.path), false);
      created.on('add', this.#changed);
      created.on('update', this.#changed);
      created.on('delete', this.#changed);
      created.on('error', (err: unknown) => {
        // A stream that ended after its 200 was established: the watch itself started.
        if (!(err instanceof WatchEnded)) entry.attemptFailed = true;
        this.#failed(entry, err);
      });
      entry.informer = created;
      informer = created;
    }
    entry.attemptFailed = false;
    try {
      await informer.start();
    } catch (err) {
      entry.attemptFailed = true;
      this.#failed(entry, err);
    }
    if (!entry.attemptFailed && !this.#closed) {
      // The delay is not reset here: a watch that closes at once would restart at the first delay forever.
      // It is reset once a watch has run a while (#failed).
      entry.state = { resource: entry.path, state: 'synced', objects: informer.list().length };
      // The first sync is a change (readiness, the first context). A restart resumes from the resourceVersion:
      // what changed meanwhile arrives as events (a relist after 410 too), so the restart itself is none — it
      // bumped the version, and every worker rebuilt its engine at each watch restart (every 5 minutes a type).
      if (!entry.everSynced) {
        this.#o.log?.info({ resource: entry.path, objects: informer.list().length }, 'cluster cache synced');
        entry.everSynced = true;
        this.#changed();
      }
    }
  }

  #failed(entry: Entry, err: unknown): void {
    if (this.#closed) return;
    const status = (err as { statusCode?: number })?.statusCode;
    void entry.informer?.stop();
    if (status === 404 && entry.def.optional) {
      // The CRD is not installed: nothing to exempt, and nothing to wait for.
      const first = entry.state.state !== 'not-served';
      entry.state = { resource: entry.path, state: 'not-served', objects: 0 };
      if (first) this.#o.log?.info({ resource: entry.path }, `${entry.def.kind} is not served by this cluster (404): treated as none`);
      if (!entry.everSynced) {
        entry.everSynced = true;
        this.#changed();
      }
      this.#retry(entry, this.#o.notServedRecheckMs ?? 60_000);
      return;
    }
    const lasted = entry.openedAt !== undefined ? Date.now() - entry.openedAt : undefined;
    entry.openedAt = undefined;
    if (lasted !== undefined && lasted >= (this.#o.watchResetMs ?? 120_000)) entry.delay = this.#o.retryMs ?? 1000;
    if (err instanceof WatchEnded && err.stalled) {
      // Served stale since the last event it carried; resumed from its resourceVersion (a relist if expired).
      entry.state = { ...entry.state, lastError: err.message };
      this.#o.log?.warn({ resource: entry.path, err: err.message, retryInMs: entry.delay }, 'cluster watch stalled; restarting it');
      this.#retry(entry, entry.delay);
      entry.delay = Math.min(entry.delay * 2, this.#o.maxRetryMs ?? 30_000);
      return;
    }
    if (err instanceof WatchEnded && err.malformed === undefined) {
      // The server ended the stream (API servers do every few minutes): resume from the last
      // resourceVersion after the backoff. Routine after a long watch; worth a line when it ends at once.
      if (lasted === undefined || lasted < (this.#o.watchResetMs ?? 120_000)) {
        entry.state = { ...entry.state, lastError: `the API server closed the watch of ${entry.path} after ${lasted ?? 0} ms` };
        this.#o.log?.warn({ resource: entry.path, lastedMs: lasted, retryInMs: entry.delay }, 'cluster watch closed at once; restarting it after the backoff');
      }
      this.#retry(entry, entry.delay);
      entry.delay = Math.min(entry.delay * 2, this.#o.maxRetryMs ?? 30_000);
      return;
    }
    const message = describe(err, this.server);
    entry.state = { resource: entry.path, state: entry.everSynced ? 'synced' : 'failing', objects: 0, lastError: message };
    if (err instanceof WatchEnded && err.malformed !== undefined) {
      // One line per watch: the stream ends at the first malformed event and restarts after the backoff.
      this.#o.log?.warn({ resource: entry.path, err: message, event: err.malformed, retryInMs: entry.delay }, 'malformed watch event; restarting the watch');
    } else this.#o.log?.[entry.everSynced ? 'warn' : 'error'](
      { resource: entry.path, err: message, retryInMs: entry.delay, servingStale: entry.everSynced },
      entry.everSynced ? 'cluster watch failed; serving the last synced objects and retrying' : 'cannot sync the cluster cache; retrying',
    );
    this.#retry(entry, entry.delay);
    entry.delay = Math.min(entry.delay * 2, this.#o.maxRetryMs ?? 30_000);
  }

  #retry(entry: Entry, ms: number): void {
    if (this.#closed) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.#start(entry);
    }, ms);
    entry.timer.unref();
  }
}

function describe(err: unknown, server: string): string {
  if (err instanceof LiveClusterError || err instanceof WatchEnded) return err.message;
  const e = err as { statusCode?: number; message?: string; code?: string };
  if (typeof e?.statusCode === 'number') return `API server ${server} answered ${e.statusCode}: ${e.message ?? ''}`;
  const text = e?.message ?? String(err);
  return `cannot reach the API server at ${server}: ${text}`;
}
