// Merges namespace exceptions into a kyverno-policies values file, preserving the user's comments,
// key order and sequence indentation; each added namespace carries a comment naming its component.
import { type Document, isMap, isScalar, isSeq, parseDocument, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { HELM_YAML } from '../kube/index.js';

/** One namespace to add to a policy's exclude, with the comment to write next to it. */
export interface NamespaceAddition {
  namespace: string;
  comment?: string;
}

/** Result of a merge: the new text and what was actually added (already-present namespaces are skipped). */
export interface MergeResult {
  text: string;
  added: { policy: string; namespace: string }[];
}

/** Whether a values file indents sequences under their key (`key:\n  - x`); true when it has none. */
export function usesIndentedSequences(text: string): boolean {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^(\s*)[^\s#-][^:#]*:\s*(#.*)?$/.exec(lines[i] ?? '');
    const next = lines[i + 1] ?? '';
    if (m && /^\s*- /.test(next)) return (next.match(/^\s*/)?.[0].length ?? 0) > (m[1]?.length ?? 0);
  }
  return true;
}

function kindsIncludePod(entry: YAMLMap): boolean {
  const kinds = entry.getIn(['resources', 'kinds'], true);
  if (!isSeq(kinds)) return true;
  return kinds.items.some((k) => isScalar(k) && (k.value === 'Pod' || k.value === '*'));
}

/**
 * An exclusion entry that excludes whole namespaces: only `resources` with `kinds` (including Pod) and
 * `namespaces`. An entry that also names subjects, roles, names or selectors excludes only what matches
 * all of them (Kyverno ANDs the fields of one entry): adding a namespace there would not exclude it.
 */
function namespaceEntry(e: unknown): e is YAMLMap {
  if (!isMap(e) || !kindsIncludePod(e)) return false;
  if (!e.items.every((p) => isScalar(p.key) && p.key.value === 'resources')) return false;
  const r = e.get('resources', true);
  return isMap(r) && r.items.every((p) => isScalar(p.key) && (p.key.value === 'kinds' || p.key.value === 'namespaces'));
}

/** The namespaces a policy's `policyExclude` excludes whole: from its namespace entries (see namespaceEntry). */
function namespacesOf(doc: Document, policy: string): Set<string> {
  const out = new Set<string>();
  const block = doc.getIn(['policyExclude', policy], true);
  if (!isMap(block)) return out;
  const any = block.get('any', true);
  const all = block.get('all', true);
  // Every `any` entry excludes on its own; an `all` block only when it is a single entry.
  const entries = [...(isSeq(any) ? any.items : []), ...(isSeq(all) && all.items.length === 1 ? all.items : [])];
  for (const e of entries) {
    if (!namespaceEntry(e)) continue;
    const ns = e.getIn(['resources', 'namespaces'], true);
    if (isSeq(ns)) for (const n of ns.items) if (isScalar(n)) out.add(String(n.value));
    // No namespaces at all: the entry excludes its kinds in every namespace.
    if (ns === undefined || ns === null || (isScalar(ns) && ns.value === null)) out.add('*');
  }
  return out;
}

/**
 * Exclusions by requester in a values document (`subjects`, `roles`, `clusterRoles` in a policyExclude
 * entry): which requests they cover cannot be told from the workloads, and a service-account group covers
 * every pod a controller creates.
 */
export function requesterExcludes(text: string): { policy: string; who: string }[] {
  const doc = parseDocument(text, HELM_YAML);
  const out: { policy: string; who: string }[] = [];
  const pe = doc.get('policyExclude', true);
  if (!isMap(pe)) return out;
  for (const p of pe.items) {
    if (!isScalar(p.key) || !isMap(p.value)) continue;
    for (const key of ['any', 'all']) {
      const list = p.value.get(key, true);
      if (!isSeq(list)) continue;
      for (const e of list.items) {
        if (!isMap(e)) continue;
        for (const f of ['subjects', 'roles', 'clusterRoles']) {
          const v = e.get(f, true);
          if (v !== undefined && v !== null) out.push({ policy: String(p.key.value), who: `${f}: ${JSON.stringify((v as { toJSON(): unknown }).toJSON())}` });
        }
      }
    }
  }
  return out;
}

/** Namespaces already excluded per policy in a values document (any/all entries). */
export function existingExcludes(text: string): Map<string, Set<string>> {
  const doc = parseDocument(text, HELM_YAML);
  const out = new Map<string, Set<string>>();
  const pe = doc.get('policyExclude', true);
  if (isMap(pe)) for (const p of pe.items) if (isScalar(p.key)) out.set(String(p.key.value), namespacesOf(doc, String(p.key.value)));
  return out;
}

function scalar(a: NamespaceAddition): Scalar {
  const s = new Scalar(a.namespace);
  if (a.comment) s.comment = ` ${a.comment}`;
  return s;
}

/**
 * Adds namespaces to `policyExclude.<policy>.any[].resources.namespaces` (the first entry whose kinds
 * include Pod), creating the policy's block when missing. Text, comments and order of everything else
 * are kept; the result re-parses to the same values plus the additions.
 */
export function mergeExceptions(text: string, additions: ReadonlyMap<string, readonly NamespaceAddition[]>): MergeResult {
  const doc = parseDocument(text, { ...HELM_YAML, keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new Error('the values file must be a mapping at the top level');
  const added: MergeResult['added'] = [];
  for (const [policy, list] of additions) {
    const present = namespacesOf(doc, policy);
    const fresh: NamespaceAddition[] = [];
    for (const a of list) {
      if (present.has(a.namespace) || present.has('*')) continue;
      present.add(a.namespace);
      fresh.push(a);
    }
    if (fresh.length === 0) continue;
    let any = doc.getIn(['policyExclude', policy, 'any'], true) as YAMLSeq | undefined;
    if (!isSeq(any)) {
      if (!isMap(doc.get('policyExclude', true))) doc.set('policyExclude', doc.createNode({}));
      const block = doc.getIn(['policyExclude', policy], true);
      if (!isMap(block)) doc.setIn(['policyExclude', policy], doc.createNode({}));
      doc.setIn(['policyExclude', policy, 'any'], doc.createNode([]));
      any = doc.getIn(['policyExclude', policy, 'any'], true) as YAMLSeq;
    }
    // An entry that names no namespaces excludes everywhere: adding one would narrow it to that one.
    let entry = any.items.find((e): e is YAMLMap => namespaceEntry(e) && isSeq(e.getIn(['resources', 'namespaces'], true)));
    if (!entry) {
      entry = doc.createNode({ resources: { kinds: ['Pod'], namespaces: [] } }) as YAMLMap;
      any.items.push(entry);
    }
    let ns = entry.getIn(['resources', 'namespaces'], true);
    if (!isSeq(ns)) {
      entry.setIn(['resources', 'namespaces'], doc.createNode([]));
      ns = entry.getIn(['resources', 'namespaces'], true);
    }
    for (const a of fresh) {
      (ns as YAMLSeq).items.push(scalar(a));
      added.push({ policy, namespace: a.namespace });
    }
  }
  return { text: doc.toString({ lineWidth: 0, indentSeq: usesIndentedSequences(text) }), added };
}

/** What `enforceValues` did to a values text. */
export interface EnforceResult {
  text: string;
  /** The user's own setting that keeps some policy from Enforce (kept as written), if any. */
  userAskedAudit?: string;
  /** True when `validationFailureAction` was added. */
  added: boolean;
}

const isEnforce = (v: unknown) => typeof v === 'string' && v.toLowerCase() === 'enforce';

/**
 * Makes generated values enforce: adds `validationFailureAction: Enforce` (or `Audit` with auditOnly)
 * when the values do not set it. A setting the user wrote is never changed; when it keeps a policy from
 * Enforce it is reported (`userAskedAudit`) so the caller can block or accept it.
 */
export function enforceValues(text: string, auditOnly = false): EnforceResult {
  const doc = parseDocument(text, HELM_YAML);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new Error('the values file must be a mapping at the top level');
  const asked: string[] = [];
  const top = doc.get('validationFailureAction');
  let added = false;
  if (top === undefined || top === null) {
    const node = doc.createNode(auditOnly ? 'Audit' : 'Enforce') as Scalar;
    node.comment = ' set by podgate: the policies refuse what they find';
    doc.set('validationFailureAction', node);
    added = true;
  } else if (!isEnforce(top)) asked.push(`validationFailureAction: ${String(top)}`);
  const byPolicy = doc.get('validationFailureActionByPolicy');
  if (isMap(byPolicy)) {
    for (const it of byPolicy.items) {
      const v = isScalar(it.value) ? it.value.value : it.value;
      if (!isEnforce(v)) asked.push(`validationFailureActionByPolicy.${String(isScalar(it.key) ? it.key.value : it.key)}: ${String(v)}`);
    }
  }
  const overrides = doc.toJS()?.validationFailureActionOverrides as Record<string, unknown> | undefined;
  if (overrides && typeof overrides === 'object') {
    for (const [policy, list] of Object.entries(overrides)) {
      if (!Array.isArray(list)) continue;
      for (const o of list) if (o && typeof o === 'object' && 'action' in o && !isEnforce((o as { action: unknown }).action)) asked.push(`validationFailureActionOverrides.${policy}: ${String((o as { action: unknown }).action)}`);
    }
  }
  const out: EnforceResult = { text: added ? doc.toString({ lineWidth: 0, indentSeq: usesIndentedSequences(text) }) : text, added };
  if (asked.length > 0) out.userAskedAudit = asked.join(', ');
  return out;
}
