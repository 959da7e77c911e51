// One AdmissionReview in, one out: decode, drop what Kyverno's resourceFilters/excludeGroups
// never show the engine, evaluate, decide, encode. Internal errors fail closed in enforce mode.
// Mirrors kyverno@v1.10.7:pkg/webhooks/resource/handlers.go (Validate, Mutate) and
// pkg/webhooks/handlers/filter.go (resource filters).
import type { AdmissionRequest, AdmissionReview } from '../kube/index.js';
import { excludedRequester, filteredRequestBy, type KyvernoConfig } from '../kyverno/config/index.js';
import { type AdmissionDecision, decideAdmission, type JsonPatchOp, WEBHOOK_NAMES, type WebhookMode } from './decision.js';
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
  /**
   * Kyverno could not build the policy context (an image reference it cannot parse): its webhook answers
   * the request with this error instead of evaluating (a denial on either webhook, whatever the failurePolicy).
   */
  contextError?: string;
  /** The failurePolicy of the validating webhook that answers with contextError (default: the endpoint's, else Fail). */
  contextErrorWebhook?: 'Fail' | 'Ignore';
  /** The denial body leaves skipped rules out (Kyverno 1.12, EngineProfile.denialListsSkips false). */
  denialOmitsSkips?: boolean;
}

/** The policy engine behind the webhook (a compiled policy set), swappable on reload. */
export interface AdmissionEngine {
  /**
   * Verdicts on the request's object; with `failurePolicy`, only that webhook's policies need be evaluated.
   * With `applyMutations`, the set's mutate rules are applied first (the object has not been through the
   * mutating webhook: `admit`, shadow mode); otherwise the object is validated as sent, as Kyverno's
   * validating webhook does (the API server called the mutating webhook before it).
   */
  validate(request: AdmissionRequest, failurePolicy?: 'Fail' | 'Ignore', options?: { applyMutations?: boolean }): EngineAnswer;
  /** The JSON patch /mutate answers with (mutate rules of every policy, in order). */
  mutate?(request: AdmissionRequest): JsonPatchOp[];
  /** The patch, or the mutating webhook's refusal (a mutate rule failed or errored and the policy blocks). */
  mutateOutcome?(request: AdmissionRequest): MutationOutcome;
  /** PodSecurityPolicy's verdict, for shadow-mode comparison (`--psp-cluster`). */
  psp?: PspEvaluator;
}

/** What Kyverno's mutating webhook answers: a patch, or a refusal with its message. */
export interface MutationOutcome {
  patch: JsonPatchOp[];
  blocked?: string;
}

/** Which endpoint is answering: validation (optionally one failurePolicy's webhook) or mutation. */
export type ReviewEndpoint = 'validate' | 'validate-fail' | 'validate-ignore' | 'mutate';

/** The failurePolicy the API server applies to an endpoint's webhook (see webhookConfigurations); audit and shadow never deny. */
export function endpointFailurePolicy(endpoint: ReviewEndpoint, mode: WebhookMode): 'Fail' | 'Ignore' {
  if (mode !== 'enforce') return 'Ignore';
  return endpoint === 'validate' || endpoint === 'validate-fail' ? 'Fail' : 'Ignore';
}

/** Options of handleReview. */
export interface HandleOptions {
  mode: WebhookMode;
  endpoint?: ReviewEndpoint;
  /** Kyverno's resourceFilters, excludeGroups and excludeUsernames; omitted means filter nothing. */
  config?: KyvernoConfig;
  /**
   * Validation applies the policies' mutations first. Default: only in shadow mode, whose /mutate patches
   * nothing, so the object reaching /validate is not what Kyverno would have validated. In enforce and
   * audit modes the API server sends /validate the object /mutate's patch produced: mutating it again
   * would double non-idempotent patches (a JSON6902 append) and cost a second mutation per review.
   */
  applyMutations?: boolean;
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
    return done(failure(opts, error), [], { skipped: 'not-ready', error });
  }
  try {
    if (opts.endpoint === 'mutate') {
      // Shadow mode must never change what the cluster stores.
      if (opts.mode === 'shadow') return done({ allowed: true, warnings: [] }, []);
      const outcome = engine.mutateOutcome?.(request) ?? { patch: engine.mutate?.(request) ?? [] };
      if (outcome.blocked) return done(mutationBlocked(opts.mode, outcome.blocked), []);
      const { patch } = outcome;
      return done({ allowed: true, warnings: [], ...(patch.length > 0 ? { patch } : {}) }, []);
    }
    const only = opts.endpoint === 'validate-fail' ? 'Fail' : opts.endpoint === 'validate-ignore' ? 'Ignore' : undefined;
    const answer = engine.validate(request, only, { applyMutations: opts.applyMutations ?? opts.mode === 'shadow' });
    if (answer.contextError) return done(contextFailure(opts.mode, (answer.contextErrorWebhook ?? only) === 'Ignore' ? WEBHOOK_NAMES.Ignore : WEBHOOK_NAMES.Fail, answer.contextError), []);
    // An engine may evaluate more than asked; the webhook decides on its own failurePolicy's verdicts only.
    const results = only ? answer.results.filter((r) => r.failurePolicy === only) : answer.results;
    const decision = decideAdmission(request, results, {
      mode: opts.mode,
      overrides: answer.overrides,
      ...(answer.namespaceLabels ? { namespaceLabels: answer.namespaceLabels } : {}),
      ...(answer.denialOmitsSkips ? { denialOmitsSkips: true } : {}),
    });
    return done(decision, results, shadowOf(engine, opts, request, decision, results));
  } catch (err) {
    const error = `podgate: internal error while evaluating policies: ${err instanceof Error ? err.message : String(err)}`;
    return done(failure(opts, error), [], { error });
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

/** A Kyverno webhook answering with its error (no policy context): enforce denies; audit warns; shadow records. */
function contextFailure(mode: WebhookMode, webhook: string, message: string): AdmissionDecision {
  if (mode === 'enforce') return { allowed: false, code: 403, message, warnings: [], webhook };
  return { allowed: true, warnings: mode === 'audit' ? [message] : [], wouldDeny: { webhook, message } };
}

/** Kyverno's mutating webhook refusing: enforce denies with its message; audit allows with it as a warning. */
function mutationBlocked(mode: WebhookMode, message: string): AdmissionDecision {
  if (mode === 'enforce') return { allowed: false, code: 403, message, warnings: [], webhook: MUTATING_WEBHOOK };
  return { allowed: true, warnings: mode === 'audit' ? [message] : [], wouldDeny: { webhook: MUTATING_WEBHOOK, message } };
}

/** The name of Kyverno's mutating webhook (failurePolicy Fail). */
export const MUTATING_WEBHOOK = 'mutate.kyverno.svc-fail';

/** Enforce fails closed (a denial naming the problem); audit and shadow let the request through. */
/**
 * An answer without a verdict, as the endpoint's failurePolicy would have it: Fail denies with code 500;
 * Ignore (a fail-open endpoint, audit and shadow modes) allows, with the message as a warning except in
 * shadow mode (which must stay invisible).
 */
function failure(opts: HandleOptions, message: string): AdmissionDecision {
  if (endpointFailurePolicy(opts.endpoint ?? 'validate', opts.mode) === 'Fail') return { allowed: false, code: 500, message, warnings: [] };
  return { allowed: true, warnings: opts.mode === 'shadow' ? [] : [message] };
}
