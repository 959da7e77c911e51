// CI formats of `podgate migrate audit`: a SARIF 2.1.0 log (one result per violation, located at the
// file and line of the workload's manifest) and wgpolicyk8s.io PolicyReports (one per namespace, a
// ClusterPolicyReport for cluster-scoped workloads), as Kyverno's background scan would write them.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuditResult, Violation } from '../../migrate/audit.js';
import { VERSION } from '../../version.js';
import { compareText } from '../../util/index.js';
import { table } from '../output.js';

function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** True for sources that are files (live objects are named `cluster:<kind>` or similar). */
function isFile(file: string | undefined): file is string {
  return Boolean(file) && !/^[a-z]+:(?!\/\/|\\)/i.test(file ?? '') && file !== '<stdin>';
}

/** The SARIF 2.1.0 log of an audit. */
export function auditSarif(a: AuditResult): Record<string, unknown> {
  const ruleIds: string[] = [];
  const index = new Map<string, number>();
  for (const v of a.violations) {
    const id = `${v.policy}/${v.rule}`;
    if (!index.has(id)) {
      index.set(id, ruleIds.length);
      ruleIds.push(id);
    }
  }
  const result = (v: Violation) => {
    const id = `${v.policy}/${v.rule}`;
    const resource = `${v.namespace ? `${v.namespace}/` : ''}${v.kind}/${v.name}`;
    return {
      ruleId: id,
      ruleIndex: index.get(id),
      level: v.action === 'Enforce' ? 'error' : 'warning',
      message: { text: `${resource}: ${v.message}` },
      locations: [
        {
          ...(isFile(v.file) ? { physicalLocation: { artifactLocation: { uri: artifactUri(v.file) }, region: { startLine: v.line ?? 1 } } } : {}),
          logicalLocations: [{ fullyQualifiedName: resource, kind: 'resource' }],
        },
      ],
      properties: { policy: v.policy, rule: v.rule, result: v.result, action: v.action, component: v.component, userNamespace: v.userViolation },
    };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'podgate',
            version: VERSION,
            informationUri: 'https://github.com/kyverno/policies',
            rules: ruleIds.map((id) => ({ id, name: id.replace(/[^A-Za-z0-9]+/g, '-'), shortDescription: { text: `Kyverno policy ${id.split('/')[0]}, rule ${id.split('/')[1]}` } })),
          },
        },
        results: a.violations.map(result),
      },
    ],
  };
}

/** PolicyReports (wgpolicyk8s.io/v1alpha2) of an audit: the failures and errors of every namespace. */
export function auditPolicyReports(a: AuditResult, now: Date): Record<string, unknown>[] {
  const byNs = new Map<string, Violation[]>();
  for (const v of a.violations) byNs.set(v.namespace, [...(byNs.get(v.namespace) ?? []), v]);
  const seconds = Math.floor(now.getTime() / 1000);
  return [...byNs.entries()]
    .sort(([x], [y]) => compareText(x, y))
    .map(([ns, vs]) => ({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: ns ? 'PolicyReport' : 'ClusterPolicyReport',
      metadata: { name: ns ? `podgate-audit-${ns}` : 'podgate-audit', ...(ns ? { namespace: ns } : {}), labels: { 'app.kubernetes.io/managed-by': 'podgate' } },
      results: vs.map((v) => ({
        source: 'kyverno',
        policy: v.policy,
        rule: v.rule,
        result: v.result,
        message: v.message,
        scored: true,
        severity: v.action === 'Enforce' ? 'high' : 'medium',
        resources: [{ kind: v.kind, name: v.name, ...(v.namespace ? { namespace: v.namespace } : {}) }],
        timestamp: { seconds, nanos: 0 },
        properties: { action: v.action, component: v.component },
      })),
      summary: { pass: 0, fail: vs.filter((v) => v.result === 'fail').length, warn: 0, error: vs.filter((v) => v.result === 'error').length, skip: 0 },
    }));
}

/** `migrate audit -o table`: one row per violation (wide: component, user namespace, file:line, message). */
export function auditTable(a: AuditResult, wide: boolean): string {
  const header = ['NAMESPACE', 'KIND', 'NAME', 'POLICY', 'RULE', 'ACTION', 'RESULT', ...(wide ? ['COMPONENT', 'USER', 'SOURCE', 'MESSAGE'] : [])];
  const rows = a.violations.map((v) => [
    v.namespace || '-',
    v.kind,
    v.name,
    v.policy,
    v.rule,
    v.action,
    v.result,
    ...(wide ? [v.component, v.userViolation ? 'yes' : 'no', v.file ? `${v.file}:${v.line ?? 1}` : '-', v.message] : []),
  ]);
  return table(header, rows);
}
