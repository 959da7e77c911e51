// migrate exceptions --style policyexception matched `name-*` for the objects and pods a controller
// creates: any pod named `<controller>-<anything>` in the namespace was exempted too (prometheus-evil, or
// another component's pods that share the prefix). The names are narrowed to the controllers' naming
// formats (docs/compatibility.md says what a name can and cannot prove).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const spec = `      volumes: [{name: h, hostPath: {path: /etc}}]
      containers: [{name: c, image: "busybox:1.36", volumeMounts: [{name: h, mountPath: /h}]}]
`;
const template = `  template:
    metadata: {labels: {app: x}}
    spec:
${spec}`;
const controllers = `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  selector: {matchLabels: {app: x}}
${template}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: apps}
spec:
  selector: {matchLabels: {app: x}}
${template}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: apps}
spec:
  serviceName: db
  selector: {matchLabels: {app: x}}
${template}---
apiVersion: batch/v1
kind: Job
metadata: {name: backup, namespace: apps}
spec:
${template}---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: apps}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
${template.replace(/^(?=.)/gm, '    ')}`;

/** A bare object of `kind` named `name` with the same hostPath (no owner: judged as it is). */
const bare = (kind: string, name: string) =>
  kind === 'Pod'
    ? `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: apps}\nspec:\n${spec.replace(/^ {4}/gm, '')}`
    : `apiVersion: ${kind === 'Job' ? 'batch/v1' : 'apps/v1'}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: apps}\nspec:\n  selector: {matchLabels: {app: x}}\n${template}`;

// What the controllers create (exempt), and look-alikes anyone with create rights in the namespace could make.
const cases: { kind: string; name: string; exempt: boolean }[] = [
  { kind: 'ReplicaSet', name: 'web-7c9f5d8b6d', exempt: true },
  { kind: 'Pod', name: 'web-7c9f5d8b6d-x2k4q', exempt: true },
  { kind: 'Pod', name: 'web-evil', exempt: false },
  { kind: 'Pod', name: 'web-7c9f5d8b6d-x2k4q-evil', exempt: false },
  { kind: 'ReplicaSet', name: 'web-evil-sidecar-set', exempt: false },
  { kind: 'Pod', name: 'agent-x2k4q', exempt: true },
  { kind: 'Pod', name: 'agent-evil-pod', exempt: false },
  { kind: 'Pod', name: 'db-0', exempt: true },
  { kind: 'Pod', name: 'db-12', exempt: true },
  { kind: 'Pod', name: 'db-evil-pod', exempt: false },
  { kind: 'Pod', name: 'backup-x2k4q', exempt: true },
  { kind: 'Pod', name: 'backup-evil-pod', exempt: false },
  // The Jobs a CronJob creates are checked by the Job's autogen rule (autogen-<rule>), not the CronJob's.
  { kind: 'Job', name: 'nightly-28391234', exempt: true },
  { kind: 'Pod', name: 'nightly-28391234-x2k4q', exempt: true },
  { kind: 'Pod', name: 'nightly-evil', exempt: false },
];

test('migrate exceptions --style policyexception: the PolicyExceptions exempt what the controllers create, not other names sharing their prefix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-polex-names-'));
  writeFileSync(join(dir, 'cluster.yaml'), controllers);
  writeFileSync(join(dir, 'kyverno-values.yaml'), 'features:\n  policyExceptions:\n    enabled: true\n');
  const ex = await runCli(['migrate', 'exceptions', '--style', 'policyexception', '--cluster', join(dir, 'cluster.yaml'), '--kyverno-values', join(dir, 'kyverno-values.yaml'), '--out', join(dir, 'exceptions.yaml')]);
  assert.equal(ex.code, 0, ex.stderr);
  // The cluster later: the same controllers, plus what they create and look-alikes.
  writeFileSync(join(dir, 'later.yaml'), [controllers, ...cases.map((c) => bare(c.kind, c.name))].join('---\n'));
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', join(dir, 'later.yaml'), '--kyverno-values', join(dir, 'kyverno-values.yaml'), '--exception', join(dir, 'exceptions.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const flagged = new Set((JSON.parse(r.stdout) as { violations: { kind: string; name: string }[] }).violations.map((v) => `${v.kind}/${v.name}`));
  for (const c of cases) assert.equal(!flagged.has(`${c.kind}/${c.name}`), c.exempt, `${c.kind}/${c.name} should ${c.exempt ? '' : 'not '}be exempted`);
  // The controllers themselves stay exempted.
  for (const w of ['Deployment/web', 'DaemonSet/agent', 'StatefulSet/db', 'Job/backup', 'CronJob/nightly']) assert.ok(!flagged.has(w), w);
});

// Verifier probe: since Kubernetes 1.22 the pods of an Indexed Job (completionMode: Indexed, on by default
// from 1.22) are named <job>-<index>-<5 random characters> (the job controller's podGenerateNameWithIndex),
// not <job>-<5 random characters>: the exception made for such a Job (or a CronJob whose Jobs are Indexed)
// exempted none of its pods, so every pod it created was refused once Kyverno enforced.
test('migrate exceptions --style policyexception: the pods of an Indexed Job (and of a CronJob making Indexed Jobs) are exempted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-polex-indexed-'));
  const long = 'a'.repeat(50);
  const indexed = `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: batch/v1
kind: Job
metadata: {name: shard, namespace: apps}
spec:
  completionMode: Indexed
  completions: 20
${template}---
apiVersion: batch/v1
kind: Job
metadata: {name: ${long}, namespace: apps}
spec:
  completionMode: Indexed
  completions: 20
${template}---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: apps}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      completionMode: Indexed
      completions: 3
${template.replace(/^(?=.)/gm, '    ')}`;
  writeFileSync(join(dir, 'cluster.yaml'), indexed);
  writeFileSync(join(dir, 'kyverno-values.yaml'), 'features:\n  policyExceptions:\n    enabled: true\n');
  const ex = await runCli(['migrate', 'exceptions', '--style', 'policyexception', '--cluster', join(dir, 'cluster.yaml'), '--kyverno-values', join(dir, 'kyverno-values.yaml'), '--out', join(dir, 'exceptions.yaml')]);
  assert.equal(ex.code, 0, ex.stderr);
  // The index is cut off the job name, not off the generated name, when they are too long together.
  const longPod = `${long.slice(0, 58 - '-12-'.length)}-12-x2k4q`;
  const podCases: { name: string; exempt: boolean }[] = [
    { name: 'shard-0-x2k4q', exempt: true },
    { name: 'shard-12-x2k4q', exempt: true },
    { name: longPod, exempt: true },
    { name: 'nightly-28391234-2-x2k4q', exempt: true },
    { name: 'shard-evil-pod', exempt: false },
    { name: 'shard-0-x2k4q-evil', exempt: false },
  ];
  writeFileSync(join(dir, 'later.yaml'), [indexed, ...podCases.map((c) => bare('Pod', c.name))].join('---\n'));
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', join(dir, 'later.yaml'), '--kyverno-values', join(dir, 'kyverno-values.yaml'), '--exception', join(dir, 'exceptions.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const flagged = new Set((JSON.parse(r.stdout) as { violations: { kind: string; name: string }[] }).violations.map((v) => `${v.kind}/${v.name}`));
  for (const c of podCases) assert.equal(!flagged.has(`Pod/${c.name}`), c.exempt, `Pod/${c.name} should ${c.exempt ? '' : 'not '}be exempted`);
  for (const w of ['Job/shard', `Job/${long}`, 'CronJob/nightly']) assert.ok(!flagged.has(w), w);
});
