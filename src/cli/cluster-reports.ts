// `serve --kubeconfig` / `--in-cluster`: the report store's changes written to the API server as
// PolicyReports every report interval (and once more at shutdown) by cluster/policyreport-writer.
// One sync at a time: a tick while one runs asks for one more after it (at most one waits), so a
// slow API server never piles syncs up; the shutdown flush has a deadline, after which what was not
// written is logged in one line and the request in flight is abandoned.
import { connectKube, PolicyReportWriter, type PolicyReportWriterOptions, type SyncResult } from '../cluster/index.js';
import type { ReportStore, WebhookLogger, WebhookMetrics } from '../webhook/index.js';

/** Where and how often. */
export interface ClusterReportsOptions {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  env?: Record<string, string | undefined>;
  /** Per-request idle timeout (ms); default 10000. */
  timeoutMs?: number;
  /** Per-request deadline (ms), however the answer trickles in; default 15000. */
  deadlineMs?: number;
  /**
   * How long the shutdown flush may take (ms); default 10000, so that the drain period (5 s), the
   * evaluation budget (2 s) and the flush stay within the pod's 30 s grace period.
   */
  shutdownDeadlineMs?: number;
  writer?: PolicyReportWriterOptions;
  /** Counted in podgate_policyreport_* when given. */
  metrics?: WebhookMetrics;
}

/** A running sync. */
export interface ClusterReports {
  /**
   * Queues the store's changes and writes one bounded batch; logs the outcome. While a sync runs,
   * the call is answered by the one sync that follows it (never more than one waits).
   */
  sync(): Promise<SyncResult>;
  /** The last sync (the running one, then one more), given up after shutdownDeadlineMs. */
  close(): Promise<void>;
}

/** Connects (throws LiveClusterError when the kubeconfig is unusable) and subscribes to the store. */
export async function startClusterReports(store: ReportStore, o: ClusterReportsOptions, log: WebhookLogger): Promise<ClusterReports> {
  const conn = await connectKube({
    ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
    ...(o.inCluster ? { inCluster: true } : {}),
    ...(o.env ? { env: o.env } : {}),
    timeoutMs: o.timeoutMs ?? 10_000,
    deadlineMs: o.deadlineMs ?? 15_000,
  });
  log.info({ server: conn.server, context: conn.context }, 'writing PolicyReports to the cluster');
  const writer = new PolicyReportWriter(conn, o.writer);
  const changes = store.changeFeed();
  const shutdownDeadlineMs = o.shutdownDeadlineMs ?? 10_000;
  const abandon = new AbortController();
  const m = o.metrics;
  let dropped = 0;
  const count = (r: SyncResult) => {
    if (!m) return;
    if (r.created.length > 0) m.policyReportWrites.inc({ result: 'created' }, r.created.length);
    if (r.updated.length > 0) m.policyReportWrites.inc({ result: 'updated' }, r.updated.length);
    if (r.deleted.length > 0) m.policyReportWrites.inc({ result: 'deleted' }, r.deleted.length);
    for (const f of r.failed) {
      m.policyReportWrites.inc({ result: f.status === 409 && f.retry ? 'conflict' : 'error' });
      if (!f.retry) m.policyReportChangesDropped.inc({ reason: 'rejected' });
    }
    if (r.dropped > dropped) m.policyReportChangesDropped.inc({ reason: 'queue-full' }, r.dropped - dropped);
    dropped = r.dropped;
    const trimmed = r.trimmed.reduce((n, t) => n + t.results, 0);
    if (trimmed > 0) m.policyReportResultsTrimmed.inc(trimmed);
    m.policyReportQueueLength.set(r.queued);
  };
  let crdMissing = false;
  const once = async () => {
    writer.enqueue(changes());
    const r = await writer.sync({ signal: abandon.signal });
    count(r);
    if (r.crdMissing !== crdMissing) {
      crdMissing = r.crdMissing;
      if (crdMissing) log.error({ queued: r.queued, recheckMs: o.writer?.crdRecheckMs ?? 60_000 }, 'the wgpolicyk8s.io PolicyReport CRD is not installed: reports stay queued and the CRD is checked again periodically');
      else log.info('the wgpolicyk8s.io PolicyReport CRD is installed: writing PolicyReports');
    }
    if (r.created.length + r.updated.length + r.deleted.length > 0) log.debug({ created: r.created.length, updated: r.updated.length, deleted: r.deleted.length }, 'policy reports written');
    for (const f of r.failed) log.error({ report: f.report, status: f.status, err: f.message, retry: f.retry }, 'writing a policy report failed');
    if (r.trimmed.length > 0) log.warn({ reports: r.trimmed.slice(0, 20), results: r.trimmed.reduce((n, t) => n + t.results, 0) }, 'policy report results left out, oldest first (over the per-report bound of results or bytes)');
    if (r.dropped > 0) log.warn({ dropped: r.dropped, queued: r.queued }, 'policy report changes dropped (queue full)');
    return r;
  };
  let running: Promise<SyncResult> | undefined;
  let next: Promise<SyncResult> | undefined;
  const start = (): Promise<SyncResult> => {
    running = once().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = (): Promise<SyncResult> => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
  return {
    sync: schedule,
    async close() {
      const last = schedule().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), shutdownDeadlineMs);
      });
      const outcome = await Promise.race([last, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        abandon.abort(`shutdown deadline of ${shutdownDeadlineMs} ms`);
        await last;
      }
      // Left behind by the deadline, or still queued by the last sync (a server error, a conflict in backoff).
      const left = writer.pending();
      if (left.length === 0) return;
      o.metrics?.policyReportChangesDropped.inc({ reason: 'shutdown' }, left.length);
      const why = outcome === 'late' ? 'within the deadline (given up)' : 'by the last sync (still failing)';
      log.error({ deadlineMs: shutdownDeadlineMs, notWritten: left.length, reports: left.slice(0, 20) }, `shutdown: policy report changes not written to the cluster ${why}`);
    },
  };
}
