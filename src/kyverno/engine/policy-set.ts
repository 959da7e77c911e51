// A policy set compiled once for admission: which policies a request can select, decided by indexes
// on the request's kind, operation and namespace instead of every rule's match. Cost per request is
// proportional to the policies whose match can select it; policies for other kinds, operations or
// namespaces are never looked at. The indexes are conservative: a rule they cannot decide (wildcard
// kinds or namespaces, subresources, filters without kinds, operations or namespaces, selectors) leaves
// its policy on the candidate list, and candidates are still matched in full by
// evaluatePolicy/mutatePolicy, so verdicts do not change.
import type { KubeObject } from '../../kube/index.js';
import { hasWildcard, isObject } from '../../util/index.js';
import { filterNamespaceOf, indexableKind, policyNamespaceOf } from '../match/index.js';
import type { Policy, ResourceFilter, Rule } from '../model/index.js';
import { type CompiledPolicy, toCompiledPolicy } from './evaluate.js';

/** The policies of a request's candidates, by rule type, in the set's order. */
export interface Candidates {
  /** Policies with at least one validate rule that may match. */
  validate: readonly CompiledPolicy[];
  /** Policies with at least one mutate rule that may match. */
  mutate: readonly CompiledPolicy[];
}

/** What a request brings to the operation and namespace indexes (all optional: absent, nothing is left out). */
export interface CandidateScope {
  /** The operation rules are matched with (evaluatePolicy's: the context's, CREATE when absent). */
  operation?: string;
  /**
   * Every object the rules are matched against (the new one and the old one): a policy restricted to
   * namespaces stays a candidate when one of them is in one of its namespaces. Leave out when the object
   * can still change before it is matched (a mutation chain).
   */
  objects?: readonly (KubeObject | null | undefined)[];
}

/** A compiled policy set with its kind, operation and namespace indexes. */
export interface PolicySet {
  policies: readonly CompiledPolicy[];
  /** The candidates for a request of this kind (the request's kind, `request.kind.kind`) and subresource, narrowed by the scope. */
  candidates(kind: string, subresource?: string, scope?: CandidateScope): Candidates;
}

type FilterBound = (f: ResourceFilter) => Set<string> | undefined;

/** A list of strings as the index can use it; anything else (not schema-checked) leaves the rule unbounded. */
function stringList(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string') ? v : undefined;
}

/** The kinds a filter can select, or undefined when it can select any kind. */
function filterKinds(f: Pick<ResourceFilter, 'resources'>): Set<string> | undefined {
  const kinds = stringList(f.resources?.kinds);
  if (!kinds) return undefined;
  const out = new Set<string>();
  for (const entry of kinds) {
    const k = indexableKind(entry);
    if (k === undefined) return undefined;
    out.add(k);
  }
  return out;
}

/** The operations a filter can select (compared as given, see match.ts), or undefined for any. */
function filterOperations(f: Pick<ResourceFilter, 'resources'>): Set<string> | undefined {
  const ops = stringList(f.resources?.operations);
  return ops ? new Set(ops) : undefined;
}

/** The namespaces a filter can select (exact names), or undefined for any (no list, or a wildcard in it). */
function filterNamespaces(f: Pick<ResourceFilter, 'resources'>): Set<string> | undefined {
  const namespaces = stringList(f.resources?.namespaces);
  if (!namespaces || namespaces.some(hasWildcard)) return undefined;
  return new Set(namespaces);
}

/**
 * What a rule's match can select along one dimension (kinds, operations, namespaces), or undefined when
 * it cannot be told: `any` takes the union of its filters (unless one is unbounded), `all` is bounded by
 * any one bounded filter (every filter must select), a legacy match by its own filter.
 */
function ruleBound(rule: Pick<Rule, 'match'>, bound: FilterBound): ReadonlySet<string> | undefined {
  const m = rule.match;
  if (m.any && m.any.length > 0) {
    const out = new Set<string>();
    for (const f of m.any) {
      const values = bound(f);
      if (values === undefined) return undefined;
      for (const v of values) out.add(v);
    }
    return out;
  }
  if (m.all && m.all.length > 0) {
    for (const f of m.all) {
      const values = bound(f);
      if (values !== undefined) return values;
    }
    return undefined;
  }
  return bound(m);
}

/** The kinds a rule's match can select, or undefined when it cannot be told from the kind alone. */
export function ruleKinds(rule: Pick<Rule, 'match'>): ReadonlySet<string> | undefined {
  return ruleBound(rule, filterKinds);
}

/** The operations a rule's match can select, or undefined when any. */
export function ruleOperations(rule: Pick<Rule, 'match'>): ReadonlySet<string> | undefined {
  return ruleBound(rule, filterOperations);
}

/** The namespaces (exact names) a rule's match can select, or undefined when any. */
export function ruleNamespaces(rule: Pick<Rule, 'match'>): ReadonlySet<string> | undefined {
  return ruleBound(rule, filterNamespaces);
}

/** The union of the rules' bounds; undefined as soon as one rule is unbounded. */
function unionOf(rules: readonly Rule[], of: (r: Rule) => ReadonlySet<string> | undefined): Set<string> | undefined {
  const out = new Set<string>();
  for (const r of rules) {
    const values = of(r);
    if (values === undefined) return undefined;
    for (const v of values) out.add(v);
  }
  return out;
}

interface Entry {
  compiled: CompiledPolicy;
  validate: boolean;
  mutate: boolean;
  /** The operations its validate and mutate rules can select; undefined: any. */
  operations?: ReadonlySet<string>;
  /** The namespaces (`resources.namespaces`, exact) its rules can select; undefined: any. */
  namespaces?: ReadonlySet<string>;
  /** A namespaced Policy's namespace: it never selects a resource in another one. */
  policyNamespace?: string;
}

function select(entries: readonly Entry[]): Candidates {
  return { validate: entries.filter((e) => e.validate).map((e) => e.compiled), mutate: entries.filter((e) => e.mutate).map((e) => e.compiled) };
}

/** True when a policy restricted to namespaces may select one of the objects (an object without metadata: may). */
function mayNamespace(e: Entry, objects: readonly (KubeObject | null | undefined)[]): boolean {
  for (const o of objects) {
    if (!o) continue;
    if (!isObject(o.metadata)) return true;
    if (e.policyNamespace !== undefined && e.policyNamespace !== policyNamespaceOf(o)) continue;
    if (e.namespaces !== undefined && !e.namespaces.has(filterNamespaceOf(o))) continue;
    return true;
  }
  return false;
}

/** The narrowed candidates of one kind, kept per (operation, namespaces) seen. */
interface KindIndex {
  entries: readonly Entry[];
  all: Candidates;
  /** Some entry is restricted by operation or namespace (else the scope changes nothing). */
  scoped: boolean;
  narrowed: Map<string, Candidates>;
}

// Per kind, the narrowed lists kept for this many (operation, namespace) pairs before starting over: a
// cluster has a bounded set of namespaces, and a list costs one pass over the kind's candidates.
const NARROWED_MAX = 512;

function kindIndex(entries: readonly Entry[]): KindIndex {
  return { entries, all: select(entries), scoped: entries.some((e) => e.operations !== undefined || e.namespaces !== undefined || e.policyNamespace !== undefined), narrowed: new Map() };
}

function narrow(index: KindIndex, scope: CandidateScope | undefined): Candidates {
  if (!index.scoped || scope === undefined) return index.all;
  const { operation, objects } = scope;
  // Namespace keys of every object (both notions), so that equal keys mean equal lists.
  let key = operation === undefined ? '\u0001' : operation;
  if (objects !== undefined) {
    for (const o of objects) {
      if (!o) continue;
      key += isObject(o.metadata) ? `\u0000${policyNamespaceOf(o)}\u0000${filterNamespaceOf(o)}` : '\u0000\u0001';
    }
  }
  let got = index.narrowed.get(key);
  if (got === undefined) {
    got = select(
      index.entries.filter((e) => (operation === undefined || e.operations === undefined || e.operations.has(operation)) && (objects === undefined || mayNamespace(e, objects))),
    );
    if (index.narrowed.size >= NARROWED_MAX) index.narrowed.clear();
    index.narrowed.set(key, got);
  }
  return got;
}

/** Compiles policies (autogen once) and indexes them by the kinds their rules can select. */
export function compilePolicySet(policies: readonly (Policy | CompiledPolicy)[]): PolicySet {
  const compiled = policies.map(toCompiledPolicy);
  const entries: Entry[] = [];
  // Per policy: the kinds its validate or mutate rules can select; undefined = any kind.
  const kindsOf: (Set<string> | undefined)[] = [];
  for (const c of compiled) {
    const relevant = c.rules.filter((r) => r.validate !== undefined || r.mutate !== undefined);
    const operations = unionOf(relevant, ruleOperations);
    const namespaces = unionOf(relevant, ruleNamespaces);
    entries.push({
      compiled: c,
      validate: relevant.some((r) => r.validate !== undefined),
      mutate: relevant.some((r) => r.mutate !== undefined),
      ...(operations ? { operations } : {}),
      ...(namespaces ? { namespaces } : {}),
      ...(c.policy.namespace !== undefined ? { policyNamespace: c.policy.namespace } : {}),
    });
    kindsOf.push(unionOf(relevant, ruleKinds));
  }
  const allKinds = new Set<string>();
  for (const ks of kindsOf) for (const k of ks ?? []) allKinds.add(k);
  const byKind = new Map<string, KindIndex>();
  for (const kind of allKinds) byKind.set(kind, kindIndex(entries.filter((_, i) => kindsOf[i] === undefined || kindsOf[i]?.has(kind))));
  const anyKind = kindIndex(entries.filter((_, i) => kindsOf[i] === undefined));
  const everything = kindIndex(entries);
  return {
    policies: compiled,
    candidates(kind, subresource = '', scope) {
      // Subresource requests are rare and their kind rules subtle: every policy is checked in full.
      if (subresource !== '') return narrow(everything, scope);
      return narrow(byKind.get(kind) ?? anyKind, scope);
    },
  };
}
