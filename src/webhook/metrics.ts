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
  badRequests: Counter<'reason'>;
  internalErrors: Counter<'endpoint'>;
  shadowComparisons: Counter<'class'>;
  policyLoadErrors: Counter;
  policyLoadFailing: Gauge;
  policiesLoaded: Gauge;
  ready: Gauge;
}

/** Creates the metrics on a fresh registry (plus Node's default process metrics when asked). */
export function createMetrics(opts: { defaults?: boolean } = {}): WebhookMetrics {
  const registry = new Registry();
  const m: WebhookMetrics = {
    registry,
    requests: new Counter({
      name: 'podgate_admission_requests_total',
      help: 'Admission reviews answered',
      labelNames: ['endpoint', 'operation', 'allowed', 'mode'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'podgate_admission_review_duration_seconds',
      help: 'Time from request body received to response written',
      labelNames: ['endpoint'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
      registers: [registry],
    }),
    verdicts: new Counter({
      name: 'podgate_policy_results_total',
      help: 'Rule verdicts by policy, rule and result',
      labelNames: ['policy', 'rule', 'result'],
      registers: [registry],
    }),
    badRequests: new Counter({ name: 'podgate_bad_requests_total', help: 'Requests rejected with HTTP 4xx', labelNames: ['reason'], registers: [registry] }),
    internalErrors: new Counter({ name: 'podgate_internal_errors_total', help: 'Evaluations that failed internally', labelNames: ['endpoint'], registers: [registry] }),
    shadowComparisons: new Counter({
      name: 'podgate_shadow_psp_comparisons_total',
      help: 'Shadow mode: pod requests evaluated by PSP and Kyverno, by class (same, breakage: PSP admits and Kyverno would deny, regression: PSP denies or mutates and Kyverno admits)',
      labelNames: ['class'],
      registers: [registry],
    }),
    policyLoadErrors: new Counter({ name: 'podgate_policy_load_errors_total', help: 'Policy (re)loads that failed', registers: [registry] }),
    policyLoadFailing: new Gauge({ name: 'podgate_policy_load_failing', help: '1 while the newest policy files do not load (the last good set is served)', registers: [registry] }),
    policiesLoaded: new Gauge({ name: 'podgate_policies_loaded', help: 'Policies in the active set', registers: [registry] }),
    ready: new Gauge({ name: 'podgate_ready', help: '1 once a policy set is compiled and served', registers: [registry] }),
  };
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  return m;
}
