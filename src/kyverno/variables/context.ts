// The JSON context that `{{ }}` expressions are evaluated against, built immutably (copy on write) so a
// compiled policy can evaluate many resources. Mirrors kyverno@v1.10.7:pkg/engine/context/context.go
// (AddResource, AddOldResource, AddOperation, AddUserInfo, AddServiceAccount, AddImageInfos, AddElement,
// AddVariable).
import type { KubeObject, UserInfo } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { imageInfos } from './images.js';

/** What the request-level context is built from. */
export interface RequestContextInput {
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  operation?: string;
  namespace?: string;
  userInfo?: UserInfo;
  roles?: string[];
  clusterRoles?: string[];
}

const SA_PREFIX = 'system:serviceaccount:';

/** Builds the base context: request.*, serviceAccountName/Namespace and images. */
export function buildContext(input: RequestContextInput): JsonObject {
  const request: JsonObject = {};
  if (input.object) request.object = input.object as unknown as JsonObject;
  if (input.oldObject) request.oldObject = input.oldObject as unknown as JsonObject;
  if (input.operation) request.operation = input.operation;
  if (input.namespace !== undefined) request.namespace = input.namespace;
  if (input.userInfo || input.roles || input.clusterRoles) {
    request.userInfo = (input.userInfo ?? {}) as JsonObject;
    request.roles = input.roles ?? [];
    request.clusterRoles = input.clusterRoles ?? [];
  }
  const ctx: JsonObject = { request };
  const username = input.userInfo?.username ?? '';
  if (username.startsWith(SA_PREFIX)) {
    const rest = username.slice(SA_PREFIX.length);
    const i = rest.indexOf(':');
    if (i > 0) {
      ctx.serviceAccountNamespace = rest.slice(0, i);
      ctx.serviceAccountName = rest.slice(i + 1);
    }
  }
  const imageSource = input.object && Object.keys(input.object).length > 0 ? input.object : input.oldObject;
  const images = imageSource ? imageInfos(imageSource as unknown as JsonObject) : undefined;
  if (images) ctx.images = images;
  return ctx;
}

/** Returns a copy of ctx with `value` stored at the dotted key (`a.b.c` creates nested maps). */
export function withVariable(ctx: JsonObject, key: string, value: JsonValue): JsonObject {
  const parts = key.split('.');
  const set = (node: JsonObject, i: number): JsonObject => {
    const k = parts[i] ?? '';
    if (i === parts.length - 1) return { ...node, [k]: value };
    const child = node[k];
    return { ...node, [k]: set(isObject(child) ? child : {}, i + 1) };
  };
  return set(ctx, 0);
}

/** Returns a copy of ctx with foreach's `element`, `elementIndex` and their `<nesting>` suffixed forms. */
export function withElement(ctx: JsonObject, element: JsonValue, index: number, nesting: number): JsonObject {
  return { ...ctx, element, elementIndex: index, [`element${nesting}`]: element, [`elementIndex${nesting}`]: index };
}
