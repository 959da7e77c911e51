import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../test/helpers/cli.js';
import { findSuites, runSuiteFile } from './run.js';

const dir = new URL('./testdata/', import.meta.url).pathname;

test('findSuites finds every kyverno-test.yaml under a directory', () => {
  assert.deepEqual(
    findSuites([dir]).map((f) => f.slice(dir.length)),
    ['legacy/kyverno-test.yaml', 'suite/kyverno-test.yaml'],
  );
});

test('a v1alpha1 suite: a fail, an autogen pass on a Deployment, and a skip for a resource no rule matches', () => {
  const run = runSuiteFile(`${dir}suite/kyverno-test.yaml`);
  assert.deepEqual(run.errors, []);
  assert.equal(run.name, 'host-path-suite');
  assert.deepEqual(
    run.rows.map((r) => [r.kind, r.resource, r.expected, r.actual, r.ok]),
    [
      ['Pod', 'bad', 'fail', 'fail', true],
      ['Deployment', 'good-deploy', 'pass', 'pass', true],
      ['Service', 'svc', 'skip', 'skip', true],
    ],
  );
});

test('the untyped format with resource/status is read, and a wrong expectation is a mismatch', () => {
  const run = runSuiteFile(`${dir}legacy/kyverno-test.yaml`);
  assert.deepEqual(
    run.rows.map((r) => [r.resource, r.expected, r.actual, r.ok]),
    [['bad', 'pass', 'fail', false]],
  );
});

test('podgate test -o json prints the summary and one row per resource, exit 1 on a mismatch', async () => {
  const r = await runCli(['test', dir, '-o', 'json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as { summary: unknown; results: { suite: string; ok: boolean }[] };
  assert.deepEqual(out.summary, { passed: 3, failed: 1, skipped: 0 });
  assert.deepEqual(Object.keys(out.results[0] ?? {}), ['suite', 'policy', 'rule', 'kind', 'resource', 'expected', 'actual', 'ok', 'message']);
});

test('podgate test prints the table and the summary line, exit 0 when every row matches', async () => {
  const r = await runCli(['test', `${dir}suite`]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Executing host-path-suite\.\.\./);
  assert.match(r.stdout, /│ 2 │ disallow-host-path │ host-path │ Deployment\/good-deploy │ Pass {3}│/);
  assert.match(r.stdout, /\nTest Summary: 3 tests passed and 0 tests failed\n$/);
});

test('podgate apply prints every verdict and the Kyverno summary, exit 1 on a failure', async () => {
  const r = await runCli(['apply', `${dir}suite/policy.yaml`, '--resource', `${dir}suite/resources.yaml`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /1\. host-path: validation error: HostPath volumes are forbidden\. rule host-path failed at path \/spec\/volumes\/0\/hostPath\/ \n/);
  assert.match(r.stdout, /pass: 1, fail: 1, warn: 0, error: 0, skip: 7 \n$/);
});

test('podgate apply -o policyreport emits a ClusterPolicyReport for cluster-less resources', async () => {
  const r = await runCli(['apply', `${dir}suite/policy.yaml`, '-r', `${dir}suite/resources.yaml`, '-o', 'policyreport']);
  assert.match(r.stdout, /kind: ClusterPolicyReport\n/);
  assert.match(r.stdout, /summary:\n {2}pass: 1\n {2}fail: 1\n/);
});

test('podgate apply names file, document and field of a policy problem (exit 2)', async () => {
  const r = await runCli(['apply', `${dir}bad-policy/policy.yaml`, '-r', `${dir}suite/resources.yaml`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-policy\/policy\.yaml: document 1: spec\.validationFailureAction: Unsupported value: "sometimes"/);
  assert.match(r.stderr, /document 1: spec\.rules\[0\]\.match: Required value: match is required/);
});
