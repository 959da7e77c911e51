// Names that are members of every JavaScript object (`constructor`, `__proto__`, `toString`,
// `hasOwnProperty`) as policy, rule, resource and namespace names in `podgate test` and `podgate apply`:
// each must get what any other name gets (its own values, labels, or none), never an inherited member.
// Kyverno looks these names up in Go maps and lists (kyverno@v1.10.7 cmd/cli/kubectl-kyverno/utils/common
// GetVariable, utils/store GetPolicyRule), where no name is special.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const HOSTILE = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

function withDir(files: Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-names-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

// One rule per name, each needing the variable `team` (error without it, pass with it) and denying when the
// variable "0" is "O": a name that picks up a string member ("Object") as its values gets "0" = "O".
function policy(name: string, rules: string[]): string {
  const rule = (r: string) => `  - name: ${JSON.stringify(r)}
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "team {{ team }}"
      deny:
        conditions:
          any:
          - {key: "{{ \\"0\\" || 'none' }}", operator: Equals, value: O}
          - {key: '{{ team }}', operator: NotEquals, value: payments}
`;
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  validationFailureAction: Audit
  background: false
  rules:
${rules.map(rule).join('')}`;
}

const pod = (name: string, ns: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${JSON.stringify(name)}, namespace: ${ns}, labels: {team: payments}}
spec: {containers: [{name: web, image: nginx}]}
`;

async function testRows(dir: string, version: string): Promise<Record<string, string>> {
  const out = await runCli(['test', dir, '-o', 'json', '--kyverno-version', version]);
  assert.equal(out.stderr, '', version);
  const rows = (JSON.parse(out.stdout) as { results: { rule: string; resource: string; actual: string }[] }).results;
  return Object.fromEntries(rows.map((r) => [`${r.rule}/${r.resource}`, r.actual]));
}

const rules = [...HOSTILE, 'name', 'plain'];
const suiteFile = (policyName: string, resources: string[]) => `name: names
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
${rules.flatMap((r) => resources.map((res) => `- {policy: ${policyName}, rule: ${JSON.stringify(r)}, resources: [${JSON.stringify(res)}], kind: Pod, result: pass}\n`)).join('')}`;

const cases: { name: string; policy: string; resources: string[]; values: string; want: string }[] = [
  {
    name: 'only global values: every rule gets them and nothing else, whatever its name and its resource’s',
    policy: 'constructor',
    resources: ['web', 'name'],
    values: 'globalValues: {team: payments}\n',
    want: 'pass',
  },
  {
    name: 'no values for the rules: every rule errors on the unresolved variable, whatever its name',
    policy: 'constructor',
    resources: ['web', 'name'],
    values: 'globalValues: {x: y}\n',
    want: 'error',
  },
  {
    name: 'values for each rule by name: every rule gets its own',
    policy: 'constructor',
    resources: ['web'],
    values: `policies:\n- name: constructor\n  rules:\n${rules.map((r) => `  - name: ${JSON.stringify(r)}\n    values: {team: payments}\n`).join('')}`,
    want: 'pass',
  },
  {
    name: 'values for another policy only: none reach these rules',
    policy: 'require-team',
    resources: ['web', 'constructor'],
    values: `policies:\n- name: other\n  rules:\n${rules.map((r) => `  - name: ${JSON.stringify(r)}\n    values: {team: payments}\n`).join('')}`,
    want: 'error',
  },
];

for (const c of cases) {
  test(`podgate test, hostile names: ${c.name}`, async () => {
    const files = {
      'policy.yaml': policy(c.policy, rules),
      'resources.yaml': c.resources.map((r) => pod(r, 'default')).join('---\n'),
      'values.yaml': c.values,
      'kyverno-test.yaml': suiteFile(c.policy, c.resources),
    };
    await withDir(files, async (dir) => {
      for (const version of ['1.10', '1.12']) {
        const got = await testRows(dir, version);
        const want = Object.fromEntries(rules.flatMap((r) => c.resources.map((res) => [`${r}/${res}`, c.want])));
        assert.deepEqual(got, want, version);
      }
    });
  });
}

// A namespace named like an object member has no labels unless it is given some: a namespaceSelector on
// its name label matches it, one on a label it lacks does not.
const nsPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ns-rules}
spec:
  validationFailureAction: Audit
  background: false
  rules:
  - name: by-name
    match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: constructor}}}}]}
    validate: {message: no pods here, deny: {}}
  - name: by-object-member
    match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {name: Object}}}}]}
    validate: {message: no pods here, deny: {}}
`;

test('podgate apply, hostile names: a Pod in namespace "constructor" is matched by its name label, not by inherited members', async () => {
  await withDir({ 'policy.yaml': nsPolicy, 'pod.yaml': pod('web', 'constructor'), 'labels.yaml': 'shop: {env: prod}\n', 'values.yaml': 'namespaceSelector:\n- {name: shop, labels: {env: prod}}\n' }, async (dir) => {
    const statuses = async (extra: string[]) => {
      const out = await runCli(['-o', 'json', 'apply', join(dir, 'policy.yaml'), '-r', join(dir, 'pod.yaml'), ...extra]);
      const results = (JSON.parse(out.stdout) as { results: { rules: { rule: string; status: string }[] }[] }).results;
      return Object.fromEntries(results.flatMap((r) => r.rules.map((x) => [x.rule, x.status])));
    };
    // A namespace without given labels has the default one, kubernetes.io/metadata.name, alone: with no
    // labels file, a values file or a labels file naming other namespaces only.
    for (const extra of [[], ['--values', join(dir, 'values.yaml')], ['--namespace-labels', join(dir, 'labels.yaml')]]) {
      assert.deepEqual(await statuses(extra), { 'by-name': 'fail' }, extra.join(' '));
    }
  });
});

test('podgate test, hostile names: a resource in namespace "constructor" without labels in the values file has none', async () => {
  const suite = `name: ns
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
- {policy: ns-rules, rule: by-object-member, resources: [web], kind: Pod, result: skip}
`;
  await withDir({ 'policy.yaml': nsPolicy, 'resources.yaml': pod('web', 'constructor'), 'values.yaml': 'namespaceSelector:\n- {name: shop, labels: {env: prod}}\n', 'kyverno-test.yaml': suite }, async (dir) => {
    for (const version of ['1.10', '1.12']) {
      const out = await runCli(['test', dir, '--kyverno-version', version]);
      assert.equal(out.code, 0, `${version}: ${out.stdout}${out.stderr}`);
    }
  });
});
