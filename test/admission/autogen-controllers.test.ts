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

// The generated rules' messages have their `$(…)` references shifted (kyverno@v1.10.7 pkg/autogen/rule.go
// generateRule → FindAndShiftReferences): an anyPattern message's first reference fixes the pivot, so the
// second (anyPattern/1) stays; the CronJob rule shifts the controller rule's message again.
function anyPatternPolicy(message: string): string {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pinned}
spec:
  validationFailureAction: Enforce
  rules:
    - name: any
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "${message}"
        anyPattern: [{spec: {containers: [{image: '!*:latest'}]}}, {spec: {x: 1}}]
`;
}

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: cj, namespace: default}
spec:
  schedule: '* * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: nginx:latest}]
`;
const LATEST_DEPLOYMENT = workload('apps/v1', 'Deployment').replace('image: nginx}', 'image: nginx:latest}');

const referenceCases: { name: string; message: string; resource: string; want: string; warning?: string }[] = [
  {
    name: 'a Deployment: the first reference is shifted into spec/template, the anyPattern/1 one is not',
    message: 'a $(./../../anyPattern/0/spec/containers) b $(./../../anyPattern/1/spec/x)',
    resource: LATEST_DEPLOYMENT,
    want: 'autogen-any fail validation error: a $(./../../anyPattern/0/spec/template/spec/containers) b $(./../../anyPattern/1/spec/x). rule autogen-any[0] failed at path /spec/template/spec/containers/0/image/ rule autogen-any[1] failed at path /spec/template/spec/x/',
  },
  {
    name: 'a CronJob: the controller message shifted again',
    message: 'a $(./../../anyPattern/0/spec/containers) b $(./../../anyPattern/1/spec/x)',
    resource: CRONJOB,
    want: 'autogen-cronjob-any fail validation error: a $(./../../anyPattern/0/spec/jobTemplate/spec/template/spec/template/spec/containers) b $(./../../anyPattern/1/spec/x). rule autogen-cronjob-any[0] failed at path /spec/jobTemplate/spec/template/spec/containers/0/image/ rule autogen-cronjob-any[1] failed at path /spec/jobTemplate/spec/template/spec/x/',
  },
  {
    name: 'a first reference too short for the anyPattern index (a Go panic in Kyverno) is a load warning; nothing is shifted',
    message: '$(./a) a $(./../../anyPattern/0/spec/containers)',
    resource: LATEST_DEPLOYMENT,
    want: 'autogen-any fail validation error: $(./a) a $(./../../anyPattern/0/spec/containers). rule autogen-any[0] failed at path /spec/template/spec/containers/0/image/ rule autogen-any[1] failed at path /spec/template/spec/x/',
    warning:
      'spec.rules[any].validate.message: Kyverno 1.10 panics generating the autogen rules (FindAndShiftReferences on $(./a): runtime error: slice bounds out of range [10:6]): the anyPattern pivot reads the pattern index 11 bytes into the first reference; podgate leaves that reference and the rest unshifted',
  },
];

for (const c of referenceCases) {
  test(`apply: message references: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-autogen-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, anyPatternPolicy(c.message));
    const r = await runCli(['-o', 'json', 'apply', file, '-r', '-'], { stdin: c.resource });
    if (c.warning === undefined) assert.equal(r.stderr, '');
    else assert.equal(r.stderr.replace(/^warning: .*policy\.yaml\S*: document 1: /, ''), `${c.warning}\n`);
    const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string; message: string }[] }[] };
    assert.deepEqual(
      out.results.flatMap((x) => x.rules.map((y) => `${y.rule} ${y.status} ${y.message}`)),
      [c.want],
    );
  });
}
