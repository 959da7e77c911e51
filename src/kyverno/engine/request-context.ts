// The request-level pieces every rule of a policy starts from: the base JSON context (request.object /
// oldObject, operation, namespace, user info, values-file globals) and the match input. Shared by
// validation (evaluatePolicy) and mutation (mutatePolicy). Mirrors kyverno@v1.10.7:pkg/engine/policycontext
// (NewPolicyContext: on DELETE the resource is the old object) and pkg/engine/context/context.go.
import { type KubeObject, splitApiVersion } from '../../kube/index.js';
import type { JsonObject } from '../../util/index.js';
import type { MatchInput } from '../match/index.js';
import type { Policy } from '../model/index.js';
import { buildContext, withVariable } from '../variables/index.js';
import type { EvaluationContext } from './types.js';

/** The objects of a request: on DELETE the given resource is the old object and there is no new one. */
export interface RequestObjects {
  operation: NonNullable<EvaluationContext['operation']>;
  isDelete: boolean;
  newObject?: KubeObject;
  oldObject?: KubeObject;
  /** The object results are about: the new one, else the old one. */
  subject: KubeObject;
  namespace: string;
}

/** Splits a resource and its request context into new/old objects, operation and namespace. */
export function requestObjects(resource: KubeObject, ctx: EvaluationContext): RequestObjects {
  const operation = ctx.operation ?? 'CREATE';
  const isDelete = operation === 'DELETE';
  const newObject = isDelete ? undefined : resource;
  const oldObject = isDelete ? resource : ctx.oldObject;
  const subject = newObject ?? oldObject ?? resource;
  return {
    operation,
    isDelete,
    ...(newObject ? { newObject } : {}),
    ...(oldObject ? { oldObject } : {}),
    subject,
    namespace: subject.metadata?.namespace ?? '',
  };
}

// The base context depends only on the resource and the request context, and nothing downstream mutates
// it (variables are added with copy-on-write), so one build serves every policy evaluated on the same
// request: admission and audits evaluate many policies against one object.
const baseCache = new WeakMap<KubeObject, WeakMap<EvaluationContext, JsonObject>>();

/** The base context of a request: request.*, user info, images, then the values file's global variables. */
export function buildBaseContext(resource: KubeObject, ctx: EvaluationContext): JsonObject {
  let perCtx = baseCache.get(resource);
  const hit = perCtx?.get(ctx);
  if (hit) return hit;
  const base = buildBaseContextUncached(resource, ctx);
  if (!perCtx) {
    perCtx = new WeakMap();
    baseCache.set(resource, perCtx);
  }
  perCtx.set(ctx, base);
  return base;
}

function buildBaseContextUncached(resource: KubeObject, ctx: EvaluationContext): JsonObject {
  const req = requestObjects(resource, ctx);
  let base = buildContext({
    ...(req.newObject ? { object: req.newObject } : {}),
    ...(req.oldObject ? { oldObject: req.oldObject } : {}),
    operation: req.operation,
    namespace: req.namespace,
    ...(ctx.requestInfo?.userInfo ? { userInfo: ctx.requestInfo.userInfo } : {}),
    ...(ctx.requestInfo?.roles ? { roles: ctx.requestInfo.roles } : {}),
    ...(ctx.requestInfo?.clusterRoles ? { clusterRoles: ctx.requestInfo.clusterRoles } : {}),
  });
  for (const [k, v] of Object.entries(ctx.values?.global ?? {})) {
    // request.object.* values are ignored: the object comes from the resource itself (kyverno CLI notice).
    if (!k.startsWith('request.object')) base = withVariable(base, k, v);
  }
  return base;
}

/** The match input of a request, without the resource (match runs against the new and the old object). */
export function buildMatchBase(policy: Policy, resource: KubeObject, ctx: EvaluationContext): Omit<MatchInput, 'resource'> {
  const req = requestObjects(resource, ctx);
  const { group, version } = splitApiVersion(req.subject.apiVersion ?? '');
  return {
    gvk: ctx.gvk ?? { group, version, kind: req.subject.kind },
    subresource: ctx.subresource ?? '',
    operation: req.operation,
    namespaceLabels: ctx.namespaceLabels ?? {},
    ...(ctx.requestInfo ? { requestInfo: ctx.requestInfo } : {}),
    ...(policy.namespace !== undefined ? { policyNamespace: policy.namespace } : {}),
  };
}
