// Rule match/exclude evaluation: any/all/legacy filters, resource description attributes and user info.
// Mirrors kyverno@v1.10.7:pkg/engine/utils/match.go (MatchesResourceDescription,
// doesResourceMatchConditionBlock) and pkg/utils/match/subjects.go (CheckSubjects; its 1.11+ form, read at
// kyverno@dd0e98e20372e52601b49a64eb6ce9ab6e5b9ca1, under the engine profile's subject switches).
import type { KubeObject, UserInfo } from '../../kube/index.js';
import { isObject, type JsonValue, wildcardMatch } from '../../util/index.js';
import type { MatchResources, ResourceDescription, ResourceFilter, Rule, Subject, UserInfoFilter } from '../model/index.js';
import { checkKind, type GroupVersionKind, isEphemeralContainers } from './kind.js';
import { checkAnnotations, checkSelector } from './selector.js';

/** Who sent the request: bound roles (`ns:name`), cluster roles and the user (Kyverno's RequestInfo). */
export interface RequestInfo {
  roles?: string[];
  clusterRoles?: string[];
  userInfo?: UserInfo;
}

/** Everything match/exclude looks at besides the rule. */
export interface MatchInput {
  resource: KubeObject;
  gvk: GroupVersionKind;
  subresource: string;
  operation: string;
  namespaceLabels: Readonly<Record<string, string>>;
  requestInfo?: RequestInfo;
  /** The namespace of a namespaced Policy; such a policy never matches other namespaces. */
  policyNamespace?: string;
  /** How `subjects` are compared (the engine profile's switches); absent: as v1.10.7. */
  subjectMatching?: SubjectMatching;
}

/** The engine profile's switches for `subjects` (EngineProfile.subjectWildcards, subjectKindsSeparate). */
export interface SubjectMatching {
  readonly subjectWildcards: boolean;
  readonly subjectKindsSeparate: boolean;
}

/** Whether a rule applies, with Kyverno's reasons when it does not. */
export interface MatchOutcome {
  matched: boolean;
  reasons: string[];
}

/** The namespace a namespaced Policy requires of a resource: the resource's own `metadata.namespace`. */
export function policyNamespaceOf(resource: KubeObject): string {
  const ns = metadataOf(resource).namespace;
  return typeof ns === 'string' ? ns : '';
}

/** The namespace a `resources.namespaces` filter is compared with: a Namespace's own name, else its namespace. */
export function filterNamespaceOf(resource: KubeObject): string {
  const md = metadataOf(resource);
  const v = resource.kind === 'Namespace' ? md.name : md.namespace;
  return typeof v === 'string' ? v : '';
}

const NO_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** A resource's metadata, or an empty one when it has none (a mutation may have removed it). */
function metadataOf(resource: KubeObject): Readonly<Record<string, unknown>> {
  const md: unknown = resource.metadata;
  return isObject(md as JsonValue) ? (md as Record<string, unknown>) : NO_METADATA;
}

/** Decides whether a rule's match/exclude select the resource. */
export function matchRule(rule: Pick<Rule, 'match' | 'exclude'>, input: MatchInput): MatchOutcome {
  if (input.policyNamespace !== undefined && input.policyNamespace !== policyNamespaceOf(input.resource)) {
    return { matched: false, reasons: ['policy and resource namespaces mismatch'] };
  }
  const reasons: string[] = [];
  const m = rule.match;
  if (m.any && m.any.length > 0) {
    if (!m.any.some((f) => matchFilter(f, input).length === 0)) reasons.push('no resource matched');
  } else if (m.all && m.all.length > 0) {
    for (const f of m.all) reasons.push(...matchFilter(f, input));
  } else {
    reasons.push(...matchFilter(legacyFilter(m), input));
  }
  if (reasons.length === 0 && rule.exclude) {
    const e = rule.exclude;
    if (e.any && e.any.length > 0) {
      if (e.any.some((f) => isExcludedBy(f, input))) reasons.push('resource excluded since one of the criteria excluded it');
    } else if (e.all && e.all.length > 0) {
      if (e.all.every((f) => isExcludedBy(f, input))) reasons.push('resource excluded since the combination of all criteria exclude it');
    } else if (isExcludedBy(legacyFilter(e), input)) {
      reasons.push('resource excluded since one of the criteria excluded it');
    }
  }
  return { matched: reasons.length === 0, reasons };
}

/** A rule's match verdict as a function of the request, prepared once per rule (see ruleMatcher). */
export type RuleMatcher = (input: MatchInput) => boolean;

/**
 * Prepares matchRule's verdict for one rule. Most rules select by kind alone: `match.any` filters with
 * nothing but `resources.kinds` of bare kind names (no group, version, subresource or wildcard), and no
 * exclude. Such a rule is decided by the request's kind and subresource without the generic walk; any
 * other rule runs matchRule.
 */
export function ruleMatcher(rule: Pick<Rule, 'match' | 'exclude'>): RuleMatcher {
  const kinds = kindSelection(rule);
  if (kinds === null) return (input) => matchRule(rule, input).matched;
  return (input) => kinds.has(input.gvk.kind) && kindSelectedMatches(input);
}

/**
 * The rest of a kind-selecting rule's verdict (see ruleMatcher) once its kinds hold the request's kind:
 * the same for every such rule of a policy, so a caller that knows the kind is selected decides it once.
 */
export function kindSelectedMatches(input: MatchInput): boolean {
  if (input.policyNamespace !== undefined && input.policyNamespace !== policyNamespaceOf(input.resource)) return false;
  // What checkKind decides for a bare kind name: equal kinds, any group and version, the main resource
  // (or a Pod's ephemeralcontainers); every other criterion of such a filter is absent.
  return input.subresource === '' || isEphemeralContainers(input.gvk, input.subresource);
}

const BARE_KIND = /^[A-Za-z0-9]+$/;

function onlyKey(o: object, key: string): boolean {
  return Object.entries(o).every(([k, v]) => k === key || v === undefined);
}

/** The kinds of a rule that selects by kind alone, else null. */
export function kindSelection(rule: Pick<Rule, 'match' | 'exclude'>): ReadonlySet<string> | null {
  const filters = rule.match.any;
  if (rule.exclude !== undefined || !filters || filters.length === 0) return null;
  const kinds = new Set<string>();
  for (const f of filters) {
    const d = f.resources;
    if (!d || !onlyKey(f, 'resources') || !onlyKey(d, 'kinds') || !d.kinds || d.kinds.length === 0) return null;
    for (const k of d.kinds) {
      if (!BARE_KIND.test(k)) return null;
      kinds.add(k);
    }
  }
  return kinds;
}

function legacyFilter(m: MatchResources): ResourceFilter {
  return {
    ...(m.resources ? { resources: m.resources } : {}),
    ...(m.roles ? { roles: m.roles } : {}),
    ...(m.clusterRoles ? { clusterRoles: m.clusterRoles } : {}),
    ...(m.subjects ? { subjects: m.subjects } : {}),
  };
}

// Decided once per description object of a compiled policy.
const emptyCache = new WeakMap<object, boolean>();

function isEmptyDescription(d: ResourceDescription | undefined): boolean {
  if (!d) return true;
  let empty = emptyCache.get(d);
  if (empty === undefined) {
    empty = Object.values(d).every((v) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '');
    emptyCache.set(d, empty);
  }
  return empty;
}

function isEmptyUserInfo(u: UserInfoFilter): boolean {
  return !(u.roles?.length || u.clusterRoles?.length || u.subjects?.length);
}

function hasRequestInfo(r: RequestInfo | undefined): boolean {
  if (!r) return false;
  const u = r.userInfo;
  return Boolean(r.roles?.length || r.clusterRoles?.length || u?.username || u?.uid || u?.groups?.length || (u?.extra && Object.keys(u.extra).length));
}

function matchFilter(f: ResourceFilter, input: MatchInput): string[] {
  // Without admission info (background scans, the CLI without --userinfo) user criteria are dropped.
  const user: UserInfoFilter = hasRequestInfo(input.requestInfo) ? f : {};
  if (isEmptyDescription(f.resources) && isEmptyUserInfo(user)) return ['match cannot be empty'];
  return conditionBlockFailures(f.resources ?? {}, user, input);
}

function isExcludedBy(f: ResourceFilter, input: MatchInput): boolean {
  if (isEmptyDescription(f.resources) && isEmptyUserInfo(f)) return false;
  return conditionBlockFailures(f.resources ?? {}, f, input).length === 0;
}

// The kinds list of a compiled rule, joined once for its "kind does not match" reason.
const joinedCache = new WeakMap<readonly string[], string>();

function joinedKinds(kinds: readonly string[]): string {
  let s = joinedCache.get(kinds);
  if (s === undefined) {
    s = kinds.join(' ');
    joinedCache.set(kinds, s);
  }
  return s;
}

function conditionBlockFailures(d: ResourceDescription, u: UserInfoFilter, input: MatchInput): string[] {
  const { resource } = input;
  if (d.operations && d.operations.length > 0 && !d.operations.includes(input.operation)) return ['operation does not match'];
  const errs: string[] = [];
  if (d.kinds && d.kinds.length > 0 && !checkKind(d.kinds, input.gvk, input.subresource, true)) errs.push(`kind does not match ${joinedKinds(d.kinds)}`);
  // unstructured's getters: a missing metadata (a mutation can remove it) or a field that is no string reads "".
  const md = metadataOf(resource);
  const name = (typeof md.name === 'string' && md.name) || (typeof md.generateName === 'string' && md.generateName) || '';
  if (d.name && !wildcardMatch(d.name, name)) errs.push('name does not match');
  if (d.names && d.names.length > 0 && !d.names.some((n) => wildcardMatch(n, name))) errs.push('none of the names match');
  if (d.namespaces && d.namespaces.length > 0) {
    const ns = filterNamespaceOf(resource);
    if (!d.namespaces.some((p) => wildcardMatch(p, ns))) errs.push('namespace does not match');
  }
  if (d.annotations && Object.keys(d.annotations).length > 0 && !checkAnnotations(d.annotations, isObject(md.annotations) ? (md.annotations as Record<string, string>) : {})) {
    errs.push('annotations does not match');
  }
  if (d.selector) {
    const r = checkSelector(d.selector, isObject(md.labels) ? (md.labels as Record<string, string>) : {});
    if (!r.ok) errs.push(`failed to parse selector: ${r.error}`);
    else if (!r.matched) errs.push('selector does not match');
  }
  if (d.namespaceSelector) {
    if (resource.kind === 'Namespace') errs.push('namespace selector is not applicable for namespace resource');
    else if (resource.kind !== '') {
      const r = checkSelector(d.namespaceSelector, input.namespaceLabels);
      if (!r.ok) errs.push(`failed to parse namespace selector: ${r.error}`);
      else if (!r.matched) errs.push('namespace selector does not match labels');
    }
  }
  const info = input.requestInfo ?? {};
  if (u.roles && u.roles.length > 0 && !u.roles.some((r) => info.roles?.includes(r))) errs.push('user info does not match roles for the given conditionBlock');
  if (u.clusterRoles && u.clusterRoles.length > 0 && !u.clusterRoles.some((r) => info.clusterRoles?.includes(r))) {
    errs.push('user info does not match clustersRoles for the given conditionBlock');
  }
  if (u.subjects && u.subjects.length > 0 && !checkSubjects(u.subjects, info.userInfo ?? {}, input.subjectMatching)) errs.push('user info does not match subject for the given conditionBlock');
  return errs;
}

const SA_PREFIX = 'system:serviceaccount:';
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** True when one of the subjects is the requesting user, one of its groups, or its service account. */
function checkSubjects(subjects: readonly Subject[], user: UserInfo, mode: SubjectMatching | undefined): boolean {
  if (mode !== undefined && (mode.subjectWildcards || mode.subjectKindsSeparate)) return checkSubjectsSince111(subjects, user, mode);
  // Mirrors kyverno@v1.10.7:pkg/utils/match/subjects.go: exact names; a User or a Group is looked up among
  // the groups and the username alike; a ServiceAccount is what follows the first 22 characters.
  const username = user.username ?? '';
  const groups = user.groups ?? NO_GROUPS;
  return subjects.some((s) => {
    if (s.kind === 'ServiceAccount') {
      return username.length > SA_PREFIX.length && username.slice(SA_PREFIX.length) === `${s.namespace ?? ''}:${s.name}`;
    }
    if (s.kind === 'User' || s.kind === 'Group') return s.name === username || groups.includes(s.name);
    return false;
  });
}

const exactly = (pattern: string, text: string): boolean => pattern === text;

/**
 * The 1.11+ CheckSubjects (kyverno PR #8068 and the kind split; read at
 * kyverno@dd0e98e20372e52601b49a64eb6ce9ab6e5b9ca1:pkg/utils/match/subjects.go): a User is compared with the
 * username, a Group with each group, a ServiceAccount with the whole username, wildcard patterns each.
 * Either switch alone keeps the other half of the 1.10 comparison.
 */
function checkSubjectsSince111(subjects: readonly Subject[], user: UserInfo, mode: SubjectMatching): boolean {
  const eq = mode.subjectWildcards ? wildcardMatch : exactly;
  const separate = mode.subjectKindsSeparate;
  const username = user.username ?? '';
  const groups = user.groups ?? NO_GROUPS;
  const inGroups = (name: string) => groups.some((g) => eq(name, g));
  for (const s of subjects) {
    switch (s.kind) {
      case 'ServiceAccount': {
        const sa = `${s.namespace ?? ''}:${s.name}`;
        if (separate ? eq(SA_PREFIX + sa, username) : username.length > SA_PREFIX.length && eq(sa, username.slice(SA_PREFIX.length))) return true;
        break;
      }
      case 'Group':
        if (inGroups(s.name) || (!separate && eq(s.name, username))) return true;
        break;
      case 'User':
        if (eq(s.name, username) || (!separate && inGroups(s.name))) return true;
        break;
    }
  }
  return false;
}
