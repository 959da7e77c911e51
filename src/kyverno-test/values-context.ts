// The evaluation context a values file gives one policy on one resource: global and per-resource variables,
// per-rule and foreach values, the namespace's labels and a DELETE operation. Shared by `podgate test` and
// `podgate apply`. Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/utils/values (GetVariable) and
// utils/common (ApplyPolicyOnResource: `request.operation` from the values selects DELETE).
import type { KubeObject } from '../kube/index.js';
import type { EvaluationContext } from '../kyverno/index.js';
import type { JsonValue } from '../util/index.js';
import type { SuiteValues } from './suite.js';

/** The context of a policy on a resource from its values; `namespaceLabels` is set only when the values name the namespace. */
export function valuesContext(policy: string, resource: KubeObject, values: SuiteValues | undefined): EvaluationContext {
  const global: Record<string, JsonValue> = { ...(values?.globalValues ?? {}), ...(values?.resourceValues[policy]?.[resource.metadata?.name ?? ''] ?? {}) };
  const ctx: EvaluationContext = {
    clock: () => new Date(),
    values: { global, rules: values?.ruleValues[policy] ?? {}, foreach: values?.foreachValues[policy] ?? {} },
  };
  const labels = values?.namespaceLabels[resource.metadata?.namespace ?? ''];
  if (labels) ctx.namespaceLabels = labels;
  if (global['request.operation'] === 'DELETE') ctx.operation = 'DELETE';
  return ctx;
}
