// The migration report of the bundled sample as a person sees it, in Debian's headless Chromium driven
// through the DevTools protocol (puppeteer-core, no bundled browser): at 1400 px the page is at most
// 6,000 px tall, at 420 px nothing overflows sideways, the section nav stays on screen (sticky), every
// text/background pair has a contrast of at least 4.5:1 (WCAG AA, computed styles), the page logs no
// console error and makes no network request. Screenshots of both widths go to out/ci-artifacts/ for a
// person to look at. Skips, saying why, when Chromium is not installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { runCli } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const which = spawnSync('sh', ['-c', `command -v ${CHROMIUM}`], { encoding: 'utf8' });
const executable = which.status === 0 ? which.stdout.trim() : undefined;
const SKIP = `${CHROMIUM} is not installed (apt-get install -y chromium, as .ci/run does): browser layout test skipped`;
const artifacts = new URL('../../out/ci-artifacts/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'podgate-layout-'));

/** Everything the page does, observed while it loads. */
interface Observed {
  consoleErrors: string[];
  requests: string[];
}

/** What the page measures of itself. */
interface Layout {
  height: number;
  scrollWidth: number;
  innerWidth: number;
  navPosition: string;
  lowContrast: string[];
  pairs: number;
}

// Runs in the page: the WCAG contrast of every element's own text against the background behind it.
// A string, not a function: the test runner's transpiler would add helpers the page does not have.
const MEASURE = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]*)\\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p[3] === undefined ? 1 : p[3]];
  };
  const lum = (c) => {
    const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (e) => {
    for (let n = e; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  const low = [];
  let pairs = 0;
  for (const e of document.querySelectorAll('body *')) {
    if (e.tagName === 'SCRIPT' || e.tagName === 'STYLE') continue;
    const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent || '').trim() !== '');
    if (!own) continue;
    const style = getComputedStyle(e);
    const svg = e instanceof SVGElement;
    const fg = parse(svg ? style.fill : style.color);
    const bg = background(svg ? e.closest('svg').parentElement : e);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    pairs++;
    if (ratio < 4.5) low.push(e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' "' + (e.textContent || '').trim().slice(0, 30) + '": ' + ratio.toFixed(2) + ':1');
  }
  const nav = document.querySelector('nav');
  return {
    height: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    navPosition: nav ? getComputedStyle(nav).position : 'none',
    lowContrast: low,
    pairs,
  };
})()`;

async function open(browser: Browser, file: string, width: number): Promise<{ page: Page; seen: Observed }> {
  const page = await browser.newPage();
  const seen: Observed = { consoleErrors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => seen.consoleErrors.push(String(e)));
  page.on('request', (r) => seen.requests.push(r.url()));
  await page.setViewport({ width, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, seen };
}

describe('the sample’s migration report in Chromium', { skip: executable ? false : SKIP }, () => {
  let browser: Browser;
  let report: string;

  before(async () => {
    const out = join(work, 'out');
    const r = await runCli(['migrate', 'run', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out-dir', out]);
    report = join(out, 'report.html');
    assert.ok(readFileSync(report, 'utf8').startsWith('<!DOCTYPE html>'), `migrate run wrote no report (exit ${r.code}): ${r.stderr}`);
    browser = await puppeteer.launch({ executablePath: executable, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], protocolTimeout: 120_000 });
    mkdirSync(artifacts, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const widths = [
    { width: 1400, name: 'desktop' },
    { width: 420, name: 'phone' },
  ];
  for (const { width, name } of widths) {
    test(`at ${width} px: sticky nav, no sideways overflow, contrast ≥ 4.5:1, no console error, no request`, async () => {
      const { page, seen } = await open(browser, report, width);
      const m = (await page.evaluate(MEASURE)) as Layout;
      assert.equal(m.navPosition, 'sticky');
      assert.ok(m.scrollWidth <= m.innerWidth, `horizontal overflow: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}`);
      assert.ok(m.pairs > 100, `only ${m.pairs} text elements measured`);
      assert.deepEqual(m.lowContrast, []);
      if (width === 1400) assert.ok(m.height <= 6000, `page height ${m.height} px > 6000 px`);
      // The nav is still at the top of the viewport after scrolling far down.
      await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight / 2)');
      const top = (await page.evaluate(`Math.round(document.querySelector('nav').getBoundingClientRect().top)`)) as number;
      assert.equal(top, 0, 'the nav scrolled away');
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(artifacts, `report-${width}px.png`) as `${string}.png`, fullPage: true });
      assert.deepEqual(seen.consoleErrors, []);
      assert.deepEqual(
        seen.requests.filter((u) => u !== pathToFileURL(report).href),
        [],
      );
      await page.close();
      assert.ok(name);
    });
  }

  test('every <details> opened (as for printing) keeps the page free of sideways overflow at 420 px', async () => {
    const { page } = await open(browser, report, 420);
    const m = (await page.evaluate(`(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      return { sw: document.documentElement.scrollWidth, iw: window.innerWidth, n: document.querySelectorAll('details').length };
    })()`)) as { sw: number; iw: number; n: number };
    assert.ok(m.n > 10, 'the report collapses its long parts');
    assert.ok(m.sw <= m.iw, `horizontal overflow with details open: ${m.sw} > ${m.iw}`);
    await page.close();
  });

  test('the copy button copies the complete merged values file; download links are data: URLs', async () => {
    const { page } = await open(browser, report, 1400);
    const r = (await page.evaluate(`(() => {
      const button = document.querySelector('button[data-copy]');
      const target = button && document.getElementById(button.getAttribute('data-copy'));
      const links = [...document.querySelectorAll('a[download]')].map((a) => a.href.slice(0, a.href.indexOf(',')));
      return { visible: button ? !button.hidden : false, text: target ? target.textContent : '', links };
    })()`)) as { visible: boolean; text: string; links: string[] };
    assert.ok(r.visible, 'the script shows the copy button');
    const merged = readFileSync(join(work, 'out', 'kyverno-policies-values.yaml'), 'utf8');
    assert.equal(r.text, merged);
    assert.ok(r.links.length >= 4);
    for (const l of r.links) assert.match(l, /^data:(text\/csv|application\/json);charset=utf-8$/);
    await page.close();
  });
});
