// Admission order for one resource: every policy's mutate rules first, in policy order, each policy seeing
// the previous one's output; then every policy's validate rules on the final mutated object. Mirrors
// kyverno@v1.10.7:pkg/webhooks/resource/mutation (applyMutations: policies chained on PatchedResource) and
// the API server calling the validating webhook with the mutated object (resource/validation).
import type { KubeObject } from '../../kube/index.js';
import { type CompiledPolicy, DEFAULT_PROFILE, type EngineProfile, type EvaluationContext, evaluatePolicy, type PolicyResult, type RuleResult } from '../engine/index.js';
import { createJsonPatch, filterKyvernoPatches, type JsonPatchOp } from './json-patch-diff.js';
import { mutatePolicy } from './mutate-policy.js';

/** What admission makes of one resource. */
export interface AdmissionOutcome {
  /** Every mutate rule result, policy by policy, in evaluation order. */
  mutateResults: RuleResult[];
  /** The resource after all mutations (the input itself when nothing changed). */
  patched: KubeObject;
  /** JSONPatch from the input to `patched`, with Kyverno's filter (no /status, only name/namespace/labels/annotations under metadata). */
  patch: JsonPatchOp[];
  /** One result per policy, evaluated against `patched` (policies with no matching validate rule have no rules). */
  validateResults: PolicyResult[];
}

// Kyverno registers its mutating webhook for CREATE and UPDATE only: DELETE and CONNECT are validated as is.
const MUTATING_OPERATIONS = new Set(['CREATE', 'UPDATE']);

/** Mutates the resource with every policy (in order), then validates the mutated object with every policy. */
export function admitResource(all: readonly CompiledPolicy[], resource: KubeObject, ctx: EvaluationContext = {}): AdmissionOutcome {
  const policies = admissionPolicies(all, ctx.profile ?? DEFAULT_PROFILE);
  const mutateResults: RuleResult[] = [];
  let patched = resource;
  if (MUTATING_OPERATIONS.has(ctx.operation ?? 'CREATE')) {
    for (const policy of policies) {
      const m = mutatePolicy(policy, patched, ctx);
      mutateResults.push(...m.rules);
      patched = m.patched;
    }
  }
  const patch = patched === resource ? [] : filterKyvernoPatches(createJsonPatch(resource, patched));
  const validateResults = policies.map((p) => evaluatePolicy(p, patched, ctx));
  return { mutateResults, patched, patch, validateResults };
}

/**
 * The policies admission applies. With a profile that knows `spec.admission` (Kyverno 1.12), a policy with
 * `admission: false` is background-only and never sees an admission request; Kyverno 1.10's CRD has no
 * such field (the API server prunes it), so the policy applies there.
 */
export function admissionPolicies(policies: readonly CompiledPolicy[], profile: EngineProfile): readonly CompiledPolicy[] {
  if (!profile.policyAdmissionField) return policies;
  return policies.filter((p) => inAdmission(p.policy, profile));
}

/** Whether admission applies the policy under the profile (see admissionPolicies). */
export function inAdmission(policy: CompiledPolicy['policy'], profile: EngineProfile): boolean {
  if (!profile.policyAdmissionField) return true;
  const spec = policy.raw.spec;
  return !(spec !== null && typeof spec === 'object' && !Array.isArray(spec) && spec.admission === false);
}
