// Merges namespace exceptions into a kyverno-policies values file, preserving the user's comments,
// key order and sequence indentation; each added namespace carries a comment naming its component.
import { type Document, isMap, isScalar, isSeq, parseDocument, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

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

function usesIndentedSequences(text: string): boolean {
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

function namespacesOf(doc: Document, policy: string): Set<string> {
  const out = new Set<string>();
  const block = doc.getIn(['policyExclude', policy], true);
  if (!isMap(block)) return out;
  for (const key of ['any', 'all']) {
    const list = block.get(key, true);
    if (!isSeq(list)) continue;
    for (const e of list.items) {
      const ns = isMap(e) ? e.getIn(['resources', 'namespaces'], true) : undefined;
      if (isSeq(ns)) for (const n of ns.items) if (isScalar(n)) out.add(String(n.value));
    }
  }
  return out;
}

/** Namespaces already excluded per policy in a values document (any/all entries). */
export function existingExcludes(text: string): Map<string, Set<string>> {
  const doc = parseDocument(text);
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
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new Error('the values file must be a mapping at the top level');
  const added: MergeResult['added'] = [];
  for (const [policy, list] of additions) {
    const present = namespacesOf(doc, policy);
    const fresh: NamespaceAddition[] = [];
    for (const a of list) {
      if (present.has(a.namespace)) continue;
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
    let entry = any.items.find((e): e is YAMLMap => isMap(e) && kindsIncludePod(e));
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
