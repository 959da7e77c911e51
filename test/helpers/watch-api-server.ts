// Test helper: a loopback HTTPS server that answers list and watch like a Kubernetes API server for the
// resource types it is given (items without apiVersion/kind in lists, `resourceVersion`, namespaced
// collection paths, watch streams of ADDED/MODIFIED/DELETED events), 404 Status for every other type, and
// injectable failures. A kubeconfig trusting its CA is written next to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { loopbackCerts } from '../webhook/helpers.js';

/** An object as the server stores it (apiVersion, kind, metadata.name, optional metadata.namespace). */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** A running fake API server. */
export interface WatchApiServer {
  url: string;
  kubeconfig: string;
  /** Requests seen: method, path and query. */
  seen: { path: string; watch: boolean; resourceVersion: string | null; timeoutSeconds: string | null }[];
  /** Adds or replaces an object (type from apiVersion + resource) and tells the watchers. */
  put(resource: string, obj: StoredObject): void;
  /** Deletes an object and tells the watchers. */
  remove(resource: string, name: string, namespace?: string): void;
  /** The next `n` list requests of this collection path answer 503. */
  failLists(path: string, n: number): void;
  /** Writes a raw line to every open watch stream of this type (a malformed event, garbage...). */
  sendRaw(resource: string, line: string): void;
  /**
   * How watches are answered: `stream` (default) keeps them open with events (first those after the
   * request's `resourceVersion`, as an API server replays them); `close` answers 200 with an empty body (the
   * stream ends at once); `hang` never answers (no status line); `silent` answers 200 and then sends
   * nothing, ever (a half-open connection to an API server that is gone).
   */
  watchMode: 'stream' | 'close' | 'hang' | 'silent';
  /** Open watch streams. */
  watchers(): number;
  close(): Promise<void>;
}

interface Watcher {
  key: string;
  namespace?: string;
  res: ServerResponse;
}

/** Collection key of a resource type: `apiVersion resource`. */
const keyOf = (apiVersion: string, resource: string) => `${apiVersion} ${resource}`;

/** Parses a collection path: /api/v1[/namespaces/NS]/RES or /apis/G/V[/namespaces/NS]/RES. */
function parsePath(path: string): { apiVersion: string; resource: string; namespace?: string } | undefined {
  const core = /^\/api\/(v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(path);
  if (core) return { apiVersion: core[1]!, resource: core[3]!, ...(core[2] ? { namespace: core[2] } : {}) };
  const grouped = /^\/apis\/([^/]+)\/([^/]+)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(path);
  if (grouped) return { apiVersion: `${grouped[1]}/${grouped[2]}`, resource: grouped[4]!, ...(grouped[3] ? { namespace: grouped[3] } : {}) };
  return undefined;
}

/** Starts the server with these resource types (`apiVersion resource` → objects). */
export async function startWatchApiServer(initial: Record<string, StoredObject[]>): Promise<WatchApiServer> {
  let rv = 100;
  const store = new Map<string, Map<string, StoredObject>>();
  for (const [k, objs] of Object.entries(initial)) {
    const m = new Map<string, StoredObject>();
    for (const o of objs) m.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, { ...o, metadata: { ...o.metadata, resourceVersion: String(++rv) } });
    store.set(k, m);
  }
  const watchers = new Set<Watcher>();
  const failing = new Map<string, number>();
  const seen: WatchApiServer['seen'] = [];
  // Every change, for watches that resume from a resourceVersion.
  const events: { key: string; type: string; obj: StoredObject }[] = [];

  const status = (res: ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  };

  const server: Server = createServer({ cert: loopbackCerts().cert, key: loopbackCerts().key }, (req, res) => {
    const u = new URL(req.url ?? '/', 'https://localhost');
    const watch = u.searchParams.get('watch') === 'true';
    seen.push({ path: u.pathname, watch, resourceVersion: u.searchParams.get('resourceVersion'), timeoutSeconds: u.searchParams.get('timeoutSeconds') });
    if (req.headers.authorization !== 'Bearer watch-token') return status(res, 401, 'Unauthorized', 'Unauthorized');
    const p = parsePath(u.pathname);
    const key = p ? keyOf(p.apiVersion, p.resource) : '';
    const objects = store.get(key);
    if (!p || !objects) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const inNs = (o: StoredObject) => p.namespace === undefined || o.metadata.namespace === p.namespace;
    if (!watch) {
      const left = failing.get(u.pathname) ?? 0;
      if (left > 0) {
        failing.set(u.pathname, left - 1);
        return status(res, 503, 'ServiceUnavailable', 'etcd is unavailable');
      }
      const items = [...objects.values()].filter(inNs).map(({ apiVersion: _a, kind: _k, ...item }) => item);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'List', apiVersion: p.apiVersion, metadata: { resourceVersion: String(rv) }, items }));
      return;
    }
    if (api.watchMode === 'hang') return;
    if (api.watchMode === 'close') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (api.watchMode === 'silent') return;
    const since = Number(u.searchParams.get('resourceVersion') ?? '');
    if (Number.isFinite(since) && since > 0) {
      for (const e of events) if (e.key === key && Number(e.obj.metadata.resourceVersion) > since && inNs(e.obj)) res.write(`${JSON.stringify({ type: e.type, object: e.obj })}\n`);
    }
    const w: Watcher = { key, ...(p.namespace ? { namespace: p.namespace } : {}), res };
    watchers.add(w);
    res.on('close', () => watchers.delete(w));
  });

  const notify = (key: string, type: string, obj: StoredObject) => {
    events.push({ key, type, obj });
    for (const w of watchers) {
      if (w.key !== key || (w.namespace !== undefined && obj.metadata.namespace !== w.namespace)) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  };

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'podgate-watch-api-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: watch
  cluster:
    server: ${url}
    tls-server-name: localhost
    certificate-authority-data: ${Buffer.from(loopbackCerts().caCert).toString('base64')}
users:
- name: watcher
  user: {token: watch-token}
contexts:
- name: watch
  context: {cluster: watch, user: watcher}
current-context: watch
`,
  );
  const api: WatchApiServer = {
    url,
    kubeconfig,
    seen,
    watchMode: 'stream',
    put(resourceKey, obj) {
      const m = store.get(resourceKey);
      if (!m) throw new Error(`no resource type ${resourceKey}`);
      const id = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      const type = m.has(id) ? 'MODIFIED' : 'ADDED';
      const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      m.set(id, stored);
      notify(resourceKey, type, stored);
    },
    remove(resourceKey, name, namespace) {
      const m = store.get(resourceKey);
      const id = `${namespace ?? ''}/${name}`;
      const obj = m?.get(id);
      if (!m || !obj) return;
      m.delete(id);
      notify(resourceKey, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } });
    },
    failLists(path, n) {
      failing.set(path, n);
    },
    sendRaw(resourceKey, line) {
      for (const w of watchers) if (w.key === resourceKey) w.res.write(`${line}\n`);
    },
    watchers: () => watchers.size,
    close: () =>
      new Promise((r) => {
        for (const w of watchers) w.res.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return api;
}
