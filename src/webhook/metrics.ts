// Prometheus metrics of the webhook on a private prom-client registry: requests, latency,
// verdicts by policy/rule/result, policy load errors, readiness and the loaded policy count.
// Names follow Kyverno's (kyverno@v1.10.7:pkg/metrics) with a podgate_ prefix.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The webhook's metric set. */
export interface WebhookMetrics {
  registry: Registry;
  requests: Counter<'endpoint' | 'operation' | 'allowed' | 'mode'>;
  latency: Histogram<'endpoint'>;
  verdicts: Counter<'policy' | 'rule' | 'result'>;
  /** Counts rule verdicts from `policy\u0000rule\u0000status` keys cheaply: tallied in a map, added to the counter at scrape time. */
  countVerdictKeys(keys: readonly string[]): void;
  /** Adds a source of verdict counts read at scrape time (the evaluation pool's per-worker counts). */
  addVerdictSource(collect: (add: (policy: string, rule: string, result: string, n: number) => void) => void): void;
  badRequests: Counter<'reason'>;
  internalErrors: Counter<'endpoint'>;
  shadowComparisons: Counter<'class'>;
  /** Reviews not evaluated within their budget, answered by failurePolicy (phase: queued or running). */
  budgetExceeded: Counter<'endpoint' | 'phase' | 'failure_policy'>;
  /** Evaluation workers replaced (reason: budget, crash). */
  workerRestarts: Counter<'reason'>;
  /** Reviews waiting for an evaluation worker. */
  queueLength: Gauge;
  /** Requests refused before evaluation (queue-full, inflight-bytes), with 429 and Retry-After. */
  rejected: Counter<'reason'>;
  /** Connections closed at the connection cap to make room for a newcomer (state: idle, reading). */
  connectionsEvicted: Counter<'state'>;
  /** TLS certificate reloads (result: success, failure). */
  tlsReloads: Counter<'result'>;
  /** PolicyReport writes to the API server (result: created, updated, deleted, conflict, error). */
  policyReportWrites: Counter<'result'>;
  /** PolicyReport changes waiting to be written to the API server. */
  policyReportQueueLength: Gauge;
  /** PolicyReport changes given up (reason: queue-full, rejected, shutdown). */
  policyReportChangesDropped: Counter<'reason'>;
  /** Results left out of PolicyReports to keep them within their bound of results or bytes. */
  policyReportResultsTrimmed: Counter;
  policyLoadErrors: Counter;
  policyLoadFailing: Gauge;
  /**
   * Reads the cluster cache's state at scrape time for `podgate_cluster_watch_failing{resource}`: 1 while the
   * newest list or watch of a watched type has failed (after the first sync its last objects are served stale).
   */
  addClusterStatus(read: () => { resources: readonly { resource: string; state: string; lastError?: string }[] }): void;
  policiesLoaded: Gauge;
  /** 1 while the server would answer /readyz with 200 (see addReadiness); before a server registers, as set. */
  ready: Gauge;
  /** Reads at scrape time whether the server is ready, the same answer /readyz gives (draining included). */
  addReadiness(read: () => boolean): void;
}

/** Creates the metrics on a fresh registry (plus Node's default process metrics when asked). */
export function createMetrics(opts: { defaults?: boolean } = {}): WebhookMetrics {
  const registry = new Registry();
  // prom-client hashes the label set on every inc(); with ~25 rule verdicts per request that was a
  // tenth of the request's CPU, so verdicts are tallied per key and flushed when scraped.
  const pending = new Map<string, { labels: { policy: string; rule: string; result: string }; n: number }>();
  const sources: ((add: (policy: string, rule: string, result: string, n: number) => void) => void)[] = [];
  const clusterStatus: (() => { resources: readonly { resource: string; state: string; lastError?: string }[] })[] = [];
  const readiness: (() => boolean)[] = [];
  const m: WebhookMetrics = {
    registry,
    addVerdictSource(collect) {
      sources.push(collect);
    },
    addClusterStatus(read) {
      clusterStatus.push(read);
    },
    addReadiness(read) {
      readiness.push(read);
    },
    countVerdictKeys(keys) {
      for (const key of keys) {
        const p = pending.get(key);
        if (p) p.n++;
        else {
          const [policy = '', rule = '', result = ''] = key.split('\u0000');
          pending.set(key, { labels: { policy, rule, result }, n: 1 });
        }
      }
    },
    requests: new Counter({
      name: 'podgate_admission_requests_total',
      help: 'Admission reviews answered',
      labelNames: ['endpoint', 'operation', 'allowed', 'mode'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'podgate_admission_review_duration_seconds',
      help: 'Time from request arrival (headers received) to response written, queue time included',
      labelNames: ['endpoint'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    verdicts: new Counter({
      name: 'podgate_policy_results_total',
      help: 'Rule verdicts by policy, rule and result',
      labelNames: ['policy', 'rule', 'result'],
      registers: [registry],
      collect() {
        for (const source of sources) source((policy, rule, result, n) => this.inc({ policy, rule, result }, n));
        for (const p of pending.values()) this.inc(p.labels, p.n);
        pending.clear();
      },
    }),
    badRequests: new Counter({ name: 'podgate_bad_requests_total', help: 'Requests rejected with HTTP 4xx', labelNames: ['reason'], registers: [registry] }),
    internalErrors: new Counter({ name: 'podgate_internal_errors_total', help: 'Evaluations that failed internally', labelNames: ['endpoint'], registers: [registry] }),
    shadowComparisons: new Counter({
      name: 'podgate_shadow_psp_comparisons_total',
      help: 'Shadow mode: pod requests evaluated by PSP and Kyverno, by class (same, breakage: PSP admits and Kyverno would deny, regression: PSP denies or mutates and Kyverno admits)',
      labelNames: ['class'],
      registers: [registry],
    }),
    budgetExceeded: new Counter({
      name: 'podgate_admission_budget_exceeded_total',
      help: 'Reviews not evaluated within --eval-timeout (counted from arrival), answered by the endpoint failurePolicy',
      labelNames: ['endpoint', 'phase', 'failure_policy'],
      registers: [registry],
    }),
    workerRestarts: new Counter({ name: 'podgate_eval_worker_restarts_total', help: 'Evaluation worker threads replaced, by reason (budget, crash)', labelNames: ['reason'], registers: [registry] }),
    queueLength: new Gauge({ name: 'podgate_admission_queue_length', help: 'Reviews waiting for an evaluation worker', registers: [registry] }),
    rejected: new Counter({ name: 'podgate_admission_rejected_total', help: 'Reviews refused with 429 before evaluation, by reason (queue-full, inflight-bytes)', labelNames: ['reason'], registers: [registry] }),
    connectionsEvicted: new Counter({
      name: 'podgate_connections_evicted_total',
      help: 'Connections closed at the connection cap to make room for a newcomer, by what they were doing (idle: no request; reading: a body still arriving)',
      labelNames: ['state'],
      registers: [registry],
    }),
    tlsReloads: new Counter({ name: 'podgate_tls_reloads_total', help: 'Serving certificate reloads, by result (success; failure: the old pair is kept)', labelNames: ['result'], registers: [registry] }),
    policyReportWrites: new Counter({
      name: 'podgate_policyreport_writes_total',
      help: 'PolicyReport writes to the API server, by result (created, updated, deleted; conflict: still 409 after re-reading, retried with backoff; error: any other failure)',
      labelNames: ['result'],
      registers: [registry],
    }),
    policyReportQueueLength: new Gauge({ name: 'podgate_policyreport_queue_length', help: 'PolicyReport changes waiting to be written to the API server', registers: [registry] }),
    policyReportChangesDropped: new Counter({
      name: 'podgate_policyreport_changes_dropped_total',
      help: 'PolicyReport changes given up, by reason (queue-full: the oldest queued change made room; rejected: refused with a 4xx that is not retried; shutdown: not written within the shutdown deadline)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    policyReportResultsTrimmed: new Counter({
      name: 'podgate_policyreport_results_trimmed_total',
      help: 'Results left out of PolicyReports written to the API server (oldest first) to keep a report within its bound of results or bytes',
      registers: [registry],
    }),
    policyLoadErrors: new Counter({ name: 'podgate_policy_load_errors_total', help: 'Policy (re)loads that failed', registers: [registry] }),
    policyLoadFailing: new Gauge({ name: 'podgate_policy_load_failing', help: '1 while the newest policy files do not load (the last good set is served)', registers: [registry] }),
    policiesLoaded: new Gauge({ name: 'podgate_policies_loaded', help: 'Policies in the active set', registers: [registry] }),
    ready: new Gauge({
      name: 'podgate_ready',
      help: '1 while /readyz answers 200: a policy set is compiled and served, the cluster cache synced, and the server is not draining',
      registers: [registry],
      collect() {
        if (readiness.length > 0) this.set(readiness.every((read) => read()) ? 1 : 0);
      },
    }),
  };
  new Gauge({
    name: 'podgate_cluster_watch_failing',
    help: '1 while the newest list or watch of a watched cluster type failed (once synced, its last objects are served stale and it is retried)',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      this.reset();
      for (const read of clusterStatus) for (const r of read().resources) if (r.state !== 'not-served') this.set({ resource: r.resource }, r.state === 'failing' || r.lastError !== undefined ? 1 : 0);
    },
  });
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  return m;
}
