// One review from raw bytes to answer, as an evaluation worker runs it: parse, decode, evaluate,
// decide, encode. The result is plain structured-clonable data: the HTTP answer plus what the main
// thread logs, counts and reports. Also the answer the main thread sends without an evaluation
// (budget overrun, crashed worker), which follows the endpoint's failurePolicy.
import type { AdmissionReview } from '../kube/index.js';
import type { AdmissionDecision, WebhookMode } from './decision.js';
import { type AdmissionEngine, endpointFailurePolicy, type HandleOptions, handleReview, type ReviewEndpoint } from './handle-review.js';
import type { ShadowComparison } from './psp-shadow.js';
import type { PolicyVerdict } from './results.js';
import { encodeReview } from './review-codec.js';
import type { VerdictCounter } from './verdict-tally.js';

/** What the main thread needs of one evaluated review. */
export interface ReviewOutcome {
  /** 200 with an AdmissionReview, or 400 when the body is not an AdmissionReview podgate can answer. */
  status: 200 | 400;
  /** The response body (JSON). */
  body: string;
  /** Why the body was refused (HTTP 400 or an AdmissionReview error answer): metric label and reason. */
  bad?: { label: string; reason: string };
  /** The request's identity, for logs and reports. */
  request?: { uid: string; operation: string; kind: string; namespace?: string; name?: string; dryRun?: boolean; objectUid?: string };
  decision?: Pick<AdmissionDecision, 'allowed' | 'webhook' | 'wouldDeny'>;
  /** Verdicts evaluated (trimmed to what reports read); left empty unless asked for (`keepResults`). */
  results: PolicyVerdict[];
  /**
   * Rule verdict counts for metrics as `policy\u0000rule\u0000status` keys. With a VerdictCounter (evaluation
   * workers) only those it had no slot for: the rest are in `tallyCodes`.
   */
  tally?: string[];
  /** Rule verdicts as slot codes (see verdict-tally.ts), and the labels of the slots this review used first. */
  tallyCodes?: Uint32Array;
  tallyLabels?: [number, string, string][];
  skipped?: string;
  error?: string;
  shadow?: ShadowComparison;
}

export { endpointFailurePolicy };

/** An answer podgate gives without a verdict: Fail → denied with `code` and the message; Ignore → allowed with it as a warning (silently in shadow mode). */
export function failureReview(apiVersion: AdmissionReview['apiVersion'], uid: string, failurePolicy: 'Fail' | 'Ignore', mode: WebhookMode, message: string, code = 500): AdmissionReview {
  const decision: AdmissionDecision =
    failurePolicy === 'Fail' ? { allowed: false, code, message, warnings: [] } : { allowed: true, warnings: mode === 'shadow' ? [] : [message] };
  return encodeReview(apiVersion, uid, decision);
}

const trim = (v: PolicyVerdict): PolicyVerdict => ({
  policy: v.policy.namespace ? { name: v.policy.name, namespace: v.policy.namespace } : { name: v.policy.name },
  resource: v.resource,
  rules: v.rules.map((r) => ({ policy: r.policy, rule: r.rule, status: r.status, message: r.message })),
  action: v.action,
  failurePolicy: v.failurePolicy,
});

/** Evaluates one request body. Never throws. */
export function evaluateReview(
  body: Uint8Array,
  engine: AdmissionEngine | undefined,
  opts: HandleOptions & { endpoint: ReviewEndpoint; keepResults?: boolean; counter?: VerdictCounter },
): ReviewOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    const reason = `malformed JSON: ${(err as Error).message}`;
    return { status: 400, body: JSON.stringify({ error: reason }), bad: { label: 'malformed-json', reason }, results: [] };
  }
  const handled = handleReview(parsed, engine, opts);
  if (handled.kind === 'invalid') {
    const bad = { label: 'invalid-review', reason: handled.reason };
    if (!handled.envelope) return { status: 400, body: JSON.stringify({ error: handled.reason }), bad, results: [] };
    // The uid is known: answer as the API server expects, with the problem named (never a bare HTTP 500).
    const { apiVersion, uid } = handled.envelope;
    const review = failureReview(apiVersion, uid, endpointFailurePolicy(opts.endpoint, opts.mode), opts.mode, `podgate: invalid AdmissionReview: ${handled.reason}`, 400);
    return { status: 200, body: JSON.stringify(review), bad, decision: { allowed: review.response?.allowed ?? false }, results: [] };
  }
  const { request, decision } = handled;
  const objectUid = request.object?.metadata?.uid;
  const counted = opts.counter?.count(handled.results);
  return {
    status: 200,
    body: JSON.stringify(handled.review),
    request: {
      uid: request.uid,
      operation: request.operation,
      kind: request.kind.kind,
      ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.dryRun === true ? { dryRun: true } : {}),
      ...(typeof objectUid === 'string' ? { objectUid } : {}),
    },
    decision: {
      allowed: decision.allowed,
      ...(decision.webhook ? { webhook: decision.webhook } : {}),
      ...(decision.wouldDeny ? { wouldDeny: decision.wouldDeny } : {}),
    },
    results: opts.keepResults === false ? [] : handled.results.map(trim),
    tally: counted ? (counted.overflow ?? []) : handled.results.flatMap((v) => v.rules.map((r) => `${v.policy.name}\u0000${r.rule}\u0000${r.status}`)),
    ...(counted ? { tallyCodes: counted.codes } : {}),
    ...(counted?.labels ? { tallyLabels: counted.labels } : {}),
    ...(handled.skipped ? { skipped: handled.skipped } : {}),
    ...(handled.error ? { error: handled.error } : {}),
    ...(handled.shadow ? { shadow: handled.shadow } : {}),
  };
}
