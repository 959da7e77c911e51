// `migrate exceptions --style policyexception` on the bundled sample: it says the exceptions need
// Kyverno's policy exceptions enabled, writes that kyverno values change next to them, and round-trips —
// the audit with both applied is clean, while the exceptions alone (chart defaults) protect nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = `${sample}/inputs/kyverno-policies-values.minimal.yaml`;
const kyvernoValues = `${sample}/inputs/kyverno-values.yaml`;
const dir = mkdtempSync(join(tmpdir(), 'podgate-polex-'));
const exceptions = join(dir, 'exceptions.yaml');
const valuesOut = join(dir, 'kyverno-values.yaml');
let stderr = '';

interface Audit {
  violations: { namespace: string; policy: string }[];
  summary: { denials: number; userViolations: number };
}

before(async () => {
  const r = await runCli(['migrate', 'exceptions', '--style', 'policyexception', '--cluster', sample, '--values', minimal, '--kyverno-values', kyvernoValues, '--out', exceptions, '--kyverno-values-out', valuesOut]);
  assert.equal(r.code, 0, r.stderr);
  stderr = r.stderr;
});

test('it states that the exceptions need the feature enabled', () => {
  assert.match(stderr, /protect nothing unless Kyverno runs with policy exceptions enabled: the kyverno chart 3\.0\.9 ships features\.policyExceptions\.enabled=false/);
  assert.match(stderr, new RegExp(`wrote ${valuesOut.replace(/[.]/g, '\\.')} \\(features\\.policyExceptions\\.enabled: true\\)`));
});

test('the values change enables the feature and keeps everything else of the given values', () => {
  const before = parse(readFileSync(kyvernoValues, 'utf8')) as Record<string, unknown>;
  const after = parse(readFileSync(valuesOut, 'utf8')) as Record<string, unknown> & { features: { policyExceptions: { enabled: boolean } } };
  assert.equal(after.features.policyExceptions.enabled, true);
  const { features: _a, ...restAfter } = after;
  const { features: _b, ...restBefore } = before;
  assert.deepEqual(restAfter, restBefore);
});

test('the exceptions are kyverno.io/v2alpha1 PolicyExceptions in the kyverno namespace', () => {
  const docs = parseAllDocuments(readFileSync(exceptions, 'utf8')).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { namespace: string } });
  assert.ok(docs.length > 0);
  for (const d of docs) assert.deepEqual([d.apiVersion, d.kind, d.metadata.namespace], ['kyverno.io/v2alpha1', 'PolicyException', 'kyverno']);
});

test('round trip: the audit with the exceptions and the values change is clean', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--values', minimal, '--exception', exceptions, '--kyverno-values', valuesOut]);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout) as Audit;
  assert.deepEqual(a.violations, []);
  assert.equal(r.stderr, '');
});

test('the exceptions alone, with the chart defaults, protect nothing: same denials as without them, and a warning per exception', async () => {
  const without = JSON.parse((await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--values', minimal])).stdout) as Audit;
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--values', minimal, '--exception', exceptions, '--kyverno-values', kyvernoValues]);
  assert.equal(r.code, 1);
  const a = JSON.parse(r.stdout) as Audit;
  assert.ok(without.summary.denials > 0);
  assert.equal(a.summary.denials, without.summary.denials);
  assert.match(r.stderr, /warning: PolicyException kyverno\/[a-z0-9-]+: policy exceptions are disabled \(features\.policyExceptions\.enabled is false\): Kyverno ignores it, so it protects nothing/);
});

test('without --kyverno-values-out the values change is printed with the note', async () => {
  const r = await runCli(['migrate', 'exceptions', '--style', 'policyexception', '--cluster', sample, '--values', minimal]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /apply this kyverno values change with them[^\n]*\nfeatures:\n {2}policyExceptions:\n {4}enabled: true\n/);
  assert.match(r.stdout, /kind: PolicyException/);
});
