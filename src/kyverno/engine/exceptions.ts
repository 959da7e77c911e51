// PolicyExceptions in the engine: after a rule matched, an exception that names the policy and the rule
// (wildcards allowed, autogen rule names included) and whose match block selects the resource turns the
// rule into a skip. Exceptions come in as plain data on the EvaluationContext; which ones are in effect
// (feature flag, namespace restriction) is decided by the caller, as Kyverno's lister is configured.
// Mirrors kyverno@v1.10.7:pkg/engine/exceptions.go (matchesException, hasPolicyExceptions) and
// pkg/controllers/exceptions (the index: exceptions sorted by namespace then name, first match wins).
import { wildcardMatch } from '../../util/index.js';
import { type MatchInput, matchRule } from '../match/index.js';
import type { Policy } from '../model/index.js';
import type { PolicyException } from '../model/exception.js';

const sortedCache = new WeakMap<readonly PolicyException[], readonly PolicyException[]>();

const byte = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sorted(list: readonly PolicyException[]): readonly PolicyException[] {
  let s = sortedCache.get(list);
  if (s === undefined) {
    s = [...list].sort((a, b) => byte(a.namespace, b.namespace) || byte(a.name, b.name));
    sortedCache.set(list, s);
  }
  return s;
}

/** The key an exception names a policy by: `name` for a ClusterPolicy, `namespace/name` for a Policy. */
export function exceptionPolicyKey(policy: Pick<Policy, 'name' | 'namespace'>): string {
  return policy.namespace !== undefined ? `${policy.namespace}/${policy.name}` : policy.name;
}

/** True when the exception names this policy's rule. */
export function exceptionNamesRule(ex: PolicyException, policyKey: string, rule: string): boolean {
  return ex.exceptions.some((t) => t.policyName === policyKey && t.ruleNames.some((r) => wildcardMatch(r, rule)));
}

/**
 * The `namespace/name` of the first exception (by namespace, then name) that exempts the resource from
 * the rule, if any. `input` is the match input of the new object (the old one on DELETE), without the
 * policy's namespace: an exception's match stands on its own.
 */
export function matchingException(exceptions: readonly PolicyException[] | undefined, policyKey: string, rule: string, input: MatchInput | undefined): string | undefined {
  if (exceptions === undefined || exceptions.length === 0 || input === undefined) return undefined;
  for (const ex of sorted(exceptions)) {
    if (!exceptionNamesRule(ex, policyKey, rule)) continue;
    if (matchRule({ match: ex.match }, input).matched) return `${ex.namespace}/${ex.name}`;
  }
  return undefined;
}

/** Kyverno's skip message for a rule an exception exempts. */
export function exceptionSkipMessage(key: string): string {
  return `rule skipped due to policy exception ${key}`;
}
