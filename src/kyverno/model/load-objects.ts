// Picks the Kyverno policies out of loaded objects and loads each one, naming every problem by file,
// document and field path (`<file>: document <n>: <field error>`). Used by the CLI and kyverno-test;
// the per-object loading is load.ts (kyverno@v1.10.7:pkg/validation/policy/validate.go).
import { formatFieldError, type LoadedObject } from '../../kube/index.js';
import { isKyvernoPolicy, loadPolicy } from './load.js';
import type { Policy } from './types.js';

/** Every policy that loaded (even with problems) and every problem, in input order; other objects are ignored. */
export function loadPolicyObjects(objects: readonly LoadedObject[]): { policies: Policy[]; problems: string[] } {
  return loadPolicyList(
    objects.map((lo) => lo.object),
    (i) => `${objects[i]!.source.file}: document ${objects[i]!.source.document + 1}`,
  );
}

/** The same for objects without a file position (rendered charts, user policies): `where(i)` names each. */
export function loadPolicyList(objects: readonly unknown[], where: (index: number) => string): { policies: Policy[]; problems: string[] } {
  const policies: Policy[] = [];
  const problems: string[] = [];
  objects.forEach((o, i) => {
    if (!isKyvernoPolicy(o)) return;
    const r = loadPolicy(o);
    for (const e of r.errors) problems.push(`${where(i)}: ${formatFieldError(e)}`);
    if (r.policy) policies.push(r.policy);
  });
  return { policies, problems };
}
