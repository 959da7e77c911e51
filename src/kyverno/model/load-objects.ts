// Picks the Kyverno policies out of loaded objects and loads each one, naming every problem by file,
// document and field path (`<file>:<line>: document <n>: <field error>`). Used by the CLI and kyverno-test;
// the per-object loading is load.ts (kyverno@v1.10.7:pkg/validation/policy/validate.go). Before loading,
// each policy is checked against its CRD schema (schema.ts) as `--validate` asks: strict makes schema
// issues problems, warn reports them and prunes unknown fields, ignore skips the check.
import { FieldPath, formatFieldError, type LoadedObject, lineAt } from '../../kube/index.js';
import { isObject } from '../../util/index.js';
import { autogenAnnotationWarnings, autogenReferenceWarnings } from '../autogen/index.js';
import { isKyvernoPolicy, loadPolicy } from './load.js';
import { checkPolicySchema, type KyvernoSchemaVersion, pruneUnknownFields, type ValidationMode } from './schema.js';
import type { Policy } from './types.js';

/** How policies are checked against the CRD schema. */
export interface PolicyValidation {
  /** Default strict: a policy the API server would reject is never run. */
  validate?: ValidationMode;
  /** Whose CRD schema (default 1.10). */
  kyvernoVersion?: KyvernoSchemaVersion;
}

/** Policies, problems (errors) and warnings, in input order. */
export interface PolicyListResult {
  policies: Policy[];
  problems: string[];
  warnings: string[];
}

/** Every policy that loaded (even with problems) and every problem, in input order; other objects are ignored. */
export function loadPolicyObjects(objects: readonly LoadedObject[], opts: PolicyValidation = {}): PolicyListResult {
  return loadPolicyList(
    objects.map((lo) => lo.object),
    (i, segments) => {
      const s = objects[i]!.source;
      const line = segments ? (lineAt(objects[i]!.object, segments) ?? s.line) : s.line;
      return `${s.file}:${line}: document ${s.document + 1}`;
    },
    opts,
  );
}

/** The same for objects without a file position (rendered charts, user policies): `where(i)` names each. */
export function loadPolicyList(
  objects: readonly unknown[],
  where: (index: number, segments?: readonly (string | number)[]) => string,
  opts: PolicyValidation = {},
): PolicyListResult {
  const policies: Policy[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  const mode = opts.validate ?? 'strict';
  objects.forEach((o, i) => {
    if (!isKyvernoPolicy(o)) return;
    let obj = o;
    const reported = new Set<string>();
    if (mode !== 'ignore' && isObject(o)) {
      const issues = checkPolicySchema(o, opts.kyvernoVersion ?? '1.10');
      const sink = mode === 'strict' ? problems : warnings;
      for (const is of issues) {
        sink.push(`${where(i, is.segments)}: ${is.message}`);
        reported.add(FieldPath.fromPointer(`/${is.segments.join('/')}`).toString());
      }
      if (mode === 'warn') obj = pruneUnknownFields(o, issues);
    }
    const r = loadPolicy(obj);
    // A field the schema check already named is not named twice.
    for (const e of r.errors) if (!reported.has(e.path.toString())) problems.push(`${where(i)}: ${formatFieldError(e)}`);
    if (r.policy && (mode !== 'strict' || reported.size === 0)) {
      policies.push(r.policy);
      for (const w of [...autogenAnnotationWarnings(r.policy), ...autogenReferenceWarnings(r.policy)]) warnings.push(`${where(i)}: ${w}`);
    }
  });
  return { policies, problems, warnings };
}
