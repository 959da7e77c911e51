// Kyverno's JMESPath time functions on the user's path (`podgate apply`): the values and the error texts
// a deny condition or a message gets from them. Kyverno 1.10.7 (pkg/engine/jmespath/time.go) hands Go's
// time.Parse and time.ParseDuration errors through unwrapped (no `JMESPath function '…':` prefix); the
// variable substitution adds `failed to resolve <expr> at path <path>: `. The expected texts are what Go
// 1.20's src/time/format.go (Parse, ParseError.Error, quote, ParseDuration) prints for these inputs.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-time-functions-'));

interface Case {
  name: string;
  expr: string;
  /** The error Kyverno reports for the expression (after `failed to resolve <expr> at path /any/0/key: `). */
  error?: string;
  /** The value the expression gives (shown through the rule's message). */
  value?: string;
  /** Kyverno versions the case holds for; both when absent. */
  versions?: readonly ('1.10' | '1.12')[];
}

const cases: Case[] = [
  // time.ParseDuration.
  { name: 'time_add with an unknown unit', expr: "time_add('2023-01-01T00:00:00Z', '1y')", error: 'time: unknown unit "y" in duration "1y"' },
  { name: 'time_add without a unit', expr: "time_add('2023-01-01T00:00:00Z', '1')", error: 'time: missing unit in duration "1"' },
  { name: 'time_add of a word', expr: "time_add('2023-01-01T00:00:00Z', 'x')", error: 'time: invalid duration "x"' },
  { name: 'time_truncate with a non-ASCII unit', expr: "time_truncate('2023-01-01T00:00:00Z', '1µ')", error: 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"' },
];

function policyFor(list: readonly Case[]): string {
  const rules = list.map((c, i) =>
    c.error !== undefined
      ? { name: `c${i}`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'denied', deny: { conditions: { any: [{ key: `{{ ${c.expr} }}`, operator: 'Equals', value: 'never' }] } } } }
      : { name: `c${i}`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: `got {{ ${c.expr} }}`, deny: {} } },
  );
  return JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'times' }, spec: { validationFailureAction: 'Enforce', rules } });
}

const pod = join(dir, 'pod.json');
writeFileSync(pod, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));

for (const version of ['1.10', '1.12'] as const) {
  describe(`podgate apply --kyverno-version ${version}: time functions (kyverno@v1.10.7 time.go, go1.20 time/format.go)`, () => {
    const list = cases.filter((c) => c.versions === undefined || c.versions.includes(version));
    const policy = join(dir, `policy-${version}.json`);
    writeFileSync(policy, policyFor(list));
    const run = runCli(['apply', policy, '--resource', pod, '-o', 'json', '--kyverno-version', version]).then((r) => {
      const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string; message: string }[] }[] };
      return new Map(out.results.flatMap((x) => x.rules).map((x) => [x.rule, x]));
    });
    list.forEach((c, i) => {
      test(c.name, async () => {
        const got = (await run).get(`c${i}`);
        if (c.error !== undefined) {
          assert.deepEqual(got && { status: got.status, message: got.message }, {
            status: 'error',
            message: `failed to check deny preconditions: failed to substitute variables in deny conditions: failed to resolve ${c.expr} at path /any/0/key: ${c.error}`,
          });
        } else {
          assert.deepEqual(got && { status: got.status, message: got.message }, { status: 'fail', message: `got ${c.value}` });
        }
      });
    });
  });
}
