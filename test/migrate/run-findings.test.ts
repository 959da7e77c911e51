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
