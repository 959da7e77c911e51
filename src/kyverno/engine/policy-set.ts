// A policy set compiled once for admission: which policies a request can select, decided by an index
// on the request's kind instead of every rule's match. Cost per request is proportional to the policies
// whose match can select it; policies for other kinds are never looked at. The index is conservative:
// rules it cannot decide from the kind alone (wildcard kinds, subresources, filters without kinds) put
// their policy on every request's candidate list, and candidates are still matched in full by
// evaluatePolicy/mutatePolicy, so verdicts do not change.
import { indexableKind } from '../match/index.js';
import type { Policy, ResourceFilter, Rule } from '../model/index.js';
import { type CompiledPolicy, toCompiledPolicy } from './evaluate.js';

/** The policies of a request's candidates, by rule type, in the set's order. */
export interface Candidates {
  /** Policies with at least one validate rule that may match. */
  validate: readonly CompiledPolicy[];
  /** Policies with at least one mutate rule that may match. */
  mutate: readonly CompiledPolicy[];
}

/** A compiled policy set with its kind index. */
export interface PolicySet {
  policies: readonly CompiledPolicy[];
  /** The candidates for a request of this kind (the request's kind, `request.kind.kind`) and subresource. */
  candidates(kind: string, subresource?: string): Candidates;
}

/** The kinds a filter can select, or undefined when it can select any kind. */
function filterKinds(f: Pick<ResourceFilter, 'resources'>): Set<string> | undefined {
  const kinds = f.resources?.kinds;
  if (!kinds || kinds.length === 0) return undefined;
  const out = new Set<string>();
  for (const entry of kinds) {
    const k = indexableKind(entry);
    if (k === undefined) return undefined;
    out.add(k);
  }
  return out;
}

/** The kinds a rule's match can select, or undefined when it cannot be told from the kind alone. */
export function ruleKinds(rule: Pick<Rule, 'match'>): ReadonlySet<string> | undefined {
  const m = rule.match;
  if (m.any && m.any.length > 0) {
    // Any filter may select: the union, unless one selects every kind.
    const out = new Set<string>();
    for (const f of m.any) {
      const ks = filterKinds(f);
      if (ks === undefined) return undefined;
      for (const k of ks) out.add(k);
    }
    return out;
  }
  if (m.all && m.all.length > 0) {
    // Every filter must select: any one filter's kinds bound the rule.
    for (const f of m.all) {
      const ks = filterKinds(f);
      if (ks !== undefined) return ks;
    }
    return undefined;
  }
  return filterKinds(m);
}

interface Entry {
  compiled: CompiledPolicy;
  validate: boolean;
  mutate: boolean;
}

function select(entries: readonly Entry[]): Candidates {
  return { validate: entries.filter((e) => e.validate).map((e) => e.compiled), mutate: entries.filter((e) => e.mutate).map((e) => e.compiled) };
}

/** Compiles policies (autogen once) and indexes them by the kinds their rules can select. */
export function compilePolicySet(policies: readonly (Policy | CompiledPolicy)[]): PolicySet {
  const compiled = policies.map(toCompiledPolicy);
  const entries: Entry[] = [];
  // Per policy: the kinds its validate or mutate rules can select; undefined = any kind.
  const kindsOf: (Set<string> | undefined)[] = [];
  for (const c of compiled) {
    const relevant = c.rules.filter((r) => r.validate !== undefined || r.mutate !== undefined);
    entries.push({ compiled: c, validate: relevant.some((r) => r.validate !== undefined), mutate: relevant.some((r) => r.mutate !== undefined) });
    let kinds: Set<string> | undefined = new Set();
    for (const r of relevant) {
      const ks = ruleKinds(r);
      if (ks === undefined) {
        kinds = undefined;
        break;
      }
      for (const k of ks) kinds.add(k);
    }
    kindsOf.push(kinds);
  }
  const allKinds = new Set<string>();
  for (const ks of kindsOf) for (const k of ks ?? []) allKinds.add(k);
  const byKind = new Map<string, Candidates>();
  for (const kind of allKinds) byKind.set(kind, select(entries.filter((_, i) => kindsOf[i] === undefined || kindsOf[i]?.has(kind))));
  const anyKind = select(entries.filter((_, i) => kindsOf[i] === undefined));
  const everything = select(entries);
  return {
    policies: compiled,
    candidates(kind, subresource = '') {
      // Subresource requests are rare and their kind rules subtle: every policy is checked in full.
      if (subresource !== '') return everything;
      return byKind.get(kind) ?? anyKind;
    },
  };
}
