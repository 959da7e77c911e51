// Builds the webhook's AdmissionEngine from policies: load (ClusterPolicy/Policy, any file or
// directory), compile once (autogen), then per request mutate (all mutate rules first) and validate
// the mutated object with its operation, old object, kind, subresource and user. Mirrors the request →
// policy context step of kyverno@v1.10.7:pkg/webhooks/utils/policy_context_builder.go.
import { loadObjects } from '../cluster/index.js';
import { type AdmissionRequest, formatInputError, type KubeObject, lineAt, requestMatchKind } from '../kube/index.js';
import { type ClusterContext, requesterRoles } from '../kyverno/config/index.js';
import {
  compilePolicySet,
  DEFAULT_PROFILE,
  type EngineProfile,
  inAdmission,
  createJsonPatch,
  type EvaluationContext,
  imageInfoError,
  evaluatePolicy,
  filterKyvernoPatches,
  loadPolicyList,
  mutatePolicy,
  type Policy,
  type PolicyValidation,
} from '../kyverno/index.js';
import { contextWebhooks } from './context-webhooks.js';
import type { ActionOverride } from './effective-action.js';
import type { AdmissionEngine, EngineAnswer, MutationOutcome } from './handle-review.js';
import type { PspEvaluator } from './psp-shadow.js';
import { type PolicyVerdict, policyKey } from './results.js';
import { isObject, type JsonObject, type JsonValue } from '../util/index.js';

/** Policies read from files, or every problem found (file, document, field). */
export type LoadedPolicies = { ok: true; policies: Policy[]; warnings?: string[] } | { ok: false; problems: string[] };

/** Reads Kyverno policies from files and directories (`-` is not accepted: the server rereads them). Checked against the CRD schema as `validation` says (default strict). */
export function loadPolicyFiles(paths: readonly string[], stdin?: string, validation: PolicyValidation = {}): LoadedPolicies {
  // An empty file among a folder's policies is refused: a reload while it is being rewritten would serve the set without its policies.
  const r = loadObjects(paths, { requireName: true, emptyFileError: true, ...(stdin !== undefined ? { stdin } : {}) });
  const problems = r.errors.map(formatInputError);
  const warnings: string[] = [];
  const policies = collectPolicies(
    r.objects.map((lo) => lo.object),
    (i, segments) => {
      const s = r.objects[i]!.source;
      return `${s.file}:${(segments && lineAt(r.objects[i]!.object, segments)) ?? s.line}: document ${s.document + 1}`;
    },
    problems,
    validation,
    warnings,
  );
  if (problems.length === 0 && policies.length === 0) problems.push(`no Kyverno ClusterPolicy or Policy found in ${paths.join(', ')}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policies, warnings };
}

/** The Kyverno policies among `objects` (others are ignored); each load problem is pushed, prefixed by `where(index)`. */
export function collectPolicies(
  objects: readonly KubeObject[],
  where: (i: number, segments?: readonly (string | number)[]) => string,
  problems: string[],
  validation: PolicyValidation = {},
  warnings: string[] = [],
): Policy[] {
  const r = loadPolicyList(objects, where, validation);
  problems.push(...r.problems);
  warnings.push(...r.warnings);
  // A server never runs a policy with problems: the caller refuses the whole set.
  return r.policies;
}

/**
 * The cluster context requests are evaluated in (namespace labels, ConfigMaps, PolicyExceptions): an
 * immutable plain-data snapshot, taken once per request; undefined means no cluster is known.
 */
export interface ClusterContextProvider {
  snapshot(): ClusterContext | undefined;
  /** Changes whenever snapshot() would return different data (lets a caller resend it to workers only then). */
  version?(): number;
}

/** Options of createKyvernoEngine. */
export interface EngineOptions {
  /** Namespaces, ConfigMaps, PolicyExceptions and RBAC bindings from a dump or a watch cache. */
  context?: ClusterContextProvider;
  /** Labels of a namespace (from a cluster dump); unknown namespaces get only the automatic name label. */
  namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  /** PodSecurityPolicy evaluation for shadow-mode comparison. */
  psp?: PspEvaluator;
  /** Kyverno version to follow (default 1.10); with 1.12, `spec.admission: false` policies are not served. */
  profile?: EngineProfile;
}

/**
 * The admission request as Kyverno puts it in the policy context (AddRequest: the AdmissionRequest marshalled
 * by Go): omitempty fields (subResource, requestKind, requestResource, requestSubResource, name, namespace,
 * dryRun) only when set; object, oldObject and options are RawExtensions, `null` when absent (no oldObject
 * on CREATE, no object on DELETE).
 */
function admissionRequestFields(r: AdmissionRequest): Record<string, JsonValue> {
  const raw = r as unknown as Record<string, unknown>;
  const out: Record<string, JsonValue> = { uid: r.uid, kind: r.kind, resource: r.resource as unknown as JsonValue };
  if (r.subResource) out.subResource = r.subResource;
  if (isObject(raw.requestKind)) out.requestKind = raw.requestKind;
  if (isObject(raw.requestResource)) out.requestResource = raw.requestResource;
  if (typeof raw.requestSubResource === 'string' && raw.requestSubResource !== '') out.requestSubResource = raw.requestSubResource;
  if (r.name) out.name = r.name;
  if (r.namespace) out.namespace = r.namespace;
  out.operation = r.operation;
  out.userInfo = r.userInfo as unknown as JsonValue;
  out.object = (r.object ?? null) as JsonValue;
  out.oldObject = (r.oldObject ?? null) as JsonValue;
  if (typeof r.dryRun === 'boolean') out.dryRun = r.dryRun;
  out.options = isObject(raw.options) ? raw.options : null;
  return out;
}

// Kyverno registers its mutating webhook for CREATE and UPDATE only (as admitResource does).
const MUTATING_OPERATIONS = new Set(['CREATE', 'UPDATE']);

/** An AdmissionEngine over compiled policies. */
export function createKyvernoEngine(all: readonly Policy[], opts: EngineOptions = {}): AdmissionEngine {
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const policies = all.filter((p) => inAdmission(p, profile));
  // Indexed by kind, operation and namespace: a request only looks at the policies whose rules can select it.
  const set = compilePolicySet(policies);
  const overrides = new Map<string, readonly ActionOverride[]>(policies.map((p) => [policyKey(p), p.validationFailureActionOverrides]));
  const hasMutations = policies.some((p) => p.rules.some((r) => r.mutate !== undefined));
  const omitSkips = profile.denialListsSkips ? {} : { denialOmitsSkips: true };

  /** The object under review and the evaluation context shared by every policy of the request. */
  const prepare = (request: AdmissionRequest) => {
    const namespace = request.namespace ?? '';
    const cluster = opts.context?.snapshot();
    // Without a cluster there is no namespace lister: the automatic name label is what every namespace has.
    // Own keys only: the snapshot may be a structured clone (a plain object) in a worker thread.
    const known = namespace && cluster && Object.hasOwn(cluster.namespaces, namespace) ? cluster.namespaces[namespace] : undefined;
    // Kyverno reads no namespace labels for Namespace requests (their `namespace` is the object's own name).
    const namespaceLabels: Record<string, string> =
      namespace && request.kind.kind !== 'Namespace' ? { ...(known ?? opts.namespaceLabels?.(namespace)), 'kubernetes.io/metadata.name': namespace } : {};
    const isDelete = request.operation === 'DELETE';
    const resource = (isDelete ? request.oldObject : (request.object ?? request.oldObject)) as KubeObject | null | undefined;
    const ctx: EvaluationContext = {
      operation: request.operation,
      ...(request.oldObject && !isDelete ? { oldObject: request.oldObject } : {}),
      // A subresource request is matched as its parent resource's kind (deployments/scale → Deployment + scale).
      gvk: requestMatchKind(request),
      ...(request.subResource ? { subresource: request.subResource } : {}),
      namespaceLabels,
      // Kyverno gives every request the roles and cluster roles its requester is bound to (GetRoleRef).
      requestInfo: cluster?.bindings ? { userInfo: request.userInfo, ...requesterRoles(cluster.bindings, request.userInfo) } : { userInfo: request.userInfo },
      ...(cluster?.configMaps ? { configMaps: cluster.configMaps } : {}),
      ...(cluster && cluster.exceptions.length > 0 ? { exceptions: cluster.exceptions } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      admissionRequest: admissionRequestFields(request),
    };
    return { resource, ctx, namespaceLabels };
  };

  /**
   * Every policy's mutate rules in policy order, each policy on the previous one's output, as Kyverno's
   * mutating webhook applies them: a policy with a failed or errored mutate rule blocks the request when
   * it would (a fail under Enforce, an error under failurePolicy Fail); otherwise its changes are dropped.
   */
  const mutation = (resource: KubeObject, ctx: EvaluationContext): { patched: KubeObject; blocked?: string } => {
    if (!hasMutations || !MUTATING_OPERATIONS.has(ctx.operation ?? 'CREATE')) return { patched: resource };
    let patched = resource;
    // Narrowed by operation only: a policy of the chain may still change what the next one matches.
    for (const c of set.candidates(ctx.gvk?.kind ?? resource.kind, ctx.subresource, { operation: ctx.operation ?? 'CREATE' }).mutate) {
      const m = mutatePolicy(c, patched, ctx);
      const bad = m.rules.filter((r) => r.status === 'fail' || r.status === 'error');
      if (bad.length === 0) {
        patched = m.patched;
        continue;
      }
      const policy = c.policy;
      const blocks = (bad.some((r) => r.status === 'fail') && policy.validationFailureAction === 'Enforce') || (bad.some((r) => r.status === 'error') && policy.failurePolicy === 'Fail');
      if (blocks) {
        // kyverno@v1.10.7 pkg/webhooks/resource/mutation: `mutation policy %s error: %v` around `failed to apply policy %s rules %v`.
        return { patched, blocked: `mutation policy ${policy.name} error: failed to apply policy ${policy.name} rules [${bad.map((r) => `${r.rule}: ${r.message}`).join(' ')}]` };
      }
    }
    return { patched };
  };

  /**
   * Kyverno's policy context cannot be built (an image of the request's object it cannot parse): the answer
   * of a Kyverno webhook that is called for the request (see context-webhooks.ts), whatever its policies
   * say. kyverno@v1.10.7 pkg/webhooks/resource/handlers.go (`failed create policy context`) and
   * pkg/engine/policycontext (AddImageInfos of the new object).
   */
  const webhooks = contextWebhooks(set.policies, { operationsFromRules: profile.webhookOperationsFromRules });
  const imageError = (request: AdmissionRequest, object: unknown = request.object): string | undefined => {
    if (!request.object || !object || !isObject(object as unknown)) return undefined;
    const err = imageInfoError(object as unknown as JsonObject);
    return err ? `failed create policy context: failed to add image information to the policy rule context: ${err}` : undefined;
  };

  /** The /mutate answer: the patch from the request object to the mutated one, or the refusal. */
  const mutateOutcome = (request: AdmissionRequest): MutationOutcome => {
    const { resource, ctx } = prepare(request);
    if (!resource) return { patch: [] };
    const failed = MUTATING_OPERATIONS.has(ctx.operation ?? 'CREATE') ? imageError(request) : undefined;
    if (failed && webhooks.mutating(ctx.gvk ?? requestMatchKind(request), ctx.subresource ?? '', request.namespace ?? '', ctx.operation ?? 'CREATE')) return { patch: [], blocked: failed };
    const m = mutation(resource, ctx);
    if (m.blocked) return { patch: [], blocked: m.blocked };
    return { patch: m.patched === resource ? [] : filterKyvernoPatches(createJsonPatch(resource, m.patched)) };
  };

  /** The object after every policy's mutate rules (the object itself when none applies). */
  const mutated = (resource: KubeObject, ctx: EvaluationContext): KubeObject => mutation(resource, ctx).patched;

  return {
    ...(opts.psp ? { psp: opts.psp } : {}),
    // /mutate needs the patch only: no validate rule runs for it.
    mutate: (request) => mutateOutcome(request).patch,
    mutateOutcome,
    validate(request, failurePolicy, options = {}): EngineAnswer {
      const { resource, ctx, namespaceLabels } = prepare(request);
      if (!resource) return { results: [], overrides, namespaceLabels, ...omitSkips };
      // The API server calls the validating webhook with the object the mutating webhook's patch
      // produced, so it is validated as sent; only a caller whose object skipped /mutate (admit, shadow
      // mode) asks for the mutations to be applied first. Kyverno builds the validating context from that
      // object: an image a mutation made unparseable is refused here.
      const patched = options.applyMutations === true ? mutated(resource, ctx) : resource;
      const failed = imageError(request, patched);
      if (failed) {
        // Every validating webhook registered for the kind answers with the error (Fail's first, as the API server calls either).
        const called = webhooks.validating(ctx.gvk ?? requestMatchKind(request), ctx.subresource ?? '', ctx.operation ?? 'CREATE');
        const by = failurePolicy ?? (called.has('Fail') ? 'Fail' : 'Ignore');
        if (called.has(by)) return { results: [], overrides, namespaceLabels, contextError: failed, contextErrorWebhook: by, ...omitSkips };
      }
      const results: PolicyVerdict[] = [];
      // Matched against the object and, on UPDATE, the old one (evaluatePolicy matches either).
      const scope = { operation: ctx.operation ?? 'CREATE', objects: [patched, ctx.oldObject] };
      for (const compiled of set.candidates(ctx.gvk?.kind ?? patched.kind, ctx.subresource, scope).validate) {
        const policy = compiled.policy;
        // Each Kyverno webhook evaluates only its failurePolicy's policies.
        if (failurePolicy !== undefined && policy.failurePolicy !== failurePolicy) continue;
        const r = evaluatePolicy(compiled, patched, ctx);
        if (r.rules.length === 0) continue;
        // The decision applies overrides itself and needs the policy's own action to tell the
        // synchronous (Enforce, or Enforce-overridden) policies from the asynchronous Audit ones.
        results.push({ ...r, action: policy.validationFailureAction });
      }
      return { results, overrides, namespaceLabels, ...omitSkips };
    },
  };
}
