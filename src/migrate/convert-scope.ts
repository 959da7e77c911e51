// Who may use each PSP, and which sets of PSPs a request can be left with. PSP authorizes a PSP for a pod
// when the requesting user/groups or the pod's service account may `use` it in the pod's namespace
// (kubernetes@release-1.24 plugin/pkg/admission/security/podsecuritypolicy/admission.go isAuthorizedForPolicy).
// The RBAC grants (whoCanUsePsp) become terms over four atoms — any pod of a namespace, the requesting
// user, one of its groups, the pod's service account — from which we enumerate every usable set a request
// can have and render short Kyverno preconditions. Requester atoms are compared with JMESPath `==` and
// `contains`, never with Kyverno subjects or AnyIn: subjects treat a User subject as a group name too and
// the In operators expand wildcards in the request's own strings, both wider than RBAC.
import { buildSnapshot, type KubeObject } from '../kube/index.js';
import { type PspGrant, SYSTEM_MASTERS, whoCanUsePsp } from '../psp/index.js';
import type { JsonObject } from '../util/index.js';
import { jpString, kyvernoVar } from './convert-jmespath.js';

/** What a term requires besides the namespace. */
export type Atom = { kind: 'any' } | { kind: 'user'; name: string } | { kind: 'group'; name: string } | { kind: 'sa'; name: string };

/** One way to be authorized for a PSP: the atom, for pods of `ns` only when set. */
export interface Term {
  ns?: string;
  atom: Atom;
}

/** The RBAC scope of one PSP. */
export interface PspScope {
  psp: string;
  terms: Term[];
  subjects: string[];
  /** Namespaces where the grants hold (`*` = every namespace). */
  namespaces: string[];
  note: string;
}

const SA_GROUP = 'system:serviceaccounts';
const SA_USER = 'system:serviceaccount:';
const MAX_CONDITION = 400;

function saUser(user: string): { ns: string; name: string } | undefined {
  if (!user.startsWith(SA_USER)) return undefined;
  const rest = user.slice(SA_USER.length).split(':');
  return rest.length === 2 && rest[0] && rest[1] ? { ns: rest[0], name: rest[1] } : undefined;
}

// The terms of one grant: the requester side, then the pod-service-account side (whose identity is
// system:serviceaccount:<pod ns>:<sa> in groups system:serviceaccounts and system:serviceaccounts:<pod ns>).
function grantTerms(g: PspGrant): Term[] {
  const bound = g.clusterWide ? undefined : g.namespace;
  const at = (ns: string | undefined, atom: Atom): Term => (ns === undefined ? { atom } : { ns, atom });
  // The pod's own identity only ever lives in the pod's namespace; a RoleBinding elsewhere never applies to it.
  const podSide = (podNs: string, atom: Atom): Term[] => (bound === undefined || bound === podNs ? [{ ns: podNs, atom }] : []);
  switch (g.subjectKind) {
    case 'User': {
      const out = [at(bound, { kind: 'user', name: g.subject })];
      const sa = saUser(g.subject);
      if (sa) out.push(...podSide(sa.ns, { kind: 'sa', name: sa.name }));
      return out;
    }
    case 'Group': {
      const out = [at(bound, { kind: 'group', name: g.subject })];
      if (g.subject === SA_GROUP) out.push(at(bound, { kind: 'any' }));
      else if (g.subject.startsWith(`${SA_GROUP}:`)) out.push(...podSide(g.subject.slice(SA_GROUP.length + 1), { kind: 'any' }));
      return out;
    }
    case 'ServiceAccount': {
      const saNs = g.serviceAccountNamespace ?? '';
      return [at(bound, { kind: 'user', name: `${SA_USER}${saNs}:${g.subject}` }), ...podSide(saNs, { kind: 'sa', name: g.subject })];
    }
  }
}

function describeGrant(g: PspGrant): string {
  const who = g.subjectKind === 'ServiceAccount' ? `ServiceAccount:${g.serviceAccountNamespace ?? ''}/${g.subject}` : `${g.subjectKind}:${g.subject}`;
  return `${who} (${g.binding} → ${g.role}${g.clusterWide ? '' : `, pods in ${g.namespace ?? ''} only`})`;
}

const termKey = (t: Term) => `${t.ns ?? '*'}\u0000${t.atom.kind}\u0000${'name' in t.atom ? t.atom.name : ''}`;

/** Computes the scope of every PSP from RBAC objects; without RBAC every PSP is usable by everyone. */
export function computeScopes(pspNames: readonly string[], psps: readonly KubeObject[], rbac: readonly KubeObject[]): Map<string, PspScope> {
  const out = new Map<string, PspScope>();
  if (rbac.length === 0) {
    for (const psp of pspNames) {
      out.set(psp, { psp, terms: [{ atom: { kind: 'any' } }], subjects: ['*'], namespaces: ['*'], note: 'no RBAC objects were given: every request may use this PSP' });
    }
    return out;
  }
  const snap = buildSnapshot([...psps, ...rbac].map((object, document) => ({ object, source: { file: '<convert>', document, line: 1 } })));
  const grants = whoCanUsePsp(snap);
  for (const psp of pspNames) {
    const list = grants.get(psp) ?? [];
    const seen = new Map<string, Term>();
    for (const t of [{ atom: { kind: 'group', name: SYSTEM_MASTERS } } as Term, ...list.flatMap(grantTerms)]) seen.set(termKey(t), t);
    const terms = [...seen.values()];
    const namespaces = terms.some((t) => t.ns === undefined && t.atom.kind !== 'group') || list.some((g) => g.clusterWide && g.subjectKind !== 'ServiceAccount' && !g.subject.startsWith(`${SA_GROUP}:`)) ? ['*'] : [...new Set(terms.flatMap((t) => (t.ns ? [t.ns] : [])))].sort();
    const note =
      list.length === 0
        ? 'no RBAC binding grants `use` of this PSP: only system:masters can use it'
        : 'usable by the requesting user/groups or by the pod’s service account (controller-created pods are authorized through their service account)';
    out.set(psp, { psp, terms, subjects: [`Group:${SYSTEM_MASTERS} (always authorized)`, ...list.map(describeGrant)], namespaces, note });
  }
  return out;
}

/** The PSPs (by name) some request could be allowed to use: every realizable usable set, deduplicated. */
export function realizableSets(scopes: ReadonlyMap<string, PspScope>): string[][] {
  const all = [...scopes.values()];
  const OTHER = '\u0000other';
  const namespaces = new Set<string>([OTHER]);
  for (const s of all) for (const t of s.terms) if (t.ns !== undefined) namespaces.add(t.ns);
  const found = new Map<string, string[]>();
  for (const ns of namespaces) {
    const applies = (t: Term) => t.ns === undefined || t.ns === ns;
    const byAtom = (kind: Atom['kind']) => {
      const m = new Map<string, Set<string>>();
      for (const s of all) {
        for (const t of s.terms) {
          if (!applies(t) || t.atom.kind !== kind || !('name' in t.atom)) continue;
          if (!m.has(t.atom.name)) m.set(t.atom.name, new Set());
          m.get(t.atom.name)!.add(s.psp);
        }
      }
      return m;
    };
    const base = new Set(all.filter((s) => s.terms.some((t) => applies(t) && t.atom.kind === 'any')).map((s) => s.psp));
    const users = [new Set<string>(), ...byAtom('user').values()];
    const sas = [new Set<string>(), ...byAtom('sa').values()];
    let groupSets = new Map<string, Set<string>>([['', new Set()]]);
    for (const g of byAtom('group').values()) {
      const next = new Map(groupSets);
      for (const s of groupSets.values()) {
        const u = new Set([...s, ...g]);
        next.set([...u].sort().join(','), u);
      }
      groupSets = next;
    }
    for (const u of users) {
      for (const g of groupSets.values()) {
        for (const a of sas) {
          const set = [...new Set([...base, ...u, ...g, ...a])].sort();
          found.set(set.join(','), set);
        }
      }
    }
  }
  return [...found.values()];
}

// ---- rendering -------------------------------------------------------------------------------------

const NS = 'request.namespace';
const USER = 'request.userInfo.username';
const GROUPS = 'request.userInfo.groups';
const POD_SA = "(request.object.spec.serviceAccountName || 'default')";

// A list of raw strings (a multi-select of literals: evaluated where the current node is never null).
const jpList = (names: readonly string[]) => `[${names.map(jpString).join(', ')}]`;

function oneOf(value: string, names: readonly string[]): string {
  return names.length === 1 ? `${value} == ${jpString(names[0]!)}` : `contains(${jpList(names)}, ${value})`;
}

function atomExpr(kind: Atom['kind'], names: readonly string[]): string {
  switch (kind) {
    case 'any':
      return '`true`';
    case 'user':
      return oneOf(USER, names);
    case 'group':
      return names.length === 1 ? `contains(${GROUPS} || \`[]\`, ${jpString(names[0]!)})` : `length((${GROUPS} || \`[]\`)[?contains(${jpList(names)}, @)]) > \`0\``;
    case 'sa':
      return oneOf(POD_SA, names);
  }
}

// The requesting user is one of these service accounts of namespace ns (names never contain ':').
function saUsersExpr(ns: string, names: readonly string[]): string {
  const prefix = jpString(`${SA_USER}${ns}:`);
  return `(starts_with(${USER}, ${prefix}) && contains(${jpList(names)}, trim_prefix(${USER}, ${prefix})))`;
}

/** Renders OR-ed terms as short JMESPath booleans (each at most ~400 characters), grouping alike atoms. */
export function renderTerms(all: readonly Term[], knownNamespace?: string): string[] {
  // A term implied by another one adds nothing to an OR (a group grant in a namespace whose every pod may use the PSP anyway).
  const terms = all.filter((t, i) => !all.some((u, j) => j !== i && implies(t, u) && !(implies(u, t) && j > i)));
  const groups = new Map<string, { ns?: string; kind: Atom['kind']; names: string[]; saNs?: string }>();
  const anyNs: string[] = [];
  let anywhere = false;
  for (const t of terms) {
    if (t.atom.kind === 'any') {
      if (t.ns === undefined || t.ns === knownNamespace) anywhere = true;
      else anyNs.push(t.ns);
      continue;
    }
    const ns = t.ns === knownNamespace ? undefined : t.ns;
    // Service-account usernames are grouped by their namespace: `system:serviceaccount:<ns>:` + one of the names.
    const sa = t.atom.kind === 'user' ? saUser(t.atom.name) : undefined;
    const key = `${ns ?? ''}\u0000${t.atom.kind}\u0000${sa ? sa.ns : ''}`;
    if (!groups.has(key)) groups.set(key, { ...(ns !== undefined ? { ns } : {}), kind: t.atom.kind, names: [], ...(sa ? { saNs: sa.ns } : {}) });
    groups.get(key)!.names.push(sa ? sa.name : t.atom.name);
  }
  if (anywhere) return ['`true`'];
  const exprs: string[] = [];
  if (anyNs.length > 0) exprs.push(oneOf(NS, [...new Set(anyNs)].sort()));
  for (const g of groups.values()) {
    // Long name lists are split so that no single expression grows past the review limit.
    const chunks: string[][] = [];
    for (const n of [...new Set(g.names)].sort()) {
      const last = chunks.at(-1);
      if (last && JSON.stringify([...last, n]).length < MAX_CONDITION - 150) last.push(n);
      else chunks.push([n]);
    }
    for (const c of chunks) {
      const a = g.saNs !== undefined && c.length > 1 ? saUsersExpr(g.saNs, c) : atomExpr(g.kind, g.saNs !== undefined ? c.map((n) => `${SA_USER}${g.saNs}:${n}`) : c);
      exprs.push(g.ns === undefined ? a : `(${NS} == ${jpString(g.ns)} && ${a})`);
    }
  }
  // Pack several short expressions into one condition while it stays readable.
  const packed: string[] = [];
  for (const e of exprs) {
    const last = packed.length - 1;
    if (last >= 0 && packed[last]!.length + e.length + 4 <= MAX_CONDITION - 20) packed[last] = `${packed[last]} || ${e}`;
    else packed.push(e);
  }
  return packed;
}

/** True when term t implies term u (u holds whenever t does). */
function implies(t: Term, u: Term): boolean {
  if (u.ns !== undefined && u.ns !== t.ns) return false;
  if (u.atom.kind === 'any') return true;
  return t.atom.kind === u.atom.kind && 'name' in t.atom && 'name' in u.atom && t.atom.name === u.atom.name;
}

/** The Kyverno scope of a rule applying when every PSP of `include` is usable and none of `exclude` is. */
export interface RuleScope {
  namespaces?: string[];
  preconditions?: JsonObject;
  /** Human-readable account of the scope for the policy description. */
  text: string;
  /** False when no request can be in this scope. */
  reachable: boolean;
}

/**
 * Renders "every PSP in include is usable, no PSP in exclude is" as match namespaces plus preconditions:
 * `any` lists the ways in (one PSP of include, the others, if any, as `all` conditions), `all` lists the
 * ways out, each as a condition that must be false.
 */
export function renderScope(include: readonly PspScope[], exclude: readonly PspScope[]): RuleScope {
  const out = exclude.flatMap((s) => s.terms);
  const live = (ts: readonly Term[]) => ts.filter((t) => !out.some((o) => implies(t, o)));
  const first = live(include[0]?.terms ?? [{ atom: { kind: 'any' } }]);
  if (first.length === 0) return { text: 'unreachable', reachable: false };
  // Namespaces: when every way in names one, the rule matches only those namespaces.
  const nsOf = (ts: readonly Term[]) => (ts.every((t) => t.ns !== undefined) ? [...new Set(ts.map((t) => t.ns!))].sort() : undefined);
  let namespaces = nsOf(first);
  for (const s of include.slice(1)) {
    const n = nsOf(live(s.terms));
    if (n) namespaces = namespaces ? namespaces.filter((x) => n.includes(x)) : n;
  }
  if (namespaces && namespaces.length === 0) return { text: 'unreachable', reachable: false };
  const known = namespaces?.length === 1 ? namespaces[0] : undefined;
  const inNs = (t: Term) => !namespaces || t.ns === undefined || namespaces.includes(t.ns);
  const any = renderTerms(first.filter(inNs), known);
  const all: JsonObject[] = [];
  for (const s of include.slice(1)) {
    const e = renderTerms(live(s.terms).filter(inNs), known);
    if (e.length === 1 && e[0] === '`true`') continue;
    all.push({ key: kyvernoVar(e.length === 1 ? e[0]! : `(${e.join(') || (')})`), operator: 'Equals', value: true });
  }
  const outTerms = out.filter(inNs);
  if (outTerms.length > 0) {
    const e = renderTerms(outTerms, known);
    if (e.length === 1 && e[0] === '`true`') return { text: 'unreachable', reachable: false };
    for (const x of e) all.push({ key: kyvernoVar(x), operator: 'Equals', value: false });
  }
  const pre: JsonObject = {};
  if (!(any.length === 1 && any[0] === '`true`')) pre.any = any.map((x) => ({ key: kyvernoVar(x), operator: 'Equals', value: true }));
  if (all.length > 0) pre.all = all;
  const names = include.map((s) => s.psp).join(' and ');
  const text = `requests that may use ${names}${exclude.length > 0 ? ` but none of ${exclude.map((s) => s.psp).join(', ')}` : ''}${namespaces ? ` (pods in ${namespaces.join(', ')})` : ''}`;
  return { ...(namespaces ? { namespaces } : {}), ...(Object.keys(pre).length > 0 ? { preconditions: pre } : {}), text, reachable: true };
}
