// The main job on the bundled sample cluster: the seed's minimal values leave exactly the breakages we
// can justify workload by workload; the generated values match the seed's full values for the components
// present (except where the sample proves the seed over-broad); with them the audit is clean but for users.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = `${sample}/inputs/kyverno-policies-values.minimal.yaml`;

test('exceptions: the minimal namespace additions for the sample, per policy', async () => {
  // The sample plus the KB's test pod (hostPath /etc) in ray's namespace: a user violation.
  const dir = mkdtempSync(join(tmpdir(), 'podgate-exc-'));
  const seedPod = readFileSync(`${sample}/inputs/pod.yaml`, 'utf8').replace(/name: host-mount-pod/, 'name: host-mount-pod\n  namespace: ray-restricted');
  writeFileSync(join(dir, 'pod.yaml'), seedPod);
  const r = await runCli(['-o', 'json', 'migrate', 'exceptions', '--cluster', sample, join(dir, 'pod.yaml'), '--values', minimal]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { exceptions: Record<string, string[]>; userViolations: { namespace: string; name: string }[] };
  const sorted = Object.fromEntries(Object.entries(out.exceptions).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(sorted, {
    'disallow-capabilities': ['ceph-csi-rbd', 'metallb-system', 'ovn-kubernetes'],
    'disallow-host-namespaces': ['ceph-csi-rbd', 'gpu-operator', 'metallb-system', 'network-operator', 'ovn-kubernetes', 'runai'],
    'disallow-host-path': ['ceph-csi-rbd', 'gpu-operator', 'network-operator', 'ovn-kubernetes', 'runai'],
    'disallow-host-ports': ['ceph-csi-rbd', 'metallb-system', 'ovn-kubernetes'],
    'disallow-privileged-containers': ['ceph-csi-rbd', 'gpu-operator', 'network-operator', 'ovn-kubernetes', 'runai'],
  });
  // user namespaces are never exempted: their violations are listed instead
  assert.deepEqual(
    out.userViolations.map((v) => `${v.namespace}/${v.name}`),
    ['ray-restricted/host-mount-pod'],
  );
});

test('audit with the minimal values reproduces the seed\'s gpu-operator DaemonSet denial text', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--values', minimal]);
  assert.equal(r.code, 1, 'would-be denials exit 1');
  const out = JSON.parse(r.stdout) as { violations: { kind: string; name: string; rule: string; message: string; component: string }[] };
  const nfd = out.violations.find((v) => v.kind === 'DaemonSet' && v.name === 'gpu-operator-node-feature-discovery-worker' && v.rule === 'autogen-host-path');
  assert.ok(nfd);
  assert.equal(nfd.component, 'gpu-operator');
  assert.equal(nfd.message, 'validation error: HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path /spec/template/spec/volumes/0/hostPath/');
});

test('migrate run: generated values are clean but for user violations and differ from the seed only where the sample proves it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-run-'));
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3\. re-audit with the generated values: 0 system violations, 0 user violations/);
  assert.match(r.stdout, /5\. PSP vs Kyverno \(generated values\): 0 breakages/);
  // the seed's full values exempt metallb-system from disallow-privileged-containers; the sample's
  // MetalLB speaker (chart defaults) is not privileged, so podgate does not add it
  assert.equal(readFileSync(join(dir, 'values-comparison.txt'), 'utf8').trim(), 'disallow-privileged-containers: in the reference but not needed by any workload here: metallb-system');
  const values = readFileSync(join(dir, 'kyverno-policies-values.yaml'), 'utf8');
  assert.match(values, /- gpu-operator # NVIDIA GPU Operator\n/);
  assert.match(values, /- '\*-restricted'\n/, 'the user\'s own entries and quoting are kept');
  const audit = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as { summary: { violations: number } };
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, new RegExp(`data-metric="violations"[^>]*>${audit.summary.violations}<`));
});

test('migrate run will not write into a folder of the user\'s without --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-mine-'));
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /was not written by podgate; choose another --out-dir or pass --force/);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
});
