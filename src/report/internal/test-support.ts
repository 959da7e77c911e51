// Test support for the HTML report (unit and browser tests): the BCM-like fixture, the metrics a page
// must show computed independently from the report JSON, a tag-structure tokenizer, and a mapping of
// every free-text field of a report so escaping can be tested with hostile strings.
import { readFileSync } from 'node:fs';
import type { MigrationReport } from '../html-types.js';

/** The hand-built BCM-like report in testdata/. */
export function loadFixture(): MigrationReport {
  return JSON.parse(readFileSync(new URL('../testdata/bcm-migration-report.json', import.meta.url), 'utf8')) as MigrationReport;
}

/** A metric as the page shows it. */
export interface ShownMetric {
  name: string;
  key: string;
  value: string;
}

/** Key of a metric in the expected map. */
export function metricId(name: string, key = ''): string {
  return `${name}\u0000${key}`;
}

/** The number each data-metric (and data-key) must show, computed from the report JSON. */
export function expectedMetrics(r: MigrationReport): Map<string, number> {
  const m = new Map<string, number>();
  const s = r.audit.summary;
  const set = (name: string, v: number, key?: string) => m.set(metricId(name, key), v);
  for (const k of ['workloads', 'evaluated', 'skipped', 'violations', 'denials', 'userViolations', 'workloadsWithViolations'] as const) set(k, s[k]);
  set('systemDenials', r.audit.violations.filter((v) => v.action === 'Enforce' && !v.userViolation).length);
  set('exceptionNamespaces', Object.values(r.exceptions.exceptions).flat().length);
  set('exceptionUserViolations', r.exceptions.userViolations.length);
  set('warnings', r.exceptions.warnings.length);
  set('planSteps', r.plan.length);
  set('skippedRows', r.audit.skipped.length);
  set('defaulted', r.audit.defaulted.length);
  set('coveredByOwner', r.audit.coveredByOwner.length);
  for (const [k, v] of Object.entries(s.byPolicy)) {
    set('byPolicy', v, k);
    set('denialsByPolicy', r.audit.violations.filter((x) => x.policy === k && x.action === 'Enforce').length, k);
    set('namespacesByPolicy', new Set(r.audit.violations.filter((x) => x.policy === k).map((x) => x.namespace)).size, k);
  }
  for (const [k, v] of Object.entries(s.byNamespace)) {
    set('byNamespace', v, k);
    set('denialsByNamespace', r.audit.violations.filter((x) => x.namespace === k && x.action === 'Enforce').length, k);
  }
  for (const [k, v] of Object.entries(s.byComponent)) set('byComponent', v, k);
  for (const [k, v] of Object.entries(r.exceptions.exceptions)) if (v.length > 0) set('exceptionsByPolicy', v.length, k);
  if (r.diff) {
    const d = r.diff.summary;
    set('breakages', d.breakage);
    set('regressions', d.regression);
    for (const c of ['breakage', 'regression', 'same', 'total'] as const) set(`diff.${c}`, d[c]);
    for (const c of ['breakage', 'regression', 'same'] as const) set('diffClass', d[c], c);
  }
  return m;
}

/** One token of an HTML document's structure. */
export interface Tag {
  close: boolean;
  name: string;
  attrs: [string, string][];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Decodes the entities the report (and Chromium's serializer) write. */
export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => (e === 'nbsp' ? '\u00a0' : (ENTITIES[e] ?? '')));
}

/**
 * Tokenizes tags as an HTML parser sees them: `<` + letter opens a tag, attributes are name[=value]
 * with quoted or unquoted values, script/style content is raw text. Returns tags and text between.
 */
export function tokenize(html: string): { tags: Tag[]; texts: string[] } {
  const tags: Tag[] = [];
  const texts: string[] = [];
  let i = 0;
  let text = '';
  while (i < html.length) {
    const c = html[i];
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    if (html.startsWith('<!', i)) {
      i = html.indexOf('>', i) + 1 || html.length;
      continue;
    }
    const close = html[i + 1] === '/';
    const m = /^[a-zA-Z][^\s/>]*/.exec(html.slice(i + (close ? 2 : 1)));
    if (!m) {
      text += c;
      i++;
      continue;
    }
    if (text) texts.push(text);
    text = '';
    const name = m[0].toLowerCase();
    i += (close ? 2 : 1) + m[0].length;
    const attrs: [string, string][] = [];
    for (;;) {
      while (i < html.length && /[\s/]/.test(html[i]!)) i++;
      if (i >= html.length || html[i] === '>') break;
      const an = /^[^\s/>=]+/.exec(html.slice(i))?.[0] ?? html[i]!;
      i += an.length;
      let value = '';
      if (html[i] === '=') {
        i++;
        const q = html[i];
        if (q === '"' || q === "'") {
          const end = html.indexOf(q, i + 1);
          value = html.slice(i + 1, end < 0 ? html.length : end);
          i = end < 0 ? html.length : end + 1;
        } else {
          const v = /^[^\s>]*/.exec(html.slice(i))?.[0] ?? '';
          value = v;
          i += v.length;
        }
      }
      attrs.push([an.toLowerCase(), unescapeHtml(value)]);
    }
    i++;
    tags.push({ close, name, attrs });
    if (!close && (name === 'script' || name === 'style')) {
      const end = html.toLowerCase().indexOf(`</${name}`, i);
      i = end < 0 ? html.length : end;
    }
  }
  if (text) texts.push(text);
  return { tags, texts };
}

/** The structure of a document: tag names with their attribute names, values left out. */
export function skeleton(html: string): string[] {
  return tokenize(html).tags.map((t) => `${t.close ? '/' : ''}${t.name}(${t.attrs.map(([k]) => k).join(',')})`);
}

/** Every data-metric element with its key and text content. */
export function readMetrics(html: string): ShownMetric[] {
  const out: ShownMetric[] = [];
  const re = /<(span|text)\s([^>]*data-metric=[^>]*)>([^<]*)</g;
  for (const m of html.matchAll(re)) {
    const attrs = tokenize(`<x ${m[2]}>`).tags[0]?.attrs ?? [];
    const get = (k: string) => attrs.find(([a]) => a === k)?.[1];
    out.push({ name: get('data-metric') ?? '', key: get('data-key') ?? '', value: unescapeHtml(m[3] ?? '') });
  }
  return out;
}

/** Compares the metrics a page shows with the expected ones; returns the problems. */
export function metricProblems(html: string, expected: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of readMetrics(html)) {
    const id = metricId(s.name, s.key);
    seen.add(id);
    const want = expected.get(id);
    if (want === undefined) problems.push(`unexpected metric ${s.name}[${s.key}] = ${s.value}`);
    else if (s.value.trim() !== String(want)) problems.push(`metric ${s.name}[${s.key}] shows ${s.value}, JSON says ${want}`);
  }
  for (const id of expected.keys()) if (!seen.has(id)) problems.push(`metric ${id.replace('\u0000', '[')}] missing from the page`);
  return problems;
}

// Fields whose values are literal unions, not free text.
const ENUM_FIELDS = new Set(['class', 'action', 'result']);
const RECORD_FIELDS = new Set(['byPolicy', 'byNamespace', 'byComponent']);

/**
 * Replaces every free-text string of a report — values and the keys of its per-policy/namespace/
 * component records — with `f(original, index)`, index counting the strings in document order.
 */
export function mapReportStrings(r: MigrationReport, f: (s: string, i: number) => string): MigrationReport {
  let n = 0;
  const walk = (v: unknown, field: string, parent: string): unknown => {
    if (typeof v === 'string') return ENUM_FIELDS.has(field) ? v : f(v, n++);
    if (Array.isArray(v)) return v.map((x) => walk(x, field, parent));
    if (typeof v === 'object' && v !== null) {
      const isRecord = RECORD_FIELDS.has(field) || (field === 'exceptions' && parent === 'exceptions');
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [isRecord ? f(k, n++) : k, walk(x, k, field)]));
    }
    return v;
  };
  return walk(r, '', '') as MigrationReport;
}

/**
 * A harmless stand-in for a string that keeps what can change the page's structure: emptiness,
 * equality and order (each UTF-16 unit becomes four letters a–p, so comparisons agree).
 */
export function harmless(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    for (let shift = 12; shift >= 0; shift -= 4) out += String.fromCharCode(97 + ((u >> shift) & 15));
  }
  return out;
}
