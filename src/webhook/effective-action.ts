// The action a policy takes for one namespace: validationFailureActionOverrides tried in order,
// first match wins, else spec.validationFailureAction; and which policies run synchronously.
// Mirrors kyverno@v1.10.7:pkg/engine/api/engineresponse.go (GetValidationFailureAction) and
// pkg/policycache/store.go (ValidateEnforce vs ValidateAudit).
import { checkSelector } from '../kyverno/index.js';
import { wildcardMatch } from '../util/index.js';

/** A metav1.LabelSelector, as the engine's selector check takes it. */
export type LabelSelector = Parameters<typeof checkSelector>[0];

/** Kyverno's CheckSelector: a missing selector or an invalid one matches nothing; wildcards expand. */
function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const r = checkSelector(selector, labels);
  return r.ok && r.matched;
}

/** One entry of spec.validationFailureActionOverrides. */
export interface ActionOverride {
  action: string;
  namespaces?: readonly string[];
  namespaceSelector?: LabelSelector;
}

/** True for `Enforce`/`enforce`: Kyverno compares the action case-insensitively. */
export function isEnforce(action: string): boolean {
  return action.toLowerCase() === 'enforce';
}

function isValidAction(action: string): boolean {
  const a = action.toLowerCase();
  return a === 'enforce' || a === 'audit';
}

/** The effective action of a policy for a resource in `namespace` whose namespace has `labels`. */
export function effectiveAction(
  specAction: 'Audit' | 'Enforce',
  overrides: readonly ActionOverride[],
  namespace: string,
  labels: Readonly<Record<string, string>>,
): 'Audit' | 'Enforce' {
  for (const o of overrides) {
    if (!isValidAction(o.action)) continue;
    const action = isEnforce(o.action) ? 'Enforce' : 'Audit';
    // Without namespaces only the selector can match, and a missing selector matches nothing.
    if (o.namespaces === undefined) {
      if (selects(o.namespaceSelector, labels)) return action;
      continue;
    }
    for (const pattern of o.namespaces) {
      if (!wildcardMatch(pattern, namespace)) continue;
      if (o.namespaceSelector === undefined || selects(o.namespaceSelector, labels)) return action;
    }
  }
  return specAction;
}

/** True when the policy cache would put the policy in ValidateEnforce (evaluated in the webhook). */
export function isSynchronous(specAction: 'Audit' | 'Enforce', overrides: readonly ActionOverride[]): boolean {
  return specAction === 'Enforce' || overrides.some((o) => isEnforce(o.action));
}
