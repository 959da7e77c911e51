// Audit sections of the HTML migration report: the summary cards, per-policy and per-namespace
// tables, the chart of violations by component, the violations with Kyverno's exact messages, and
// the workloads Kyverno never sees (resource filters) or that the API server changes (defaulting).
import { type Child, type Html, el, frag } from './html-builder.js';
import { barChart } from './html-chart.js';
import type { MigrationReport, ReportViolation } from './html-types.js';
import { verdictLine } from '../util/index.js';

/** A number carrying its data-metric (and data-key) so tests and scripts can read it. */
export function metric(name: string, value: number, key?: string): Html {
  return el('span', { 'data-metric': name, 'data-key': key }, value);
}

/** A `<section>` with an id, a heading and content. */
export function section(id: string, title: string, ...content: Child[]): Html {
  return el('section', { id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title), ...content);
}

/** A table with a caption, header cells (names ending in `#` are numeric) and rows of cells. */
export function table(id: string | undefined, caption: string, head: readonly string[], rows: readonly (readonly Child[])[]): Html {
  const numeric = head.map((h) => h.endsWith('#'));
  return el(
    'table',
    { id },
    el('caption', null, caption),
    el('thead', null, el('tr', null, head.map((h, i) => el('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, numeric[i] ? h.slice(0, -1) : h)))),
    el('tbody', null, rows.map((r) => el('tr', null, r.map((c, i) => el('td', { class: numeric[i] ? 'num' : undefined }, c))))),
  );
}

/** A filter box for a table; hidden until the script shows it, so the page reads the same without JS. */
export function filterBox(tableId: string, label: string): Html {
  return el('div', { class: 'filter', 'data-filter-for': tableId, hidden: true }, el('label', null, `${label} `, el('input', { type: 'search', 'aria-controls': tableId })));
}

/** An italic "nothing here" paragraph. */
export function none(text: string): Html {
  return el('p', { class: 'none' }, text);
}

function card(label: string, name: string, value: number, tone?: string): Html {
  return el('div', { class: tone ? `card ${tone}` : 'card' }, el('dt', null, label), el('dd', null, metric(name, value)));
}

function count<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

function distinct<T>(items: readonly T[], key: (t: T) => string, value: (t: T) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const t of items) {
    const list = m.get(key(t)) ?? [];
    if (!list.includes(value(t))) list.push(value(t));
    m.set(key(t), list);
  }
  return m;
}

function byCountThenName(rec: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(rec).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Violations that Enforce would refuse in namespaces that are not users' (the ones exceptions fix). */
export function systemDenials(violations: readonly ReportViolation[]): number {
  return violations.filter((v) => v.action === 'Enforce' && !v.userViolation).length;
}

/** The header: title, source, verdict and the summary cards. */
export function renderSummary(r: MigrationReport): Html {
  const s = r.audit.summary;
  const sys = systemDenials(r.audit.violations);
  const toAdd = Object.values(r.exceptions.exceptions).reduce((n, l) => n + l.length, 0);
  const breakages = r.diff?.summary.breakage ?? 0;
  const rd = r.readiness;
  const ready = rd ? rd.ready : sys === 0 && breakages === 0;
  const verdict = rd
    ? verdictLine(rd)
    : ready
      ? 'Ready: no system workload would be refused by the target policies. Remaining violations are in user namespaces and stay denied on purpose.'
      : `Not ready: ${sys} would-be denials of system workloads${r.diff ? ` and ${breakages} breakages against PSP` : ''}. Add the exceptions below before switching to Enforce.`;
  return frag(
    el('header', null, el('h1', null, 'podgate migration report: PodSecurityPolicy → Kyverno'), el('p', { class: 'meta' }, el('span', null, 'Cluster: ', el('code', null, r.source)), el('span', null, 'Generated: ', el('time', { datetime: r.generatedAt }, r.generatedAt)), el('span', null, `podgate ${r.podgateVersion}`))),
    el(
      'div',
      { class: ready ? 'verdict good' : 'verdict bad', role: 'status', 'data-ready': String(ready) },
      el('p', null, verdict),
      rd && rd.blockers.length > 0 ? el('ul', { class: 'blockers' }, rd.blockers.map((b) => el('li', { 'data-blocker': '' }, b))) : null,
      rd && rd.warnings.length > 0 ? el('details', null, el('summary', null, `${rd.warnings.length} warnings`), el('ul', { class: 'warnings' }, rd.warnings.map((w) => el('li', { 'data-warning': '' }, w)))) : null,
    ),
    el(
      'nav',
      { 'aria-label': 'Sections' },
      el(
        'ol',
        null,
        [
          ['summary', 'Summary'],
          ['policies', 'Policies'],
          ['namespaces', 'Namespaces'],
          ['components', 'Components'],
          ['violations', 'Violations'],
          ['exceptions', 'Exceptions to add'],
          ['warnings', 'Warnings'],
          ['diff', 'PSP vs Kyverno'],
          ['plan', 'Plan'],
          ['skipped', 'Not evaluated'],
        ].map(([id, t]) => el('li', null, el('a', { href: `#${id}` }, t ?? ''))),
      ),
    ),
    section(
      'summary',
      'Summary',
      el(
        'dl',
        { class: 'cards' },
        card('Workloads', 'workloads', s.workloads),
        card('Evaluated', 'evaluated', s.evaluated),
        card('Skipped by Kyverno', 'skipped', s.skipped),
        card('Violations', 'violations', s.violations, s.violations > 0 ? 'audit' : 'ok'),
        card('Would-be denials', 'denials', s.denials, s.denials > 0 ? 'deny' : 'ok'),
        card('Workloads with violations', 'workloadsWithViolations', s.workloadsWithViolations),
        card('User violations', 'userViolations', s.userViolations, s.userViolations > 0 ? 'user' : undefined),
        card('System denials', 'systemDenials', sys, sys > 0 ? 'deny' : 'ok'),
        card('Namespace exclusions to add', 'exceptionNamespaces', toAdd),
        r.diff ? card('Breakages (PSP admits, Kyverno denies)', 'breakages', r.diff.summary.breakage, r.diff.summary.breakage > 0 ? 'deny' : 'ok') : null,
        r.diff ? card('Regressions (PSP protection lost)', 'regressions', r.diff.summary.regression, r.diff.summary.regression > 0 ? 'audit' : 'ok') : null,
      ),
    ),
  );
}

/** Per-policy and per-namespace tables. */
export function renderPolicyTables(r: MigrationReport): Html {
  const vs = r.audit.violations;
  const denials = count(
    vs.filter((v) => v.action === 'Enforce'),
    (v) => v.policy,
  );
  const nsByPolicy = distinct(vs, (v) => v.policy, (v) => v.namespace);
  const policies = byCountThenName(r.audit.summary.byPolicy);
  const nsDenials = count(
    vs.filter((v) => v.action === 'Enforce'),
    (v) => v.namespace,
  );
  const compByNs = distinct(vs, (v) => v.namespace, (v) => v.component);
  const userNs = new Set(vs.filter((v) => v.userViolation).map((v) => v.namespace));
  const addFor = new Map<string, string[]>();
  for (const [p, nss] of Object.entries(r.exceptions.exceptions)) for (const ns of nss) addFor.set(ns, [...(addFor.get(ns) ?? []), p]);
  return frag(
    section(
      'policies',
      'Violations by policy',
      policies.length === 0
        ? none('No policy reports a violation.')
        : table(
            'policy-table',
            'Each policy of the target set with its violations, would-be denials (Enforce) and affected namespaces.',
            ['Policy', 'Violations#', 'Would-be denials#', 'Namespaces#', 'Namespaces to exclude'],
            policies.map(([p, n]) => {
              const nss = nsByPolicy.get(p) ?? [];
              const add = Object.hasOwn(r.exceptions.exceptions, p) ? (r.exceptions.exceptions[p] ?? []) : [];
              return [el('code', null, p), metric('byPolicy', n, p), metric('denialsByPolicy', denials.get(p) ?? 0, p), metric('namespacesByPolicy', nss.length, p), add.length === 0 ? '—' : add.map((ns, i) => frag(i > 0 ? ', ' : '', el('code', null, ns)))];
            }),
          ),
    ),
    section(
      'namespaces',
      'Violations by namespace',
      Object.keys(r.audit.summary.byNamespace).length === 0
        ? none('No namespace has a violation.')
        : table(
            'namespace-table',
            'Each namespace with violations, the components found there, and whether it belongs to a cluster user (never excluded automatically).',
            ['Namespace', 'Violations#', 'Would-be denials#', 'Components', 'Owner', 'Excluded from'],
            byCountThenName(r.audit.summary.byNamespace).map(([ns, n]) => [
              el('code', null, ns),
              metric('byNamespace', n, ns),
              metric('denialsByNamespace', nsDenials.get(ns) ?? 0, ns),
              (compByNs.get(ns) ?? []).join(', '),
              userNs.has(ns) ? el('span', { class: 'badge b-user' }, 'user') : el('span', { class: 'badge b-info' }, 'system'),
              (addFor.get(ns) ?? []).join(', ') || '—',
            ]),
          ),
    ),
  );
}

/** The chart of violations by component, with a table of the same numbers. */
export function renderComponents(r: MigrationReport): Html {
  const denied = new Set(r.audit.violations.filter((v) => v.action === 'Enforce' && !v.userViolation).map((v) => v.component));
  const rows = byCountThenName(r.audit.summary.byComponent);
  return section(
    'components',
    'Violations by component',
    el('p', null, 'Components are recognised from their labels and namespaces; red bars are components with would-be denials outside user namespaces.'),
    barChart(
      rows.map(([label, value]) => ({ label, value, highlight: denied.has(label) })),
      { title: 'Violations by component', description: rows.map(([c, n]) => `${c}: ${n}`).join('; ') || 'no violations', metric: 'byComponent', width: 720 },
    ),
  );
}

function workload(v: { kind: string; name: string }): Html {
  return el('code', null, `${v.kind}/${v.name}`);
}

/** A badge for a violation: deny (Enforce), audit, error, plus user. */
export function violationBadges(v: ReportViolation): Html {
  return frag(
    v.result === 'error' ? el('span', { class: 'badge b-deny' }, 'error') : null,
    v.action === 'Enforce' ? el('span', { class: 'badge b-deny' }, 'deny') : el('span', { class: 'badge b-audit' }, 'audit'),
    v.userViolation ? frag(' ', el('span', { class: 'badge b-user' }, 'user')) : null,
  );
}

function order(a: ReportViolation, b: ReportViolation): number {
  // Field by field: a joined key would let a separator character inside a name reorder rows.
  const ka = [a.namespace, a.component, a.kind, a.name, a.policy, a.rule];
  const kb = [b.namespace, b.component, b.kind, b.name, b.policy, b.rule];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The violations table with Kyverno's exact messages. */
export function renderViolations(r: MigrationReport): Html {
  const vs = [...r.audit.violations].sort(order);
  return section(
    'violations',
    'Violations',
    el('p', null, 'Every workload — bare pods and the pod templates of controllers, through autogen — that a target policy fails, with the message Kyverno will return.'),
    vs.length === 0
      ? none('No violations: every evaluated workload passes every target policy.')
      : frag(
          filterBox('violation-table', 'Filter violations:'),
          table(
            'violation-table',
            `${vs.length} violations, by namespace and component.`,
            ['Namespace', 'Component', 'Workload', 'Policy / rule', 'Result', 'Kyverno message', 'Source'],
            vs.map((v) => [el('code', null, v.namespace), v.component, workload(v), frag(el('code', null, v.policy), el('br', null), el('code', null, v.rule)), violationBadges(v), el('code', { class: 'msg' }, v.message), v.file ? el('code', { title: `${v.file}:${v.line ?? 1}` }, `${v.file.slice(v.file.lastIndexOf('/') + 1)}:${v.line ?? 1}`) : '']),
          ),
        ),
  );
}

/** Workloads Kyverno never sees, raw manifests changed by defaulting, pods covered by their owner. */
export function renderNotEvaluated(r: MigrationReport): Html {
  const a = r.audit;
  return section(
    'skipped',
    'Not evaluated, or evaluated after defaulting',
    el('h3', null, 'Skipped by Kyverno (', metric('skippedRows', a.skipped.length), ')'),
    a.skipped.length === 0
      ? none('No workload is skipped by Kyverno’s resourceFilters or excludeGroups.')
      : table(
          'skipped-table',
          'Kyverno never evaluates these: its resourceFilters/excludeGroups match them.',
          ['Namespace', 'Workload', 'Reason'],
          a.skipped.map((s) => [el('code', null, s.namespace), workload(s), s.reason]),
        ),
    el('h3', null, 'Changed by API-server defaulting before evaluation (', metric('defaulted', a.defaulted.length), ')'),
    a.defaulted.length === 0
      ? none('No raw manifest needed defaulting that changes a verdict.')
      : table(
          'defaulted-table',
          'Raw manifests are defaulted as the API server would before the policies see them.',
          ['Namespace', 'Workload', 'Changes'],
          a.defaulted.map((d) => [el('code', null, d.namespace), workload(d), el('ul', { class: 'tight' }, d.changes.map((c) => el('li', null, c)))]),
        ),
    el('h3', null, 'Pods audited through their controller (', metric('coveredByOwner', a.coveredByOwner.length), ')'),
    a.coveredByOwner.length === 0
      ? none('No pod is covered by its controller’s template.')
      : table(
          'owner-table',
          'These pods are evaluated through their controller’s pod template instead.',
          ['Namespace', 'Pod', 'Controller'],
          a.coveredByOwner.map((c) => [el('code', null, c.namespace), el('code', null, c.name), el('code', null, c.owner)]),
        ),
  );
}
