// A custom resource whose controller creates pods from a pod spec podgate does not read (anywhere but
// spec.template: Volcano's spec.tasks[].template, Argo's spec.templates[].container) was passed over
// without a word: migrate run names it, so Ready is not read as "every pod was judged".
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

const cases: { name: string; text: string; warning: RegExp }[] = [
  {
    name: 'a Volcano Job (spec.tasks[].template)',
    text: `apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata: {name: train, namespace: default}
spec:
  tasks:
  - name: worker
    template:
      spec:
        containers: [{name: w, image: "busybox:1.36", securityContext: {privileged: true}}]
`,
    warning: /Job\/default\/train \(batch\.volcano\.sh\/v1alpha1\) holds pod specs podgate does not read \(spec\.tasks\[0\]\.template\.spec\)/,
  },
  {
    name: 'an Argo Workflow (spec.templates[].container)',
    text: `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf, namespace: default}
spec:
  templates:
  - name: main
    container: {image: "busybox:1.36", securityContext: {privileged: true}}
`,
    warning: /Workflow\/default\/wf \(argoproj\.io\/v1alpha1\) holds pod specs podgate does not read \(spec\.templates\[0\]\.container\)/,
  },
];

for (const c of cases) {
  test(`migrate run: ${c.name} is named as holding pod specs that were not audited`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'podgate-crd-specs-'));
    const cluster = join(base, 'cluster');
    cpSync(join(sample, 'cluster'), cluster, { recursive: true });
    writeFileSync(join(cluster, 'zz-cr.yaml'), c.text);
    const out = join(base, 'out');
    await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings: string[] };
    assert.ok(s.warnings.some((w) => c.warning.test(w)), s.warnings.join('\n'));
  });
}

test('migrate run on the sample: no such warning (CRDs, policies and values hold no pod spec)', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'podgate-crd-specs-')), 'out');
  await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out]);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings: string[] };
  assert.ok(!s.warnings.some((w) => /pod specs podgate does not read/.test(w)), s.warnings.join('\n'));
});

// Kyverno's own request and report objects are not controllers that create pods: an UpdateRequest carries
// the Pod of the admission request it answers (spec.context.admissionRequestInfo), a report the resources
// it judged. Each was warned about as a custom resource holding pod specs podgate does not read.
const podOfRequest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
const notControllers: { name: string; object: object }[] = [
  {
    name: 'a Kyverno 1.10 UpdateRequest (kyverno.io/v1beta1)',
    object: {
      apiVersion: 'kyverno.io/v1beta1',
      kind: 'UpdateRequest',
      metadata: { name: 'ur-abcde', namespace: 'kyverno' },
      spec: { requestType: 'generate', policy: 'add-netpol', rule: 'r', resource: { kind: 'Pod', namespace: 'default', name: 'web' }, context: { userInfo: {}, admissionRequestInfo: { operation: 'CREATE', admissionRequest: { object: podOfRequest } } } },
    },
  },
  {
    name: 'a Kyverno 1.12 UpdateRequest (kyverno.io/v2)',
    object: {
      apiVersion: 'kyverno.io/v2',
      kind: 'UpdateRequest',
      metadata: { name: 'ur-fghij', namespace: 'kyverno' },
      spec: { requestType: 'mutate', policy: 'p', rule: 'r', resource: { kind: 'Pod', namespace: 'default', name: 'web' }, context: { admissionRequestInfo: { admissionRequest: { object: podOfRequest, oldObject: podOfRequest } } } },
    },
  },
  {
    name: 'a Kyverno EphemeralReport (reports.kyverno.io)',
    object: { apiVersion: 'reports.kyverno.io/v1', kind: 'EphemeralReport', metadata: { name: 'e', namespace: 'default' }, spec: { owner: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u' }, results: [{ policy: 'p', properties: {}, resources: [podOfRequest] }] } },
  },
  {
    name: 'a PolicyReport (wgpolicyk8s.io)',
    object: { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'r', namespace: 'default' }, spec: { snapshot: podOfRequest } },
  },
];

test('migrate run: Kyverno requests and reports that carry a Pod are not named as custom resources holding pod specs; a Volcano Job beside them is', async () => {
  const base = mkdtempSync(join(tmpdir(), 'podgate-crd-specs-'));
  const cluster = join(base, 'cluster');
  cpSync(join(sample, 'cluster'), cluster, { recursive: true });
  writeFileSync(join(cluster, 'zz-kyverno-objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: notControllers.map((c) => c.object) }));
  writeFileSync(join(cluster, 'zz-volcano.yaml'), cases[0]?.text ?? '');
  const out = join(base, 'out');
  await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings: string[] };
  for (const c of notControllers) {
    const o = c.object as { kind: string; metadata: { name: string } };
    assert.ok(!s.warnings.some((w) => w.includes(`${o.kind}/`) && w.includes(`/${o.metadata.name} `) && /pod specs podgate does not read/.test(w)), `${c.name}:\n${s.warnings.join('\n')}`);
  }
  assert.ok(s.warnings.some((w) => cases[0]?.warning.test(w)), s.warnings.join('\n'));
});
