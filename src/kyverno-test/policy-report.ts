// Builds wgpolicyk8s.io/v1alpha2 PolicyReport / ClusterPolicyReport objects from engine results, in
// Kyverno 1.10's layout: one report per namespace per policy (`cpol-<policy>` / `pol-<policy>`),
// cluster-scoped resources in a ClusterPolicyReport. Mirrors kyverno@v1.10.7:pkg/utils/report/results.go
// (ToPolicyReportResult, scored/severity/category) and api/policyreport/v1alpha2.
import type { KubeObject } from '../kube/index.js';
import type { Policy, PolicyResult, RuleStatus } from '../kyverno/index.js';
import type { JsonObject } from '../util/index.js';

/** One evaluated (policy, resource) pair, with the objects needed for report fields. */
export interface ReportInput {
  policy: Policy;
  resource: KubeObject;
  result: PolicyResult;
}

const SEVERITIES = new Set(['high', 'medium', 'low']);

function reportName(p: Policy): string {
  return p.kind === 'Policy' ? `pol-${p.name}` : `cpol-${p.name}`;
}

/** The report status of a rule result: fail becomes warn when the policy is annotated scored: "false". */
export function reportStatus(policy: Policy, status: RuleStatus): RuleStatus {
  return status === 'fail' && policy.annotations['policies.kyverno.io/scored'] === 'false' ? 'warn' : status;
}

/** Groups results into PolicyReport/ClusterPolicyReport objects (sorted by namespace, then name). */
export function buildPolicyReports(inputs: readonly ReportInput[], now: Date): JsonObject[] {
  const seconds = Math.floor(now.getTime() / 1000);
  const groups = new Map<string, { policy: Policy; namespace: string; results: JsonObject[] }>();
  for (const { policy, resource, result } of inputs) {
    const namespace = resource.metadata?.namespace ?? '';
    const key = `${namespace}\u0000${reportName(policy)}`;
    let g = groups.get(key);
    if (!g) {
      g = { policy, namespace, results: [] };
      groups.set(key, g);
    }
    const severity = policy.annotations['policies.kyverno.io/severity'];
    const category = policy.annotations['policies.kyverno.io/category'];
    for (const r of result.rules) {
      g.results.push({
        source: 'kyverno',
        policy: policy.namespace !== undefined ? `${policy.namespace}/${policy.name}` : policy.name,
        rule: r.rule,
        resources: [
          {
            apiVersion: resource.apiVersion,
            kind: resource.kind,
            ...(namespace !== '' ? { namespace } : {}),
            name: resource.metadata?.name ?? '',
            ...(resource.metadata?.uid ? { uid: resource.metadata.uid } : {}),
          },
        ],
        message: r.message,
        result: reportStatus(policy, r.status),
        scored: policy.annotations['policies.kyverno.io/scored'] !== 'false',
        timestamp: { seconds, nanos: 0 },
        ...(category ? { category } : {}),
        ...(severity && SEVERITIES.has(severity) ? { severity } : {}),
      });
    }
  }
  const reports: JsonObject[] = [];
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const g = groups.get(key);
    if (!g || g.results.length === 0) continue;
    const res = g.results.sort((a, b) => cmp(String(a.policy), String(b.policy)) || cmp(String(a.rule), String(b.rule)) || cmp(resName(a), resName(b)));
    const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of res) summary[r.result as RuleStatus]++;
    reports.push({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: g.namespace === '' ? 'ClusterPolicyReport' : 'PolicyReport',
      metadata: {
        name: reportName(g.policy),
        ...(g.namespace !== '' ? { namespace: g.namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'kyverno' },
      },
      summary,
      results: res,
    });
  }
  return reports;
}

function resName(r: JsonObject): string {
  const list = r.resources;
  const first = Array.isArray(list) ? list[0] : undefined;
  return first && typeof first === 'object' && !Array.isArray(first) ? String(first.uid ?? first.name ?? '') : '';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
