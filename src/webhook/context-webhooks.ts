// Which of Kyverno's webhooks build a policy context for a request, and so answer with the context error
// when it cannot be built (an image it cannot parse). Decided by kind only, as Kyverno's webhook
// registration and policy cache are, never by a policy's namespaces, operations or selectors:
// - kyverno@v1.10.7 pkg/controllers/webhook (mergeWebhook): the validating webhook of a failurePolicy is
//   registered for the match kinds of that failurePolicy's rules with validate, generate (plus the kind
//   generated), image checks (verifyImages with verifyDigest or required, both true by default) or a
//   mutate with targets (mutateExisting), for CREATE, UPDATE, DELETE and CONNECT, and for
//   pods/ephemeralcontainers wherever pods are; its handler (pkg/webhooks/resource/handlers.go Validate)
//   builds the context before looking at any policy.
// - The mutating handler (Mutate) builds it only when the policy cache holds a mutate or verifyImages
//   policy for the kind: cluster policies, and namespaced policies of the request's namespace.
// - From Kyverno 1.12 (kyverno PR #8437) both webhooks are registered only for the operations their rules'
//   match selects (every operation when a rule names none): a rule for UPDATE or DELETE only does not make
//   the API server send Kyverno a CREATE. With `operationsFromRules`, a rule counts for the operations it
//   selects; 1.10 registers CREATE, UPDATE, DELETE and CONNECT whatever the rules say.
import { type CompiledPolicy, checkKind, type GroupVersionKind, type Rule, ruleOperations } from '../kyverno/index.js';
import { isObject } from '../util/index.js';

/** What decides whether a Kyverno webhook is called for a request and builds its context. */
export interface ContextWebhooks {
  /** The failurePolicies whose validating webhook is registered for the request (empty: none is called). */
  validating(gvk: GroupVersionKind, subresource: string, operation: string): ReadonlySet<'Fail' | 'Ignore'>;
  /** True when the mutating handler has a policy for the request and builds the context. */
  mutating(gvk: GroupVersionKind, subresource: string, namespace: string, operation: string): boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Every kind a rule's match names (GetKinds: the legacy block, then every `any` and `all` filter). */
export function matchKinds(rule: Rule): string[] {
  const m = rule.match as unknown;
  if (!isObject(m)) return [];
  const out = isObject(m.resources) ? strings(m.resources.kinds) : [];
  for (const list of [m.any, m.all]) {
    if (!Array.isArray(list)) continue;
    for (const f of list) if (isObject(f) && isObject(f.resources)) out.push(...strings(f.resources.kinds));
  }
  return out;
}

function hasImageChecks(rule: Rule): boolean {
  return (rule.verifyImages ?? []).some((v) => !isObject(v) || v.verifyDigest !== false || v.required !== false);
}

const isMutateExisting = (rule: Rule): boolean => isObject(rule.mutate) && Array.isArray(rule.mutate.targets) && rule.mutate.targets.length > 0;

/** The kinds each of a policy's rules registers on the validating webhook (mergeWebhook with updateValidate). */
function validatingKinds(rule: Rule): string[] {
  if (rule.generate !== undefined) {
    const generated = isObject(rule.generate) && typeof rule.generate.kind === 'string' && rule.generate.kind !== '' ? [rule.generate.kind] : [];
    const cloned = isObject(rule.generate) && isObject(rule.generate.cloneList) ? strings(rule.generate.cloneList.kinds) : [];
    return [...matchKinds(rule), ...generated, ...cloned];
  }
  if (rule.validate !== undefined || hasImageChecks(rule) || isMutateExisting(rule)) return matchKinds(rule);
  return [];
}

/** Options of contextWebhooks. */
export interface ContextWebhookOptions {
  /** Webhooks are registered for the operations the rules select (Kyverno 1.12), not for every operation (1.10). */
  operationsFromRules?: boolean;
}

/** The index over a set's compiled policies (built once per set; consulted only when a context fails). */
export function contextWebhooks(policies: readonly CompiledPolicy[], opts: ContextWebhookOptions = {}): ContextWebhooks {
  // One entry per rule that registers kinds: its operations (undefined: every operation) when they narrow the webhook.
  const opsOf = (r: Rule) => (opts.operationsFromRules ? ruleOperations(r) : undefined);
  const validating = policies.flatMap((c) => {
    const failurePolicy = c.policy.failurePolicy === 'Ignore' ? ('Ignore' as const) : ('Fail' as const);
    return c.rules.map((r) => ({ failurePolicy, kinds: validatingKinds(r), operations: opsOf(r) })).filter((e) => e.kinds.length > 0);
  });
  const mutating = policies.flatMap((c) =>
    c.rules
      .filter((r) => r.mutate !== undefined || (r.verifyImages ?? []).length > 0)
      .map((r) => ({ namespace: c.policy.namespace, kinds: matchKinds(r), operations: opsOf(r) }))
      .filter((e) => e.kinds.length > 0),
  );
  const sends = (operations: ReadonlySet<string> | undefined, operation: string) => operations === undefined || operations.has(operation);
  return {
    validating(gvk, subresource, operation) {
      const out = new Set<'Fail' | 'Ignore'>();
      // allowEphemeralContainers: Kyverno adds pods/ephemeralcontainers to every webhook rule holding pods.
      for (const v of validating) if (sends(v.operations, operation) && checkKind(v.kinds, gvk, subresource, true)) out.add(v.failurePolicy);
      return out;
    },
    mutating(gvk, subresource, namespace, operation) {
      return mutating.some((m) => (m.namespace === undefined || m.namespace === namespace) && sends(m.operations, operation) && checkKind(m.kinds, gvk, subresource, true));
    },
  };
}
