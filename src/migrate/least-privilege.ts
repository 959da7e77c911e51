// Least privilege for existing exceptions: the `policyExclude` entries of the user's values that no
// workload in the cluster needs, found by auditing the cluster against the same policies with every
// exclusion removed, and a prune that removes them from the values text keeping its comments. Entries
// for user namespaces and patterns the user wrote (`*-restricted`) are reported, never removed.
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { wildcardMatch } from '../util/index.js';
import type { AuditResult } from './audit.js';
import type { UserNamespace } from './user-namespaces.js';
import { usesIndentedSequences } from './values-merge.js';
import { HELM_YAML } from '../kube/index.js';

/** One existing exclusion (policy, namespace entry) that no workload needs. */
export interface UnneededExclude {
  policy: string;
  /** The namespace (or pattern) as written in the values. */
  namespace: string;
  reason: string;
  /** `--prune` removes it (a literal namespace that is not a user's, in an `any` entry). */
  prunable: boolean;
}

/** What the finder needs to know about the cluster. */
export interface LeastPrivilegeInput {
  /** The values text (policyExclude is read from it). */
  valuesText: string;
  /** The audit against the chart policies with no policyExclude at all. */
  bareAudit: AuditResult;
  /** Chart policies (exclusions of other keys are rule names or unknown policies: left alone). */
  chartPolicies: ReadonlySet<string>;
  namespaces: readonly string[];
  userNamespaces: ReadonlyMap<string, UserNamespace>;
  /** `policy\u0000namespace` pairs that pods created later need (components' laterPodsNeed). */
  laterNeeds?: ReadonlySet<string>;
}

interface Entry {
  policy: string;
  block: 'any' | 'all';
  namespace: string;
}

function entriesOf(text: string): Entry[] {
  const doc = parseDocument(text, HELM_YAML);
  const out: Entry[] = [];
  const pe = doc.get('policyExclude', true);
  if (!isMap(pe)) return out;
  for (const p of pe.items) {
    if (!isScalar(p.key) || !isMap(p.value)) continue;
    const policy = String(p.key.value);
    for (const block of ['any', 'all'] as const) {
      const list = p.value.get(block, true);
      if (!isSeq(list)) continue;
      for (const e of list.items) {
        const ns = isMap(e) ? e.getIn(['resources', 'namespaces'], true) : undefined;
        if (isSeq(ns)) for (const n of ns.items) if (isScalar(n)) out.push({ policy, block, namespace: String(n.value) });
      }
    }
  }
  return out;
}

/** The existing exclusions no workload needs, each with its reason. */
export function findUnneeded(i: LeastPrivilegeInput): UnneededExclude[] {
  const needs = new Set<string>();
  for (const v of i.bareAudit.violations) if (!v.userViolation) needs.add(`${v.policy}\u0000${v.namespace}`);
  for (const k of i.laterNeeds ?? []) needs.add(k);
  const skipped = new Map<string, number>();
  for (const s of i.bareAudit.skipped) skipped.set(s.namespace, (skipped.get(s.namespace) ?? 0) + 1);
  const present = new Set(i.namespaces);
  const out: UnneededExclude[] = [];
  const seen = new Set<string>();
  for (const e of entriesOf(i.valuesText)) {
    if (!i.chartPolicies.has(e.policy)) continue;
    const key = `${e.policy}\u0000${e.namespace}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pattern = /[*?]/.test(e.namespace);
    const covered = pattern ? i.namespaces.filter((ns) => wildcardMatch(e.namespace, ns)) : [e.namespace];
    if (covered.some((ns) => needs.has(`${e.policy}\u0000${ns}`))) continue;
    const users = covered.filter((ns) => i.userNamespaces.has(ns));
    if (users.length > 0) continue; // user namespaces are never touched (nor reported: their confinement is the per-user policies')
    let reason: string;
    if (pattern) reason = covered.length === 0 ? 'the pattern matches no namespace in the cluster' : `no workload in ${covered.join(', ')} (the namespaces the pattern matches) violates ${e.policy}; a pattern you wrote: remove it by hand`;
    else if (!present.has(e.namespace)) reason = `namespace ${e.namespace} is not in the cluster`;
    else if ((skipped.get(e.namespace) ?? 0) > 0) reason = `no workload in ${e.namespace} violates ${e.policy} (Kyverno's resourceFilters skip ${skipped.get(e.namespace)} of its workloads)`;
    else reason = `no workload in ${e.namespace} violates ${e.policy}`;
    if (e.block === 'all') reason += '; under `all`: remove it by hand';
    out.push({ policy: e.policy, namespace: e.namespace, reason, prunable: !pattern && e.block === 'any' });
  }
  return out;
}

/**
 * Removes prunable entries from the values text, keeping everything else (comments, order, quoting).
 * An exclude entry whose namespaces list becomes empty is removed whole (an empty list would match
 * every namespace), and so is a policy block left with no entries.
 */
export function pruneExcludes(text: string, unneeded: readonly UnneededExclude[]): { text: string; removed: UnneededExclude[] } {
  const doc = parseDocument(text, HELM_YAML);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  const removed: UnneededExclude[] = [];
  const pe = doc.get('policyExclude', true);
  if (!isMap(pe)) return { text, removed };
  for (const u of unneeded.filter((x) => x.prunable)) {
    const block = pe.get(u.policy, true);
    if (!isMap(block)) continue;
    const any = block.get('any', true);
    if (!isSeq(any)) continue;
    for (const entry of [...any.items]) {
      if (!isMap(entry)) continue;
      const ns = (entry as YAMLMap).getIn(['resources', 'namespaces'], true);
      if (!isSeq(ns)) continue;
      const before = ns.items.length;
      (ns as YAMLSeq).items = ns.items.filter((n) => !(isScalar(n) && String(n.value) === u.namespace));
      if (ns.items.length === before) continue;
      if (!removed.includes(u)) removed.push(u);
      if (ns.items.length === 0) any.items = any.items.filter((x) => x !== entry);
    }
    if (any.items.length === 0) {
      block.delete('any');
      if (block.items.length === 0) pe.delete(u.policy);
    }
  }
  if (removed.length === 0) return { text, removed };
  return { text: doc.toString({ lineWidth: 0, indentSeq: usesIndentedSequences(text) }), removed };
}
