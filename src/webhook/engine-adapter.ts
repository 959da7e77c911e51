// Builds the webhook's AdmissionEngine from policies: load (ClusterPolicy/Policy, any file or
// directory), compile once (autogen), then per request mutate (all mutate rules first) and validate
// the mutated object with its operation, old object, kind, subresource and user. Mirrors the request →
// policy context step of kyverno@v1.10.7:pkg/webhooks/utils/policy_context_builder.go.
import { loadObjects } from '../cluster/index.js';
import { type AdmissionRequest, formatInputError, type KubeObject, requestMatchKind } from '../kube/index.js';
import {
  compilePolicySet,
  createJsonPatch,
  type EvaluationContext,
  evaluatePolicy,
  filterKyvernoPatches,
  loadPolicyList,
  mutatePolicy,
  type Policy,
} from '../kyverno/index.js';
import type { ActionOverride } from './effective-action.js';
import type { AdmissionEngine, EngineAnswer } from './handle-review.js';
import type { PspEvaluator } from './psp-shadow.js';
import { type PolicyVerdict, policyKey } from './results.js';

/** Policies read from files, or every problem found (file, document, field). */
export type LoadedPolicies = { ok: true; policies: Policy[] } | { ok: false; problems: string[] };

/** Reads Kyverno policies from files and directories (`-` is not accepted: the server rereads them). */
export function loadPolicyFiles(paths: readonly string[], stdin?: string): LoadedPolicies {
  const r = loadObjects(paths, { requireName: true, ...(stdin !== undefined ? { stdin } : {}) });
  const problems = r.errors.map(formatInputError);
  const policies = collectPolicies(
    r.objects.map((lo) => lo.object),
    (i) => `${r.objects[i]!.source.file}: document ${r.objects[i]!.source.document + 1}`,
    problems,
  );
  if (problems.length === 0 && policies.length === 0) problems.push(`no Kyverno ClusterPolicy or Policy found in ${paths.join(', ')}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policies };
}

/** The Kyverno policies among `objects` (others are ignored); each load problem is pushed, prefixed by `where(index)`. */
export function collectPolicies(objects: readonly KubeObject[], where: (i: number) => string, problems: string[]): Policy[] {
  const r = loadPolicyList(objects, where);
  problems.push(...r.problems);
  // A server never runs a policy with problems: the caller refuses the whole set.
  return r.policies;
}

/** Options of createKyvernoEngine. */
export interface EngineOptions {
  /** Labels of a namespace (from a cluster dump); unknown namespaces get only the automatic name label. */
  namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  /** PodSecurityPolicy evaluation for shadow-mode comparison. */
  psp?: PspEvaluator;
}

// Kyverno registers its mutating webhook for CREATE and UPDATE only (as admitResource does).
const MUTATING_OPERATIONS = new Set(['CREATE', 'UPDATE']);

/** An AdmissionEngine over compiled policies. */
export function createKyvernoEngine(policies: readonly Policy[], opts: EngineOptions = {}): AdmissionEngine {
  // Indexed by kind: a request only looks at the policies whose rules can select its kind.
  const set = compilePolicySet(policies);
  const overrides = new Map<string, readonly ActionOverride[]>(policies.map((p) => [policyKey(p), p.validationFailureActionOverrides]));
  const hasMutations = policies.some((p) => p.rules.some((r) => r.mutate !== undefined));

  /** The object under review and the evaluation context shared by every policy of the request. */
  const prepare = (request: AdmissionRequest) => {
    const namespace = request.namespace ?? '';
    // Without a cluster dump there is no namespace lister: the automatic name label is what every namespace has.
    const namespaceLabels: Record<string, string> = namespace ? { ...opts.namespaceLabels?.(namespace), 'kubernetes.io/metadata.name': namespace } : {};
    const isDelete = request.operation === 'DELETE';
    const resource = (isDelete ? request.oldObject : (request.object ?? request.oldObject)) as KubeObject | null | undefined;
    const ctx: EvaluationContext = {
      operation: request.operation,
      ...(request.oldObject && !isDelete ? { oldObject: request.oldObject } : {}),
      // A subresource request is matched as its parent resource's kind (deployments/scale → Deployment + scale).
      gvk: requestMatchKind(request),
      ...(request.subResource ? { subresource: request.subResource } : {}),
      namespaceLabels,
      requestInfo: { userInfo: request.userInfo },
    };
    return { resource, ctx, namespaceLabels };
  };

  /** The object after every policy's mutate rules, in policy order (the object itself when none applies). */
  const mutated = (resource: KubeObject, ctx: EvaluationContext): KubeObject => {
    if (!hasMutations || !MUTATING_OPERATIONS.has(ctx.operation ?? 'CREATE')) return resource;
    let patched = resource;
    for (const p of set.candidates(ctx.gvk?.kind ?? resource.kind, ctx.subresource).mutate) patched = mutatePolicy(p, patched, ctx).patched;
    return patched;
  };

  return {
    ...(opts.psp ? { psp: opts.psp } : {}),
    // /mutate needs the patch only: no validate rule runs for it.
    mutate(request) {
      const { resource, ctx } = prepare(request);
      if (!resource) return [];
      const patched = mutated(resource, ctx);
      return patched === resource ? [] : filterKyvernoPatches(createJsonPatch(resource, patched));
    },
    validate(request, failurePolicy): EngineAnswer {
      const { resource, ctx, namespaceLabels } = prepare(request);
      if (!resource) return { results: [], overrides, namespaceLabels };
      // With mutate policies, validation sees the object as mutated (the API server calls the
      // validating webhook after the mutating one); without, the object is evaluated as sent.
      const patched = mutated(resource, ctx);
      const results: PolicyVerdict[] = [];
      for (const compiled of set.candidates(ctx.gvk?.kind ?? patched.kind, ctx.subresource).validate) {
        const policy = compiled.policy;
        // Each Kyverno webhook evaluates only its failurePolicy's policies.
        if (failurePolicy !== undefined && policy.failurePolicy !== failurePolicy) continue;
        const r = evaluatePolicy(compiled, patched, ctx);
        if (r.rules.length === 0) continue;
        // The decision applies overrides itself and needs the policy's own action to tell the
        // synchronous (Enforce, or Enforce-overridden) policies from the asynchronous Audit ones.
        results.push({ ...r, action: policy.validationFailureAction });
      }
      return { results, overrides, namespaceLabels };
    },
  };
}
