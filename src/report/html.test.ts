// Tests of the HTML migration report: the numbers shown equal the report JSON, every section is
// there, Kyverno's messages appear exactly (escaped), nothing is loaded from the network, and no
// string in any field can change the page's structure (fast-check).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AuditResult, Violation } from '../migrate/audit.js';
import type { DiffResult } from '../migrate/diff-types.js';
import type { ExceptionPlan } from '../migrate/exceptions.js';
import type { PlanStep } from '../migrate/plan.js';
import { groupByWorkload, messageHead, toCsv } from './html-audit.js';
import { el, escapeHtml } from './html-builder.js';
import type { MigrationReport, ReportAudit, ReportDiff, ReportExceptions, ReportPlanStep, ReportViolation } from './html-types.js';
import { renderHtmlReport } from './html.js';
import { expectedMetrics, harmless, loadFixture, mapReportStrings, metricProblems, readMetrics, skeleton, tokenize, unescapeHtml } from './internal/test-support.js';
import { fcParams } from '../../test/helpers/fc.js';

const fixture = loadFixture();
const page = renderHtmlReport(fixture);
const SECTIONS = ['summary', 'policies', 'namespaces', 'components', 'violations', 'exceptions', 'warnings', 'diff', 'plan', 'skipped'];

test('the migrate results are assignable to the report shapes without conversion', () => {
  // Compile-time check: report/ declares its input structurally, so migrate/ changes that break it fail tsc here.
  const asIs = <T>(x: T) => x;
  const audit = (a: AuditResult): ReportAudit => a;
  const exceptions = (e: ExceptionPlan): ReportExceptions => e;
  const diff = (d: DiffResult): ReportDiff => d;
  const plan = (p: PlanStep[]): readonly ReportPlanStep[] => p;
  const violation = (v: Violation): ReportViolation => v;
  assert.equal([audit, exceptions, diff, plan, violation].map(asIs).length, 5);
});

test('the fixture is consistent: its summary counts its own violations', () => {
  const s = fixture.audit.summary;
  const vs = fixture.audit.violations;
  assert.equal(s.violations, vs.length);
  assert.equal(s.denials, vs.filter((v) => v.action === 'Enforce').length);
  assert.equal(s.userViolations, vs.filter((v) => v.userViolation).length);
  assert.equal(Object.values(s.byComponent).reduce((a, b) => a + b, 0), vs.length);
  assert.equal(fixture.diff?.summary.total, fixture.diff?.entries.length);
});

test('every data-metric number equals the report JSON, and every JSON number is shown', () => {
  assert.deepEqual(metricProblems(page, expectedMetrics(fixture)), []);
  const headline = new Map(readMetrics(page).map((m) => [m.name, m.value]));
  assert.equal(headline.get('violations'), '23');
  assert.equal(headline.get('breakages'), '4');
});

test('a page whose numbers differ from the JSON is caught by the metric check', () => {
  const wrong = { ...fixture, audit: { ...fixture.audit, summary: { ...fixture.audit.summary, violations: 99 } } };
  assert.deepEqual(metricProblems(renderHtmlReport(wrong), expectedMetrics(fixture)), ['metric violations[] shows 99, JSON says 23']);
});

const sectionCases: { name: string; want: RegExp }[] = [
  { name: 'the summary has a verdict naming the would-be denials of system workloads', want: /Not ready: 19 would-be denials of system workloads and 4 breakages/ },
  { name: 'the components chart is an accessible inline SVG', want: /<svg class="chart"[^>]*role="img"[^>]*><title id="chart-byComponent-t">Violations by component<\/title>/ },
  { name: 'the exceptions appear as a policyExclude values fragment', want: /policyExclude:\n {2}disallow-capabilities:\n[\s\S]*\n {2}disallow-host-path:\n {4}any:\n {4}- resources:\n {8}kinds:\n {8}- Pod\n {8}namespaces:\n {8}- gpu-operator\n {8}- prometheus\n/ },
  { name: 'the diff names the PSP field a regression loses', want: /<span class="badge b-audit">regression<\/span>.*ray-restricted\/Deployment\/ray-worker.*<span class="lost"><code>allowedHostPaths<\/code><\/span>/ },
  { name: 'plan commands are in <pre>, one per line', want: /<pre><code>cm-kubernetes-setup --disable-psp\ncmsh -c &#39;configurationoverlay; use kube-default-master;/ },
  { name: 'the warning about the *-restricted glob is listed', want: /<li>policyExclude\.disallow-host-path: &#39;\*-restricted&#39; also exempts scratch-restricted/ },
  { name: 'user violations are one row per workload: a chip per policy, the exact message with deny and user badges', want: /<code>Pod\/host-mount-pod<\/code>.*?<span class="chip b-deny" title="deny">ray-l9x71kv-lhv<\/span>.*?<strong><code>ray-l9x71kv-lhv<\/code><\/strong> <span class="badge b-deny">deny<\/span> <span class="badge b-user">user<\/span>/ },
];
for (const c of sectionCases) test(c.name, () => assert.match(page, c.want));

test('the page has every section, each with a heading and a nav link', () => {
  for (const id of SECTIONS) {
    assert.match(page, new RegExp(`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">`), id);
    assert.match(page, new RegExp(`<a href="#${id}">`), id);
  }
});

test("Kyverno's messages appear exactly, escaped, including the seed's gpu-operator denial", () => {
  const seed = 'validation error: HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path /spec/template/spec/volumes/0/hostPath/';
  const texts = tokenize(page).texts.map(unescapeHtml);
  for (const v of fixture.audit.violations) assert.ok(texts.includes(v.message), v.message);
  assert.ok(texts.includes(seed));
  assert.match(page, /Privileged mode is disallowed\. .* must be unset or set to `false`\./);
});

test('the page loads nothing: no external URL, and a CSP that allows only its own style and script by hash', () => {
  // Text may mention URLs (the plan's `helm repo add`); no tag attribute may point anywhere.
  const pointers = tokenize(page).tags.flatMap((t) => t.attrs.filter(([k, v]) => /^(src|href|action|srcset|poster|data)$/.test(k) || /:\/\//.test(v)).map(([k, v]) => `${t.name} ${k}=${v}`));
  assert.deepEqual(
    pointers.filter((p) => !/^a href=#/.test(p) && !/^a href=data:(text\/csv|application\/json);charset=utf-8,[^:/]*$/.test(p)),
    ['svg xmlns=http://www.w3.org/2000/svg', 'svg xmlns=http://www.w3.org/2000/svg'],
  );
  assert.doesNotMatch(page.slice(page.indexOf('<style>'), page.indexOf('</style>')), /url\(|@import/);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1] ?? '';
  const hash = (tag: string) => {
    const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(page)?.[1] ?? '';
    return `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
  };
  assert.equal(unescapeHtml(csp), `default-src 'none'; style-src ${hash('style')}; script-src ${hash('script')}; img-src data:; base-uri 'none'; form-action 'none'`);
});

test('without a diff the page says so and shows no diff numbers', () => {
  const { diff: _omit, ...noDiff } = fixture;
  const html = renderHtmlReport(noDiff);
  assert.match(html, /The diff was not computed/);
  assert.deepEqual(metricProblems(html, expectedMetrics(noDiff)), []);
  assert.ok(!readMetrics(html).some((m) => m.name.startsWith('diff') || m.name === 'breakages'));
});

test('an empty report renders every section with its "nothing" text', () => {
  const empty: MigrationReport = {
    source: '-',
    generatedAt: '2024-01-01T00:00:00Z',
    podgateVersion: '0',
    audit: { violations: [], skipped: [], defaulted: [], coveredByOwner: [], summary: { workloads: 0, evaluated: 0, skipped: 0, workloadsWithViolations: 0, violations: 0, denials: 0, userViolations: 0, byPolicy: {}, byNamespace: {}, byComponent: {} } },
    exceptions: { exceptions: {}, userViolations: [], warnings: [] },
    plan: [],
  };
  const html = renderHtmlReport(empty);
  assert.match(html, /Ready: no system workload would be refused/);
  assert.deepEqual(metricProblems(html, expectedMetrics(empty)), []);
  for (const id of SECTIONS) assert.match(html, new RegExp(`<section id="${id}"`));
});

test('the renderer is deterministic and uses no clock', () => {
  assert.equal(renderHtmlReport(loadFixture()), page);
  assert.match(page, /<time datetime="2024-09-25T09:30:00.000Z">/);
});

const builderCases: { name: string; got: () => string; want: string }[] = [
  { name: 'text children are escaped', got: () => el('p', null, '<b>&"\'').html, want: '<p>&lt;b&gt;&amp;&quot;&#39;</p>' },
  { name: 'attribute values are escaped and false attributes left out', got: () => el('td', { title: '"><x', hidden: false, open: true }).html, want: '<td title="&quot;&gt;&lt;x" open></td>' },
  { name: 'void elements have no end tag', got: () => el('br', null).html, want: '<br>' },
  { name: 'escapeHtml leaves plain text alone', got: () => escapeHtml('gpu-operator/nfd'), want: 'gpu-operator/nfd' },
];
for (const c of builderCases) test(c.name, () => assert.equal(c.got(), c.want));

test('tag and attribute names that are not plain names are refused as bugs', () => {
  assert.throws(() => el('p onload=x', null), /bad tag name/);
  assert.throws(() => el('p', { 'x"y': '1' }), /bad attribute name/);
});

const hostileParts = ['<', '>', '&', '"', "'", '</td>', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '" onmouseover="x', "' autofocus '", '<!--', '-->', ']]>', '</style>', '</pre>', '</svg><p>', '&amp;', '&lt;', '\u0000', '\r\n', '__proto__', 'constructor', '0', '1', '<![CDATA[', 'javascript:', '*-restricted'];
const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.array(fc.oneof(fc.constantFrom(...hostileParts), fc.string({ maxLength: 4 })), { maxLength: 5 }).map((a) => a.join('')));

test('no string in any field can inject markup: the page keeps the structure of a harmless twin', () => {
  fc.assert(
    fc.property(fc.array(hostile, { minLength: 1, maxLength: 40 }), (pool) => {
      const pick = (i: number) => pool[i % pool.length]!;
      const evil = mapReportStrings(fixture, (_, i) => pick(i));
      const twin = mapReportStrings(fixture, (_, i) => harmless(pick(i)));
      const html = renderHtmlReport(evil);
      assert.deepEqual(skeleton(html), skeleton(renderHtmlReport(twin)));
      assert.deepEqual(metricProblems(html, expectedMetrics(evil)), []);
    }),
    fcParams(200),
  );
});

test('the hostile-structure check can fail: an unescaped string changes the skeleton', () => {
  const raw = (s: string) => `<p>${s}</p>`;
  assert.notDeepEqual(skeleton(raw('<img src=x>')), skeleton(raw(harmless('<img src=x>'))));
  assert.notDeepEqual(skeleton('<td title="a" onclick="b">'), skeleton('<td title="a">'));
});

test('violations are grouped: one row per workload, each of its policies once as a chip', () => {
  const body = /<table id="violation-table"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  const rows = body.split('<tr>').length - 1;
  const workloads = new Set(fixture.audit.violations.map((v) => `${v.namespace}\u0000${v.kind}\u0000${v.name}`));
  assert.equal(rows, workloads.size);
  for (const row of body.split('<tr>').slice(1)) {
    const chips = [...row.matchAll(/<span class="chip [^"]*"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);
    assert.deepEqual(chips, [...new Set(chips)], 'a policy appears once per workload');
  }
});

const groupCases: { name: string; input: [string, string, string, string][]; want: string[] }[] = [
  { name: 'no violations, no groups', input: [], want: [] },
  { name: 'two rules of one policy stay in one group and one policy entry', input: [['ns', 'Pod', 'a', 'p1'], ['ns', 'Pod', 'a', 'p1']], want: ['ns/Pod/a: p1×2'] },
  { name: 'workloads are ordered by namespace, then kind and name; policies by name', input: [['b', 'Pod', 'z', 'p2'], ['a', 'Pod', 'y', 'p1'], ['b', 'Pod', 'z', 'p1']], want: ['a/Pod/y: p1×1', 'b/Pod/z: p1×1 p2×1'] },
  { name: 'same name, different kind: two workloads', input: [['ns', 'Pod', 'x', 'p'], ['ns', 'Deployment', 'x', 'p']], want: ['ns/Deployment/x: p×1', 'ns/Pod/x: p×1'] },
];
for (const c of groupCases) {
  test(`groupByWorkload: ${c.name}`, () => {
    const vs: ReportViolation[] = c.input.map(([namespace, kind, name, policy]) => ({ namespace, kind, name, policy, rule: 'r', message: 'm', component: 'c', result: 'fail', action: 'Enforce', userViolation: false }));
    assert.deepEqual(
      groupByWorkload(vs).map((g) => `${g.namespace}/${g.kind}/${g.name}: ${g.policies.map(([p, l]) => `${p}×${l.length}`).join(' ')}`),
      c.want,
    );
  });
}

const csvCases: { name: string; records: Record<string, string | number | boolean | undefined>[]; want: string }[] = [
  { name: 'plain values', records: [{ a: 'x', b: 1 }], want: 'a,b\r\nx,1\r\n' },
  { name: 'commas, quotes and newlines are quoted (RFC 4180)', records: [{ a: 'x,y', b: 'say "hi"\nthere' }], want: 'a,b\r\n"x,y","say ""hi""\nthere"\r\n' },
  { name: 'missing and boolean values', records: [{ a: undefined, b: false }], want: 'a,b\r\n,false\r\n' },
];
for (const c of csvCases) test(`toCsv: ${c.name}`, () => assert.equal(toCsv(['a', 'b'], c.records), c.want));

test('messageHead drops only the per-rule "rule R failed at path P" tail', () => {
  assert.equal(messageHead('validation error: X must be unset. rule autogen-x failed at path /spec/template/spec/x/'), 'validation error: X must be unset.');
  assert.equal(messageHead('validation failure: hostPath volumes are confined to [/home/ray].'), 'validation failure: hostPath volumes are confined to [/home/ray].');
});

test('the run’s readiness, when given, is the banner: its blockers are listed and a ready run says so', () => {
  const blocked = renderHtmlReport({ ...fixture, readiness: { ready: false, blockers: ['list pods failed: HTTP 403'], warnings: ['w1'] } });
  assert.match(blocked, /<div class="verdict bad" role="status" data-ready="false"><p>Not ready: 1 blocker; 1 warning\.<\/p><ul class="blockers"><li data-blocker="">list pods failed: HTTP 403<\/li><\/ul>/);
  assert.match(blocked, /<li data-warning="">w1<\/li>/);
  assert.match(blocked, /<li>Resolve what blocks the switch/);
  const ready = renderHtmlReport({ ...fixture, readiness: { ready: true, blockers: [], warnings: [] } });
  assert.match(ready, /<div class="verdict good" role="status" data-ready="true"><p>Ready: [^<]*<\/p><\/div>/);
  assert.doesNotMatch(ready, /Resolve what blocks/);
});

test('with the merged values file, the page shows the complete file (not a fragment) and a copy button for it', () => {
  const text = '# my comments\npolicyExclude:\n  disallow-host-path:\n    any: []\n';
  const html = renderHtmlReport({ ...fixture, values: { file: 'kyverno-policies-values.yaml', text } });
  assert.match(html, /<button type="button" class="copy" data-copy="values-file" hidden>Copy<\/button>/);
  assert.ok(html.includes(`<code id="values-file">${escapeHtml(text)}</code>`));
  assert.doesNotMatch(html, /values-fragment/);
  assert.match(page, /additions only/, 'without the file the fragment says it holds additions only');
});
