// `serve --kubeconfig` / `--in-cluster`: the report store's changes written to the API server as
// PolicyReports every report interval (and once more at shutdown) by cluster/policyreport-writer.
import { connectKube, PolicyReportWriter, type SyncResult } from '../cluster/index.js';
import type { ReportStore, WebhookLogger } from '../webhook/index.js';

/** Where and how often. */
export interface ClusterReportsOptions {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  env?: Record<string, string | undefined>;
}

/** A running sync. */
export interface ClusterReports {
  /** Queues the store's changes and writes one bounded batch; logs the outcome. */
  sync(): Promise<SyncResult>;
}

/** Connects (throws LiveClusterError when the kubeconfig is unusable) and subscribes to the store. */
export async function startClusterReports(store: ReportStore, o: ClusterReportsOptions, log: WebhookLogger): Promise<ClusterReports> {
  const conn = await connectKube({
    ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.context !== undefined ? { context: o.context } : {}),
    ...(o.inCluster ? { inCluster: true } : {}),
    ...(o.env ? { env: o.env } : {}),
    timeoutMs: 10_000,
  });
  log.info({ server: conn.server, context: conn.context }, 'writing PolicyReports to the cluster');
  const writer = new PolicyReportWriter(conn);
  const changes = store.changeFeed();
  // One sync at a time, in call order: the shutdown sync comes after the timer's last one.
  let last: Promise<unknown> = Promise.resolve();
  const once = async () => {
      writer.enqueue(changes());
      const r = await writer.sync();
      if (r.created.length + r.updated.length + r.deleted.length > 0) log.debug({ created: r.created.length, updated: r.updated.length, deleted: r.deleted.length }, 'policy reports written');
      for (const f of r.failed) log.error({ report: f.report, status: f.status, err: f.message, retry: f.retry }, 'writing a policy report failed');
      if (r.dropped > 0) log.warn({ dropped: r.dropped, queued: r.queued }, 'policy report changes dropped (queue full)');
      return r;
  };
  return {
    sync() {
      const next = last.then(once, once);
      last = next.catch(() => undefined);
      return next;
    },
  };
}
