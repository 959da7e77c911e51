// Writes wgpolicyk8s.io/v1alpha2 PolicyReports and ClusterPolicyReports to the API server, laid out
// as Kyverno 1.10's reports controller does (one report per namespace and policy, `cpol-<policy>` /
// `pol-<policy>`; cluster-scoped resources in ClusterPolicyReports; kyverno@v1.10.7:
// pkg/utils/report/results.go SplitResultsByPolicy, pkg/controllers/report/aggregate).
//
// Several podgate replicas (and restarts) share these objects, so a write never replaces another
// writer's results: it merges by resource (ours replace the results for the resources we saw, the
// rest are kept, newest first, up to a bound), with resourceVersion optimistic concurrency (a 409 means
// read again and merge again; still 409 after 4 tries, the change is retried later with backoff). A removal takes our resources out, and deletes the report once empty.
// Changes queue per report (the latest wins), each sync writes at most `maxWritesPerSync`, and
// failures the server may recover from (5xx, 429, unreachable) stay queued for the next sync; the first
// such failure ends the sync.
import { hostname } from 'node:os';
import { isObject, type JsonObject } from '../util/index.js';
import type { KubeConnection, KubeReply } from './kube-connection.js';

const GROUP_VERSION = 'wgpolicyk8s.io/v1alpha2';

/** The result property naming the podgate process (pod) that wrote a result. */
export const WRITER_PROPERTY = 'podgate.io/writer';

/** A PolicyReport or ClusterPolicyReport as podgate builds it. */
export interface PolicyReportLike {
  apiVersion: string;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  results: readonly unknown[];
  summary?: unknown;
}

/** Which report to take our results out of. */
export interface ReportRef {
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  namespace?: string;
  name: string;
}

/** What changed since the last sync: reports to write, reports whose results went away. */
export interface ReportChanges {
  upserts: readonly PolicyReportLike[];
  removals: readonly ReportRef[];
}

/** Limits and hooks of the writer. */
export interface PolicyReportWriterOptions {
  /** API requests' worth of report writes per sync (a write is 1-4 requests); default 100. */
  maxWritesPerSync?: number;
  /** Reports queued at most; the oldest queued change is dropped beyond it. Default 2000. */
  maxQueued?: number;
  /** Results kept per report after merging with other writers', newest first. Default 5000. */
  maxResultsPerReport?: number;
  /**
   * Bytes (JSON) a report may take; the oldest results are left out beyond it (others' first, then
   * ours). Default 1 MiB, well below etcd's 1.5 MiB request limit.
   */
  maxReportBytes?: number;
  /**
   * Who writes (set on each result as the `podgate.io/writer` property): results carrying it that are
   * no longer ours (evicted from the store) are taken out. Default: the host (pod) name.
   */
  writerId?: string;
  /**
   * A report still in conflict after its re-reads (other replicas writing it) waits this long before
   * the next try, doubled per further conflict up to maxBackoffMs, times a jitter of 0.5-1. Default 1000.
   */
  conflictBackoffMs?: number;
  /** Default 60000. */
  maxBackoffMs?: number;
  /**
   * While the PolicyReport CRD is not installed (a create answered 404 for the resource type), the
   * writer sends nothing and checks again after this long. Default 60000.
   */
  crdRecheckMs?: number;
  /** Clock (ms) and jitter source, for tests. */
  now?: () => number;
  random?: () => number;
}

/** Outcome of one sync. */
export interface SyncResult {
  created: string[];
  updated: string[];
  deleted: string[];
  /** Failed writes: `retry` ones stay queued. */
  failed: { report: string; status?: number; message: string; retry: boolean }[];
  /** Results left out of written reports to stay within maxResultsPerReport / maxReportBytes. */
  trimmed: { report: string; results: number }[];
  /** The PolicyReport CRD is not installed (as of the last check): nothing was written, all stays queued. */
  crdMissing: boolean;
  /** Changes still queued (over the per-sync bound, or to retry). */
  queued: number;
  /** Queued changes dropped to stay within maxQueued, since the writer started. */
  dropped: number;
}

type Pending = ({ op: 'upsert'; report: PolicyReportLike } | { op: 'remove'; ref: ReportRef }) & {
  /** Conflicts in a row, and not to be tried before this time (ms). */
  conflicts?: number;
  retryAt?: number;
};

/** Syncs report changes to one API server. One writer per process. */
export class PolicyReportWriter {
  readonly #conn: KubeConnection;
  readonly #maxWrites: number;
  readonly #maxQueued: number;
  readonly #maxResults: number;
  readonly #maxBytes: number;
  readonly #writerId: string;
  readonly #queue = new Map<string, Pending>();
  /** Per report: the resources whose results we last wrote (what a removal takes out), and its metadata. */
  readonly #ours = new Map<string, { keys: Set<string>; report: PolicyReportLike }>();
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #crdRecheckMs: number;
  /** While set, the CRD was missing at the last check; not checked again before this time (ms). */
  #crdMissingUntil: number | undefined;
  #dropped = 0;
  #syncing: Promise<SyncResult> | undefined;

  constructor(conn: KubeConnection, opts: PolicyReportWriterOptions = {}) {
    this.#conn = conn;
    this.#maxWrites = opts.maxWritesPerSync ?? 100;
    this.#maxQueued = opts.maxQueued ?? 2000;
    this.#maxResults = opts.maxResultsPerReport ?? 5000;
    this.#maxBytes = opts.maxReportBytes ?? 1024 * 1024;
    this.#writerId = opts.writerId ?? hostname();
    this.#backoffMs = opts.conflictBackoffMs ?? 1000;
    this.#maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#crdRecheckMs = opts.crdRecheckMs ?? 60_000;
  }

  /** Queues changes (the latest change per report wins). */
  enqueue(changes: ReportChanges): void {
    for (const ref of changes.removals) this.#put(refKey(ref), { op: 'remove', ref });
    for (const report of changes.upserts) this.#put(refKey(refOf(report)), { op: 'upsert', report });
  }

  #put(key: string, p: Pending): void {
    // A newer change of a report in conflict backoff keeps the backoff.
    const old = this.#queue.get(key);
    if (old?.retryAt !== undefined && p.retryAt === undefined) p = { ...p, conflicts: old.conflicts ?? 0, retryAt: old.retryAt };
    this.#queue.delete(key);
    this.#queue.set(key, p);
    while (this.#queue.size > this.#maxQueued) {
      this.#queue.delete(this.#queue.keys().next().value!);
      this.#dropped++;
    }
  }

  /** What is queued and not written yet, as `<Kind> <ns>/<name>` (e.g. for the log at shutdown). */
  pending(): string[] {
    return [...this.#queue].map(([key, p]) => label(key, p));
  }

  /**
   * Writes up to maxWritesPerSync queued changes; concurrent calls share one sync. The sync stops at
   * the first failure that says the server is unwell (unreachable, timeout, 429, 5xx): the rest stay
   * queued for the next sync rather than each waiting out its own timeout. An aborted `signal`
   * abandons the request in flight and stops; what was not written stays queued.
   */
  sync(opts: { signal?: AbortSignal } = {}): Promise<SyncResult> {
    this.#syncing ??= this.#sync(opts.signal).finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #sync(signal: AbortSignal | undefined): Promise<SyncResult> {
    const out: SyncResult = { created: [], updated: [], deleted: [], failed: [], trimmed: [], crdMissing: false, queued: 0, dropped: 0 };
    const now = this.#now();
    if (this.#crdMissingUntil !== undefined && now < this.#crdMissingUntil) {
      out.crdMissing = true;
      out.queued = this.#queue.size;
      out.dropped = this.#dropped;
      return out;
    }
    const batch = [...this.#queue].filter(([, p]) => (p.retryAt ?? 0) <= now).slice(0, this.#maxWrites);
    for (const [key, p] of batch) {
      if (signal?.aborted) break;
      // Taken off the queue first: a change queued while this write runs is kept for the next sync.
      this.#queue.delete(key);
      try {
        const trimmed = (results: number) => out.trimmed.push({ report: label(key, p), results });
        const done = p.op === 'upsert' ? await this.#upsert(p.report, signal, trimmed) : await this.#remove(p.ref, signal);
        if (done !== 'unchanged') out[done].push(label(key, p));
        this.#crdMissingUntil = undefined;
      } catch (err) {
        if (err instanceof CrdMissingError) {
          // Nothing can be written: keep it all and look again later, rather than GET+POST every report every sync.
          if (!this.#queue.has(key)) this.#put(key, p);
          this.#crdMissingUntil = this.#now() + this.#crdRecheckMs;
          out.crdMissing = true;
          break;
        }
        const status = err instanceof WriteError ? err.status : undefined;
        const conflict = err instanceof ConflictError;
        const retry = conflict || status === undefined || status === 429 || status >= 500;
        if (conflict) {
          // Other replicas write the same report: try again later, further apart each time.
          const conflicts = (p.conflicts ?? 0) + 1;
          const wait = Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** (conflicts - 1)) * (0.5 + this.#random() / 2);
          if (!this.#queue.has(key)) this.#put(key, { ...p, conflicts, retryAt: this.#now() + wait });
        } else if (retry && !this.#queue.has(key)) this.#put(key, p);
        if (signal?.aborted) break;
        out.failed.push({ report: label(key, p), ...(status !== undefined ? { status } : {}), message: (err as Error).message, retry });
        if (retry && !conflict) break; // the server looks unwell: the rest wait for the next sync
      }
    }
    out.crdMissing = this.#crdMissingUntil !== undefined;
    out.queued = this.#queue.size;
    out.dropped = this.#dropped;
    return out;
  }

  async #upsert(report: PolicyReportLike, signal: AbortSignal | undefined, trimmed: (n: number) => void): Promise<'created' | 'updated'> {
    const ref = refOf(report);
    const mine = resourceKeys(report.results);
    const ours = report.results.map((r) => (isObject(r) ? { ...r, properties: { ...(isObject(r.properties) ? r.properties : {}), [WRITER_PROPERTY]: this.#writerId } } : r));
    for (let attempt = 0; ; attempt++) {
      const current = await this.#get(ref, signal);
      if (!current) {
        const results = this.#fit(report, ours, [], trimmed);
        const r = await this.#conn.request('POST', collectionPath(ref), body(report, results, undefined), { signal });
        if (r.status === 409 && attempt < 3) continue; // another replica created it first: merge into theirs
        if (r.status === 404 && !/^namespaces? "/.test(statusMessage(r))) throw new CrdMissingError(`create ${ref.name}: HTTP 404: the wgpolicyk8s.io PolicyReport CRD is not installed`, 404);
        expectOk(r, 'create');
        this.#ours.set(refKey(ref), { keys: mine, report });
        return 'created';
      }
      // Kyverno's own reports controller writes the same names when both run (e.g. shadow beside Kyverno in Audit): never take over its reports.
      const owner = managedBy(current);
      if (owner !== managedBy(report)) throw new WriteError(`${ref.name} is managed by ${owner ?? 'no one'}, not ${managedBy(report)}: left as it is`, 409);
      // Others' results are kept; ours that are not in this report any more (evicted from the store) go.
      const kept = (Array.isArray(current.results) ? current.results : []).filter((x) => !mine.has(resultKey(x)) && !this.#wroteIt(x));
      const results = this.#fit(report, ours, kept, trimmed);
      const r = await this.#conn.request('PUT', objectPath(ref), body(report, results, resourceVersion(current)), { signal });
      if ((r.status === 409 || r.status === 404) && attempt < 3) continue; // changed or deleted meanwhile: read again
      expectOk(r, 'update');
      this.#ours.set(refKey(ref), { keys: mine, report });
      return 'updated';
    }
  }

  async #remove(ref: ReportRef, signal: AbortSignal | undefined): Promise<'updated' | 'deleted' | 'unchanged'> {
    const mine = this.#ours.get(refKey(ref));
    // Never written by this process (e.g. queued and removed before a sync): nothing of ours is there.
    if (!mine) return 'unchanged';
    for (let attempt = 0; ; attempt++) {
      const current = await this.#get(ref, signal);
      if (!current) {
        this.#ours.delete(refKey(ref));
        return 'unchanged';
      }
      if (managedBy(current) !== managedBy(mine.report)) return 'unchanged';
      const all = Array.isArray(current.results) ? current.results : [];
      const kept = all.filter((x) => !mine.keys.has(resultKey(x)) && !this.#wroteIt(x));
      const rv = resourceVersion(current);
      const r =
        kept.length === 0
          ? await this.#conn.request('DELETE', objectPath(ref), { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: rv } }, { signal })
          : await this.#conn.request('PUT', objectPath(ref), body(current as unknown as PolicyReportLike, kept, rv), { signal });
      if (r.status === 409 && attempt < 3) continue;
      if (!(kept.length === 0 && r.status === 404)) expectOk(r, kept.length === 0 ? 'delete' : 'update');
      this.#ours.delete(refKey(ref));
      return kept.length === 0 ? 'deleted' : 'updated';
    }
  }

  #wroteIt(result: unknown): boolean {
    return isObject(result) && isObject(result.properties) && result.properties[WRITER_PROPERTY] === this.#writerId;
  }

  /**
   * Ours (newest first), then the others' (newest first), as many as fit in maxResultsPerReport and
   * maxReportBytes: over either bound, the oldest of the others' results go first, then our oldest.
   */
  #fit(report: PolicyReportLike, ours: readonly unknown[], others: unknown[], trimmed: (n: number) => void): unknown[] {
    const ordered = [...newestFirst([...ours]), ...newestFirst(others)];
    // The object around the results (metadata, summary) and a comma per result.
    let bytes = Buffer.byteLength(JSON.stringify(body(report, [], '000000000000'))) + 64;
    const out: unknown[] = [];
    for (const r of ordered) {
      if (out.length >= this.#maxResults) break;
      const size = Buffer.byteLength(JSON.stringify(r)) + 1;
      if (bytes + size > this.#maxBytes) break;
      bytes += size;
      out.push(r);
    }
    if (out.length < ordered.length) trimmed(ordered.length - out.length);
    return out;
  }

  async #get(ref: ReportRef, signal: AbortSignal | undefined): Promise<JsonObject | undefined> {
    const r = await this.#conn.request('GET', objectPath(ref), undefined, { signal });
    if (r.status === 404) return undefined;
    expectOk(r, 'read');
    const obj: unknown = JSON.parse(r.body);
    if (!isObject(obj)) throw new WriteError(`read ${ref.name}: not an object`, r.status);
    return obj;
  }
}

class WriteError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Still 409 after reading again: someone else keeps writing the report. Retried later. */
class ConflictError extends WriteError {}

/** A create answered 404 without naming a namespace: the resource type (the CRD) is not there. */
class CrdMissingError extends WriteError {}

function statusMessage(r: KubeReply): string {
  try {
    const s: unknown = JSON.parse(r.body);
    if (isObject(s) && typeof s.message === 'string') return s.message;
  } catch {
    // not a Status object
  }
  return r.body.trim().slice(0, 300) || r.statusText;
}

function expectOk(r: KubeReply, what: string): void {
  if (r.status >= 200 && r.status < 300) return;
  const message = statusMessage(r);
  throw new (r.status === 409 ? ConflictError : WriteError)(`${what}: HTTP ${r.status}: ${message}`, r.status);
}

function label(key: string, p: Pending): string {
  return `${p.op === 'upsert' ? p.report.kind : p.ref.kind} ${key}`;
}

function managedBy(o: { metadata?: unknown }): string | undefined {
  const labels = isObject(o.metadata) && isObject(o.metadata.labels) ? o.metadata.labels : {};
  const v = labels['app.kubernetes.io/managed-by'];
  return typeof v === 'string' ? v : undefined;
}

function refOf(r: PolicyReportLike): ReportRef {
  return { kind: r.kind, name: r.metadata.name, ...(r.metadata.namespace ? { namespace: r.metadata.namespace } : {}) };
}

function refKey(r: ReportRef): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

function collectionPath(r: ReportRef): string {
  return r.kind === 'PolicyReport' ? `/apis/${GROUP_VERSION}/namespaces/${encodeURIComponent(r.namespace ?? '')}/policyreports` : `/apis/${GROUP_VERSION}/clusterpolicyreports`;
}

function objectPath(r: ReportRef): string {
  return `${collectionPath(r)}/${encodeURIComponent(r.name)}`;
}

function resourceVersion(o: JsonObject): string | undefined {
  const md = o.metadata;
  return isObject(md) && typeof md.resourceVersion === 'string' ? md.resourceVersion : undefined;
}

/** The object to send: our metadata (plus resourceVersion), the given results and their summary. */
function body(report: PolicyReportLike, results: readonly unknown[], rv: string | undefined): JsonObject {
  const { name, namespace, labels } = report.metadata;
  return {
    apiVersion: GROUP_VERSION,
    kind: report.kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(rv ? { resourceVersion: rv } : {}) },
    summary: summarize(results),
    results: results as JsonObject[],
  } as JsonObject;
}

function summarize(results: readonly unknown[]): Record<'pass' | 'fail' | 'warn' | 'error' | 'skip', number> {
  const s = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) {
    const k = isObject(r) ? r.result : undefined;
    if (k === 'pass' || k === 'fail' || k === 'warn' || k === 'error' || k === 'skip') s[k]++;
  }
  return s;
}

/** A result's resource identity: apiVersion, kind, namespace and name of its first resource. */
function resultKey(r: unknown): string {
  const res = isObject(r) && Array.isArray(r.resources) && isObject(r.resources[0]) ? r.resources[0] : {};
  return `${res.apiVersion ?? ''}|${res.kind ?? ''}|${res.namespace ?? ''}|${res.name ?? ''}`;
}

function resourceKeys(results: readonly unknown[]): Set<string> {
  return new Set(results.map(resultKey));
}

function seconds(r: unknown): number {
  const ts = isObject(r) && isObject(r.timestamp) ? r.timestamp.seconds : undefined;
  return typeof ts === 'number' ? ts : 0;
}

/** Newest first; equal timestamps keep their order. */
function newestFirst(results: unknown[]): unknown[] {
  return results.map((r, i) => ({ r, i, s: seconds(r) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.r);
}
