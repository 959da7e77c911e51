// The kyverno-test runner under both engine profiles: what the 1.12 CLI does differently from 1.10's
// (policies chained, request.object values applied to the resource, exceptions in test files).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { type EngineProfile, PROFILE_1_10, PROFILE_1_12 } from '../kyverno/index.js';
import { runSuiteFile } from './run.js';

const dir = new URL('./testdata-profiles/', import.meta.url).pathname;
const rowOf = (suite: string, profile: EngineProfile) => {
  const run = runSuiteFile(join(dir, suite, 'kyverno-test.yaml'), profile);
  return { row: run.rows[0]!, errors: run.errors };
};

const cases: { name: string; suite: string; want: Record<EngineProfile['kyverno'], string> }[] = [
  // 1.10: each policy starts from the given resource, so require-team never sees add-team's label.
  { name: 'testChainsMutations: a validate policy sees the previous policy’s mutation', suite: 'chain', want: { '1.10': 'fail', '1.12': 'pass' } },
  // 1.10: request.object.* values are variables only; the pattern sees the resource as written.
  { name: 'applyRequestObjectValues: request.object values are written into the resource', suite: 'values', want: { '1.10': 'fail', '1.12': 'pass' } },
  // An UPDATE removing the team label: 1.12 reads the old object back from request.oldObject (the values'
  // team label in it), passes it, so the new object's failure stands; 1.10 answers from the new object.
  { name: 'applyRequestOldObjectValues: request.oldObject values are written into the old object of an UPDATE', suite: 'update-old-values', want: { '1.10': 'fail', '1.12': 'fail' } },
];

test('podgate test, autogenRuleValues: per-rule values reach the autogen-<rule> and autogen-cronjob-<rule> rules under 1.12 only (kyverno PR #8337)', () => {
  const file = join(dir, 'autogen-values', 'kyverno-test.yaml');
  // 1.10.7 looks the values up by the exact rule name: the generated rules see no `registry` and error.
  const want: Record<EngineProfile['kyverno'], Record<string, string>> = {
    '1.10': { Pod: 'pass', Deployment: 'error', CronJob: 'error' },
    '1.12': { Pod: 'pass', Deployment: 'pass', CronJob: 'fail' },
  };
  for (const profile of [PROFILE_1_10, PROFILE_1_12]) {
    const run = runSuiteFile(file, profile);
    assert.deepEqual(run.errors, [], profile.kyverno);
    assert.deepEqual(Object.fromEntries(run.rows.map((r) => [r.kind, r.actual])), want[profile.kyverno], profile.kyverno);
  }
});

for (const c of cases) {
  test(`podgate test, ${c.name}`, () => {
    for (const profile of [PROFILE_1_10, PROFILE_1_12]) {
      const { row, errors } = rowOf(c.suite, profile);
      assert.deepEqual(errors, [], profile.kyverno);
      assert.equal(row.actual, c.want[profile.kyverno], `${profile.kyverno}: ${row.message}`);
    }
  });
}

test('podgate test, valueKeyQuotes: a values-file key splits on dots outside double quotes from 1.11 (kyverno PR #8377); 1.10.7 splits on every dot', () => {
  const file = join(dir, 'quoted-values', 'kyverno-test.yaml');
  // 1.10: `request.object.*` values are not applied, and `owner."app.kubernetes.io/team"` is four segments.
  const want: Record<EngineProfile['kyverno'], Record<string, string>> = {
    '1.10': { 'team-annotation': 'fail', 'owner-label': 'fail' },
    '1.12': { 'team-annotation': 'pass', 'owner-label': 'pass' },
  };
  for (const profile of [PROFILE_1_10, PROFILE_1_12]) {
    const run = runSuiteFile(file, profile);
    assert.deepEqual(run.errors, [], profile.kyverno);
    assert.deepEqual(Object.fromEntries(run.rows.map((r) => [r.rule, r.actual])), want[profile.kyverno], profile.kyverno);
  }
});

test('podgate test, testExceptions: exceptions in a test file are a 1.11+ field: an error under 1.10, applied under 1.12', () => {
  const v110 = rowOf('exceptions', PROFILE_1_10);
  assert.match(v110.errors.join('\n'), /exceptions: test files carry PolicyExceptions from Kyverno 1\.11 on; run with --kyverno-version 1\.12/);
  const v112 = rowOf('exceptions', PROFILE_1_12);
  assert.deepEqual(v112.errors, []);
  assert.equal(v112.row.actual, 'skip', v112.row.message);
  assert.equal(v112.row.ok, true);
  assert.match(v112.row.message, /rule skipped due to policy exception default\/web/);
});

test('podgate test, testRowWithoutResponse: excluded under both profiles (1.11+ CLI); the switch gives 1.10.7’s skip', () => {
  const file = new URL('./testdata/excluded/kyverno-test.yaml', import.meta.url).pathname;
  const row = (profile: EngineProfile) => runSuiteFile(file, profile).rows.find((r) => r.rule === 'service-label' && r.resource === 'unlabelled')!;
  for (const profile of [PROFILE_1_10, PROFILE_1_12]) assert.deepEqual([row(profile).actual, row(profile).ok], ['excluded', true], profile.kyverno);
  const upstream110: EngineProfile = { ...PROFILE_1_10, testRowWithoutResponse: 'skip' };
  assert.deepEqual([row(upstream110).actual, row(upstream110).ok], ['skip', false]);
});

test('podgate test, testUpdateFromValues: request.operation UPDATE gives the resource as its own old object under both profiles; the switch gives 1.10.7’s CREATE', () => {
  for (const profile of [PROFILE_1_10, PROFILE_1_12]) assert.equal(rowOf('update', profile).row.actual, 'fail', profile.kyverno);
  const upstream110: EngineProfile = { ...PROFILE_1_10, testUpdateFromValues: false };
  // 1.10.7: a CREATE with request.operation only a variable: there is no old object to read.
  assert.equal(rowOf('update', upstream110).row.actual, 'error');
});
