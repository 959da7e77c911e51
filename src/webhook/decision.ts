// The admission decision over the engine's verdicts: effective action (with overrides), block on
// an Enforce failure or on an error under failurePolicy Fail, the denial body, and the warnings.
// Mirrors kyverno@v1.10.7:pkg/webhooks/utils/block.go, pkg/utils/engine/response.go,
// pkg/webhooks/utils/warning.go and pkg/webhooks/resource/handlers.go (filterPolicies per webhook).
import type { AdmissionRequest } from '../kube/index.js';
import { type ActionOverride, effectiveAction, isSynchronous } from './effective-action.js';
import { formatBlockedMessage } from './reply-text.js';
import { type PolicyVerdict, policyKey } from './results.js';

/** How podgate acts on the decision: as Kyverno, as if every policy were Audit, or never deny. */
export type WebhookMode = 'enforce' | 'audit' | 'shadow';

/** Kyverno's two validating webhooks, one per failurePolicy. */
export const WEBHOOK_NAMES = { Fail: 'validate.kyverno.svc-fail', Ignore: 'validate.kyverno.svc-ignore' } as const;

/** A JSON Patch operation (RFC 6902), for /mutate answers. */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** What the webhook answers. */
export interface AdmissionDecision {
  allowed: boolean;
  /** 403 when denied. */
  code?: number;
  /** Kyverno's denial body when denied. */
  message?: string;
  warnings: string[];
  patch?: JsonPatchOp[];
  /** The Kyverno webhook that would have denied (`validate.kyverno.svc-fail` / `-ignore`). */
  webhook?: string;
  /** In audit and shadow mode: the denial Kyverno would have sent, which podgate did not. */
  wouldDeny?: { webhook: string; message: string };
}

/** Options of decideAdmission. */
export interface DecisionOptions {
  mode?: WebhookMode;
  /** spec.validationFailureActionOverrides by policy key (`name`, or `ns/name` for a Policy). */
  overrides?: ReadonlyMap<string, readonly ActionOverride[]>;
  /** Labels of the request's namespace (for override namespaceSelectors). */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** Leave skipped rules out of the denial body, as Kyverno 1.12 does (1.10 lists them). */
  denialOmitsSkips?: boolean;
}

interface Batch {
  failurePolicy: 'Fail' | 'Ignore';
  results: { verdict: PolicyVerdict; action: 'Audit' | 'Enforce' }[];
}

function isBlocked(batch: Batch): boolean {
  return batch.results.some(
    ({ verdict, action }) =>
      (action === 'Enforce' && verdict.rules.some((r) => r.status === 'fail')) ||
      (batch.failurePolicy === 'Fail' && verdict.rules.some((r) => r.status === 'error')),
  );
}

/** Kyverno 1.10's body: every rule that did not pass (skips included; 1.12 leaves them out), keyed policy → rule. */
function blockedMessage(batch: Batch, omitSkips: boolean): string {
  const failures = new Map<string, Map<string, string>>();
  for (const { verdict } of batch.results) {
    const rules = new Map<string, string>();
    for (const r of verdict.rules) if (r.status !== 'pass' && !(omitSkips && r.status === 'skip')) rules.set(r.rule, r.message);
    // Policy names collide across namespaces just as in Kyverno's map, keyed by GetName().
    if (rules.size > 0) failures.set(verdict.policy.name, rules);
  }
  const first = batch.results[0]!.verdict.resource;
  return formatBlockedMessage({ kind: first.kind, namespace: first.namespace ?? '', name: first.name }, failures);
}

function warningsOf(batch: Batch): string[] {
  const out: string[] = [];
  for (const { verdict } of batch.results) {
    for (const r of verdict.rules) {
      if (r.status !== 'pass' && r.status !== 'skip') out.push(`policy ${verdict.policy.name}.${r.rule}: ${r.message}`);
    }
  }
  return out;
}

/**
 * Decides one admission request from the verdicts of the validate policies that matched it.
 * Policies that are Audit with no Enforce override are not part of the synchronous decision
 * (Kyverno evaluates them after answering), so they neither block nor warn.
 */
export function decideAdmission(request: AdmissionRequest, results: readonly PolicyVerdict[], opts: DecisionOptions = {}): AdmissionDecision {
  const mode = opts.mode ?? 'enforce';
  const namespace = request.namespace ?? '';
  const labels = opts.namespaceLabels ?? (namespace ? { 'kubernetes.io/metadata.name': namespace } : {});
  const batches: Batch[] = [
    { failurePolicy: 'Fail', results: [] },
    { failurePolicy: 'Ignore', results: [] },
  ];
  for (const verdict of results) {
    const overrides = opts.overrides?.get(policyKey(verdict.policy)) ?? [];
    if (!isSynchronous(verdict.action, overrides)) continue;
    const action = effectiveAction(verdict.action, overrides, verdict.resource.namespace ?? namespace, labels);
    batches[verdict.failurePolicy === 'Ignore' ? 1 : 0]!.results.push({ verdict, action });
  }
  // The API server calls both webhooks; a denial from the Fail webhook is reported first.
  const blocking = batches.find(isBlocked);
  const warnings = batches.flatMap(warningsOf);
  if (!blocking) return { allowed: true, warnings };
  const webhook = WEBHOOK_NAMES[blocking.failurePolicy];
  const message = blockedMessage(blocking, opts.denialOmitsSkips === true);
  if (mode === 'enforce') return { allowed: false, code: 403, message, warnings: [], webhook };
  // Audit mode answers as if every policy were Audit: allowed, with each problem as a warning.
  return { allowed: true, warnings: mode === 'audit' ? warnings : [], wouldDeny: { webhook, message } };
}
