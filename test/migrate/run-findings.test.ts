// migrate run on altered copies of the sample: ways it said Ready, or lost what the user gave, without
// having earned it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const minimal = join(sample, 'inputs', 'kyverno-policies-values.minimal.yaml');

interface Summary {
  ready: boolean;
  blockers: string[];
  warnings: string[];
  counts: Record<string, number>;
}

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

test('migrate run --values a.yaml b.yaml: the generated values keep what b.yaml sets (helm -f merge), not a.yaml alone', async () => {
  const dir = tmp('podgate-two-values-');
  const b = join(dir, 'b.yaml');
  writeFileSync(b, 'podSecurityStandard: restricted\npolicyExclude:\n  require-run-as-nonroot:\n    any:\n    - resources:\n        namespaces: [gpu-operator]\n');
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', minimal, b, '--out-dir', out]);
  const values = parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')) as Record<string, unknown>;
  // b.yaml's profile was lost: the re-audit judged baseline values, and the cluster would get baseline.
  assert.equal(values.podSecurityStandard, 'restricted', r.stdout);
  const exclude = values.policyExclude as Record<string, { any: { resources: { namespaces: string[] } }[] }>;
  assert.ok(exclude['require-run-as-nonroot']?.any.some((e) => e.resources.namespaces.includes('gpu-operator')), JSON.stringify(exclude['require-run-as-nonroot']));
  // a.yaml's settings are kept too.
  assert.equal(values.validationFailureAction, 'Enforce');
  assert.ok(exclude['disallow-host-path']?.any.some((e) => e.resources.namespaces.includes('local-path-storage')));
  // Restricted confines the user namespaces: the re-audit sees it.
  const s = summaryOf(out);
  assert.ok(s.counts.userViolations! > 0, JSON.stringify(s.counts));
  assert.match(r.stderr, /2 values files are merged/);
});

test('migrate run: the pods a component creates later (local-path helper pods mount hostPath) get their exclusion, not only a "needed" note', async () => {
  const dir = tmp('podgate-later-');
  const values = join(dir, 'values.yaml');
  // The KB's minimal values without local-path-storage under disallow-host-path.
  const text = readFileSync(minimal, 'utf8');
  const hostPath = text.indexOf('disallow-host-path:');
  const cut = text.indexOf('        - local-path-storage\n', hostPath);
  assert.ok(cut > hostPath && cut < text.indexOf('disallow-host-ports:'));
  writeFileSync(values, text.slice(0, cut) + text.slice(cut + '        - local-path-storage\n'.length));
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', join(sample, 'cluster'), '--values', values, '--out-dir', out]);
  const generated = parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')) as { policyExclude: Record<string, { any: { resources: { namespaces: string[] } }[] }> };
  // The provisioner's helper pods (one per volume) mount the storage directory from the host: refused, no
  // PVC would be provisioned after the switch, while the run said Ready.
  assert.ok(generated.policyExclude['disallow-host-path']?.any.some((e) => e.resources.namespaces.includes('local-path-storage')), r.stdout);
  assert.match(r.stdout, /disallow-host-path: \+ [^\n]*local-path-storage/);
  const exceptions = JSON.parse(readFileSync(join(out, 'exceptions.json'), 'utf8')) as { exceptions: Record<string, string[]> };
  assert.ok(exceptions.exceptions['disallow-host-path']?.includes('local-path-storage'));
  // Not for the other policies the helper pods do not need.
  assert.ok(!exceptions.exceptions['disallow-privileged-containers']?.includes('local-path-storage'));
});
