// `request.operation: DELETE` in a values file, through `podgate test` and `podgate apply --values`. The
// 1.11+ CLI (processor makePolicyContext) makes the policy context of a DELETE with the resource as the old
// object, adds the values as variables, then reads the old object back from `request.oldObject`: the values'
// `request.oldObject.*` are in the deleted object (so matching sees them), `request.object.*` are not. v1.10.7 matches
// the resource as given.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

// `protected` matches only a Pod labelled protected=true; `old-label` denies when the deleted object's
// label is "true" (on DELETE, Kyverno reads request.object in a variable as request.oldObject).
const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: protect}
spec:
  validationFailureAction: Audit
  background: false
  rules:
  - name: protected
    match: {any: [{resources: {kinds: [Pod], selector: {matchLabels: {protected: "true"}}}}]}
    validate: {message: protected pods may not be deleted, deny: {}}
  - name: old-label
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: the deleted pod is protected
      deny:
        conditions:
          any:
          - {key: "{{ request.object.metadata.labels.protected || 'none' }}", operator: Equals, value: "true"}
`;
const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec: {containers: [{name: web, image: nginx}]}
`;
const suite = `name: delete
policies: [policy.yaml]
resources: [resources.yaml]
variables: values.yaml
results:
- {policy: protect, rule: protected, resources: [web], kind: Pod, result: skip}
- {policy: protect, rule: old-label, resources: [web], kind: Pod, result: skip}
`;

type Want = { protected: string; 'old-label': string };
const cases: { name: string; values: string; want: { '1.10': Want; '1.12': Want } }[] = [
  {
    name: 'request.oldObject labels reach the deleted object under 1.12: the selector matches',
    values: 'globalValues:\n  request.operation: DELETE\n  request.oldObject.metadata.labels.protected: "true"\n',
    want: { '1.10': { protected: 'excluded', 'old-label': 'fail' }, '1.12': { protected: 'fail', 'old-label': 'fail' } },
  },
  {
    name: 'request.object labels do not reach the deleted object under 1.12',
    values: 'globalValues:\n  request.operation: DELETE\n  request.object.metadata.labels.protected: "true"\n',
    want: { '1.10': { protected: 'excluded', 'old-label': 'pass' }, '1.12': { protected: 'excluded', 'old-label': 'pass' } },
  },
  {
    name: 'per-resource values alike',
    values: 'policies:\n- name: protect\n  resources:\n  - name: web\n    values:\n      request.operation: DELETE\n      request.oldObject.metadata.labels.protected: "true"\n',
    want: { '1.10': { protected: 'excluded', 'old-label': 'fail' }, '1.12': { protected: 'fail', 'old-label': 'fail' } },
  },
];

for (const c of cases) {
  test(`DELETE from a values file: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-del-'));
    try {
      for (const [f, text] of Object.entries({ 'policy.yaml': policy, 'resources.yaml': pod, 'values.yaml': c.values, 'kyverno-test.yaml': suite })) writeFileSync(join(dir, f), text);
      for (const version of ['1.10', '1.12'] as const) {
        const t = await runCli(['test', dir, '-o', 'json', '--kyverno-version', version]);
        const rows = (JSON.parse(t.stdout) as { results: { rule: string; actual: string }[] }).results;
        assert.deepEqual(Object.fromEntries(rows.map((r) => [r.rule, r.actual])), c.want[version], `test ${version}`);
        const a = await runCli(['-o', 'json', 'apply', join(dir, 'policy.yaml'), '-r', join(dir, 'resources.yaml'), '--values', join(dir, 'values.yaml'), '--kyverno-version', version]);
        const results = (JSON.parse(a.stdout) as { results: { rules: { rule: string; status: string }[] }[] }).results;
        // apply has no `excluded`: a rule without a response is counted as skip.
        const got: Record<string, string> = { protected: 'skip', 'old-label': 'skip' };
        for (const r of results.flatMap((x) => x.rules)) if (Object.hasOwn(got, r.rule)) got[r.rule] = r.status;
        const want = Object.fromEntries(Object.entries(c.want[version]).map(([k, v]) => [k, v === 'excluded' ? 'skip' : v]));
        assert.deepEqual(got, want, `apply ${version}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
