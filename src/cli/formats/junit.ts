// `podgate test -o junit`: JUnit XML for CI (one testsuite per kyverno-test.yaml, one testcase per
// result row; a mismatch is a <failure> with the message, a row not evaluated is <skipped>).
import type { SuiteRun, TestRow } from '../../kyverno-test/index.js';

/** Escapes text for XML attributes and content (and drops characters XML 1.0 cannot carry). */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function rowName(r: TestRow): string {
  return `${r.policy}/${r.rule} ${r.namespace ? `${r.namespace}/` : ''}${r.kind}/${r.resource} (want ${r.expected})`;
}

function testcase(r: TestRow): string {
  const open = `    <testcase classname="${xmlEscape(r.policy)}" name="${xmlEscape(rowName(r))}"`;
  if (r.ok) return `${open}/>\n`;
  if (r.actual === 'not evaluated') return `${open}>\n      <skipped message="${xmlEscape(`not evaluated: ${r.message}`)}"/>\n    </testcase>\n`;
  const message = `want ${r.expected}, got ${r.actual}${r.message ? `: ${r.message}` : ''}`;
  const body = [r.message, ...(r.diff ?? [])].filter(Boolean).join('\n');
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="${xmlEscape(r.actual)}">${xmlEscape(body)}</failure>\n    </testcase>\n`;
}

/** The JUnit XML document for the runs. */
export function junitXml(runs: readonly SuiteRun[]): string {
  const count = (rows: readonly TestRow[]) => ({
    tests: rows.length,
    failures: rows.filter((r) => !r.ok && r.actual !== 'not evaluated').length,
    skipped: rows.filter((r) => r.actual === 'not evaluated').length,
  });
  const all = count(runs.flatMap((r) => r.rows));
  const errors = runs.filter((r) => r.errors.length > 0).length;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="podgate test" tests="${all.tests}" failures="${all.failures}" errors="${errors}" skipped="${all.skipped}">\n`;
  for (const run of runs) {
    const c = count(run.rows);
    out += `  <testsuite name="${xmlEscape(run.name || run.file)}" file="${xmlEscape(run.file)}" tests="${c.tests}" failures="${c.failures}" errors="${run.errors.length > 0 ? 1 : 0}" skipped="${c.skipped}">\n`;
    for (const r of run.rows) out += testcase(r);
    if (run.errors.length > 0) out += `    <system-err>${xmlEscape(run.errors.join('\n'))}</system-err>\n`;
    out += '  </testsuite>\n';
  }
  return `${out}</testsuites>\n`;
}
