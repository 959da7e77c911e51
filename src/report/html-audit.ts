// Audit sections of the HTML migration report: the summary cards, per-policy and per-namespace
// tables, the chart of violations by component, the violations with Kyverno's exact messages, and
// the workloads Kyverno never sees (resource filters) or that the API server changes (defaulting).
import { type Child, type Html, el, frag } from './html-builder.js';
import { barChart } from './html-chart.js';
import type { MigrationReport, ReportReadiness, ReportViolation } from './html-types.js';
import { verdictLine } from '../util/index.js';

/** A number carrying its data-metric (and data-key) so tests and scripts can read it. */
export function metric(name: string, value: number, key?: string): Html {
  return el('span', { 'data-metric': name, 'data-key': key }, value);
}

/** A `<section>` with an id, a heading and content. */
export function section(id: string, title: string, ...content: Child[]): Html {
  return el('section', { id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title), ...content);
}

/**
 * A table with a caption, header cells (names ending in `#` are numeric) and rows of cells. Each cell
 * carries its column name so that narrow screens can show every row as a card (label: value).
 */
export function table(id: string | undefined, caption: string, head: readonly string[], rows: readonly (readonly Child[])[]): Html {
  const numeric = head.map((h) => h.endsWith('#'));
  const label = head.map((h, i) => (numeric[i] ? h.slice(0, -1) : h));
  return el(
    'table',
    { id, class: 'cardify' },
    el('caption', null, caption),
    el('thead', null, el('tr', null, label.map((h, i) => el('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, h)))),
    el('tbody', null, rows.map((r) => el('tr', null, r.map((c, i) => el('td', { class: numeric[i] ? 'num' : undefined, 'data-label': label[i] }, c))))),
  );
}

/** One cell of a downloadable table. */
export type Cell = string | number | boolean | null | undefined;

function csvField(v: Cell): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of records (the columns are the given keys, in order). */
export function toCsv(columns: readonly string[], records: readonly Readonly<Record<string, Cell>>[]): string {
  return [columns.map(csvField).join(','), ...records.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
}

/** CSV and JSON download links for a table's data, as data: URLs (nothing is fetched). */
export function downloads(name: string, columns: readonly string[], records: readonly Readonly<Record<string, Cell>>[]): Html {
  const csv = `data:text/csv;charset=utf-8,${encodeURIComponent(toCsv(columns, records))}`;
  const json = `data:application/json;charset=utf-8,${encodeURIComponent(`${JSON.stringify(records, null, 2)}\n`)}`;
  return el('span', { class: 'downloads' }, 'Download: ', el('a', { href: csv, download: `${name}.csv` }, 'CSV'), ' · ', el('a', { href: json, download: `${name}.json` }, 'JSON'));
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

/** The sections of the page, in order, as the sticky nav lists them. */
export const SECTIONS: readonly (readonly [string, string])[] = [
  ['summary', 'Summary'],
  ['policies', 'Policies'],
  ['namespaces', 'Namespaces'],
  ['components', 'Components'],
  ['violations', 'Violations'],
  ['exceptions', 'Exceptions'],
  ['warnings', 'Warnings'],
  ['diff', 'PSP vs Kyverno'],
  ['plan', 'Plan'],
  ['skipped', 'Not evaluated'],
];

/** The readiness the report states: the run's own verdict when given, else computed from the audit and diff. */
export function readinessOf(r: MigrationReport): ReportReadiness {
  if (r.readiness) return r.readiness;
  const sys = systemDenials(r.audit.violations);
  const breakages = r.diff?.summary.breakage ?? 0;
  const blockers: string[] = [];
  if (sys > 0) blockers.push(`${sys} would-be denials of system workloads: add the exceptions below before switching to Enforce`);
  if (breakages > 0) blockers.push(`${breakages} breakages against PSP (PSP admits, Kyverno denies)`);
  return { ready: blockers.length === 0, blockers, warnings: [] };
}

/** What an admin does next, in order, from what the report found. */
function nextSteps(r: MigrationReport, ready: ReportReadiness): Html[] {
  const steps: Html[] = [];
  const toAdd = Object.values(r.exceptions.exceptions).reduce((n, l) => n + l.length, 0);
  if (ready.blockers.length > 0) steps.push(el('li', null, 'Resolve what blocks the switch (above): it is not safe until that is gone.'));
  if (toAdd > 0) steps.push(el('li', null, `Review the ${toAdd} namespace exclusions in `, el('a', { href: '#exceptions' }, 'Exceptions'), r.values ? frag(' and install the complete values file ', el('code', null, r.values.file), ' shown there') : ' and merge them into your values file (podgate migrate exceptions --out)', '.'));
  const regressions = r.diff?.summary.regression ?? 0;
  if (regressions > 0) steps.push(el('li', null, `Decide on the ${regressions} regressions in `, el('a', { href: '#diff' }, 'PSP vs Kyverno'), ': PSP protection that Kyverno does not give.'));
  if (r.exceptions.userViolations.length > 0) steps.push(el('li', null, `Tell the owners of the ${r.exceptions.userViolations.length} user violations: they stay denied on purpose.`));
  if (r.plan.length > 0) steps.push(el('li', null, 'Follow the ', el('a', { href: '#plan' }, `${r.plan.length}-step plan`), ': PSP keeps enforcing until Kyverno enforces.'));
  return steps;
}

/** The header: title, source, the sticky nav, the verdict, what to do next and the summary cards. */
export function renderSummary(r: MigrationReport): Html {
  const s = r.audit.summary;
  const sys = systemDenials(r.audit.violations);
  const toAdd = Object.values(r.exceptions.exceptions).reduce((n, l) => n + l.length, 0);
  const readiness = readinessOf(r);
  const rd = r.readiness;
  const ready = readiness.ready;
  const verdict = rd
    ? verdictLine(rd)
    : ready
      ? 'Ready: no system workload would be refused by the target policies. Remaining violations are in user namespaces and stay denied on purpose.'
      : `Not ready: ${sys} would-be denials of system workloads${r.diff ? ` and ${r.diff.summary.breakage} breakages against PSP` : ''}. Add the exceptions below before switching to Enforce.`;
  const steps = nextSteps(r, readiness);
  return frag(
    el('header', null, el('h1', null, 'podgate migration report: PodSecurityPolicy → Kyverno'), el('p', { class: 'meta' }, el('span', null, 'Cluster: ', el('code', null, r.source)), el('span', null, 'Generated: ', el('time', { datetime: r.generatedAt }, r.generatedAt)), el('span', null, `podgate ${r.podgateVersion}`))),
    el('nav', { class: 'toc', 'aria-label': 'Sections' }, el('ol', null, SECTIONS.map(([id, t]) => el('li', null, el('a', { href: `#${id}` }, t))))),
    el(
      'div',
      { class: ready ? 'verdict good' : 'verdict bad', role: 'status', 'data-ready': String(ready) },
      el('p', null, verdict),
      rd && rd.blockers.length > 0 ? el('ul', { class: 'blockers' }, rd.blockers.map((b) => el('li', { 'data-blocker': '' }, b))) : null,
      rd && rd.warnings.length > 0 ? el('details', null, el('summary', null, `${rd.warnings.length} warnings`), el('ul', { class: 'warnings' }, rd.warnings.map((w) => el('li', { 'data-warning': '' }, w)))) : null,
    ),
    steps.length > 0 ? el('div', { class: 'next', role: 'region', 'aria-labelledby': 'next-h' }, el('h2', { id: 'next-h' }, 'What to do next'), el('ol', null, steps)) : null,
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

const PATH_TAIL = / rule \S+ failed at path \S+$/;

/** Kyverno's message without its per-rule " rule R failed at path P" tail: what the policy says. */
export function messageHead(message: string): string {
  return message.replace(PATH_TAIL, '');
}

/** Per-policy and per-namespace tables. */
export function renderPolicyTables(r: MigrationReport): Html {
  const vs = r.audit.violations;
  const denials = count(
    vs.filter((v) => v.action === 'Enforce'),
    (v) => v.policy,
  );
  const nsByPolicy = distinct(vs, (v) => v.policy, (v) => v.namespace);
  const headsByPolicy = distinct(vs, (v) => v.policy, (v) => messageHead(v.message));
  const policies = byCountThenName(r.audit.summary.byPolicy);
  const nsDenials = count(
    vs.filter((v) => v.action === 'Enforce'),
    (v) => v.namespace,
  );
  const compByNs = distinct(vs, (v) => v.namespace, (v) => v.component);
  const userNs = new Set(vs.filter((v) => v.userViolation).map((v) => v.namespace));
  const addFor = new Map<string, string[]>();
  for (const [p, nss] of Object.entries(r.exceptions.exceptions)) for (const ns of nss) addFor.set(ns, [...(addFor.get(ns) ?? []), p]);
  const add = (p: string) => (Object.hasOwn(r.exceptions.exceptions, p) ? (r.exceptions.exceptions[p] ?? []) : []);
  return frag(
    section(
      'policies',
      'Violations by policy',
      policies.length === 0
        ? none('No policy reports a violation.')
        : frag(
            el(
              'div',
              { class: 'tools' },
              downloads(
                'violations-by-policy',
                ['policy', 'violations', 'denials', 'namespaces', 'exclude'],
                policies.map(([p, n]) => ({ policy: p, violations: n, denials: denials.get(p) ?? 0, namespaces: (nsByPolicy.get(p) ?? []).join(' '), exclude: add(p).join(' ') })),
              ),
            ),
            table(
              'policy-table',
              'Each policy of the target set with what Kyverno says, its violations, would-be denials (Enforce) and affected namespaces.',
              ['Policy', 'Kyverno says', 'Violations#', 'Would-be denials#', 'Namespaces#', 'Namespaces to exclude'],
              policies.map(([p, n]) => {
                const nss = nsByPolicy.get(p) ?? [];
                const a = add(p);
                return [
                  el('code', null, p),
                  el('ul', { class: 'tight' }, (headsByPolicy.get(p) ?? []).map((h) => el('li', null, h))),
                  metric('byPolicy', n, p),
                  metric('denialsByPolicy', denials.get(p) ?? 0, p),
                  metric('namespacesByPolicy', nss.length, p),
                  a.length === 0 ? '—' : a.map((ns, i) => frag(i > 0 ? ', ' : '', el('code', null, ns))),
                ];
              }),
            ),
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

function compare(ka: readonly string[], kb: readonly string[]): number {
  // Field by field: a joined key would let a separator character inside a name reorder rows.
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The violations of one workload. */
export interface WorkloadGroup {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly component: string;
  readonly file?: string;
  readonly line?: number;
  /** Per policy (in name order), its violations in rule order. */
  readonly policies: readonly (readonly [string, readonly ReportViolation[]])[];
}

/** Groups violations by workload (namespace, kind, name), ordered by namespace, component, kind, name. */
export function groupByWorkload(violations: readonly ReportViolation[]): WorkloadGroup[] {
  const sorted = [...violations].sort((a, b) => compare([a.namespace, a.component, a.kind, a.name, a.policy, a.rule], [b.namespace, b.component, b.kind, b.name, b.policy, b.rule]));
  const groups: { namespace: string; kind: string; name: string; component: string; file?: string; line?: number; policies: [string, ReportViolation[]][] }[] = [];
  for (const v of sorted) {
    let g = groups.at(-1);
    if (!g || g.namespace !== v.namespace || g.kind !== v.kind || g.name !== v.name || g.component !== v.component) {
      g = { namespace: v.namespace, kind: v.kind, name: v.name, component: v.component, file: v.file, line: v.line, policies: [] };
      groups.push(g);
    }
    const last = g.policies.at(-1);
    if (last && last[0] === v.policy) last[1].push(v);
    else g.policies.push([v.policy, [v]]);
  }
  return groups;
}

function chip(policy: string, vs: readonly ReportViolation[]): Html {
  const enforce = vs.some((v) => v.action === 'Enforce');
  const error = vs.some((v) => v.result === 'error');
  return el('span', { class: `chip ${enforce || error ? 'b-deny' : 'b-audit'}`, title: `${enforce ? 'deny' : 'audit'}${error ? ', error' : ''}` }, policy);
}

function source(g: WorkloadGroup): Child {
  return g.file ? el('code', { title: `${g.file}:${g.line ?? 1}` }, `${g.file.slice(g.file.lastIndexOf('/') + 1)}:${g.line ?? 1}`) : null;
}

/** Kyverno's exact messages of one workload: per policy, what it says once, the rules and paths in a <details>. */
function findings(g: WorkloadGroup): Html {
  const n = g.policies.reduce((k, [, vs]) => k + vs.length, 0);
  return el(
    'details',
    null,
    el('summary', null, `${n} message${n === 1 ? '' : 's'}`),
    el(
      'ul',
      { class: 'findings' },
      g.policies.map(([p, vs]) =>
        el(
          'li',
          null,
          el('strong', null, el('code', null, p)),
          ' ',
          violationBadges(vs[0]!),
          el(
            'ul',
            null,
            vs.map((v) => el('li', null, el('code', null, v.rule), ': ', el('code', { class: 'msg' }, v.message))),
          ),
        ),
      ),
    ),
  );
}

/** A table of violations grouped by workload: one row each, policy chips, messages on demand. */
export function workloadTable(id: string, caption: string, violations: readonly ReportViolation[]): Html {
  const groups = groupByWorkload(violations);
  return table(
    id,
    caption,
    ['Namespace', 'Workload', 'Component', 'Policies', 'Kyverno messages'],
    groups.map((g) => [el('code', null, g.namespace), frag(workload(g), ' ', el('span', { class: 'src' }, source(g))), g.component, g.policies.map(([p, vs]) => chip(p, vs)), findings(g)]),
  );
}

const VIOLATION_COLUMNS = ['namespace', 'kind', 'name', 'component', 'policy', 'rule', 'result', 'action', 'userViolation', 'message', 'file', 'line'] as const;

/** Download links for a list of violations, one record per violation. */
export function violationDownloads(name: string, vs: readonly ReportViolation[]): Html {
  return downloads(
    name,
    VIOLATION_COLUMNS,
    vs.map((v) => Object.fromEntries(VIOLATION_COLUMNS.map((c) => [c, v[c]]))),
  );
}

/** The violations, grouped by workload, with Kyverno's exact messages. */
export function renderViolations(r: MigrationReport): Html {
  const vs = r.audit.violations;
  const workloads = groupByWorkload(vs).length;
  return section(
    'violations',
    'Violations',
    el('p', null, 'Every workload — bare pods and the pod templates of controllers, through autogen — that a target policy fails: one row per workload, a chip per policy (red: would be denied, amber: audit only), and the message Kyverno will return under "messages".'),
    vs.length === 0
      ? none('No violations: every evaluated workload passes every target policy.')
      : frag(el('div', { class: 'tools' }, filterBox('violation-table', 'Filter workloads:'), violationDownloads('violations', vs)), workloadTable('violation-table', `${vs.length} violations in ${workloads} workloads, by namespace and component.`, vs)),
  );
}

/** Workloads Kyverno never sees, raw manifests changed by defaulting, pods covered by their owner. */
export function renderNotEvaluated(r: MigrationReport): Html {
  const a = r.audit;
  return section(
    'skipped',
    'Not evaluated, or evaluated after defaulting',
    el(
      'details',
      { class: 'more' },
      el('summary', null, 'Skipped by Kyverno (', metric('skippedRows', a.skipped.length), ')'),
      a.skipped.length === 0
        ? none('No workload is skipped by Kyverno’s resourceFilters or excludeGroups.')
        : table(
            'skipped-table',
            'Kyverno never evaluates these: its resourceFilters/excludeGroups match them.',
            ['Namespace', 'Workload', 'Reason'],
            a.skipped.map((s) => [el('code', null, s.namespace), workload(s), s.reason]),
          ),
    ),
    el(
      'details',
      { class: 'more' },
      el('summary', null, 'Changed by API-server defaulting before evaluation (', metric('defaulted', a.defaulted.length), ')'),
      a.defaulted.length === 0
        ? none('No raw manifest needed defaulting that changes a verdict.')
        : table(
            'defaulted-table',
            'Raw manifests are defaulted as the API server would before the policies see them.',
            ['Namespace', 'Workload', 'Changes'],
            a.defaulted.map((d) => [el('code', null, d.namespace), workload(d), el('ul', { class: 'tight' }, d.changes.map((c) => el('li', null, c)))]),
          ),
    ),
    el(
      'details',
      { class: 'more' },
      el('summary', null, 'Pods audited through their controller (', metric('coveredByOwner', a.coveredByOwner.length), ')'),
      a.coveredByOwner.length === 0
        ? none('No pod is covered by its controller’s template.')
        : table(
            'owner-table',
            'These pods are evaluated through their controller’s pod template instead.',
            ['Namespace', 'Pod', 'Controller'],
            a.coveredByOwner.map((c) => [el('code', null, c.namespace), el('code', null, c.name), el('code', null, c.owner)]),
          ),
    ),
  );
}
