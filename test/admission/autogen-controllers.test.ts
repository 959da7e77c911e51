// User path for Kyverno 1.10's autogen controller list (pkg/autogen/autogen.go computeRules, rule.go
// generateRuleForControllers): `podgate apply` evaluates the rules Kyverno would generate from the
// pod-policies.kyverno.io/autogen-controllers annotation as written (split on ',', untrimmed, kept in order;
// a list naming no template controller is used as the kinds), and drops user rules named autogen-*.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

function policy(annotation: string, extraRule = ''): string {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-host-path
  annotations: {pod-policies.kyverno.io/autogen-controllers: '${annotation}'}
spec:
  validationFailureAction: Enforce
  rules:
    - name: host-path
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: no hostPath
        pattern: {spec: {=(volumes): [{X(hostPath): 'null'}]}}
${extraRule}`;
}

function workload(apiVersion: string, kind: string): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: w, namespace: default}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx}]
      volumes: [{name: h, hostPath: {path: /boot}}]
`;
}

const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default}
spec:
  containers: [{name: c, image: nginx}]
  volumes: [{name: h, hostPath: {path: /boot}}]
`;

const AUTOGEN_NAMED_RULE = `    - name: autogen-host-path
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: user rule
        pattern: {metadata: {name: nope}}
`;

const cases: { name: string; annotation: string; extraRule?: string; resource: string; want: string[]; warning?: string }[] = [
  {
    name: 'StatefulSet listed after a space is not a controller, and the load says so',
    annotation: 'Deployment, StatefulSet',
    resource: workload('apps/v1', 'StatefulSet'),
    want: [],
    warning: 'metadata.annotations.pod-policies.kyverno.io/autogen-controllers: entry " StatefulSet" is not StatefulSet: Kyverno takes the entries as written (no spaces trimmed), so no rule is generated for StatefulSet',
  },
  { name: 'StatefulSet listed without a space is', annotation: 'Deployment,StatefulSet', resource: workload('apps/v1', 'StatefulSet'), want: ['autogen-host-path fail'] },
  {
    name: 'CronJob after a space still gets its rule (Kyverno looks for the word anywhere), and no warning',
    annotation: 'Deployment, CronJob',
    resource: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: default}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: nginx}]\n          volumes: [{name: h, hostPath: {path: /boot}}]\n',
    want: ['autogen-cronjob-host-path fail'],
  },
  { name: 'a list naming only CloneSet matches CloneSets', annotation: 'CloneSet', resource: workload('apps.kruise.io/v1alpha1', 'CloneSet'), want: ['autogen-host-path fail'] },
  { name: 'a user rule named autogen-* is replaced by the generated one', annotation: 'Deployment', extraRule: AUTOGEN_NAMED_RULE, resource: POD, want: ['host-path fail'] },
];

for (const c of cases) {
  test(`apply: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-autogen-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policy(c.annotation, c.extraRule));
    const r = await runCli(['-o', 'json', 'apply', file, '-r', '-'], { stdin: c.resource });
    if (c.warning === undefined) assert.equal(r.stderr, '');
    else assert.match(r.stderr, new RegExp(`^warning: .*policy\\.yaml.*: ${c.warning.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
    const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string }[] }[] };
    assert.deepEqual(
      out.results.flatMap((x) => x.rules.map((y) => `${y.rule} ${y.status}`)),
      c.want,
    );
  });
}
