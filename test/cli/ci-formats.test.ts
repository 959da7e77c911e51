// CI formats: JUnit XML from `podgate test -o junit` (parsed, one testcase per result row), SARIF 2.1.0
// from `migrate audit -o sarif` (validated against the vendored SARIF schema with the ajv that checks
// policies), PolicyReports from `migrate audit -o policyreport`, `apply --audit-warn`, `test --detailed-results`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const suites = new URL('../../src/kyverno-test/testdata/', import.meta.url).pathname;

interface TestJson {
  summary: { passed: number; failed: number; skipped: number };
  results: { ok: boolean; actual: string }[];
}

test('test -o junit: well-formed XML, one testcase per result row, failures carry the message', async () => {
  // A suite with a failing row: expect pass where the engine says fail.
  const dir = mkdtempSync(join(tmpdir(), 'podgate-junit-'));
  const suite = readFileSync(join(suites, 'suite/kyverno-test.yaml'), 'utf8').replace('resources: [bad]\n  result: fail', 'resources: [bad]\n  result: pass');
  for (const f of ['policy.yaml', 'resources.yaml']) writeFileSync(join(dir, f), readFileSync(join(suites, 'suite', f)));
  writeFileSync(join(dir, 'kyverno-test.yaml'), suite);
  const roots = [join(suites, 'suite'), dir];
  const json = await runCli(['-o', 'json', 'test', ...roots]);
  const expected = JSON.parse(json.stdout) as TestJson;
  const r = await runCli(['-o', 'junit', 'test', ...roots]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(XMLValidator.validate(r.stdout), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(r.stdout) as {
    testsuites: { tests: string; failures: string; testsuite: { testcase: { name: string; failure?: { message: string } }[] }[] };
  };
  const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
  assert.equal(cases.length, expected.results.length);
  assert.equal(doc.testsuites.testsuite.length, 2);
  assert.equal(Number(doc.testsuites.tests), expected.results.length);
  assert.equal(Number(doc.testsuites.failures), expected.summary.failed);
  const failures = cases.filter((c) => c.failure);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.failure!.message, /^want pass, got fail: validation error: /);
});

test('test --detailed-results adds the REASON column', async () => {
  const r = await runCli(['test', '--detailed-results', join(suites, 'suite')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /│ # +│ POLICY +│ RULE +│ RESOURCE +│ RESULT +│ REASON +│/);
  assert.match(r.stdout, /validation error: /);
});

function sarifValidator() {
  const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  // The schema is draft-04: its `id` is draft-07's `$id`.
  const { id, $schema: _draft, ...rest } = schema;
  // Its language pattern is written for non-unicode regular expressions.
  return new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile({ ...rest, $id: id as string });
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: { ruleId: string; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
  }[];
}

test('migrate audit -o sarif validates against SARIF 2.1.0 and points at file and line of each workload', async () => {
  // The chart's defaults are Audit: violations, but no denial (exit 0).
  const r = await runCli(['-o', 'sarif', 'migrate', 'audit', '--cluster', sample]);
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  const validate = sarifValidator();
  assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 3)));
  const audit = JSON.parse((await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample])).stdout) as { violations: { file: string; line: number }[] };
  const results = log.runs[0]!.results;
  assert.equal(results.length, audit.violations.length);
  assert.ok(results.length > 0);
  results.forEach((res, i) => {
    const loc = res.locations[0]!.physicalLocation!;
    assert.equal(loc.region.startLine, audit.violations[i]!.line);
    const path = loc.artifactLocation.uri.startsWith('file:') ? fileURLToPath(loc.artifactLocation.uri) : resolve(decodeURIComponent(loc.artifactLocation.uri));
    assert.ok(existsSync(path), path);
    // The line named holds the workload's document: its kind is at or after that line.
    assert.ok(log.runs[0]!.tool.driver.rules.some((x) => x.id === res.ruleId));
  });
  // Something that is not SARIF fails the same validator (the test can fail).
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
});

test('migrate audit -o policyreport: one report per namespace, every violation once', async () => {
  const r = await runCli(['-o', 'policyreport', 'migrate', 'audit', '--cluster', sample]);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { namespace?: string }; results: unknown[]; summary: { fail: number; error: number } });
  const audit = JSON.parse((await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample])).stdout) as { violations: { namespace: string }[] };
  assert.equal(docs.reduce((n, d) => n + d.results.length, 0), audit.violations.length);
  for (const d of docs) {
    assert.equal(d.apiVersion, 'wgpolicyk8s.io/v1alpha2');
    assert.equal(d.kind, d.metadata.namespace ? 'PolicyReport' : 'ClusterPolicyReport');
    assert.equal(d.summary.fail + d.summary.error, d.results.length);
  }
  assert.equal(new Set(docs.map((d) => d.metadata.namespace)).size, docs.length);
});

const AUDIT_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  validationFailureAction: Audit
  rules:
    - name: team
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: a team label is required
        pattern: {metadata: {labels: {team: "?*"}}}
`;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: [{name: c, image: busybox}]}\n';

test('apply --audit-warn: failures of Audit policies are warnings and exit 0; Enforce still fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-auditwarn-'));
  writeFileSync(join(dir, 'audit.yaml'), AUDIT_POLICY);
  writeFileSync(join(dir, 'enforce.yaml'), AUDIT_POLICY.replace('Audit', 'Enforce').replace('require-team', 'require-team-enforced'));
  writeFileSync(join(dir, 'pod.yaml'), POD);
  const plain = await runCli(['apply', join(dir, 'audit.yaml'), '-r', join(dir, 'pod.yaml')]);
  assert.equal(plain.code, 1);
  assert.match(plain.stdout, /pass: 0, fail: 1, warn: 0, error: 0, skip: 2 /);
  const warned = await runCli(['apply', join(dir, 'audit.yaml'), '-r', join(dir, 'pod.yaml'), '--audit-warn']);
  assert.equal(warned.code, 0, warned.stdout);
  assert.match(warned.stdout, /pass: 0, fail: 0, warn: 1, error: 0, skip: 2 /);
  const both = await runCli(['apply', join(dir, 'audit.yaml'), join(dir, 'enforce.yaml'), '-r', join(dir, 'pod.yaml'), '--audit-warn']);
  assert.equal(both.code, 1);
  assert.match(both.stdout, /pass: 0, fail: 1, warn: 1, error: 0, skip: 4 /);
});

// Output order must not follow the machine's locale: String#localeCompare does (in Danish "aa" sorts after
// "z"), so a CI diff of the same cluster would change between machines. A child process, since Node reads
// the locale from LANG at start.
test('migrate audit -o policyreport orders namespaces the same under any locale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-locale-'));
  const docs = ['zz-team', 'aa-team'].flatMap((ns) => [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`,
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n`,
  ]);
  writeFileSync(join(dir, 'dump.yaml'), docs.join('---\n'));
  const bin = fileURLToPath(new URL('../../bin/podgate.js', import.meta.url));
  const namespaces = (lang: string) => {
    const r = spawnSync(process.execPath, [bin, '-o', 'policyreport', 'migrate', 'audit', '--cluster', join(dir, 'dump.yaml')], { encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang } });
    // Exit 0: violations in a report are data (as for the sample above), not a failed command.
    assert.equal(r.status, 0, r.stderr);
    return parseAllDocuments(r.stdout).map((d) => (d.toJS() as { metadata: { namespace: string } }).metadata.namespace);
  };
  assert.deepEqual(namespaces('da_DK.UTF-8'), ['aa-team', 'zz-team']);
  assert.deepEqual(namespaces('C.UTF-8'), ['aa-team', 'zz-team']);
});
