// Public surface of kyverno/mutate: mutate rules (strategic merge with anchors, JSON6902, foreach), the
// per-policy mutation loop, and the JSONPatch diff for admission responses (kyverno@v1.10.7:pkg/engine/mutate).
export type { AdmissionOutcome } from './admit-resource.js';
export { admissionPolicies, admitResource, inAdmission } from './admit-resource.js';
export { patchedResourceDiff, samePatchedResource } from './compare.js';
export type { JsonPatchOp } from './json-patch-diff.js';
export { createJsonPatch, filterKyvernoPatches } from './json-patch-diff.js';
export type { Json6902Outcome } from './json6902.js';
export { applyJson6902 } from './json6902.js';
export type { PolicyMutation } from './mutate-policy.js';
export { mutatePolicy } from './mutate-policy.js';
export type { MutateOptions, MutateOutcome } from './mutate-rule.js';
export { applyMutateRule } from './mutate-rule.js';
export type { PatchOutcome, PatchSpec } from './patcher.js';
export { applyPatchSpec, applyStrategicMergePatch } from './patcher.js';
export { MergeError, strategicMerge } from './strategic-merge.js';
