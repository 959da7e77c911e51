// Offline RBAC authorization of the PSP `use` verb: who may use which PodSecurityPolicy, and why.
// Mirrors kubernetes@release-1.24 pkg/registry/rbac/validation/rule.go (VisitRulesFor, appliesTo),
// plugin/pkg/auth/authorizer/rbac (RuleAllows), pkg/apis/rbac/v1/evaluation_helpers.go, the
// ClusterRole aggregation controller, and admission.go (buildAttributes: verb `use`, resource
// `podsecuritypolicies`, group `policy` then `extensions`, namespace = the pod's namespace).
import type { ClusterSnapshot, KubeObject } from '../kube/index.js';
import { isObject, type JsonObject } from '../util/index.js';
import { matchesLabelSelector } from './internal/label-selector.js';

/** One way a subject may `use` a PSP: which binding grants it. */
export interface PspGrant {
  psp: string;
  subjectKind: 'User' | 'Group' | 'ServiceAccount';
  subject: string;
  /** RoleBinding grants: the binding's namespace (pods there only). ClusterRoleBinding grants to a ServiceAccount: the SA's namespace. */
  namespace?: string;
  /** 'ClusterRoleBinding/x' or 'RoleBinding/ns/x'. */
  binding: string;
  /** 'ClusterRole/y' or 'Role/ns/y'. */
  role: string;
  /** True for ClusterRoleBinding grants (every namespace); false for RoleBinding grants (namespace only). */
  clusterWide: boolean;
  /** For ServiceAccount subjects: the SA's namespace (defaulted to the RoleBinding's namespace as RBAC does). */
  serviceAccountNamespace?: string;
}

/** An identity as the authorizer sees it. */
export interface PspIdentity {
  user: string;
  groups: string[];
}

/** The API groups PSP `use` is checked in, in upstream order. */
export const PSP_USE_GROUPS = ['policy', 'extensions'] as const;

/** The group whose members pass every authorization check (kube-apiserver's privileged-group authorizer). */
export const SYSTEM_MASTERS = 'system:masters';

/** The identity admission.go builds for a pod's service account (serviceaccount.UserInfo): no `system:authenticated`. */
export function serviceAccountIdentity(namespace: string, name: string): PspIdentity {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
  };
}

interface Subject {
  kind: string;
  name: string;
  namespace: string;
}

interface Binding {
  ref: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  roleKind: string;
  roleName: string;
  subjects: Subject[];
}

interface RbacIndex {
  clusterRoles: Map<string, KubeObject>;
  roles: Map<string, KubeObject>;
  clusterBindings: Binding[];
  roleBindings: Binding[];
  clusterRoleRules: Map<string, JsonObject[]>;
}

const indexes = new WeakMap<ClusterSnapshot, RbacIndex>();

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function toBinding(o: KubeObject): Binding | undefined {
  const ref = o.roleRef;
  if (!isObject(ref)) return undefined;
  const group = str(ref.apiGroup);
  if (group !== '' && group !== 'rbac.authorization.k8s.io') return undefined;
  const namespace = o.kind === 'RoleBinding' ? (o.metadata.namespace ?? '') : '';
  const subjects = Array.isArray(o.subjects)
    ? o.subjects.filter(isObject).map((s) => ({ kind: str(s.kind), name: str(s.name), namespace: str(s.namespace) }))
    : [];
  const name = o.metadata.name ?? '';
  return {
    ref: o.kind === 'RoleBinding' ? `RoleBinding/${namespace}/${name}` : `ClusterRoleBinding/${name}`,
    namespace,
    roleKind: str(ref.kind),
    roleName: str(ref.name),
    subjects,
  };
}

function rbacIndex(snap: ClusterSnapshot): RbacIndex {
  const cached = indexes.get(snap);
  if (cached) return cached;
  const idx: RbacIndex = { clusterRoles: new Map(), roles: new Map(), clusterBindings: [], roleBindings: [], clusterRoleRules: new Map() };
  for (const { object: o } of snap.rbac) {
    if (!o.apiVersion.startsWith('rbac.authorization.k8s.io/')) continue;
    const name = o.metadata.name ?? '';
    if (o.kind === 'ClusterRole') idx.clusterRoles.set(name, o);
    else if (o.kind === 'Role') idx.roles.set(`${o.metadata.namespace ?? ''}/${name}`, o);
    else if (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') {
      const b = toBinding(o);
      if (b) (o.kind === 'ClusterRoleBinding' ? idx.clusterBindings : idx.roleBindings).push(b);
    }
  }
  const byRef = (a: Binding, b: Binding) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
  idx.clusterBindings.sort(byRef);
  idx.roleBindings.sort(byRef);
  indexes.set(snap, idx);
  return idx;
}

function ownRules(o: KubeObject): JsonObject[] {
  return Array.isArray(o.rules) ? o.rules.filter(isObject) : [];
}

// The aggregation controller overwrites an aggregated role's rules with the union of the rules of
// every ClusterRole its selectors match; a dump may already hold that union, so we take own ∪ selected,
// transitively (selected roles may be aggregated themselves), guarding against cycles.
function clusterRoleRules(idx: RbacIndex, name: string, visiting: Set<string> = new Set()): JsonObject[] {
  const done = idx.clusterRoleRules.get(name);
  if (done) return done;
  const role = idx.clusterRoles.get(name);
  if (!role || visiting.has(name)) return [];
  visiting.add(name);
  const rules = [...ownRules(role)];
  const agg = role.aggregationRule;
  const selectors = isObject(agg) && Array.isArray(agg.clusterRoleSelectors) ? agg.clusterRoleSelectors : [];
  if (selectors.length > 0) {
    for (const [other, o] of idx.clusterRoles) {
      if (other === name) continue;
      const labels = o.metadata.labels ?? {};
      if (selectors.some((s) => matchesLabelSelector(s, labels))) rules.push(...clusterRoleRules(idx, other, visiting));
    }
  }
  visiting.delete(name);
  if (visiting.size === 0) idx.clusterRoleRules.set(name, rules);
  return rules;
}

function bindingRules(idx: RbacIndex, b: Binding): { role: string; rules: JsonObject[] } | undefined {
  if (b.roleKind === 'ClusterRole') return { role: `ClusterRole/${b.roleName}`, rules: clusterRoleRules(idx, b.roleName) };
  if (b.roleKind === 'Role' && b.namespace !== '') {
    const r = idx.roles.get(`${b.namespace}/${b.roleName}`);
    return { role: `Role/${b.namespace}/${b.roleName}`, rules: r ? ownRules(r) : [] };
  }
  return undefined;
}

/** True when a PolicyRule allows `use` of podsecuritypolicies/name in apiGroup (evaluation_helpers.go). */
export function ruleAllowsPspUse(rule: JsonObject, name: string, apiGroup: string): boolean {
  const verbs = strings(rule.verbs);
  const groups = strings(rule.apiGroups);
  const resources = strings(rule.resources);
  const names = strings(rule.resourceNames);
  return (
    (verbs.includes('*') || verbs.includes('use')) &&
    (groups.includes('*') || groups.includes(apiGroup)) &&
    (resources.includes('*') || resources.includes('podsecuritypolicies')) &&
    (names.length === 0 || names.includes(name))
  );
}

function subjectApplies(who: PspIdentity, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return who.user === s.name;
    case 'Group':
      return who.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace !== '' ? s.namespace : bindingNamespace;
      return ns !== '' && who.user === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

function grantsUse(rules: readonly JsonObject[], psp: string): boolean {
  return rules.some((r) => PSP_USE_GROUPS.some((g) => ruleAllowsPspUse(r, psp, g)));
}

/** Whether user/groups (or the SA) are authorized to `use` psp name in namespace (policy group, then extensions). */
export function canUsePsp(snap: ClusterSnapshot, psp: string, who: PspIdentity, namespace: string): boolean {
  if (who.groups.includes(SYSTEM_MASTERS)) return true;
  const idx = rbacIndex(snap);
  const check = (b: Binding) => {
    if (!b.subjects.some((s) => subjectApplies(who, s, b.namespace))) return false;
    const r = bindingRules(idx, b);
    return r !== undefined && grantsUse(r.rules, psp);
  };
  if (idx.clusterBindings.some(check)) return true;
  return namespace !== '' && idx.roleBindings.some((b) => b.namespace === namespace && check(b));
}

/** The names of the PSPs in a snapshot, sorted as admission orders them. */
export function pspNames(snap: ClusterSnapshot): string[] {
  return [...new Set(snap.podSecurityPolicies.map((l) => l.object.metadata.name ?? ''))].filter((n) => n !== '').sort(compareNames);
}

/** Byte-wise string comparison (Go strings.Compare). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** For every PSP in the snapshot, who may use it and why. */
export function whoCanUsePsp(snap: ClusterSnapshot): Map<string, PspGrant[]> {
  const idx = rbacIndex(snap);
  const out = new Map<string, PspGrant[]>();
  const names = pspNames(snap);
  for (const n of names) out.set(n, []);
  for (const b of [...idx.clusterBindings, ...idx.roleBindings]) {
    const r = bindingRules(idx, b);
    if (!r) continue;
    const clusterWide = b.namespace === '';
    for (const psp of names) {
      if (!grantsUse(r.rules, psp)) continue;
      const list = out.get(psp)!;
      for (const s of b.subjects) {
        if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') continue;
        const g: PspGrant = { psp, subjectKind: s.kind, subject: s.name, binding: b.ref, role: r.role, clusterWide };
        if (s.kind === 'ServiceAccount') {
          const saNs = s.namespace !== '' ? s.namespace : b.namespace;
          // An SA subject without a namespace in a ClusterRoleBinding never matches anyone (rule.go appliesToUser).
          if (saNs === '') continue;
          g.serviceAccountNamespace = saNs;
        }
        const ns = clusterWide ? g.serviceAccountNamespace : b.namespace;
        if (ns !== undefined) g.namespace = ns;
        list.push(g);
      }
    }
  }
  return out;
}
