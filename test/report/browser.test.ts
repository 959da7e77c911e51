// The HTML migration report in a real browser: Debian's headless Chromium (installed by .ci/run)
// renders the page, its data-metric numbers match the report JSON, its script runs under its own CSP,
// hostile strings do not change the parsed DOM, and a screenshot goes to out/ci-artifacts/report.png.
// Skips, saying why, when Chromium is not installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { renderHtmlReport } from '../../src/report/index.js';
import { expectedMetrics, harmless, loadFixture, mapReportStrings, metricProblems, skeleton, tokenize } from '../../src/report/internal/test-support.js';

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const available = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30_000 });
const chromiumVersion = available.status === 0 ? available.stdout.trim() : undefined;
const SKIP = `${CHROMIUM} is not installed (apt-get install -y chromium, as .ci/run does): browser test skipped`;
const artifacts = new URL('../../out/ci-artifacts/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'podgate-report-'));
after(() => rmSync(work, { recursive: true, force: true }));

function writePage(name: string, html: string): string {
  const file = join(work, name);
  writeFileSync(file, html);
  return file;
}

/** Runs headless Chromium on a local file with a fresh profile and no network helpers. */
function chromium(file: string, extra: string[]): string {
  const profile = mkdtempSync(join(work, 'profile-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...extra, pathToFileURL(file).href];
  const r = spawnSync(CHROMIUM, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  rmSync(profile, { recursive: true, force: true });
  assert.equal(r.status, 0, `chromium exited with ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

const fixture = loadFixture();

test('Chromium renders the report and every number on it matches the report JSON', (t) => {
  if (!chromiumVersion) return t.skip(SKIP);
  t.diagnostic(chromiumVersion);
  const dom = chromium(writePage('report.html', renderHtmlReport(fixture)), ['--dump-dom']);
  assert.deepEqual(metricProblems(dom, expectedMetrics(fixture)), []);
  for (const id of ['summary', 'policies', 'namespaces', 'components', 'violations', 'exceptions', 'warnings', 'diff', 'plan', 'skipped']) {
    assert.match(dom, new RegExp(`<section id="${id}"[^>]*><h2 id="${id}-h">`), `section ${id}`);
  }
  assert.match(dom, /<svg class="chart"[^>]*role="img"/);
  // The filter boxes are hidden in the markup; only the page's own script (allowed by its CSP hash) shows them.
  const boxes = tokenize(dom).tags.filter((tag) => !tag.close && tag.attrs.some(([k]) => k === 'data-filter-for'));
  assert.equal(boxes.length, 2);
  for (const b of boxes) assert.ok(!b.attrs.some(([k]) => k === 'hidden'), 'the filter script ran');
});

test('hostile strings in every field leave the DOM Chromium builds unchanged in structure', (t) => {
  if (!chromiumVersion) return t.skip(SKIP);
  const pool = ['</td><script>document.title="pwned"</script>', '<img src=x onerror=alert(1)>', '" onmouseover="alert(1)', "'><svg onload=alert(1)>", '<!--', '&amp;&lt;', '</pre></section>', '__proto__', 'gpu-operator'];
  const pick = (i: number) => pool[i % pool.length]!;
  const evil = chromium(writePage('evil.html', renderHtmlReport(mapReportStrings(fixture, (_, i) => pick(i)))), ['--dump-dom']);
  const twin = chromium(writePage('twin.html', renderHtmlReport(mapReportStrings(fixture, (_, i) => harmless(pick(i))))), ['--dump-dom']);
  assert.deepEqual(skeleton(evil), skeleton(twin));
  const names = tokenize(evil).tags.filter((tag) => !tag.close).map((tag) => tag.name);
  assert.equal(names.filter((n) => n === 'script').length, 1);
  assert.ok(!names.includes('img'));
  assert.match(evil, /<title>podgate migration report — [^<]*<\/title>/);
});

test('Chromium takes a screenshot of the report for the CI artifacts', (t) => {
  if (!chromiumVersion) return t.skip(SKIP);
  mkdirSync(artifacts, { recursive: true });
  const png = join(artifacts, 'report.png');
  rmSync(png, { force: true });
  writeFileSync(join(artifacts, 'report.html'), renderHtmlReport(fixture));
  chromium(join(artifacts, 'report.html'), [`--screenshot=${png}`, '--window-size=1280,2000', '--hide-scrollbars']);
  assert.deepEqual([...readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(readFileSync(png).readUInt32BE(16), 1280);
  assert.ok(statSync(png).size > 50_000, 'a rendered page, not a blank one');
});
