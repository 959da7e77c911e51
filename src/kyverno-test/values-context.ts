// The evaluation context a values file gives one policy on one resource: global and per-resource variables,
// per-rule and foreach values, the namespace's labels, a DELETE operation and the subresource mappings.
// Shared by `podgate test` and `podgate apply`. Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/utils/values
// (GetVariable) and utils/common (ApplyPolicyOnResource: `request.operation` from the values selects DELETE,
// an empty one is a CREATE; a resource whose group/version/kind is a `subresources:` entry's subresource is
// matched as the parent resource's kind with that subresource).
import { type KubeObject, splitApiVersion } from '../kube/index.js';
import { type EngineProfile, type EvaluationContext, valueKeyPath } from '../kyverno/index.js';
import { getOwn, type JsonValue, setOwn } from '../util/index.js';
import type { RuleValuesEntry, SubresourceMapping, SuiteValues } from './suite.js';

/**
 * The context of a policy on a resource from its values; `namespaceLabels` is set only when the values name
 * the namespace. The profile decides which rules the per-rule values reach (autogenRuleValues).
 */
export function valuesContext(policy: string, resource: KubeObject, values: SuiteValues | undefined, profile?: EngineProfile): EvaluationContext {
  // Every name is looked up as an own key: a policy, resource or namespace named `constructor` or
  // `toString` has what the values file gives it, never a member every object inherits.
  const global: Record<string, JsonValue> = { ...(values?.globalValues ?? {}), ...resourceValuesOf(values, policy, resource.metadata?.name ?? '', profile) };
  // `request.operation: ""` is no operation: the request is the CLI's CREATE (as when the key is absent).
  if (global['request.operation'] === '' || global['request.operation'] === null) delete global['request.operation'];
  const ctx: EvaluationContext = {
    clock: () => new Date(),
    values: { global, rules: (values && getOwn(values.ruleValues, policy)) ?? {}, foreach: (values && getOwn(values.foreachValues, policy)) ?? {} },
  };
  const entries = values?.ruleEntries && Object.hasOwn(values.ruleEntries, policy) ? values.ruleEntries[policy] : undefined;
  if (profile?.autogenRuleValues && entries) Object.assign(ctx.values!, ruleValuesWithAutogen(entries));
  const labels = values ? getOwn(values.namespaceLabels, resource.metadata?.namespace ?? '') : undefined;
  if (labels) ctx.namespaceLabels = labels;
  if (global['request.operation'] === 'DELETE') ctx.operation = 'DELETE';
  const sub = subresourceOf(resource, values?.subresources ?? []);
  if (sub) {
    ctx.gvk = sub.gvk;
    ctx.subresource = sub.subresource;
  }
  return ctx;
}

/**
 * The values a values file gives one resource for one policy: under resourceValuesMerge (1.11+ CLI,
 * ComputeVariables) those of every entry of that policy and resource name merged in file order, a later
 * key winning; otherwise (v1.10.7) the last entry of the resource in the policy's last entry, whole.
 */
function resourceValuesOf(values: SuiteValues | undefined, policy: string, name: string, profile: EngineProfile | undefined): Record<string, JsonValue> {
  if (!values) return {};
  const entries = values.resourceEntries && getOwn(values.resourceEntries, policy);
  if (profile?.resourceValuesMerge && entries) {
    const out: Record<string, JsonValue> = {};
    for (const e of entries) if (e.name === name) for (const [k, v] of Object.entries(e.values)) setOwn(out, k, v);
    return out;
  }
  const byResource = getOwn(values.resourceValues, policy);
  return (byResource && getOwn(byResource, name)) ?? {};
}

/**
 * The per-rule values as the 1.11+ CLI store hands them out (GetPolicyRule): a rule name is answered by the
 * first entry, in file order, named the rule or whose `autogen-`/`autogen-cronjob-` rule it is, with that
 * entry's values and foreach values (none when it has none, even if a later entry would answer too).
 */
function ruleValuesWithAutogen(entries: readonly RuleValuesEntry[]): { rules: Record<string, Record<string, JsonValue>>; foreach: Record<string, Record<string, JsonValue[]>> } {
  const rules: Record<string, Record<string, JsonValue>> = {};
  const foreach: Record<string, Record<string, JsonValue[]>> = {};
  const answered = new Set<string>();
  for (const e of entries) {
    for (const name of [e.name, `autogen-${e.name}`, `autogen-cronjob-${e.name}`]) {
      if (answered.has(name)) continue;
      answered.add(name);
      if (e.values) setOwn(rules, name, e.values);
      if (e.foreachValues) setOwn(foreach, name, e.foreachValues);
    }
  }
  return { rules, foreach };
}

/**
 * The parent kind and subresource a resource is matched as, when its group/version/kind is the
 * subresource of a `subresources:` entry (the last such entry wins, as the CLI's loop does).
 */
export function subresourceOf(resource: KubeObject, mappings: readonly SubresourceMapping[]): { gvk: { group: string; version: string; kind: string }; subresource: string } | undefined {
  const { group, version } = splitApiVersion(resource.apiVersion ?? '');
  let out: { gvk: { group: string; version: string; kind: string }; subresource: string } | undefined;
  for (const m of mappings) {
    const s = m.subresource;
    if (s.group !== group || s.version !== version || s.kind !== resource.kind) continue;
    const p = m.parentResource;
    out = { gvk: { group: p.group, version: p.version, kind: p.kind }, subresource: s.name.split('/')[1] ?? '' };
  }
  return out;
}

/**
 * The values-file keys the profile cannot read (a stray quote under Kyverno 1.11+, where the CLI stops with
 * "failed to add variable to context"), each named with where it is: `globalValues`, `policies[<name>]`.
 */
export function valueKeyErrors(values: SuiteValues, profile: EngineProfile): string[] {
  const out: string[] = [];
  const check = (where: string, keys: Iterable<string>) => {
    for (const k of keys) {
      const path = valueKeyPath(k, profile);
      if (!path.ok) out.push(`${where}: key ${JSON.stringify(k)}: ${path.error}`);
    }
  };
  check('globalValues', Object.keys(values.globalValues));
  // Every entry, in file order, when the values file was read with them (a name given twice: the 1.11+ CLI
  // may read an entry the by-name maps dropped).
  if (values.resourceEntries) {
    for (const [policy, entries] of Object.entries(values.resourceEntries)) {
      for (const e of entries) check(`policies[${policy}].resources[${e.name}].values`, Object.keys(e.values));
    }
  } else {
    for (const [policy, byResource] of Object.entries(values.resourceValues)) {
      for (const [resource, v] of Object.entries(byResource)) check(`policies[${policy}].resources[${resource}].values`, Object.keys(v));
    }
  }
  if (values.ruleEntries) {
    for (const [policy, entries] of Object.entries(values.ruleEntries)) {
      for (const e of entries) {
        if (e.values) check(`policies[${policy}].rules[${e.name}].values`, Object.keys(e.values));
        if (e.foreachValues) check(`policies[${policy}].rules[${e.name}].foreachValues`, Object.keys(e.foreachValues));
      }
    }
  } else {
    for (const [policy, byRule] of Object.entries(values.ruleValues)) {
      for (const [rule, v] of Object.entries(byRule)) check(`policies[${policy}].rules[${rule}].values`, Object.keys(v));
    }
    for (const [policy, byRule] of Object.entries(values.foreachValues)) {
      for (const [rule, v] of Object.entries(byRule)) check(`policies[${policy}].rules[${rule}].foreachValues`, Object.keys(v));
    }
  }
  return out;
}
