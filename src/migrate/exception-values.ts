// The kyverno chart values change PolicyExceptions need: Kyverno 1.10 ignores every PolicyException
// unless `features.policyExceptions.enabled` is true (kyverno chart 3.0.9 ships false), and only reads
// them from `features.policyExceptions.namespace` when that is set. Merged into the user's values text
// with comments and order kept.
import { type Document, isMap, parseDocument } from 'yaml';
import { HELM_YAML } from '../kube/index.js';

/** The kyverno values as a document to edit (read as Helm reads them); throws on a syntax error or a non-map. */
function kyvernoValuesDocument(valuesText: string): Document.Parsed {
  const doc = parseDocument(valuesText === '' ? '{}' : valuesText, HELM_YAML);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split('\n')[0]);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the kyverno values must be a mapping');
  return doc;
}

/** The user's kyverno values with `features.policyExceptions.enabled: true` (everything else untouched). */
export function enablePolicyExceptions(valuesText: string): string {
  const doc = kyvernoValuesDocument(valuesText);
  if (doc.contents === null) return 'features:\n  policyExceptions:\n    enabled: true\n';
  doc.setIn(['features', 'policyExceptions', 'enabled'], true);
  return doc.toString({ lineWidth: 0 });
}

/**
 * The kyverno values with `features.policyExceptions.enabled: false` added (and said why) when they do
 * not set it: for kyverno chart 3.2.x, whose default turns PolicyExceptions on. Values that set it, and
 * everything else in them (comments included), are kept.
 */
export function keepPolicyExceptionsOff(valuesText: string): string {
  const doc = kyvernoValuesDocument(valuesText);
  if (doc.hasIn(['features', 'policyExceptions', 'enabled'])) return valuesText;
  doc.setIn(['features', 'policyExceptions', 'enabled'], false);
  const node = doc.getIn(['features', 'policyExceptions'], true);
  if (isMap(node)) {
    node.commentBefore = ' podgate: chart 3.2.x turns PolicyExceptions on by default (anyone allowed to create one can exempt a workload from any policy); the audit assumed them off. Set true, with features.policyExceptions.namespace, to opt in';
  }
  return doc.toString({ lineWidth: 0 });
}