// Builds the webhook's AdmissionEngine from policies: load (ClusterPolicy/Policy, any file or
// directory), compile once (autogen), then per request mutate (all mutate rules first) and validate
// the mutated object with its operation, old object, kind, subresource and user. Mirrors the request →
// policy context step of kyverno@v1.10.7:pkg/webhooks/utils/policy_context_builder.go.
import { loadObjects } from '../cluster/index.js';
import { type AdmissionRequest, formatFieldError, formatInputError, type KubeObject } from '../kube/index.js';
import { admitResource, type CompiledPolicy, compilePolicy, evaluatePolicy, isKyvernoPolicy, loadPolicy, type Policy } from '../kyverno/index.js';
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
  const policies: Policy[] = [];
  for (const lo of r.objects) {
    if (!isKyvernoPolicy(lo.object)) continue;
    const where = `${lo.source.file}: document ${lo.source.document + 1}`;
    const loaded = loadPolicy(lo.object);
    for (const e of loaded.errors) problems.push(`${where}: ${formatFieldError(e)}`);
    if (loaded.policy && loaded.errors.length === 0) policies.push(loaded.policy);
  }
  if (problems.length === 0 && policies.length === 0) problems.push(`no Kyverno ClusterPolicy or Policy found in ${paths.join(', ')}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policies };
}

/** Options of createKyvernoEngine. */
export interface EngineOptions {
  /** Labels of a namespace (from a cluster dump); unknown namespaces get only the automatic name label. */
  namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  /** PodSecurityPolicy evaluation for shadow-mode comparison. */
  psp?: PspEvaluator;
}

/** An AdmissionEngine over compiled policies. */
export function createKyvernoEngine(policies: readonly Policy[], opts: EngineOptions = {}): AdmissionEngine {
  const compiled: CompiledPolicy[] = policies.map(compilePolicy);
  const overrides = new Map<string, readonly ActionOverride[]>(policies.map((p) => [policyKey(p), p.validationFailureActionOverrides]));
  const hasMutations = policies.some((p) => p.rules.some((r) => r.mutate !== undefined));
  const engine: AdmissionEngine = {
    ...(opts.psp ? { psp: opts.psp } : {}),
    mutate: (request) => engine.validate(request).patch ?? [],
    validate(request: AdmissionRequest): EngineAnswer {
      const namespace = request.namespace ?? '';
      // Without a cluster dump there is no namespace lister: the automatic name label is what every namespace has.
      const namespaceLabels: Record<string, string> = namespace ? { ...opts.namespaceLabels?.(namespace), 'kubernetes.io/metadata.name': namespace } : {};
      const isDelete = request.operation === 'DELETE';
      const resource = (isDelete ? request.oldObject : (request.object ?? request.oldObject)) as KubeObject | null | undefined;
      if (!resource) return { results: [], overrides, namespaceLabels };
      const ctx = {
        operation: request.operation,
        ...(request.oldObject && !isDelete ? { oldObject: request.oldObject } : {}),
        gvk: request.kind,
        ...(request.subResource ? { subresource: request.subResource } : {}),
        namespaceLabels,
        requestInfo: { userInfo: request.userInfo },
      };
      // With mutate policies, validation sees the object as mutated (the API server calls the
      // validating webhook after the mutating one); without, the object is evaluated as sent.
      const outcome = hasMutations ? admitResource(compiled, resource, ctx) : undefined;
      const results: PolicyVerdict[] = [];
      for (let i = 0; i < compiled.length; i++) {
        const r = outcome ? outcome.validateResults[i]! : evaluatePolicy(compiled[i]!, resource, ctx);
        if (r.rules.length === 0) continue;
        // The decision applies overrides itself and needs the policy's own action to tell the
        // synchronous (Enforce, or Enforce-overridden) policies from the asynchronous Audit ones.
        results.push({ ...r, action: policies[i]!.validationFailureAction });
      }
      if (outcome && outcome.patch.length > 0) return { results, overrides, namespaceLabels, patch: outcome.patch };
      return { results, overrides, namespaceLabels };
    },
  };
  return engine;
}
