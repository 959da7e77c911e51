// Migration sections of the HTML report: the exceptions to add (as a policyExclude fragment), user
// violations, warnings, the PSP-versus-Kyverno diff with the lost PSP fields, and the plan with its
// commands, checks and rollback.
import { type Html, el, frag } from './html-builder.js';
import { downloads, filterBox, metric, none, section, table, violationDownloads, workloadTable } from './html-audit.js';
import { barChart } from './html-chart.js';
import type { MigrationReport, ReportDiffEntry } from './html-types.js';

const PLAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function yamlScalar(s: string): string {
  return PLAIN.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

/** The `policyExclude` fragment that adds the namespaces, in the chart values' shape. */
export function exceptionsYaml(exceptions: Readonly<Record<string, readonly string[]>>): string {
  const out = ['policyExclude:'];
  for (const [p, nss] of Object.entries(exceptions)) {
    out.push(`  ${yamlScalar(p)}:`, '    any:', '    - resources:', '        kinds:', '        - Pod', '        namespaces:');
    for (const ns of nss) out.push(`        - ${yamlScalar(ns)}`);
  }
  return out.join('\n');
}

/** Exceptions to add, user violations and warnings. */
export function renderExceptions(r: MigrationReport): Html {
  const e = r.exceptions;
  // Sorted by policy: object key order is not data (integer-like keys would jump ahead).
  const entries = Object.entries(e.exceptions)
    .filter(([, l]) => l.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return frag(
    section(
      'exceptions',
      'Exceptions to add',
      el('p', null, 'The minimal namespaces each policy must exclude so that no existing system workload is refused, beyond what the given values already exclude. ', el('code', null, 'podgate migrate exceptions --out'), ' merges them into the values file with comments.'),
      entries.length === 0
        ? none('Nothing to add: the given values already exempt every system workload that needs it.')
        : frag(
            table(
              'exceptions-table',
              'Namespaces to add per policy.',
              ['Policy', 'Namespaces#', 'Namespaces to add'],
              entries.map(([p, nss]) => [el('code', null, p), metric('exceptionsByPolicy', nss.length, p), nss.map((ns, i) => frag(i > 0 ? ', ' : '', el('code', null, ns)))]),
            ),
            r.values
              ? frag(
                  el('div', { class: 'tools' }, el('p', { class: 'label' }, 'The complete merged values file ', el('code', null, r.values.file), ' (your values with these exclusions added, comments kept) — pass it to ', el('code', null, 'helm -f'), ':'), el('button', { type: 'button', class: 'copy', 'data-copy': 'values-file', hidden: true }, 'Copy')),
                  el('details', { class: 'more' }, el('summary', null, `${r.values.file} (${r.values.text.split('\n').length - 1} lines)`), el('pre', { 'aria-label': 'merged kyverno-policies values file' }, el('code', { id: 'values-file' }, r.values.text))),
                )
              : frag(
                  el('div', { class: 'tools' }, el('p', { class: 'label' }, 'As a kyverno-policies values fragment (additions only: merge it into your values file, e.g. with ', el('code', null, 'podgate migrate exceptions --out'), '; passed alone as a second ', el('code', null, 'helm -f'), ' it would replace your existing lists):'), el('button', { type: 'button', class: 'copy', 'data-copy': 'values-fragment', hidden: true }, 'Copy')),
                  el('pre', { 'aria-label': 'policyExclude values fragment' }, el('code', { id: 'values-fragment' }, exceptionsYaml(Object.fromEntries(entries)))),
                ),
          ),
      el('h3', null, 'User violations (', metric('exceptionUserViolations', e.userViolations.length), ') — never exempted'),
      e.userViolations.length === 0
        ? none('No workload in a user namespace violates its policies.')
        : frag(
            el('div', { class: 'tools' }, violationDownloads('user-violations', e.userViolations)),
            workloadTable('user-violation-table', 'Workloads in namespaces owned by cluster users: they stay denied; fix the workload or the user’s grants.', e.userViolations),
          ),
    ),
    section(
      'warnings',
      'Warnings',
      el('p', null, metric('warnings', e.warnings.length), ' warnings.'),
      e.warnings.length === 0 ? none('No warnings.') : e.warnings.length <= 5 ? el('ul', null, e.warnings.map((w) => el('li', null, w))) : el('details', { class: 'more' }, el('summary', null, `Show the ${e.warnings.length} warnings`), el('ul', null, e.warnings.map((w) => el('li', null, w)))),
    ),
  );
}

const CLASS_BADGE: Readonly<Record<ReportDiffEntry['class'], string>> = { breakage: 'badge b-deny', regression: 'badge b-audit', same: 'badge b-ok' };
const CLASS_RANK: Readonly<Record<ReportDiffEntry['class'], number>> = { breakage: 0, regression: 1, same: 2 };

function pspCell(d: ReportDiffEntry): Html {
  const p = d.psp;
  if (!p.allowed) return frag(el('span', { class: 'badge b-deny' }, 'denied'), el('details', null, el('summary', null, 'PSP’s message'), el('code', { class: 'msg' }, p.message ?? '')));
  return frag(
    el('span', { class: 'badge b-ok' }, 'admitted'),
    p.policy ? frag(' by ', el('code', null, p.policy)) : null,
    p.mutated && p.defaulted.length > 0 ? frag(el('br', null), 'defaults set: ', p.defaulted.map((f, i) => frag(i > 0 ? ', ' : '', el('code', null, f)))) : null,
  );
}

function kyvernoCell(d: ReportDiffEntry): Html {
  const k = d.kyverno;
  if (k.allowed) return el('span', { class: 'badge b-ok' }, 'admitted');
  return frag(
    el('span', { class: 'badge b-deny' }, 'denied'),
    ' ',
    k.denials.map((x) => el('span', { class: 'chip b-deny' }, x.policy)),
    el(
      'details',
      null,
      el('summary', null, `${k.denials.length} message${k.denials.length === 1 ? '' : 's'}`),
      el(
        'ul',
        { class: 'denials' },
        k.denials.map((x) => el('li', null, el('strong', null, el('code', null, `${x.policy}/${x.rule}`)), el('br', null), el('code', { class: 'msg' }, x.message))),
      ),
    ),
  );
}

/** The PSP-versus-Kyverno diff: counts per class and one row per pod or pod template that differs. */
export function renderDiff(r: MigrationReport): Html {
  const d = r.diff;
  if (!d) return section('diff', 'PSP vs Kyverno', none('The diff was not computed (no PodSecurityPolicies in the input).'));
  if (d.summary.skipped) return section('diff', 'PSP vs Kyverno', el('p', { class: 'none', 'data-skipped': '' }, `PSP comparison skipped: ${d.summary.skipped}.`));
  const rows = [...d.entries].filter((e) => e.class !== 'same').sort((a, b) => CLASS_RANK[a.class] - CLASS_RANK[b.class]);
  return section(
    'diff',
    'PSP vs Kyverno',
    el('p', null, 'For every pod and pod template: the decision of the PSP its creator would get, against the Kyverno decision. A ', el('strong', null, 'breakage'), ' is admitted by PSP and denied by Kyverno; a ', el('strong', null, 'regression'), ' is denied (or made safer) by PSP and admitted as written by Kyverno — the lost PSP fields are named.'),
    el(
      'div',
      { class: 'two' },
      el(
        'dl',
        { class: 'cards' },
        el('div', { class: 'card deny' }, el('dt', null, 'Breakages'), el('dd', null, metric('diff.breakage', d.summary.breakage))),
        el('div', { class: 'card audit' }, el('dt', null, 'Regressions'), el('dd', null, metric('diff.regression', d.summary.regression))),
        el('div', { class: 'card ok' }, el('dt', null, 'Same'), el('dd', null, metric('diff.same', d.summary.same))),
        el('div', { class: 'card' }, el('dt', null, 'Pods and templates'), el('dd', null, metric('diff.total', d.summary.total))),
      ),
      barChart(
        [
          { label: 'breakage', value: d.summary.breakage, highlight: true },
          { label: 'regression', value: d.summary.regression },
          { label: 'same', value: d.summary.same },
        ],
        { title: 'Diff classes', description: `breakage ${d.summary.breakage}, regression ${d.summary.regression}, same ${d.summary.same}`, metric: 'diffClass', width: 480 },
      ),
    ),
    rows.length === 0
      ? none('PSP and Kyverno agree on every pod and pod template.')
      : frag(
          el(
            'div',
            { class: 'tools' },
            filterBox('diff-table', 'Filter the diff:'),
            downloads(
              'psp-vs-kyverno',
              ['class', 'namespace', 'kind', 'name', 'component', 'creator', 'via', 'psp', 'pspPolicy', 'kyverno', 'kyvernoPolicies', 'lostFields'],
              d.entries.map((e) => ({
                class: e.class,
                namespace: e.namespace,
                kind: e.kind,
                name: e.name,
                component: e.component,
                creator: e.creator.user,
                via: e.creator.via,
                psp: e.psp.allowed ? 'admitted' : 'denied',
                pspPolicy: e.psp.policy ?? '',
                kyverno: e.kyverno.allowed ? 'admitted' : 'denied',
                kyvernoPolicies: e.kyverno.denials.map((x) => x.policy).join(' '),
                lostFields: e.lostFields.join(' '),
              })),
            ),
          ),
          table(
            'diff-table',
            `${rows.length} pods and pod templates where PSP and Kyverno differ (rows of class "same" are left out).`,
            ['Class', 'Workload', 'Creator', 'PSP decision', 'Kyverno decision', 'Lost PSP fields'],
            rows.map((e) => [
              el('span', { class: CLASS_BADGE[e.class] }, e.class),
              frag(el('code', null, `${e.namespace}/${e.kind}/${e.name}`), el('br', null), e.component),
              frag(el('code', null, e.creator.user), el('br', null), e.creator.via),
              pspCell(e),
              kyvernoCell(e),
              e.lostFields.length === 0 ? '—' : el('span', { class: 'lost' }, e.lostFields.map((f, i) => frag(i > 0 ? ' ' : '', el('code', null, f)))),
            ]),
          ),
        ),
  );
}

/** The plan: ordered steps with who enforces, commands, checks and rollback. */
export function renderPlan(r: MigrationReport): Html {
  return section(
    'plan',
    'Migration plan',
    el(
      'p',
      null,
      metric('planSteps', r.plan.length),
      r.plan.length > 0 && !r.plan.some((s) => s.enforcement.startsWith('PSP'))
        ? ' steps. PodSecurityPolicy no longer exists on this Kubernetes version: Kyverno and its policies are installed in Audit, and switched to Enforce once the audit is clean.'
        : ' steps. Kyverno and its policies are installed in Audit while PSP still enforces, switched to Enforce, and only then is PSP disabled: there is no unenforced window.',
    ),
    r.plan.length === 0
      ? none('No plan.')
      : el(
          'ol',
          { class: 'plan' },
          r.plan.map((s) =>
            el(
              'li',
              { id: `step-${s.id}` },
              el(
                'details',
                null,
                el('summary', null, s.title, ' ', el('span', { class: 'badge b-info' }, `enforced by: ${s.enforcement}`)),
                el('p', null, s.why),
                el('p', { class: 'label' }, 'Run'),
                el('pre', null, el('code', null, s.commands.join('\n'))),
                el('p', { class: 'label' }, 'Check before going on'),
                el('ul', { class: 'tight' }, s.checks.map((c) => el('li', null, c))),
                el('p', { class: 'label' }, 'Rollback'),
                el('ul', { class: 'tight' }, s.rollback.map((c) => el('li', null, el('code', null, c)))),
              ),
            ),
          ),
        ),
  );
}
