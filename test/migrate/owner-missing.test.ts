// Pods (and ReplicaSets) whose controller is not in the dump were left out of the PSP-versus-Kyverno diff:
// they are compared as the Pods they are, created by the controller's service account; a pod whose
// creator cannot be known (a custom controller missing from the dump) is listed as not compared and counted.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

const pod = (name: string, owner: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: prometheus
  ownerReferences: [${owner}]
spec:
  serviceAccountName: default
  containers:
  - name: c
    image: busybox:1.36
    securityContext: {privileged: true}
`;

const extra = [
  pod('orphan-7d9c8b6f5-x2k4q', '{apiVersion: apps/v1, kind: ReplicaSet, name: orphan-7d9c8b6f5, uid: 0b3c2f4e-1111-4a5b-9c1d-000000000001, controller: true}'),
  pod('backup-28391-abcde', '{apiVersion: batch/v1, kind: Job, name: backup-28391, uid: 0b3c2f4e-1111-4a5b-9c1d-000000000002, controller: true}'),
  pod('wf-step-1', '{apiVersion: argoproj.io/v1alpha1, kind: Workflow, name: wf, uid: 0b3c2f4e-1111-4a5b-9c1d-000000000003, controller: true}'),
  `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: gone-5f6d7c8b9
  namespace: prometheus
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: gone, uid: 0b3c2f4e-1111-4a5b-9c1d-000000000004, controller: true}]
spec:
  selector: {matchLabels: {app: gone}}
  template:
    metadata: {labels: {app: gone}}
    spec:
      containers:
      - name: c
        image: busybox:1.36
        securityContext: {privileged: true}
`,
].join('---\n');

interface Diff {
  entries: { kind: string; namespace: string; name: string; creator: { via: string } }[];
  summary: { notCompared?: number };
  notCompared?: { kind: string; namespace: string; name: string; reason: string }[];
}

function cluster(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-orphans-'));
  cpSync(join(sample, 'cluster'), dir, { recursive: true });
  writeFileSync(join(dir, 'zz-orphans.yaml'), extra);
  return dir;
}

test('migrate diff: pods and ReplicaSets whose controller is missing from the dump are compared, as created by the controller service account', async () => {
  const r = await runCli(['migrate', 'diff', '--cluster', cluster(), '-o', 'json']);
  const d = JSON.parse(r.stdout) as Diff;
  const entry = (kind: string, name: string) => d.entries.find((e) => e.kind === kind && e.name === name);
  const cases: [string, string, RegExp][] = [
    ['Pod', 'orphan-7d9c8b6f5-x2k4q', /replicaset-controller/],
    ['Pod', 'backup-28391-abcde', /job-controller/],
    ['ReplicaSet', 'gone-5f6d7c8b9', /replicaset-controller/],
  ];
  for (const [kind, name, via] of cases) {
    const e = entry(kind, name);
    assert.ok(e, `${kind}/${name} is not in the diff`);
    assert.match(e.creator.via, via);
  }
  // Pods whose controller is in the dump stay covered by it.
  assert.ok(!d.entries.some((e) => e.kind === 'Pod' && e.name.startsWith('coredns-')), 'a pod whose ReplicaSet is in the dump was compared on its own');
  // A custom controller missing from the dump: its creator is unknown, so the pod is listed and counted.
  assert.equal(entry('Pod', 'wf-step-1'), undefined);
  assert.equal(d.summary.notCompared, 1);
  assert.match(d.notCompared?.[0]?.reason ?? '', /Workflow\/wf/);
  assert.equal(d.notCompared?.[0]?.name, 'wf-step-1');
  const text = await runCli(['migrate', 'diff', '--cluster', cluster()]);
  assert.match(text.stdout, /NOT COMPARED[^\n]*\n {2}Pod\/prometheus\/wf-step-1: /);
  assert.match(text.stdout, /; 1 not compared\n/);
});

test('migrate run: a pod not compared with PSP is said in summary.json, never passed over', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'podgate-orphans-run-')), 'out');
  await runCli(['migrate', 'run', '--cluster', cluster(), '--out-dir', out]);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings: string[]; counts: Record<string, number> };
  assert.equal(s.counts.notCompared, 1);
  assert.ok(s.warnings.some((w) => /not compared with PSP: Pod\/prometheus\/wf-step-1/.test(w)), s.warnings.join('\n'));
});
