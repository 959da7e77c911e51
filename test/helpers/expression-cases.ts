// Test helper: JMESPath expressions run on the user's path (`podgate apply`), one rule per case in one policy.
// A case with `error` puts the expression in a deny condition's key (the rule errs with the substitution's
// text); a case with `value` puts it in the rule's message (the rule fails with `got <value>`).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './cli.js';

/** One expression and what Kyverno gives for it. */
export interface ExpressionCase {
  name: string;
  expr: string;
  /** The error Kyverno reports for the expression (after `failed to resolve <expr> at path /any/0/key: `). */
  error?: string;
  /** The value the expression gives (shown through the rule's message). */
  value?: string;
}

function policyFor(name: string, list: readonly ExpressionCase[]): string {
  const rules = list.map((c, i) =>
    c.error !== undefined
      ? { name: `c${i}`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'denied', deny: { conditions: { any: [{ key: `{{ ${c.expr} }}`, operator: 'Equals', value: 'never' }] } } } }
      : { name: `c${i}`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: `got {{ ${c.expr} }}`, deny: {} } },
  );
  return JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Enforce', rules } });
}

/**
 * Registers one test per case (call inside a describe): a single `podgate apply --kyverno-version <version>`
 * of all cases against a plain Pod, written under `dir` with the file names prefixed by `name`.
 */
export function expressionCaseTests(dir: string, name: string, list: readonly ExpressionCase[], version: '1.10' | '1.12'): void {
  const policy = join(dir, `${name}-${version}-policy.json`);
  const pod = join(dir, `${name}-${version}-pod.json`);
  writeFileSync(policy, policyFor(name, list));
  writeFileSync(pod, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));
  const run = runCli(['apply', policy, '--resource', pod, '-o', 'json', '--kyverno-version', version]).then((r) => {
    const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string; message: string }[] }[] };
    return new Map(out.results.flatMap((x) => x.rules).map((x) => [x.rule, x]));
  });
  list.forEach((c, i) => {
    test(c.name, async () => {
      const got = (await run).get(`c${i}`);
      const want =
        c.error !== undefined
          ? { status: 'error', message: `failed to check deny preconditions: failed to substitute variables in deny conditions: failed to resolve ${c.expr} at path /any/0/key: ${c.error}` }
          : { status: 'fail', message: `got ${c.value}` };
      assert.deepEqual(got && { status: got.status, message: got.message }, want);
    });
  });
}
