// Test helper: a loopback HTTPS server that answers like an API server for one group's objects
// (GET, POST, PUT, DELETE on /apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>]), keeping
// them in memory with resourceVersion conflicts, AlreadyExists and NotFound as Kubernetes words them.
// Requests need `Authorization: Bearer <token>`. `fail` lets a test inject an answer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the server saw. */
export interface SeenWrite {
  method: string;
  path: string;
  status: number;
}

/** A running server. */
export interface ObjectsServer {
  url: string;
  /** Stored objects by path (`.../namespaces/a/policyreports/cpol-p`). */
  objects: Map<string, Record<string, unknown>>;
  /** Namespaces listed at /api/v1/namespaces (serve's admission-context cache reads them). */
  namespaces: string[];
  seen: SeenWrite[];
  /** When set and returning a status (and optionally the Status message), the request is answered with it instead. */
  fail?: (method: string, path: string) => number | { status: number; message: string } | undefined;
  /** When set and returning true, the request is never answered (seen with status 0) until close() or the client gives up. */
  hold?: (method: string, path: string) => boolean;
  close: () => Promise<void>;
}

const PATH = /^\/apis\/([^/]+)\/([^/]+)\/(?:namespaces\/([^/]+)\/)?([^/]+?)(?:\/([^/]+))?$/;

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** Starts the server on 127.0.0.1 with TLS `cert`/`key`, accepting bearer `token`. */
export async function startObjectsServer(tls: { cert: string; key: string }, token: string): Promise<ObjectsServer> {
  let rv = 100;
  const s: ObjectsServer = { url: '', objects: new Map(), namespaces: ['default', 'ray-restricted'], seen: [], close: async () => {} };
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://localhost').pathname;
      const method = req.method ?? 'GET';
      const answer = (code: number, text: string) => {
        s.seen.push({ method, path, status: code });
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(text);
      };
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
      if (s.hold?.(method, path)) {
        s.seen.push({ method, path, status: 0 });
        return;
      }
      const injected = s.fail?.(method, path);
      if (typeof injected === 'number') return answer(injected, status(injected, 'InternalError', `injected ${injected}`));
      if (injected) return answer(injected.status, status(injected.status, 'NotFound', injected.message));
      // Namespaces, as serve's admission-context cache lists and watches them (a watch stays open, quiet).
      if (method === 'GET' && path === '/api/v1/namespaces') {
        if (new URL(req.url ?? '/', 'https://localhost').searchParams.get('watch') === 'true') {
          s.seen.push({ method, path, status: 200 });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('');
          return;
        }
        const items = s.namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: '1', labels: { 'kubernetes.io/metadata.name': name } } }));
        return answer(200, JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items }));
      }
      const m = PATH.exec(path);
      if (!m) return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      const [, , , ns, resource, name] = m;
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : undefined;
      const md = (body?.metadata ?? {}) as Record<string, unknown>;
      const key = name ? path : `${path}/${String(md.name)}`;
      const existing = s.objects.get(key);
      const what = `${resource}.wgpolicyk8s.io "${name ?? md.name}"`;
      if (method === 'GET') return existing ? answer(200, JSON.stringify(existing)) : answer(404, status(404, 'NotFound', `${what} not found`));
      if (method === 'POST' && !name) {
        if (existing) return answer(409, status(409, 'AlreadyExists', `${what} already exists`));
        if (ns && md.namespace !== ns) return answer(400, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
        const obj = { ...body, metadata: { ...md, resourceVersion: String(++rv), uid: `uid-${rv}` } };
        s.objects.set(key, obj);
        return answer(201, JSON.stringify(obj));
      }
      if (method === 'PUT' && name) {
        if (!existing) return answer(404, status(404, 'NotFound', `${what} not found`));
        const cur = (existing.metadata as Record<string, unknown>).resourceVersion;
        if (md.resourceVersion !== cur) return answer(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`));
        const obj = { ...body, metadata: { ...md, resourceVersion: String(++rv), uid: (existing.metadata as Record<string, unknown>).uid } };
        s.objects.set(key, obj);
        return answer(200, JSON.stringify(obj));
      }
      if (method === 'DELETE' && name) {
        if (!existing) return answer(404, status(404, 'NotFound', `${what} not found`));
        const pre = (body?.preconditions ?? {}) as Record<string, unknown>;
        if (pre.resourceVersion !== undefined && pre.resourceVersion !== (existing.metadata as Record<string, unknown>).resourceVersion) {
          return answer(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${what}: precondition failed`));
        }
        s.objects.delete(key);
        return answer(200, status(200, '', ''));
      }
      return answer(405, status(405, 'MethodNotAllowed', `${method} is not supported`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return s;
}

/** A kubeconfig trusting `caPem` for `server`, with a bearer token; returns its path. */
export function writeTokenKubeconfig(server: string, caPem: string, token: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'podgate-kubeconfig-')), 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
users:
- name: writer
  user:
    token: ${token}
contexts:
- name: test
  context: {cluster: test, user: writer}
current-context: test
`,
  );
  return file;
}
