// Reads the objects podgate reasons about from a live API server, page by page.
// Kubeconfig, context and credentials come from @kubernetes/client-node (imported lazily, so a
// broken optional dependency never breaks the CLI); the list calls are plain GETs so fields the
// typed client does not know, and kinds it no longer models (policy/v1beta1 PSP), survive intact.
// Paging mirrors kubectl's `get -A --chunk-size` (k8s.io/cli-runtime pkg/resource/helper.go List).
import type { KubeObject, LoadedObject } from '../kube/index.js';
import { isObject, type JsonObject } from '../util/index.js';
import { connectKube, type KubeConnection, type KubeReply, KubeRequestError, LiveClusterError } from './kube-connection.js';

export { LiveClusterError };

/** One kind podgate lists: where the API server serves it. */
export interface ListedKind {
  kind: string;
  apiVersion: string;
  /** Plural resource name in the URL. */
  resource: string;
  /** A 404 means "not served by this cluster" (PSP on >= 1.25, Kyverno not installed), not a problem. */
  optional?: boolean;
  /** Objects have no namespace; every other kind's items must carry metadata.namespace. */
  clusterScoped?: boolean;
}

/** The kinds a live snapshot holds: namespaces, PSPs, RBAC, every pod-bearing kind, Kyverno policies. */
export const LIVE_KINDS: readonly ListedKind[] = [
  { kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces', clusterScoped: true },
  { kind: 'PodSecurityPolicy', apiVersion: 'policy/v1beta1', resource: 'podsecuritypolicies', optional: true, clusterScoped: true },
  { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'clusterroles', clusterScoped: true },
  { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'clusterrolebindings', clusterScoped: true },
  { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'roles' },
  { kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'rolebindings' },
  { kind: 'ServiceAccount', apiVersion: 'v1', resource: 'serviceaccounts' },
  { kind: 'Pod', apiVersion: 'v1', resource: 'pods' },
  { kind: 'ReplicationController', apiVersion: 'v1', resource: 'replicationcontrollers' },
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets' },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', resource: 'cronjobs' },
  { kind: 'ClusterPolicy', apiVersion: 'kyverno.io/v1', resource: 'clusterpolicies', optional: true, clusterScoped: true },
  { kind: 'Policy', apiVersion: 'kyverno.io/v1', resource: 'policies', optional: true },
  // Kyverno 1.10 serves PolicyExceptions as v2alpha1 only; a 404 (CRD not installed) means none.
  { kind: 'PolicyException', apiVersion: 'kyverno.io/v2alpha1', resource: 'policyexceptions', optional: true },
];

/** A kind that could not be listed (403, 500, an expired continue token...). Other kinds still load. */
export interface LiveProblem {
  kind: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The Status object's `reason` (Forbidden, Expired, NotFound...), else the HTTP status text. */
  reason: string;
  message: string;
  /** What was asked: `list clusterroles.rbac.authorization.k8s.io` (the RBAC verb and resource a 403 says is missing). */
  request?: string;
  /** The request that failed: `GET /api/v1/pods?limit=500&continue=…`. */
  url?: string;
}

/** The RBAC resource name of a listed kind: `clusterroles.rbac.authorization.k8s.io`, `pods` for the core group. */
export function rbacResource(k: ListedKind): string {
  const group = k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : '';
  return group ? `${k.resource}.${group}` : k.resource;
}

/**
 * One line naming the kind, the HTTP status and, for 403, the RBAC verb the reader lacks:
 * `cannot list ClusterRole: HTTP 403 Forbidden (RBAC: the reader needs verb "list" on clusterroles.rbac.authorization.k8s.io, cluster-wide): …`.
 */
export function describeProblem(p: LiveProblem): string {
  const status = p.status !== undefined ? `HTTP ${p.status} ${p.reason}` : p.reason;
  const res = p.request?.replace(/^list /, '') ?? '';
  const hint =
    p.status === 403
      ? ` (RBAC: the reader needs verb "list" on ${res}, cluster-wide)`
      : p.status === 401
        ? ' (the kubeconfig credentials were not accepted)'
        : p.status === 404
          ? ` (the API server does not serve ${res})`
          : '';
  return `cannot list ${p.kind}: ${status}${hint}: ${p.message}${p.url ? ` [${p.url}]` : ''}`;
}

/** Options for listing a live cluster. */
export interface LiveOptions {
  /** Kubeconfig file; without it, $KUBECONFIG (from `env`) or ~/.kube/config, as kubectl does. */
  kubeconfig?: string;
  /** Context name; default the kubeconfig's current-context. */
  context?: string;
  /** Page size (`limit`); default 500, kubectl's chunk size. */
  limit?: number;
  /** Kinds to list; default LIVE_KINDS. */
  kinds?: readonly ListedKind[];
  /** Per-request idle timeout in milliseconds; default 30000. */
  timeoutMs?: number;
  /** Per-request deadline in milliseconds (a whole list page); default 60000. */
  deadlineMs?: number;
  /**
   * Longest wait before retrying a 429 Too Many Requests (its Retry-After, at most this); default 10000.
   * A request is retried at most twice.
   */
  maxRetryWaitMs?: number;
  /** Environment used to find the default kubeconfig. */
  env?: Record<string, string | undefined>;
}

/** What a live listing produced. */
export interface LiveResult {
  objects: LoadedObject[];
  problems: LiveProblem[];
  /** Optional kinds this server does not serve (404). */
  notServed: string[];
  server: string;
  context: string;
  /** The server's `gitVersion` (GET /version, e.g. `v1.24.17`), when it answered one. */
  serverVersion?: string;
}

/** The server's version (GET /version, readable by every client); undefined when it does not say. */
async function serverVersionOf(conn: KubeConnection): Promise<string | undefined> {
  try {
    const reply = await conn.request('GET', '/version');
    if (reply.status !== 200) return undefined;
    const v: unknown = JSON.parse(reply.body);
    return isObject(v) && typeof v.gitVersion === 'string' && /^v?\d+\.\d+/.test(v.gitVersion) ? v.gitVersion : undefined;
  } catch {
    return undefined;
  }
}

/** Lists every kind from the API server the kubeconfig points at, following `continue` tokens. */
export async function loadLiveObjects(opts: LiveOptions = {}): Promise<LiveResult> {
  const conn = await connectKube({
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.context !== undefined ? { context: opts.context } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
  });
  const result: LiveResult = { objects: [], problems: [], notServed: [], server: conn.server, context: conn.context };
  const version = await serverVersionOf(conn);
  if (version !== undefined) result.serverVersion = version;
  for (const k of opts.kinds ?? LIVE_KINDS) {
    await listKind(k, conn, opts.limit ?? 500, result, opts.maxRetryWaitMs ?? 10_000);
  }
  return result;
}

function listPath(k: ListedKind): string {
  return k.apiVersion.includes('/') ? `/apis/${k.apiVersion}/${k.resource}` : `/api/${k.apiVersion}/${k.resource}`;
}

async function listKind(k: ListedKind, conn: KubeConnection, limit: number, out: LiveResult, maxRetryWaitMs: number): Promise<void> {
  // A kind is all or nothing: objects of a kind that failed part-way are not kept.
  const objects: LoadedObject[] = [];
  const tokens = new Set<string>();
  /** `namespace/name` and `uid …` of every item so far → its page. */
  const seen = new Map<string, number>();
  let cont: string | undefined;
  let page = 0;
  let relisted = false;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cont) query.set('continue', cont);
    const path = `${listPath(k)}?${query}`;
    const problem = (p: Omit<LiveProblem, 'kind' | 'request' | 'url'>) => {
      out.problems.push({ kind: k.kind, ...p, request: `list ${rbacResource(k)}`, url: `GET ${shorten(path)}` });
    };
    let reply: KubeReply;
    // 429 Too Many Requests (API priority and fairness) asks to come back later: twice, as it says.
    for (let retries = 0; ; retries++) {
      try {
        reply = await conn.request('GET', path);
      } catch (err) {
        // The server was reached but gave no complete answer: this kind fails, the others are still read.
        if (!(err instanceof KubeRequestError)) throw err;
        problem({ reason: err.reason, message: err.detail });
        return;
      }
      if (reply.status !== 429 || retries >= 2) break;
      await new Promise((r) => setTimeout(r, retryWait(reply, maxRetryWaitMs)));
    }
    if (reply.status === 410 && cont !== undefined && !relisted) {
      // The continue token expired (etcd compacted past the list's resourceVersion): start again, once,
      // as client-go's pager falls back to a full list on 410; the pages so far are dropped.
      relisted = true;
      objects.length = 0;
      tokens.clear();
      seen.clear();
      cont = undefined;
      page = 0;
      continue;
    }
    if (reply.status !== 200) {
      if (reply.status === 404 && k.optional && page === 0) out.notServed.push(k.kind);
      else out.problems.push({ ...problemOf(k.kind, reply), request: `list ${rbacResource(k)}`, url: `GET ${shorten(path)}` });
      return;
    }
    let list: unknown;
    try {
      list = JSON.parse(reply.body);
    } catch {
      problem({ status: reply.status, reason: 'InvalidResponse', message: 'response is not JSON' });
      return;
    }
    if (!isObject(list) || !Array.isArray(list.items)) {
      problem({ status: reply.status, reason: 'InvalidResponse', message: 'response is not a list (no items)' });
      return;
    }
    // kube-apiserver answers a list call with `<Kind>List` (built-in kinds and CRDs alike; kubectl's `List`
    // is client-side). Another kind means the path is served by something else (an aggregated API, a
    // proxy): relabelling its items would report every object of this kind missing.
    if (list.kind !== `${k.kind}List`) {
      problem({ status: reply.status, reason: 'InvalidResponse', message: `the server answered ${typeof list.kind === 'string' && list.kind !== '' ? `a ${list.kind}` : 'a list without a kind'}, not a ${k.kind}List` });
      return;
    }
    const md = list.metadata;
    cont = isObject(md) && typeof md.continue === 'string' && md.continue !== '' ? md.continue : undefined;
    if (cont !== undefined) {
      if (tokens.has(cont)) {
        problem({ status: reply.status, reason: 'InvalidResponse', message: `the server sent continue token ${JSON.stringify(shorten(cont, 60))} again (page ${page + 1}): the list would never end` });
        return;
      }
      tokens.add(cont);
    }
    for (const [i, item] of list.items.entries()) {
      if (!isObject(item)) {
        problem({ status: reply.status, reason: 'InvalidResponse', message: `items[${i}] is not an object` });
        return;
      }
      // Items of built-in kinds come without apiVersion/kind; CRD items carry them, and they must match.
      if ((item.kind !== undefined && item.kind !== k.kind) || (item.apiVersion !== undefined && item.apiVersion !== k.apiVersion)) {
        problem({ status: reply.status, reason: 'InvalidResponse', message: `items[${i}] (${itemName(item)}) is ${String(item.apiVersion ?? '?')} ${String(item.kind ?? '?')}, not ${k.apiVersion} ${k.kind}` });
        return;
      }
      const meta = isObject(item.metadata) ? item.metadata : {};
      if (typeof meta.name !== 'string' || meta.name === '') {
        problem({ status: reply.status, reason: 'InvalidResponse', message: `items[${i}] has no metadata.name` });
        return;
      }
      const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
      if (!k.clusterScoped && ns === '') {
        problem({ status: reply.status, reason: 'InvalidResponse', message: `items[${i}] (${meta.name}) has no metadata.namespace (${k.kind} is namespaced)` });
        return;
      }
      // One consistent list never holds an object twice; pages that overlap may as well have gaps.
      const ids = [`${ns}/${meta.name}`, ...(typeof meta.uid === 'string' && meta.uid !== '' ? [`uid ${meta.uid}`] : [])];
      const before = ids.map((id) => seen.get(id)).find((p) => p !== undefined);
      if (before !== undefined) {
        const uid = typeof meta.uid === 'string' && meta.uid !== '' ? ` (uid ${meta.uid})` : '';
        problem({ status: reply.status, reason: 'InvalidResponse', message: `${itemName(item)}${uid} is listed twice (pages ${before + 1} and ${page + 1}): the pages are not one consistent list` });
        return;
      }
      for (const id of ids) seen.set(id, page);
      objects.push({ object: asObject(item, k), source: { file: `cluster:${k.kind}`, document: page, line: 1, item: i } });
    }
    const remaining = isObject(md) && typeof md.remainingItemCount === 'number' ? md.remainingItemCount : 0;
    if (cont === undefined && remaining > 0) {
      problem({ status: reply.status, reason: 'InvalidResponse', message: `the list is incomplete: metadata.remainingItemCount is ${remaining} but there is no continue token` });
      return;
    }
    page++;
    if (cont === undefined) break;
  }
  out.objects.push(...objects);
}

/** How long a 429 asks to wait (Retry-After seconds, else the Status's retryAfterSeconds, else 1 s), at most `max`. */
function retryWait(reply: KubeReply, max: number): number {
  let seconds = reply.retryAfter !== undefined && /^\d+$/.test(reply.retryAfter.trim()) ? Number(reply.retryAfter.trim()) : undefined;
  if (seconds === undefined) {
    try {
      const st: unknown = JSON.parse(reply.body);
      if (isObject(st) && isObject(st.details) && typeof st.details.retryAfterSeconds === 'number') seconds = st.details.retryAfterSeconds;
    } catch {
      // not a Status object
    }
  }
  return Math.min(Math.max(seconds ?? 1, 0) * 1000, max);
}

function itemName(item: JsonObject): string {
  const md = isObject(item.metadata) ? item.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '?';
  return typeof md.namespace === 'string' && md.namespace !== '' ? `${md.namespace}/${name}` : name;
}

function shorten(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// List items come back without apiVersion/kind (the List carries them); restore both so the
// object looks exactly like `kubectl get -o yaml` prints it.
function asObject(item: JsonObject, k: ListedKind): KubeObject {
  const metadata = isObject(item.metadata) ? item.metadata : {};
  return { ...item, apiVersion: typeof item.apiVersion === 'string' ? item.apiVersion : k.apiVersion, kind: k.kind, metadata } as KubeObject;
}

function problemOf(kind: string, reply: KubeReply): LiveProblem {
  let reason = reply.statusText || `HTTP ${reply.status}`;
  let message = reply.body.trim().slice(0, 300);
  try {
    const status: unknown = JSON.parse(reply.body);
    if (isObject(status)) {
      if (typeof status.reason === 'string' && status.reason) reason = status.reason;
      if (typeof status.message === 'string') message = status.message;
    }
  } catch {
    // not a Status object: keep the raw text
  }
  return { kind, status: reply.status, reason, message };
}
