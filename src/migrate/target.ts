// The target policy set the cluster will really get: the kyverno-policies chart rendered from the
// values, the per-user policies of every permission user, and any extra policies — compiled once.
import { type ChartVersion, type ChartWarning, renderChart } from '../chart/index.js';
import { type CompiledPolicy, compilePolicy, loadPolicyList } from '../kyverno/index.js';
import type { KubeObject, LoadedObject } from '../kube/index.js';
import { type PermissionUser, renderUser } from '../permissions/index.js';
import type { JsonObject } from '../util/index.js';

/** Where a policy of the target set came from. */
export type PolicyOrigin = 'chart' | 'user' | 'extra';

/** The compiled target set, with origins and everything worth telling the user. */
export interface TargetPolicies {
  policies: CompiledPolicy[];
  origin: Map<string, PolicyOrigin>;
  chartPolicies: Set<string>;
  chartWarnings: ChartWarning[];
  errors: string[];
}

/** Inputs for the target set. */
export interface TargetInput {
  chartVersion: ChartVersion;
  /** Values files in -f order; empty means the chart's defaults (baseline, Audit). */
  values: JsonObject[];
  set?: string[];
  users: readonly PermissionUser[];
  extra: readonly LoadedObject[];
}

/** Renders, loads and compiles the target set. Problems are collected, never thrown. */
export function buildTargetPolicies(input: TargetInput): TargetPolicies {
  const out: TargetPolicies = { policies: [], origin: new Map(), chartPolicies: new Set(), chartWarnings: [], errors: [] };
  const add = (o: KubeObject, origin: PolicyOrigin, where: string) => {
    const r = loadPolicyList([o], () => where);
    out.errors.push(...r.problems);
    for (const p of r.policies) {
      out.policies.push(compilePolicy(p));
      out.origin.set(p.name, origin);
      if (origin === 'chart') out.chartPolicies.add(p.name);
    }
  };
  const chart = renderChart({ version: input.chartVersion, values: input.values, set: input.set ?? [] });
  out.chartWarnings = chart.warnings;
  chart.policies.forEach((p, i) => {
    add(p, 'chart', `kyverno-policies ${input.chartVersion} ${chart.sources[i] ?? ''}`);
  });
  for (const u of input.users) {
    for (const o of renderUser(u, { psp: false })) if (o.kind === 'ClusterPolicy') add(o, 'user', `permission user ${u.name}`);
  }
  for (const l of input.extra) {
    if (l.object.apiVersion.startsWith('kyverno.io/') && (l.object.kind === 'ClusterPolicy' || l.object.kind === 'Policy')) {
      add(l.object, 'extra', `${l.source.file}: document ${l.source.document + 1}`);
    }
  }
  return out;
}
