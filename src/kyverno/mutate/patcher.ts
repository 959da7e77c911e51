// One patch step: a patchStrategicMerge (anchors preprocessed, then merged) or a patchesJson6902 text,
// applied to a resource. Mirrors kyverno@v1.10.7:pkg/engine/mutate/mutation.go (NewPatcher: the strategic
// merge wins when both are set) and patch/strategicMergePatch.go (a failed condition means an empty patch).
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { cloneJson } from './clone.js';
import { applyJson6902 } from './json6902.js';
import { checkPlainPattern, needsPreprocessing, preprocessPattern } from './preprocess.js';
import { MergeError, strategicMerge } from './strategic-merge.js';

/** The patch parts of a mutate rule or foreach declaration, variables already substituted. */
export interface PatchSpec {
  patchStrategicMerge?: JsonValue;
  patchesJson6902?: JsonValue;
}

/** A patch result: the new resource, or an error message (the rule's status becomes error). */
export type PatchOutcome = { ok: true; value: JsonObject } | { ok: false; error: string };

/** True when the spec carries a patch Kyverno would apply. */
export function hasPatch(spec: PatchSpec): boolean {
  return (spec.patchStrategicMerge !== undefined && spec.patchStrategicMerge !== null) || (typeof spec.patchesJson6902 === 'string' && spec.patchesJson6902 !== '');
}

/** Applies a strategic merge patch with Kyverno's anchor preprocessing. */
export function applyStrategicMergePatch(resource: JsonObject, patch: JsonValue): PatchOutcome {
  // The patch belongs to the policy (or shares its constant parts): preprocessing works on a copy, and
  // the merged resource never shares nodes with the policy.
  const plain = !needsPreprocessing(patch);
  const pattern = cloneJson(patch);
  const failure = plain ? checkPlainPattern(pattern, resource) : preprocessPattern(pattern, resource);
  let overlay: JsonValue = pattern;
  if (failure) {
    // A conditional or global anchor that does not hold turns the patch into `{}` (nothing changes).
    if (failure.kind === 'error') return { ok: false, error: `failed to preProcess rule: ${failure.message}` };
    overlay = {};
  }
  if (!isObject(overlay)) return { ok: false, error: 'failed to apply patchStrategicMerge: the patch must be a map' };
  try {
    return { ok: true, value: strategicMerge(resource, overlay) };
  } catch (err) {
    if (err instanceof MergeError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Applies the spec's patch (strategic merge first, as NewPatcher) to the resource. */
export function applyPatchSpec(resource: JsonObject, spec: PatchSpec): PatchOutcome {
  if (spec.patchStrategicMerge !== undefined && spec.patchStrategicMerge !== null) return applyStrategicMergePatch(resource, spec.patchStrategicMerge);
  if (typeof spec.patchesJson6902 === 'string' && spec.patchesJson6902 !== '') {
    const r = applyJson6902(resource, spec.patchesJson6902);
    if (!r.ok) return r;
    if (!isObject(r.value)) return { ok: false, error: 'the patched resource is not an object' };
    return { ok: true, value: r.value };
  }
  return { ok: false, error: 'empty mutate rule' };
}
