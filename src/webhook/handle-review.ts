// One AdmissionReview in, one out: decode, drop what Kyverno's resourceFilters/excludeGroups
// never show the engine, evaluate, decide, encode. Internal errors fail closed in enforce mode.
// Mirrors kyverno@v1.10.7:pkg/webhooks/resource/handlers.go (Validate, Mutate) and
// pkg/webhooks/handlers/filter.go (resource filters).
import type { AdmissionRequest, AdmissionReview } from '../kube/index.js';
import { excludedRequester, filteredRequestBy, type KyvernoConfig } from '../kyverno/config/index.js';
import { type AdmissionDecision, decideAdmission, type JsonPatchOp, type WebhookMode } from './decision.js';
import type { ActionOverride } from './effective-action.js';
import { comparePsp, type PspEvaluator, type ShadowComparison } from './psp-shadow.js';
import type { PolicyVerdict } from './results.js';
import { decodeReview, encodeReview } from './review-codec.js';

/** What an engine returns for one request. */
export interface EngineAnswer {
  /** Verdicts of the validate policies evaluated (policies that did not match may be left out). */
  results: PolicyVerdict[];
  /** validationFailureActionOverrides by policy key. */
  overrides: ReadonlyMap<string, readonly ActionOverride[]>;
  /** Labels of the request's namespace. */
  namespaceLabels?: Readonly<Record<string, string>>;
}

/** The policy engine behind the webhook (a compiled policy set), swappable on reload. */
export interface AdmissionEngine {
  /** Verdicts on the (mutated) object; with `failurePolicy`, only that webhook's policies need be evaluated. */
  validate(request: AdmissionRequest, failurePolicy?: 'Fail' | 'Ignore'): EngineAnswer;
  /** The JSON patch /mutate answers with (mutate rules of every policy, in order). */
  mutate?(request: AdmissionRequest): JsonPatchOp[];
  /** PodSecurityPolicy's verdict, for shadow-mode comparison (`--psp-cluster`). */
  psp?: PspEvaluator;
}

/** Which endpoint is answering: validation (optionally one failurePolicy's webhook) or mutation. */
export type ReviewEndpoint = 'validate' | 'validate-fail' | 'validate-ignore' | 'mutate';

/** Options of handleReview. */
export interface HandleOptions {
  mode: WebhookMode;
  endpoint?: ReviewEndpoint;
  /** Kyverno's resourceFilters, excludeGroups and excludeUsernames; omitted means filter nothing. */
  config?: KyvernoConfig;
}

/** The outcome of one review. */
export type HandledReview =
  | {
      kind: 'review';
      review: AdmissionReview;
      request: AdmissionRequest;
      decision: AdmissionDecision;
      /** The verdicts evaluated (empty when filtered). */
      results: PolicyVerdict[];
      /** Why the engine was not consulted: `filtered`, `excluded-requester`, or `not-ready`. */
      skipped?: string;
      /** An internal error, already turned into a decision by the mode. */
      error?: string;
      /** Shadow mode with PSPs: both decisions and whether they disagree. */
      shadow?: ShadowComparison;
    }
  | {
      kind: 'invalid';
      reason: string;
      /** Present when apiVersion and request.uid are readable: the server answers an AdmissionReview error, not an HTTP 400. */
      envelope?: { apiVersion: AdmissionReview['apiVersion']; uid: string };
    };

/** Handles a parsed AdmissionReview body. Never throws; a missing engine means "not ready yet". */
export function handleReview(body: unknown, engine: AdmissionEngine | undefined, opts: HandleOptions): HandledReview {
  const decoded = decodeReview(body);
  if (!decoded.ok) return { kind: 'invalid', reason: decoded.reason, ...(decoded.envelope ? { envelope: decoded.envelope } : {}) };
  const { request, apiVersion } = decoded;
  const done = (decision: AdmissionDecision, results: PolicyVerdict[], extra: { skipped?: string; error?: string; shadow?: ShadowComparison } = {}): HandledReview => ({
    kind: 'review',
    review: encodeReview(apiVersion, request.uid, decision),
    request,
    decision,
    results,
    ...extra,
  });
  const skipped = filterReason(opts.config, request);
  if (skipped) return done({ allowed: true, warnings: [] }, [], { skipped });
  if (!engine) {
    const error = 'podgate: policies are not loaded yet';
    return done(failure(opts.mode, error), [], { skipped: 'not-ready', error });
  }
  try {
    if (opts.endpoint === 'mutate') {
      // Shadow mode must never change what the cluster stores.
      const patch = opts.mode === 'shadow' ? [] : (engine.mutate?.(request) ?? []);
      return done({ allowed: true, warnings: [], ...(patch.length > 0 ? { patch } : {}) }, []);
    }
    const only = opts.endpoint === 'validate-fail' ? 'Fail' : opts.endpoint === 'validate-ignore' ? 'Ignore' : undefined;
    const answer = engine.validate(request, only);
    // An engine may evaluate more than asked; the webhook decides on its own failurePolicy's verdicts only.
    const results = only ? answer.results.filter((r) => r.failurePolicy === only) : answer.results;
    const decision = decideAdmission(request, results, {
      mode: opts.mode,
      overrides: answer.overrides,
      ...(answer.namespaceLabels ? { namespaceLabels: answer.namespaceLabels } : {}),
    });
    return done(decision, results, shadowOf(engine, opts, request, decision, results));
  } catch (err) {
    const error = `podgate: internal error while evaluating policies: ${err instanceof Error ? err.message : String(err)}`;
    return done(failure(opts.mode, error), [], { error });
  }
}

/** Why Kyverno's webhook would answer without evaluating (its WithFilter step), if it would. */
function filterReason(config: KyvernoConfig | undefined, request: AdmissionRequest): string | undefined {
  if (!config) return undefined;
  if (excludedRequester(config, request.userInfo.username ?? '', request.userInfo.groups ?? [])) return 'excluded-requester';
  const o = request.object ?? request.oldObject;
  const name = request.name ?? (typeof o?.metadata?.name === 'string' ? o.metadata.name : '');
  const t = { ...request.kind, namespace: request.namespace ?? '', name, ...(request.subResource ? { subresource: request.subResource } : {}) };
  return filteredRequestBy(config, t) ? 'filtered' : undefined;
}

/** In shadow mode with PSPs, PSP's verdict next to Kyverno's; a PSP failure is reported, never fatal. */
function shadowOf(engine: AdmissionEngine, opts: HandleOptions, request: AdmissionRequest, decision: AdmissionDecision, results: PolicyVerdict[]): { shadow?: ShadowComparison; error?: string } {
  if (opts.mode !== 'shadow' || !engine.psp) return {};
  try {
    const psp = engine.psp(request);
    return psp ? { shadow: comparePsp(psp, decision, results) } : {};
  } catch (err) {
    return { error: `podgate: PSP evaluation failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Enforce fails closed (a denial naming the problem); audit and shadow let the request through. */
function failure(mode: WebhookMode, message: string): AdmissionDecision {
  if (mode === 'enforce') return { allowed: false, code: 500, message, warnings: [] };
  return { allowed: true, warnings: [] };
}
