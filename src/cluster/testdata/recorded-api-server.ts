// Test helper: a loopback HTTP server replaying recorded API-server list responses, and a
// kubeconfig pointing at it. Routes are `path` or `path?continue=TOKEN`; list paths without a
// route answer an empty list of the right kind (route `*` answers every path that has no route of
// its own); everything else answers the apiserver's 404. HTTPS when given a key and certificate.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_KINDS } from '../live.js';

const dir = new URL('./api/', import.meta.url);

/** A recorded answer: HTTP status and the fixture file under testdata/api/. */
export interface Recorded {
  status: number;
  file: string;
  /**
   * How the body goes out: at once (default); `hang`: nothing at all, not even the status line;
   * `drip`: the status line and the body's first 40 bytes, then a space every 20 ms, never ending;
   * `reset`: the first 40 bytes of the body, then the connection is reset.
   */
  send?: 'hang' | 'drip' | 'reset';
  /** Answers with a Content-Length header (the real length) when set, else chunked. */
  contentLength?: boolean;
  /** Extra response headers (Retry-After...). */
  headers?: Record<string, string>;
  /** Once this answer has been given, the route answers `next` instead. */
  next?: Recorded;
}

/** One request the server saw. */
export interface SeenRequest {
  path: string;
  limit: string | null;
  continue: string | null;
  authorization: string | undefined;
}

/** A running recorded server. */
export interface RecordedServer {
  url: string;
  seen: SeenRequest[];
  close: () => Promise<void>;
}

const EMPTY_LIST = /^\/(api\/v1|apis\/(apps|batch|rbac\.authorization\.k8s\.io)\/v1)\/([a-z]+)$/;

/** Starts the server on 127.0.0.1 with an ephemeral port; HTTPS when given a key and certificate. */
export async function startRecordedServer(routes: Record<string, Recorded>, opts: { tls?: { key: string; cert: string } } = {}): Promise<RecordedServer> {
  const seen: SeenRequest[] = [];
  const current = new Map<string, Recorded>();
  const handler: http.RequestListener = (req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const cont = u.searchParams.get('continue');
    seen.push({ path: u.pathname, limit: u.searchParams.get('limit'), continue: cont, authorization: req.headers.authorization });
    const key = routes[cont ? `${u.pathname}?continue=${cont}` : u.pathname] ? (cont ? `${u.pathname}?continue=${cont}` : u.pathname) : '*';
    const route = current.get(key) ?? routes[key];
    res.setHeader('Content-Type', 'application/json');
    if (route) {
      if (route.next) current.set(key, route.next);
      for (const [h, v] of Object.entries(route.headers ?? {})) res.setHeader(h, v);
      const body = readFileSync(new URL(route.file, dir));
      if (route.send === 'hang') return;
      res.statusCode = route.status;
      if (route.contentLength) res.setHeader('Content-Length', String(body.length));
      if (route.send === 'drip') {
        res.write(body.subarray(0, 40));
        const t = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(t));
        return;
      }
      if (route.send === 'reset') {
        res.write(body.subarray(0, 40), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.end(body);
      return;
    }
    const m = EMPTY_LIST.exec(u.pathname);
    if (m) {
      const apiVersion = m[1] === 'api/v1' ? 'v1' : m[1]!.slice('apis/'.length);
      // As kube-apiserver answers: `<Kind>List` (kubectl's `List` is never what a list call returns).
      const kind = LIVE_KINDS.find((k) => k.resource === m[3] && k.apiVersion === apiVersion)?.kind ?? 'Unknown';
      res.end(JSON.stringify({ kind: `${kind}List`, apiVersion, metadata: { resourceVersion: '1830480' }, items: [] }));
      return;
    }
    res.statusCode = 404;
    res.end(readFileSync(new URL('not-found.json', dir)));
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes a kubeconfig with contexts `recorded` (token `recorded-token`) and `other` to a temp dir. */
export function writeKubeconfig(server: string): string {
  const d = mkdtempSync(join(tmpdir(), 'podgate-kubeconfig-'));
  const file = join(d, 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: recorded
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
- name: elsewhere
  cluster:
    server: http://127.0.0.1:9
    insecure-skip-tls-verify: true
users:
- name: reader
  user:
    token: recorded-token
contexts:
- name: recorded
  context: {cluster: recorded, user: reader}
- name: other
  context: {cluster: elsewhere, user: reader}
current-context: other
`,
  );
  return file;
}
