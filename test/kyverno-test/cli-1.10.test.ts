// `podgate test` with the 1.10 CLI's semantics, each through the command on a small suite under
// testdata/ (legacy format, as the 1.10 CLI reads it). The facts come from kyverno@v1.10.7:
// cmd/cli/kubectl-kyverno/utils/common (fetch.go: a resource without namespace is in `default`;
// ApplyPolicyOnResource: `request.operation` from the values, the `subresources:` mappings),
// test_command.go (getAndCompareResource prints a patchedResource load error and fails the comparison),
// pkg/engine/variables (preconditions), pkg/engine/mutate (foreach) and the policy report's scored flag.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = (name: string) => new URL(`./testdata/${name}/`, import.meta.url).pathname;

interface Row {
  resource: string;
  rule: string;
  expected: string;
  actual: string;
  ok: boolean;
  message: string;
}

async function runSuite(name: string): Promise<{ code: number; rows: Row[]; stderr: string }> {
  const r = await runCli(['test', dir(name), '-o', 'json']);
  return { code: r.code, rows: (JSON.parse(r.stdout) as { results: Row[] }).results, stderr: r.stderr };
}

const suites: { name: string; suite: string; want: [string, string, string][]; messages?: (string | RegExp)[] }[] = [
  {
    name: 'resources without metadata.namespace are in default, so a Policy in default matches them',
    suite: 'namespace-default',
    want: [
      ['no-namespace-unlabelled', 'fail', 'fail'],
      ['no-namespace-labelled', 'pass', 'pass'],
      ['elsewhere', 'skip', 'skip'],
    ],
  },
  { name: 'request.operation "" in a values file is a CREATE', suite: 'operation-empty', want: [['web', 'fail', 'fail']], messages: ['operation CREATE'] },
  {
    name: 'an unresolvable variable in preconditions is an error; an unmet precondition carries its messages',
    suite: 'preconditions',
    want: [
      ['unlabelled', 'error', 'error'],
      ['unlabelled', 'skip', 'skip'],
    ],
    messages: [/^failed to evaluate preconditions: failed to substitute variables in preconditions: failed to resolve request\.object\.metadata\.labels\.team/, 'preconditions not met; not team a; not team b'],
  },
  {
    name: 'the values file subresources: mapping makes PodExecOptions a Pod/exec and Scale a Deployment/scale',
    suite: 'subresources',
    want: [
      ['exec-into-web', 'fail', 'fail'],
      ['web-scale', 'fail', 'fail'],
      ['small-scale', 'pass', 'pass'],
    ],
  },
  {
    name: 'policies.kyverno.io/scored "false" turns a failure into warn',
    suite: 'scored',
    want: [
      ['latest', 'warn', 'warn'],
      ['pinned', 'pass', 'pass'],
    ],
  },
  { name: 'a mutate foreach that patches nothing passes (1.10), compared with its patched resource', suite: 'foreach-nopatch', want: [['already-set', 'pass', 'pass']] },
  {
    name: 'x509_decode reads an RSA certificate; an ECDSA one is an error in 1.10.7',
    suite: 'x509',
    want: [
      ['webhook-ca', 'pass', 'pass'],
      ['ec-ca', 'error', 'error'],
    ],
    messages: ["validation rule 'check-ca' passed.", /JMESPath function 'x509_decode': unexpected end of JSON input$/],
  },
];

describe('podgate test: 1.10 CLI semantics', () => {
  for (const c of suites) {
    test(c.name, async () => {
      const r = await runSuite(c.suite);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.rows.map((row) => [row.resource, row.expected, row.actual]),
        c.want,
      );
      c.messages?.forEach((m, i) => {
        if (typeof m === 'string') assert.equal(r.rows[i]?.message, m);
        else assert.match(r.rows[i]?.message ?? '', m);
      });
    });
  }

  test('an unreadable patchedResource file is reported, its comparison fails, and the run goes on with exit 0', async () => {
    const r = await runSuite('bad-patched');
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.rows.map((row) => [row.resource, row.expected, row.actual, row.ok]),
      [['web', 'fail', 'fail', true]],
    );
    assert.match(r.rows[0]?.message ?? '', /^failed to load resources \(.*broken\.yaml/);
    assert.match(r.stderr, /error: .*bad-patched\/kyverno-test\.yaml: failed to load resources \(.*broken\.yaml:\d+/);
  });

  test('the table run also exits 0 and prints the load error', async () => {
    const r = await runCli(['test', dir('bad-patched')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Test Summary: 1 tests passed and 0 tests failed/);
    assert.match(r.stderr, /failed to load resources/);
  });

  test('verifyImages, validate.manifests and generate rows name their own rule type as not supported', async () => {
    const r = await runSuite('unsupported');
    assert.deepEqual(
      r.rows.map((row) => [row.rule, row.actual, row.message]),
      [
        ['verify-signature', 'not evaluated', 'verifyImages rules are not supported by podgate'],
        ['signed-manifests', 'not evaluated', 'validate.manifests rules are not supported by podgate'],
        ['make-quota', 'not evaluated', 'generate rules are not supported by podgate'],
      ],
    );
    const table = await runCli(['test', dir('unsupported')]);
    assert.match(table.stdout, /\(3 not evaluated: not supported by podgate\)/);
  });
});
