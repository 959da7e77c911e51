// Kyverno 1.10 PolicyExceptions (kyverno.io/v2alpha1): which policy rules an exception names, and the
// match block that selects the resources it exempts. Loaded into plain data (structured-clonable) with
// field-path diagnostics. Mirrors kyverno@v1.10.7:api/kyverno/v2alpha1/policy_exception_types.go
// (Validate: spec.match, spec.exceptions[*].policyName required).
import { FieldPath, type FieldError } from '../../kube/index.js';
import { isObject } from '../../util/index.js';
import type { MatchResources } from './types.js';

/** One policy and the rule names (wildcards allowed) an exception applies to. */
export interface ExceptionTarget {
  /** `name` for a ClusterPolicy, `namespace/name` for a Policy. */
  policyName: string;
  ruleNames: string[];
}

/** A loaded PolicyException. */
export interface PolicyException {
  name: string;
  namespace: string;
  exceptions: ExceptionTarget[];
  match: MatchResources;
  background: boolean;
}

/** The apiVersions podgate reads PolicyExceptions from (1.10 serves v2alpha1 only). */
export const EXCEPTION_API_VERSIONS = ['kyverno.io/v2alpha1'];

/** True when an object is a Kyverno PolicyException of any kyverno.io version. */
export function isPolicyExceptionObject(o: unknown): boolean {
  return isObject(o) && o.kind === 'PolicyException' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kyverno.io/');
}

/** Loads one PolicyException object; problems are FieldErrors, never exceptions. */
export function loadPolicyException(obj: unknown, apiVersions: readonly string[] = EXCEPTION_API_VERSIONS): { exception?: PolicyException; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const root = FieldPath.root();
  const bad = (path: FieldPath, detail: string, type: FieldError['type'] = 'Invalid', badValue?: unknown) =>
    errors.push({ type, path, detail, code: type === 'Required' ? 'POLICY_REQUIRED' : 'POLICY_INVALID', ...(badValue !== undefined ? { badValue } : {}) });
  if (!isObject(obj)) {
    bad(root, 'a PolicyException must be a mapping');
    return { errors };
  }
  if (!apiVersions.includes(String(obj.apiVersion))) {
    errors.push({
      type: 'NotSupported',
      path: root.child('apiVersion'),
      badValue: obj.apiVersion ?? null,
      detail: `supported values: ${apiVersions.map((v) => `"${v}"`).join(', ')}${apiVersions === EXCEPTION_API_VERSIONS ? ' (Kyverno 1.10)' : ''}`,
      code: 'POLICY_API_VERSION',
    });
  }
  const md = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '';
  if (name === '') bad(root.child('metadata', 'name'), 'name is required', 'Required');
  const namespace = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default';
  const spec = obj.spec;
  const specPath = root.child('spec');
  if (!isObject(spec)) {
    bad(specPath, 'spec is required', 'Required');
    return { errors };
  }
  const match = spec.match;
  if (!isObject(match)) bad(specPath.child('match'), 'match is required', 'Required');
  else {
    const any = Array.isArray(match.any) ? match.any.length : 0;
    const all = Array.isArray(match.all) ? match.all.length : 0;
    // v2alpha1 takes only any/all (kyverno.io/v2beta1 MatchResources).
    if (any === 0 && all === 0) bad(specPath.child('match'), 'at least one of any or all is required', 'Required');
    if (any > 0 && all > 0) bad(specPath.child('match'), "can't specify any and all together");
  }
  const targets: ExceptionTarget[] = [];
  if (!Array.isArray(spec.exceptions)) bad(specPath.child('exceptions'), 'exceptions is required', 'Required');
  else
    spec.exceptions.forEach((e, i) => {
      const p = specPath.child('exceptions').index(i);
      if (!isObject(e)) bad(p, 'must be a mapping');
      else if (typeof e.policyName !== 'string' || e.policyName === '') bad(p.child('policyName'), 'An exception requires a policy name', 'Required');
      else if (!Array.isArray(e.ruleNames) || !e.ruleNames.every((r) => typeof r === 'string')) bad(p.child('ruleNames'), 'must be a list of rule names', 'Required');
      else targets.push({ policyName: e.policyName, ruleNames: e.ruleNames as string[] });
    });
  if (errors.length > 0) return { errors };
  return { exception: { name, namespace, exceptions: targets, match: match as unknown as MatchResources, background: spec.background !== false }, errors };
}
