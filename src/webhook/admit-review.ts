// `podgate admit`: one AdmissionReview answered as the API server experiences Kyverno — the mutating
// webhook's JSONPatch (patchType JSONPatch, base64 patch) together with the validating webhook's verdict
// on the mutated object. Mirrors kyverno@v1.10.7:pkg/webhooks/resource/handlers.go (Mutate → MutationResponse
// with the patch; Validate on the object the API server sends after mutation).
import type { AdmissionEngine, HandledReview, HandleOptions } from './handle-review.js';
import { handleReview } from './handle-review.js';
import { encodeReview } from './review-codec.js';

/**
 * Mutates first — a refusal of the mutating webhook ends the request there, as in the API server — then
 * validates (on the mutated object, as the engine does) and, when the request is allowed, adds the
 * mutation patch. A denied request carries no patch: the API server stores nothing.
 */
export function admitReview(body: unknown, engine: AdmissionEngine | undefined, opts: Omit<HandleOptions, 'endpoint'>): HandledReview {
  const mutated = handleReview(body, engine, { ...opts, endpoint: 'mutate' });
  if (mutated.kind !== 'review' || mutated.skipped || mutated.error || !mutated.decision.allowed) return mutated;
  // The body is the request as sent: validation sees it as the mutating webhook's patch would leave it.
  const validated = handleReview(body, engine, { ...opts, endpoint: 'validate', applyMutations: true });
  if (validated.kind !== 'review' || !validated.decision.allowed || validated.skipped || validated.error) return validated;
  const patch = mutated.decision.patch;
  const warnings = [...mutated.decision.warnings, ...validated.decision.warnings];
  if ((!patch || patch.length === 0) && warnings.length === validated.decision.warnings.length) return validated;
  const decision = { ...validated.decision, warnings, ...(patch && patch.length > 0 ? { patch } : {}) };
  return { ...validated, decision, review: encodeReview(validated.review.apiVersion, validated.request.uid, decision) };
}
