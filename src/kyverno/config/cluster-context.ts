// What Kyverno reads from the cluster while admitting: namespace labels (namespaceSelector, override
// selectors), ConfigMaps (`context.configMap`) and PolicyExceptions — as one immutable, plain-data snapshot
// (structured-clonable, so it can cross to a worker thread), built from objects of a dump or a watch cache.
// Which PolicyExceptions are in effect follows the kyverno chart's `features.policyExceptions`
// (kyverno chart 3.0.9: `--enablePolicyException` and `--exceptionNamespace`, both off by default).
// Mirrors kyverno@v1.10.7:cmd/kyverno/main.go (exception lister scoped to exceptionNamespace when set,
// none when disabled) and pkg/webhooks/utils (namespace labels from the namespace lister).
import type { ConfigMapData } from '../engine/index.js';
import { EXCEPTION_API_VERSIONS, isPolicyExceptionObject, loadPolicyException, type PolicyException } from '../model/exception.js';
import type { Policy } from '../model/index.js';
import { formatFieldError, type KubeObject } from '../../kube/index.js';
import { isObject, type JsonValue } from '../../util/index.js';

/** Kyverno's PolicyException feature flags. */
export interface ExceptionFeatures {
  /** `features.policyExceptions.enabled` (chart 3.0.9 default false). */
  enabled: boolean;
  /** `features.policyExceptions.namespace`: only exceptions there count; '' means every namespace. */
  namespace: string;
}

/** The kyverno chart 3.0.9 defaults: exceptions disabled. */
export const DEFAULT_EXCEPTION_FEATURES: ExceptionFeatures = Object.freeze({ enabled: false, namespace: '' });

/** `features.policyExceptions` from a kyverno chart values document (defaults where absent). */
export function exceptionFeaturesFromValues(values: unknown): { features: ExceptionFeatures; errors: string[] } {
  const errors: string[] = [];
  const f = isObject(values) && isObject(values.features) && isObject(values.features.policyExceptions) ? values.features.policyExceptions : undefined;
  if (!f) return { features: { ...DEFAULT_EXCEPTION_FEATURES }, errors };
  let enabled = DEFAULT_EXCEPTION_FEATURES.enabled;
  if (f.enabled !== undefined && f.enabled !== null) {
    if (typeof f.enabled === 'boolean') enabled = f.enabled;
    else errors.push(`features.policyExceptions.enabled: must be true or false, got ${JSON.stringify(f.enabled)}`);
  }
  let namespace = DEFAULT_EXCEPTION_FEATURES.namespace;
  if (f.namespace !== undefined && f.namespace !== null) {
    if (typeof f.namespace === 'string') namespace = f.namespace;
    else errors.push(`features.policyExceptions.namespace: must be a string, got ${JSON.stringify(f.namespace)}`);
  }
  return { features: { enabled, namespace }, errors };
}

/** A RoleBinding (namespace set) or ClusterRoleBinding (namespace ''), as Kyverno's GetRoleRef reads it. */
export interface RoleBindingData {
  namespace: string;
  roleKind: string;
  roleName: string;
  subjects: readonly { kind: string; name: string; namespace: string }[];
}

/** The cluster as Kyverno's admission controller sees it; plain data, never changed after it is built. */
export interface ClusterContext {
  /** Labels of every known namespace, by name. */
  namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ConfigMaps by `namespace/name`; absent when no cluster is known (entries are then left unloaded). */
  configMaps?: Readonly<Record<string, ConfigMapData>>;
  /** The PolicyExceptions Kyverno would apply (feature flag and namespace restriction applied). */
  exceptions: readonly PolicyException[];
  /** Exceptions present but not in effect, each with the reason (`ns/name: ...`). */
  ignoredExceptions: readonly string[];
  /**
   * RoleBindings and ClusterRoleBindings (by namespace, then name), from which each request's `roles` and
   * `clusterRoles` are computed; absent when no cluster is known (requests then have none).
   */
  bindings?: readonly RoleBindingData[];
}

/** Where a context's objects may be unusable: invalid PolicyExceptions, with field paths. */
export interface ClusterContextBuild {
  context: ClusterContext;
  /** Invalid PolicyExceptions (Kyverno's webhook would have refused them). */
  problems: string[];
  /** Exceptions that exist but protect nothing, and why. */
  warnings: string[];
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/**
 * Builds the context from objects (Namespaces, ConfigMaps, PolicyExceptions; others are ignored).
 * `apiVersions` are the PolicyException versions the Kyverno evaluated serves (1.10: v2alpha1; see
 * EngineProfile.exceptionApiVersions).
 */
export function buildClusterContext(
  objects: readonly KubeObject[],
  features: ExceptionFeatures = DEFAULT_EXCEPTION_FEATURES,
  where: (i: number) => string = (i) => `object ${i + 1}`,
  apiVersions: readonly string[] = EXCEPTION_API_VERSIONS,
): ClusterContextBuild {
  const namespaces: Record<string, Record<string, string>> = Object.create(null);
  const configMaps: Record<string, ConfigMapData> = Object.create(null);
  const exceptions: PolicyException[] = [];
  const ignored: string[] = [];
  const problems: string[] = [];
  const bindings: (RoleBindingData & { name: string })[] = [];
  objects.forEach((o, i) => {
    const md = o.metadata ?? {};
    if ((o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.apiVersion.startsWith('rbac.authorization.k8s.io/') && typeof md.name === 'string') {
      const b = bindingData(o, o.kind === 'RoleBinding' ? (typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default') : '');
      if (b) bindings.push({ ...b, name: md.name });
    } else if (o.kind === 'Namespace' && o.apiVersion === 'v1' && typeof md.name === 'string') {
      // The API server adds kubernetes.io/metadata.name to every namespace (1.21+).
      namespaces[md.name] = { ...stringRecord(md.labels), 'kubernetes.io/metadata.name': md.name };
    } else if (o.kind === 'ConfigMap' && o.apiVersion === 'v1' && typeof md.name === 'string') {
      const ns = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default';
      const { managedFields: _m, ...metadata } = md as Record<string, JsonValue>;
      configMaps[`${ns}/${md.name}`] = { data: stringRecord((o as { data?: unknown }).data), metadata: { ...metadata, namespace: ns } };
    } else if (isPolicyExceptionObject(o)) {
      const r = loadPolicyException(o, apiVersions);
      for (const e of r.errors) problems.push(`${where(i)}: PolicyException ${md.namespace ?? 'default'}/${md.name ?? ''}: ${formatFieldError(e)}`);
      const ex = r.exception;
      if (!ex) return;
      const key = `${ex.namespace}/${ex.name}`;
      if (!features.enabled) ignored.push(`${key}: policy exceptions are disabled (features.policyExceptions.enabled is false)`);
      else if (features.namespace !== '' && ex.namespace !== features.namespace) ignored.push(`${key}: outside the exception namespace ${features.namespace} (features.policyExceptions.namespace)`);
      else exceptions.push(ex);
    }
  });
  const warnings = ignored.map((r) => `PolicyException ${r}: Kyverno ignores it, so it protects nothing`);
  // Listers return no particular order; namespace then name keeps `request.roles` reproducible.
  bindings.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bindingList = bindings.map(({ name: _name, ...b }) => b);
  return { context: { namespaces, configMaps, exceptions, ignoredExceptions: ignored, bindings: bindingList }, problems, warnings };
}

function bindingData(o: KubeObject, namespace: string): RoleBindingData | undefined {
  const ref = (o as { roleRef?: unknown }).roleRef;
  if (!isObject(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  const list = (o as { subjects?: unknown }).subjects;
  const subjects: { kind: string; name: string; namespace: string }[] = [];
  for (const s of Array.isArray(list) ? list : []) {
    if (isObject(s) && typeof s.kind === 'string' && typeof s.name === 'string') subjects.push({ kind: s.kind, name: s.name, namespace: typeof s.namespace === 'string' ? s.namespace : '' });
  }
  return { namespace, roleKind: ref.kind, roleName: ref.name, subjects };
}

const SA_PREFIX = 'system:serviceaccount:';

/**
 * The bindings of a snapshot by the requester they name: a User subject by its name, a ServiceAccount subject by
 * the user name its token carries (`system:serviceaccount:<ns>:<name>`, the binding's namespace when the subject
 * has none; never for a ClusterRoleBinding subject without one), a Group subject by its name. Values are
 * positions in the bindings list, ascending. Other subject kinds name nobody.
 */
interface BindingIndex {
  byUsername: Map<string, number[]>;
  byGroup: Map<string, number[]>;
}

// One index per snapshot (a snapshot's bindings are never changed; a watch event makes a new snapshot, so the
// index follows the watch). Built on the first request that needs it, in the thread that evaluates.
const indexes = new WeakMap<readonly RoleBindingData[], BindingIndex>();

function bindingIndex(bindings: readonly RoleBindingData[]): BindingIndex {
  let index = indexes.get(bindings);
  if (index) return index;
  index = { byUsername: new Map(), byGroup: new Map() };
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [i]);
    // A binding naming the requester twice is still one binding.
    else if (list[list.length - 1] !== i) list.push(i);
  };
  bindings.forEach((b, i) => {
    for (const s of b.subjects) {
      if (s.kind === 'ServiceAccount') {
        const ns = s.namespace !== '' ? s.namespace : b.namespace;
        if (ns !== '') add(index.byUsername, `${SA_PREFIX}${ns}:${s.name}`, i);
      } else if (s.kind === 'User') add(index.byUsername, s.name, i);
      else if (s.kind === 'Group') add(index.byGroup, s.name, i);
    }
  });
  indexes.set(bindings, index);
  return index;
}

/**
 * The roles (`namespace:name`) and cluster roles the requester is bound to, as Kyverno 1.10.7 computes them
 * for every admission request (pkg/userinfo/roles.go, GetRoleRef): RoleBindings of every namespace (a Role
 * as `ns:name`, a ClusterRole by name), then ClusterRoleBindings to a ClusterRole. Subjects are matched
 * by user name, group, or service account (matchBindingSubjects), through the snapshot's index: a request
 * costs the bindings that name its requester, not every binding of the cluster.
 */
export function requesterRoles(bindings: readonly RoleBindingData[], user: { username?: string; groups?: readonly string[] }): { roles: string[]; clusterRoles: string[] } {
  const index = bindingIndex(bindings);
  const hits = new Set<number>(index.byUsername.get(user.username ?? ''));
  for (const g of user.groups ?? []) for (const i of index.byGroup.get(g) ?? []) hits.add(i);
  const roles: string[] = [];
  const fromRoleBindings: string[] = [];
  const fromClusterBindings: string[] = [];
  // In the snapshot's order, as the scan of every binding gave them.
  for (const i of [...hits].sort((a, b) => a - b)) {
    const b = bindings[i]!;
    if (b.namespace !== '') {
      if (b.roleKind === 'Role') roles.push(`${b.namespace}:${b.roleName}`);
      else if (b.roleKind === 'ClusterRole') fromRoleBindings.push(b.roleName);
    } else if (b.roleKind === 'ClusterRole') fromClusterBindings.push(b.roleName);
  }
  return { roles, clusterRoles: [...fromRoleBindings, ...fromClusterBindings] };
}

/** True when a policy reads the requester's roles: `roles`/`clusterRoles` in match or exclude, or `request.roles`/`request.clusterRoles`. */
export function policiesUseRoles(policies: readonly Policy[]): boolean {
  const filterUses = (f: unknown): boolean => {
    if (!isObject(f)) return false;
    const has = (v: unknown) => Array.isArray(v) && v.length > 0;
    if (has(f.roles) || has(f.clusterRoles)) return true;
    return [f.any, f.all].some((l) => Array.isArray(l) && l.some(filterUses));
  };
  return policies.some((p) => p.rules.some((r) => filterUses(r.match) || filterUses(r.exclude) || /request\.(cluster)?[rR]oles/.test(JSON.stringify([r.context ?? null, r.preconditions ?? null, r.validate ?? null, r.mutate ?? null]))));
}

/** A ConfigMap a policy reads: namespace and name, `*` where either is computed from variables. */
export interface ConfigMapRef {
  namespace: string;
  name: string;
}

/** The ConfigMaps the policies' context entries read (rules, foreach context included). */
export function configMapRefs(policies: readonly Policy[]): ConfigMapRef[] {
  const seen = new Map<string, ConfigMapRef>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      const cm = v.configMap;
      if (typeof v.name === 'string' && isObject(cm) && typeof cm.name === 'string') {
        const rawNs = typeof cm.namespace === 'string' ? cm.namespace : '';
        const ns = rawNs.includes('{{') ? '*' : rawNs || 'default';
        const name = cm.name.includes('{{') ? '*' : cm.name;
        seen.set(`${ns}/${name}`, { namespace: ns, name });
      }
      for (const x of Object.values(v)) visit(x);
    }
  };
  for (const p of policies) {
    for (const r of p.rules) {
      visit(r.context ?? []);
      visit(r.validate ?? null);
      visit(r.mutate ?? null);
    }
  }
  return [...seen.values()];
}
