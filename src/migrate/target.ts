// The target policy set the cluster will really get: the kyverno-policies chart rendered from the
// values, the per-user policies of every permission user, and any extra policies — compiled once.
import { type ChartVersion, type ChartWarning, renderChart } from '../chart/index.js';
import { type CompiledPolicy, compilePolicy, loadPolicyList, type PolicyValidation } from '../kyverno/index.js';
import { type KubeObject, type LoadedObject, lineAt } from '../kube/index.js';
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
  /** Schema problems of extra policies under `--validate=warn`. */
  warnings?: string[];
}

/** Inputs for the target set. */
export interface TargetInput {
  chartVersion: ChartVersion;
  /** Values files in -f order; empty means the chart's defaults (baseline, Audit). */
  values: JsonObject[];
  set?: string[];
  users: readonly PermissionUser[];
  extra: readonly LoadedObject[];
  /** How the extra policies are checked against the CRD schema (default strict, Kyverno 1.10); chart and user policies are always strict. */
  validation?: PolicyValidation;
}

/** Renders, loads and compiles the target set. Problems are collected, never thrown. */
export function buildTargetPolicies(input: TargetInput): TargetPolicies {
  const out: TargetPolicies = { policies: [], origin: new Map(), chartPolicies: new Set(), chartWarnings: [], errors: [] };
  const chartKyverno = input.chartVersion.startsWith('3.2.') ? '1.12' : '1.10';
  const add = (o: KubeObject, origin: PolicyOrigin, where: string, lineOf?: (segments: readonly (string | number)[]) => string) => {
    const validation: PolicyValidation = origin === 'extra' ? { ...input.validation } : { validate: 'strict', kyvernoVersion: chartKyverno };
    const r = loadPolicyList([o], (_i, segments) => (segments && lineOf ? lineOf(segments) : where), validation);
    out.errors.push(...r.problems);
    if (r.warnings.length > 0) out.warnings = [...(out.warnings ?? []), ...r.warnings];
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
      add(l.object, 'extra', `${l.source.file}: document ${l.source.document + 1}`, (segments) => `${l.source.file}:${lineAt(l.object, segments) ?? l.source.line}: document ${l.source.document + 1}`);
    }
  }
  return out;
}
