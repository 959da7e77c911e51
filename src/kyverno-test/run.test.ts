import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../test/helpers/cli.js';
import { findSuites, runSuiteFile } from './run.js';

const dir = new URL('./testdata/', import.meta.url).pathname;

test('findSuites finds every kyverno-test.yaml under a directory', () => {
  assert.deepEqual(
    findSuites([dir]).map((f) => f.slice(dir.length)),
    ['excluded/kyverno-test.yaml', 'legacy/kyverno-test.yaml', 'mutate/kyverno-test.yaml', 'mutate-diff/kyverno-test.yaml', 'suite/kyverno-test.yaml'],
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

test('a rule with no response counts as excluded (ok) only when other rules of the policy answered for the resource', () => {
  const run = runSuiteFile(`${dir}excluded/kyverno-test.yaml`);
  assert.deepEqual(run.errors, []);
  assert.deepEqual(
    run.rows.map((r) => [r.rule, r.resource, r.expected, r.actual, r.ok]),
    [
      ['pod-label', 'unlabelled', 'fail', 'fail', true],
      ['service-label', 'unlabelled', 'fail', 'excluded', true],
      ['service-label', 'cm', 'fail', 'skip', false],
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
  assert.deepEqual(out.summary, { passed: 9, failed: 4, skipped: 0 });
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
  assert.match(r.stderr, /bad-policy\/policy\.yaml:\d+: document 1: spec\.validationFailureAction: Unsupported value: "sometimes"/);
  assert.match(r.stderr, /document 1: spec\.rules\[0\]\.match: Required value: match is required/);
});

test('a v1alpha1 mutate suite: patchedResources compared for the Pod and the autogen Deployment, validation sees the mutated Pod', () => {
  const run = runSuiteFile(`${dir}mutate/kyverno-test.yaml`);
  assert.deepEqual(run.errors, []);
  assert.deepEqual(
    run.rows.map((r) => [r.rule, r.kind, r.resource, r.actual, r.ok]),
    [
      ['runtime-class', 'Pod', 'plain', 'pass', true],
      ['runtime-class', 'Pod', 'kata', 'skip', true],
      ['runtime-class', 'Deployment', 'web', 'pass', true],
      ['require-runtime-class', 'Pod', 'plain', 'pass', true],
    ],
  );
});

test('a mutated resource that differs from the patched file fails with the differing paths; a missing document fails too', () => {
  const run = runSuiteFile(`${dir}mutate-diff/kyverno-test.yaml`);
  assert.deepEqual(
    run.rows.map((r) => [r.kind, r.actual, r.diff ?? []]),
    [
      ['Pod', 'fail', ['/spec/runtimeClassName: want "runc", got "gvisor"']],
      ['Deployment', 'fail', []],
    ],
  );
  assert.match(run.rows[1]?.message ?? '', /^no Deployment\/web in patched resource file patched\.yaml$/);
});

test('podgate test prints where a mutated resource differs, under the table', async () => {
  const r = await runCli(['test', `${dir}mutate-diff`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /\n1\. Pod\/plain \(add-runtime-class\/runtime-class\): mutated resource differs from patched\.yaml\n {3}\/spec\/runtimeClassName: want "runc", got "gvisor"\n/);
  assert.match(r.stdout, /Test Summary: 0 tests passed and 2 tests failed\n$/);
});

test('podgate apply -o yaml prints each mutated resource once per mutating policy', async () => {
  const r = await runCli(['apply', `${dir}mutate/policy.yaml`, '-r', `${dir}mutate/resources.yaml`, '-o', 'yaml']);
  assert.equal(r.code, 0);
  const docs = r.stdout.split('---\n');
  assert.equal(docs.length, 2);
  assert.match(docs[0] ?? '', /^# mutate policy add-runtime-class applied to Pod\/plain\napiVersion: v1\nkind: Pod\n[\s\S]*\n {2}runtimeClassName: gvisor\n$/);
  assert.match(docs[1] ?? '', /^# mutate policy add-runtime-class applied to Deployment\/web\n[\s\S]*\n {6}runtimeClassName: gvisor\n$/);
});

test('podgate apply reports mutate rule results beside validate results in the table and the summary', async () => {
  const r = await runCli(['apply', `${dir}mutate/policy.yaml`, '-r', `${dir}mutate/resources.yaml`]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Applying 6 policy rules to 3 resources/);
  assert.match(r.stdout, /add-runtime-class +runtime-class +mutate +Pod\/plain +pass +mutated Pod\/plain\n/);
  assert.match(r.stdout, /add-runtime-class +runtime-class +mutate +Pod\/kata +skip +no patches applied\n/);
  assert.match(r.stdout, /pass: 5, fail: 0, warn: 0, error: 0, skip: 13 \n$/);
});
