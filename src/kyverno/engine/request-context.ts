// The request-level pieces every rule of a policy starts from: the base JSON context (request.object /
// oldObject, operation, namespace, user info, values-file globals) and the match input. Shared by
// validation (evaluatePolicy) and mutation (mutatePolicy). Mirrors kyverno@v1.10.7:pkg/engine/policycontext
// (NewPolicyContext: on DELETE the resource is the old object) and pkg/engine/context/context.go.
import { type KubeObject, splitApiVersion } from '../../kube/index.js';
import { type JsonObject, RecentMap, REQUEST_MEMO_SLOTS } from '../../util/index.js';
import { forgetRootMemos } from '../jmespath/index.js';
import type { MatchInput } from '../match/index.js';
import type { Policy } from '../model/index.js';
import { buildContext, withVariable } from '../variables/index.js';
import type { EvaluationContext, ResourceRef } from './types.js';
import { DEFAULT_PROFILE } from './profile.js';
import { valueKeyPath } from './values-keys.js';

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
  // One literal (absent objects as undefined), not conditional spreads: V8's slow path, and this runs for
  // every request and for every object a mutate rule produces.
  return { operation, isDelete, newObject, oldObject, subject, namespace: subject.metadata?.namespace ?? '' };
}

// The base context depends only on the resource and the request context, and nothing downstream mutates
// it (variables are added with copy-on-write), so one build serves every policy evaluated on the same
// request: admission and audits evaluate many policies against one object.

/**
 * A per-request cache: values keyed by the (resource, ctx) pair, the most recently used few kept (see
 * util/recent.ts: a weak-map insert per fresh request object cost more than most of what it saved).
 * Admission evaluates every policy on one pair, and mutation moves through a short chain of objects.
 */
function requestMemo<T>(build: (resource: KubeObject, ctx: EvaluationContext) => T): (resource: KubeObject, ctx: EvaluationContext) => T {
  const recent = new RecentMap<KubeObject, { ctx: EvaluationContext; value: T }>(REQUEST_MEMO_SLOTS);
  return (resource, ctx) => {
    const hit = recent.get(resource);
    if (hit !== undefined && hit.ctx === ctx) return hit.value;
    const value = build(resource, ctx);
    recent.set(resource, { ctx, value });
    return value;
  };
}

const baseContextMemo = requestMemo(buildBaseContextUncached);

/** The base context of a request: request.*, user info, images, then the values file's global variables. */
export function buildBaseContext(resource: KubeObject, ctx: EvaluationContext): JsonObject {
  return baseContextMemo(resource, ctx);
}

/** What every policy evaluated on one request shares: its objects, and the match input of each object. */
export interface RequestState {
  objects: RequestObjects;
  /** The resource every PolicyResult of the request is about (frozen: shared by those results). */
  ref: ResourceRef;
  /** Match input for the new object (none when it is absent or empty); without policyNamespace. */
  newMatch?: MatchInput;
  /** Match input for the old object (none when it is absent or empty); without policyNamespace. */
  oldMatch?: MatchInput;
}

// Cached like the base context: admission evaluates every policy against the same request.
const requestStateMemo = requestMemo(buildRequestState);

/** The request's objects and match inputs, built once per (resource, ctx). */
export function requestState(resource: KubeObject, ctx: EvaluationContext): RequestState {
  return requestStateMemo(resource, ctx);
}

function isEmptyObject(o: KubeObject | undefined): boolean {
  return !o || Object.keys(o).length === 0;
}

function buildRequestState(resource: KubeObject, ctx: EvaluationContext): RequestState {
  const objects = requestObjects(resource, ctx);
  const matchBase = matchBaseOf(objects, ctx);
  return {
    objects,
    ref: resourceRef(objects),
    ...(isEmptyObject(objects.newObject) ? {} : { newMatch: Object.assign({}, matchBase, { resource: objects.newObject as KubeObject }) }),
    ...(isEmptyObject(objects.oldObject) ? {} : { oldMatch: Object.assign({}, matchBase, { resource: objects.oldObject as KubeObject }) }),
  };
}

// As unstructured's GetKind/GetName: a field that is not a string reads "" (a hand-made review could send a
// number or null, which printed as "resource undefined/…" in the denial). Plain literals rather than
// conditional spreads; the keys keep their order for JSON output.
function resourceRef({ subject, namespace }: RequestObjects): ResourceRef {
  const md = subject.metadata;
  const name = typeof md?.name === 'string' ? md.name : typeof md?.generateName === 'string' ? md.generateName : '';
  const kind = typeof subject.kind === 'string' ? subject.kind : '';
  const apiVersion = typeof subject.apiVersion === 'string' ? subject.apiVersion : '';
  return Object.freeze(namespace !== '' ? { kind, apiVersion, namespace, name } : { kind, apiVersion, name });
}

function buildBaseContextUncached(resource: KubeObject, ctx: EvaluationContext): JsonObject {
  // A new request: the JMESPath results memoized on the previous requests' objects are not read again.
  forgetRootMemos();
  const { operation, newObject, oldObject, namespace } = requestObjects(resource, ctx);
  const info = ctx.requestInfo;
  // buildContext treats absent and undefined inputs alike.
  let base = buildContext({
    object: newObject,
    oldObject,
    operation,
    namespace,
    userInfo: info?.userInfo,
    roles: info?.roles,
    clusterRoles: info?.clusterRoles,
    admission: ctx.admissionRequest,
    imageReferences: (ctx.profile ?? DEFAULT_PROFILE).imageReferences,
  });
  const global = ctx.values?.global;
  if (global !== undefined) {
    for (const [k, v] of Object.entries(global)) {
      // request.object.* values are ignored: the object comes from the resource itself (kyverno CLI notice).
      if (k.startsWith('request.object')) continue;
      // A key the profile cannot read (a stray quote, 1.12) was refused with the values file (valueKeyErrors).
      const key = valueKeyPath(k, ctx.profile);
      if (key.ok) base = withVariable(base, key.path, v);
    }
  }
  return base;
}

/** The match input of a request, without the resource (match runs against the new and the old object). */
export function buildMatchBase(policy: Policy, resource: KubeObject, ctx: EvaluationContext): Omit<MatchInput, 'resource'> {
  return {
    ...matchBaseOf(requestObjects(resource, ctx), ctx),
    ...(policy.namespace !== undefined ? { policyNamespace: policy.namespace } : {}),
  };
}

function matchBaseOf(req: RequestObjects, ctx: EvaluationContext): Omit<MatchInput, 'resource'> {
  const { group, version } = splitApiVersion(req.subject.apiVersion ?? '');
  return {
    gvk: ctx.gvk ?? { group, version, kind: req.subject.kind },
    subresource: ctx.subresource ?? '',
    operation: req.operation,
    namespaceLabels: ctx.namespaceLabels ?? {},
    ...(ctx.requestInfo ? { requestInfo: ctx.requestInfo } : {}),
    // The profile carries the subject switches (SubjectMatching); without one matching follows 1.10.
    ...(ctx.profile ? { subjectMatching: ctx.profile } : {}),
  };
}
