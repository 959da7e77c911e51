// A values file that names a policy, a rule or a resource twice, through `podgate test` and `podgate apply
// --values`, as each Kyverno CLI reads it:
// - v1.10.7 (cmd/cli/kubectl-kyverno/utils/common GetVariable) builds maps keyed by name: per policy entry a
//   rule map (a later rule entry of a name replaces the earlier one whole, values and foreachValues), stored
//   for the policy only when the entry has a `rules` list; and a resource map, stored for every entry. So the
//   last entry of a name wins, and a later policy entry without `rules` keeps the earlier rule values.
// - 1.11+ (cmd/cli/kubectl-kyverno/variables: SetInStore keeps the entries in file order, the store's
//   GetPolicyRule answers with the first rule entry of that name; ComputeVariables merges the values of every
//   resource entry of that policy and resource name, in file order, a later key winning).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

// The rule needs the variable `team`: `first` passes (the Pod's label), `second` fails, none is an error.
const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: dup}
spec:
  validationFailureAction: Audit
  background: false
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "want team {{ team }}"
      pattern: {metadata: {labels: {team: "{{ team }}"}}}
`;
const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {team: first}}
spec: {containers: [{name: web, image: nginx}]}
`;
const suite = `name: dup
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
- {policy: dup, rule: team, resources: [web], kind: Pod, result: pass}
`;

const cases: { name: string; values: string; want: { '1.10': string; '1.12': string } }[] = [
  {
    name: 'a rule in two entries of one policy: 1.10 the last, 1.12 the first',
    values: 'policies:\n- name: dup\n  rules:\n  - {name: team, values: {team: first}}\n  - {name: team, values: {team: second}}\n',
    want: { '1.10': 'fail', '1.12': 'pass' },
  },
  {
    name: 'a later rule entry without values: 1.10 it replaces the earlier one (no values), 1.12 the first answers',
    values: 'policies:\n- name: dup\n  rules:\n  - {name: team, values: {team: first}}\n  - {name: team, foreachValues: {x: [1]}}\n',
    want: { '1.10': 'error', '1.12': 'pass' },
  },
  {
    name: 'the policy listed twice, the second entry without rules: 1.10 keeps the first entry’s rule values',
    values: 'policies:\n- name: dup\n  rules:\n  - {name: team, values: {team: first}}\n- name: dup\n  resources:\n  - {name: web, values: {x: y}}\n',
    want: { '1.10': 'pass', '1.12': 'pass' },
  },
  {
    name: 'the policy listed twice, the second entry with an empty rules list: 1.10 it replaces the rule values',
    values: 'policies:\n- name: dup\n  rules:\n  - {name: team, values: {team: first}}\n- name: dup\n  rules: []\n',
    want: { '1.10': 'error', '1.12': 'pass' },
  },
  {
    name: 'the policy listed twice with a rule each: 1.10 the last entry’s, 1.12 the first entry’s',
    values: 'policies:\n- name: dup\n  rules:\n  - {name: team, values: {team: first}}\n- name: dup\n  rules:\n  - {name: team, values: {team: second}}\n',
    want: { '1.10': 'fail', '1.12': 'pass' },
  },
  {
    name: 'a resource in two entries of one policy: 1.10 the last entry whole, 1.12 both merged',
    values: 'policies:\n- name: dup\n  resources:\n  - {name: web, values: {team: first, env: a}}\n  - {name: web, values: {env: b}}\n',
    want: { '1.10': 'error', '1.12': 'pass' },
  },
  {
    name: 'the policy listed twice with the resource each: 1.10 the last entry whole, 1.12 both merged, a later key winning',
    values: 'policies:\n- name: dup\n  resources:\n  - {name: web, values: {team: second, env: a}}\n- name: dup\n  resources:\n  - {name: web, values: {team: first}}\n',
    want: { '1.10': 'pass', '1.12': 'pass' },
  },
  {
    name: 'the policy listed twice, the second entry without the resource: 1.10 drops its values, 1.12 keeps them',
    values: 'policies:\n- name: dup\n  resources:\n  - {name: web, values: {team: first}}\n- name: dup\n  resources:\n  - {name: other, values: {team: second}}\n',
    want: { '1.10': 'error', '1.12': 'pass' },
  },
];

for (const c of cases) {
  test(`values file duplicates: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-dup-'));
    try {
      for (const [f, text] of Object.entries({ 'policy.yaml': policy, 'resources.yaml': pod, 'values.yaml': c.values, 'kyverno-test.yaml': suite })) writeFileSync(join(dir, f), text);
      for (const version of ['1.10', '1.12'] as const) {
        const t = await runCli(['test', dir, '-o', 'json', '--kyverno-version', version]);
        const rows = (JSON.parse(t.stdout) as { results: { actual: string }[] }).results;
        assert.deepEqual(
          rows.map((r) => r.actual),
          [c.want[version]],
          `test ${version}`,
        );
        const a = await runCli(['-o', 'json', 'apply', join(dir, 'policy.yaml'), '-r', join(dir, 'resources.yaml'), '--values', join(dir, 'values.yaml'), '--kyverno-version', version]);
        const results = (JSON.parse(a.stdout) as { results: { rules: { rule: string; status: string }[] }[] }).results;
        assert.deepEqual(
          results.flatMap((r) => r.rules.filter((x) => x.rule === 'team').map((x) => x.status)),
          [c.want[version]],
          `apply ${version}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('values file duplicates, 1.12: a stray quote in an entry the by-name maps dropped is still an error naming it (the 1.12 CLI reads that entry)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-dup-'));
  try {
    const values = [
      'policies:',
      '- name: dup',
      '  rules:',
      '  - {name: team, values: {team"x: first}}',
      '  - {name: team, values: {team: second}}',
      '  resources:',
      '  - {name: web, values: {env"x: a}}',
      '  - {name: web, values: {env: b}}',
      '',
    ].join('\n');
    for (const [f, text] of Object.entries({ 'policy.yaml': policy, 'resources.yaml': pod, 'values.yaml': values, 'kyverno-test.yaml': suite })) writeFileSync(join(dir, f), text);
    const apply = await runCli(['apply', join(dir, 'policy.yaml'), '-r', join(dir, 'resources.yaml'), '--values', join(dir, 'values.yaml'), '--kyverno-version', '1.12']);
    assert.equal(apply.code, 2, apply.stderr);
    assert.match(apply.stderr, /policies\[dup\]\.resources\[web\]\.values: key "env\\"x"/);
    assert.match(apply.stderr, /policies\[dup\]\.rules\[team\]\.values: key "team\\"x"/);
    const t = await runCli(['test', dir, '--kyverno-version', '1.12']);
    assert.notEqual(t.code, 0);
    assert.match(t.stdout + t.stderr, /values\.yaml: policies\[dup\]\.rules\[team\]\.values: key "team\\"x"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
