// Text renderings of migration results: the audit grouped by namespace and component, the diff by
// class, and the comparison of two values files' exclusions.
import type { AuditResult } from './audit.js';
import type { ComponentDef } from './components.js';
import type { DiffResult } from './diff-types.js';
import { ownerLabel, type UserNamespace } from './user-namespaces.js';
import { existingExcludes } from './values-merge.js';

/** Renders the audit grouped by namespace and component. */
export function formatAudit(a: AuditResult, m: { userNamespaces: ReadonlyMap<string, UserNamespace>; catalog: readonly ComponentDef[]; policyCount: number }): string {
  const out: string[] = [];
  const byNs = new Map<string, typeof a.violations>();
  for (const v of a.violations) byNs.set(v.namespace, [...(byNs.get(v.namespace) ?? []), v]);
  for (const [ns, vs] of [...byNs].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const user = m.userNamespaces.get(ns);
    out.push(`namespace ${ns}${user ? ` (${ownerLabel(user)}: ${user.evidence}; never exempted)` : ''}`);
    const byComp = new Map<string, typeof vs>();
    for (const v of vs) byComp.set(v.component, [...(byComp.get(v.component) ?? []), v]);
    for (const [comp, cvs] of byComp) {
      const def = m.catalog.find((c) => c.id === comp);
      out.push(`  component ${comp}${def ? ` (${def.comment})` : ''}`);
      let last = '';
      for (const v of cvs) {
        const w = `${v.kind}/${v.name}`;
        if (w !== last) out.push(`    ${w}${v.file ? `  [${v.file}:${v.line ?? 1}]` : ''}`);
        last = w;
        out.push(`      ${v.action === 'Enforce' ? 'DENY ' : 'AUDIT'} ${v.policy}/${v.rule}: ${v.message}`);
      }
    }
  }
  if (a.skipped.length > 0) {
    out.push('', `skipped by Kyverno's configuration (never evaluated by Kyverno): ${a.skipped.length}`);
    for (const s of a.skipped) out.push(`  ${s.kind}/${s.namespace}/${s.name}: ${s.reason}`);
  }
  if (a.defaulted.length > 0) {
    out.push('', `raw manifests defaulted as the API server would before evaluation: ${a.defaulted.length}`);
    for (const d of a.defaulted) out.push(`  ${d.kind}/${d.namespace}/${d.name}: ${d.changes.join('; ')}`);
  }
  const s = a.summary;
  out.push(
    '',
    `${s.workloads} workloads, ${s.evaluated} evaluated against ${m.policyCount} policies, ${s.skipped} skipped, ${a.coveredByOwner.length} pods covered by their controller; ` +
      `${s.violations} violations (${s.denials} would be denied) in ${s.workloadsWithViolations} workloads, ${s.userViolations} in user namespaces`,
  );
  return `${out.join('\n')}\n`;
}

/** Renders the diff: breakages, then regressions (with the PSP fields lost), then (with all) the rest. */
export function formatDiff(d: DiffResult, all: boolean): string {
  if (d.summary.skipped) return `PSP comparison skipped: ${d.summary.skipped}\n`;
  const out: string[] = [];
  for (const cls of ['breakage', 'regression', 'same'] as const) {
    if (cls === 'same' && !all) continue;
    const rows = d.entries.filter((e) => e.class === cls);
    if (rows.length === 0) continue;
    out.push(cls === 'breakage' ? 'BREAKAGES (PSP admits, Kyverno denies):' : cls === 'regression' ? 'REGRESSIONS (PSP denies or forces a safer value, Kyverno admits as written):' : 'SAME:');
    for (const e of rows) {
      out.push(`  ${e.kind}/${e.namespace}/${e.name} [${e.component}] created by ${e.creator.via}`);
      out.push(`    PSP: ${e.psp.allowed ? `admitted by ${e.psp.policy}${e.psp.mutated ? ` (defaulted ${e.psp.defaulted.join(', ')})` : ''}` : `denied: ${e.psp.message}`}`);
      out.push(`    Kyverno: ${e.kyverno.allowed ? 'admitted' : `denied: ${e.kyverno.denials.map((x) => `${x.policy}/${x.rule}: ${x.message}`).join(' | ')}`}`);
      if (e.lostFields.length > 0) out.push(`    lost PSP protection: ${e.lostFields.join(', ')}`);
    }
    out.push('');
  }
  if (d.notCompared?.length) {
    out.push('NOT COMPARED (who creates them is unknown, so what PSP decides today is too):');
    for (const n of d.notCompared) out.push(`  ${n.kind}/${n.namespace}/${n.name}: ${n.reason}`);
    out.push('');
  }
  out.push(`${d.summary.total} workloads: ${d.summary.breakage} breakages, ${d.summary.regression} regressions, ${d.summary.same} same${d.summary.notCompared ? `; ${d.summary.notCompared} not compared` : ''}`);
  return `${out.join('\n')}\n`;
}

/** Compares the exclusions of two values files, for the namespaces that exist in the cluster. */
export function compareValues(generated: string, reference: string, namespaces: readonly string[]): { same: boolean; lines: string[]; text: string } {
  const g = existingExcludes(generated);
  const r = existingExcludes(reference);
  const lines: string[] = [];
  const present = new Set(namespaces);
  for (const policy of [...new Set([...g.keys(), ...r.keys()])].sort()) {
    const gs = g.get(policy) ?? new Set<string>();
    const rs = r.get(policy) ?? new Set<string>();
    const onlyRef = [...rs].filter((n) => !gs.has(n) && (present.has(n) || /[*?]/.test(n)));
    const onlyGen = [...gs].filter((n) => !rs.has(n));
    const absent = [...rs].filter((n) => !gs.has(n) && !present.has(n) && !/[*?]/.test(n));
    if (onlyRef.length) lines.push(`${policy}: in the reference but not needed by any workload here: ${onlyRef.join(', ')}`);
    if (onlyGen.length) lines.push(`${policy}: needed here but missing from the reference: ${onlyGen.join(', ')}`);
    if (absent.length) lines.push(`${policy}: reference namespaces not in this cluster (ignored): ${absent.join(', ')}`);
  }
  const same = lines.every((l) => l.includes('(ignored)'));
  // A file with nothing in it read as a failed comparison: say the result.
  const text = lines.length > 0 ? `${lines.join('\n')}\n` : 'same exclusions as the reference for every policy\n';
  return { same, lines, text };
}
