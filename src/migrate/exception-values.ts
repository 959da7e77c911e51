// The kyverno chart values change PolicyExceptions need: Kyverno 1.10 ignores every PolicyException
// unless `features.policyExceptions.enabled` is true (kyverno chart 3.0.9 ships false), and only reads
// them from `features.policyExceptions.namespace` when that is set. Merged into the user's values text
// with comments and order kept.
import { isMap, parseDocument } from 'yaml';

/** The user's kyverno values with `features.policyExceptions.enabled: true` (everything else untouched). */
export function enablePolicyExceptions(valuesText: string): string {
  const doc = parseDocument(valuesText === '' ? '{}' : valuesText);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split('\n')[0]);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('the kyverno values must be a mapping');
  if (doc.contents === null) return 'features:\n  policyExceptions:\n    enabled: true\n';
  doc.setIn(['features', 'policyExceptions', 'enabled'], true);
  return doc.toString({ lineWidth: 0 });
}
