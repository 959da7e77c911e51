// The JSON context that `{{ }}` expressions are evaluated against, built immutably (copy on write) so a
// compiled policy can evaluate many resources. Mirrors kyverno@v1.10.7:pkg/engine/context/context.go
// (AddResource, AddOldResource, AddOperation, AddUserInfo, AddServiceAccount, AddImageInfos, AddElement,
// AddVariable).
import type { KubeObject, UserInfo } from '../../kube/index.js';
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
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
  /** The rest of the admission request (uid, kind, resource, subResource, name, dryRun, options, …); the fields above win. */
  admission?: Readonly<Record<string, JsonValue>>;
  /** `images` entries carry `reference` and `referenceWithTag` (Kyverno 1.11.2+; not 1.10.7). Default false. */
  imageReferences?: boolean;
}

const SA_PREFIX = 'system:serviceaccount:';

/** Builds the base context: request.*, serviceAccountName/Namespace and images. */
export function buildContext(input: RequestContextInput): JsonObject {
  const request: JsonObject = {};
  // Own keys only: a request field named `__proto__` must stay an ordinary key.
  if (input.admission) for (const [k, v] of Object.entries(input.admission)) setOwn(request, k, v);
  if (input.object) request.object = input.object as unknown as JsonObject;
  if (input.oldObject) request.oldObject = input.oldObject as unknown as JsonObject;
  if (input.operation) request.operation = input.operation;
  if (input.namespace !== undefined) request.namespace = input.namespace;
  if (input.userInfo || input.roles || input.clusterRoles) {
    request.userInfo = (input.userInfo ?? {}) as JsonObject;
    // Kyverno marshals its RequestInfo (kyverno.io/v1beta1), whose roles and clusterRoles are `omitempty`:
    // a requester bound to none has no such key, and `{{request.roles}}` does not resolve.
    if (input.roles && input.roles.length > 0) request.roles = input.roles;
    if (input.clusterRoles && input.clusterRoles.length > 0) request.clusterRoles = input.clusterRoles;
  }
  const ctx: JsonObject = { request };
  const username = input.userInfo?.username ?? '';
  // Kyverno's admission context always holds both (AddServiceAccount): '' for a requester that is not a
  // service account. (Kyverno slices any username after 22 characters; only the real prefix counts here.)
  if (input.admission) {
    ctx.serviceAccountNamespace = '';
    ctx.serviceAccountName = '';
  }
  if (username.startsWith(SA_PREFIX)) {
    const rest = username.slice(SA_PREFIX.length);
    const i = rest.indexOf(':');
    if (i > 0) {
      ctx.serviceAccountNamespace = rest.slice(0, i);
      ctx.serviceAccountName = rest.slice(i + 1);
    }
  }
  const imageSource = input.object && Object.keys(input.object).length > 0 ? input.object : input.oldObject;
  if (imageSource) {
    // Built with the context: every foreach copies the context (reading every key), so a lazy accessor
    // was read on almost every request anyway, and defining then replacing it cost more than the parse.
    // A resource without containers has no `images` key.
    const images = imageInfos(imageSource as unknown as JsonObject, { references: input.imageReferences === true });
    if (images !== undefined) ctx.images = images;
  }
  return ctx;
}

/**
 * Context entries whose load failed, kept on the context under a symbol key (enumerable, so the copies
 * made by Object.assign and spread carry it; JSON and key listings do not see it). Kyverno loads an entry
 * when a query first names it (deferred loading, on by default in v1.10.7 and v1.12.5): the failure is an
 * error of the query that reads the entry, not of the rule (pkg/engine/context/deferred.go).
 */
const FAILED_ENTRIES = Symbol('podgate.failedContextEntries');

interface FailedEntry {
  readonly name: string;
  readonly matcher: RegExp;
  readonly error: string;
}

type WithFailures = JsonObject & { [FAILED_ENTRIES]?: readonly FailedEntry[] };

/**
 * Records on ctx (changed in place: the caller owns it) that entry `name` failed to load with `error`.
 * A query reads the entry as Kyverno's deferred loader matches it: the name after the start, a space or
 * a character other than `.`, a digit or an ASCII letter, and before a word boundary (`x` in `x.y`,
 * `(x)`, `y || x`, not in `y.x`, `xy` or `x_y`). The name is matched literally.
 */
export function recordFailedEntry(ctx: JsonObject, name: string, error: string): void {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const entry: FailedEntry = { name, matcher: new RegExp(`(?:^|\\s|[^.0-9A-Za-z])${escaped}\\b`), error };
  const c = ctx as WithFailures;
  c[FAILED_ENTRIES] = [...(c[FAILED_ENTRIES] ?? []), entry];
}

/** The load error of the first failed entry a query reads, or undefined. */
export function failedEntryError(ctx: JsonObject, query: string): string | undefined {
  const failed = (ctx as WithFailures)[FAILED_ENTRIES];
  if (failed === undefined) return undefined;
  for (const f of failed) if (f.matcher.test(query)) return f.error;
  return undefined;
}

/** Returns a copy of ctx with `value` stored at the dotted key (`a.b.c` creates nested maps). */
export function withVariable(ctx: JsonObject, key: string | readonly string[], value: JsonValue): JsonObject {
  return setPath(ctx, typeof key === 'string' ? key.split('.') : key, 0, value);
}

// Module-level (no closure per call): withVariable runs for every foreach declaration and context entry.
function setPath(node: JsonObject, parts: readonly string[], i: number, value: JsonValue): JsonObject {
  const k = parts[i] ?? '';
  const v = i === parts.length - 1 ? value : setPath(childMap(node, k), parts, i + 1, value);
  // Object.assign rather than `{ ...node, [k]: v }` (V8's slow path on Node 20, see withElement).
  // A `__proto__` name (or one already stored) is an ordinary key: Object.assign would set the prototype.
  if (k !== '__proto__' && !Object.hasOwn(node, '__proto__')) return Object.assign({}, node, { [k]: v });
  const copy: JsonObject = { ...node };
  setOwn(copy, k, v);
  return copy;
}

function childMap(node: JsonObject, k: string): JsonObject {
  const child = getOwn(node, k);
  return isObject(child) ? child : {};
}

/** Returns a copy of ctx with foreach's `element`, `elementIndex` and their `<nesting>` suffixed forms. */
export function withElement(ctx: JsonObject, element: JsonValue, index: number, nesting: number): JsonObject {
  // Object.assign, not `{ ...ctx, element }`: on Node 20 a spread followed by more properties takes V8's
  // slow path (about 2 µs), and this runs once per foreach element. Same keys, same order.
  // A context holding a `__proto__` variable is copied by spread (Object.assign would set the prototype).
  const out: JsonObject = Object.hasOwn(ctx, '__proto__') ? { ...ctx } : Object.assign({}, ctx);
  // AddElement merges {element, element<n>, ...} into the context (addJSON: MergeMergePatches), so in a
  // nested foreach a map element is merged onto the outer loop's `element` map; element<n> is new.
  const outer = Object.hasOwn(ctx, 'element') ? ctx.element : undefined;
  out.element = outer === undefined || outer === null ? element : mergeMergeValue(outer, element);
  out.elementIndex = index;
  const names = nestedNames(nesting);
  out[names[0]] = element;
  out[names[1]] = index;
  return out;
}

/**
 * The value a context entry added with AddContextEntry (configMap, apiCall, imageRegistry) leaves under its
 * name, given what the name held (`undefined` when absent): MergeMergePatches of `{name: value}` into the
 * context, so a map merges into a map key by key, a null or an absent/null current value is replaced, and a
 * map over a non-map loses its null members. A `variable` entry (ReplaceContextEntry) replaces instead.
 * Neither argument is changed.
 */
export function mergeContextEntry(current: JsonValue | undefined, value: JsonValue): JsonValue {
  return value === null || current === undefined || current === null ? value : mergeMergeValue(current, value);
}

/**
 * evanphx/json-patch MergeMergePatches applied to one value: maps merge key by key (a null in the patch is
 * kept as null); a map patch over a non-map replaces it with its nulls pruned; a non-map patch replaces.
 */
function mergeMergeValue(cur: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  if (!isObject(cur)) return pruneNulls(patch);
  const out: JsonObject = {};
  for (const k of Object.keys(cur)) setOwn(out, k, cur[k] as JsonValue);
  for (const k of Object.keys(patch)) {
    const v = patch[k] as JsonValue;
    const has = Object.hasOwn(out, k);
    const c = has ? out[k] : undefined;
    setOwn(out, k, v === null || !has || c === null || c === undefined ? v : mergeMergeValue(c, v));
  }
  return out;
}

/** pruneNulls: null members of maps removed, recursively (nulls inside lists stay). */
function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map((x) => (x === null ? x : pruneNulls(x)));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const x = v[k] as JsonValue;
    if (x !== null) setOwn(out, k, pruneNulls(x));
  }
  return out;
}

// `element<n>` / `elementIndex<n>` for the nesting levels seen so far, built once each.
const nestedNameCache: (readonly [string, string])[] = [];

function nestedNames(nesting: number): readonly [string, string] {
  let names = nestedNameCache[nesting];
  if (names === undefined) {
    names = [`element${nesting}`, `elementIndex${nesting}`];
    nestedNameCache[nesting] = names;
  }
  return names;
}
