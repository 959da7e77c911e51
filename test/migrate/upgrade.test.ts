// `podgate migrate upgrade` on the bundled sample (issue 20): the Kyverno upgrade after Kubernetes 1.26,
// judged on the user's path. The translated values render with chart 3.2.5 and keep every exclusion of
// the 3.0.7 values; below Kubernetes 1.26 the command refuses and names the Kubernetes upgrades first.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = new URL('../../examples/bcm-9.2-k8s-1.24/', import.meta.url).pathname;
const inputs = join(sample, 'inputs');

interface Policy {
  metadata: { name: string };
  spec: { rules: { name: string; exclude?: { any?: { resources?: { namespaces?: string[] } }[] } }[] };
}

/** policy/rule → excluded namespaces, from `podgate chart render` output. */
async function exclusions(chartVersion: string, values: string): Promise<Map<string, Set<string>>> {
  const r = await runCli(['chart', 'render', '--chart-version', chartVersion, '-f', values]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, Set<string>>();
  for (const doc of parseAllDocuments(r.stdout)) {
    const p = doc.toJS() as Policy | null;
    if (!p?.spec?.rules) continue;
    for (const rule of p.spec.rules) {
      const ns = (rule.exclude?.any ?? []).flatMap((a) => a.resources?.namespaces ?? []);
      out.set(`${p.metadata.name}/${rule.name}`, new Set(ns));
    }
  }
  return out;
}

for (const valuesFile of ['kyverno-policies-values.minimal.yaml', 'kyverno-policies-values.full.yaml']) {
  test(`migrate upgrade on the sample (${valuesFile}): decisions reported, values translated, rendered with 3.2.5 keeping every exclusion`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
    try {
      const args = ['migrate', 'upgrade', '--cluster', sample, '--kubernetes', '1.26', '--values', join(inputs, valuesFile), '--kyverno-values', join(inputs, 'kyverno-values.yaml'), '--out-dir', dir];
      const table = await runCli(args);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /Kyverno 1\.10 → 1\.12/);
      assert.match(table.stdout, /decisions: \d+ workloads evaluated under both; (none changes|\d+ change)/);
      const json = await runCli(['-o', 'json', ...args, '--force']);
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout) as { workloads: number; changes: unknown[]; summary: { newlyDenied: number }; values: { out: string; chart: string }[] };
      assert.ok(report.workloads > 0);
      assert.equal(report.summary.newlyDenied, 0, JSON.stringify(report.changes, null, 2));
      assert.deepEqual(report.values.map((v) => v.chart).sort(), ['kyverno', 'kyverno-policies']);

      // The translated kyverno-policies values render with chart 3.2.5 and keep every 3.0.7 exclusion.
      const translated = join(dir, valuesFile);
      const before = await exclusions('3.0.7', join(inputs, valuesFile));
      const after = await exclusions('3.2.5', translated);
      let checked = 0;
      for (const [rule, namespaces] of before) {
        if (namespaces.size === 0) continue;
        const now = after.get(rule);
        assert.ok(now, `${rule} is no longer rendered by 3.2.5`);
        for (const ns of namespaces) assert.ok(now.has(ns), `${rule}: exclusion of ${ns} lost`);
        checked++;
      }
      assert.ok(checked > 0, 'the sample values exclude namespaces');
      // Comments of the user's file are kept (the full file has them).
      const original = readFileSync(join(inputs, valuesFile), 'utf8');
      const text = readFileSync(translated, 'utf8');
      for (const line of original.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(text.includes(line.trim()), `comment lost: ${line}`);

      // The kyverno values: PolicyExceptions stay off as in 3.0.9, said in a comment.
      const kv = readFileSync(join(dir, 'kyverno-values.yaml'), 'utf8');
      assert.equal((parse(kv) as { features: { policyExceptions: { enabled: boolean } } }).features.policyExceptions.enabled, false);
      assert.match(kv, /# podgate: chart 3\.2\.6 enables PolicyExceptions by default/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('migrate upgrade refuses (exit 2) below Kubernetes 1.26 and names the Kubernetes upgrades that come first', async () => {
  for (const k8s of ['1.24', '1.25']) {
    const r = await runCli(['migrate', 'upgrade', '--cluster', sample, '--kubernetes', k8s]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`Kubernetes ${k8s.replace('.', '\\.')} is below what Kyverno 1\\.12 \\(chart 3\\.2\\.6\\) supports: it is tested on Kubernetes 1\\.26–1\\.29`));
    assert.match(r.stderr, /then run migrate upgrade --kubernetes 1\.26/);
  }
  const r = await runCli(['migrate', 'upgrade', '--cluster', sample, '--kubernetes', '1.24']);
  assert.match(r.stderr, /1\.24 → 1\.25 → 1\.26 \(1\.24 → 1\.25 with Kyverno 1\.10, 1\.25 → 1\.26 with Kyverno 1\.10\)/);
});

test('migrate upgrade: an existing translated file is not overwritten without --force; v2alpha1 PolicyExceptions in the input become v2beta1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
  try {
    const cluster = join(dir, 'cluster');
    mkdirSync(cluster);
    cpSync(join(sample, 'cluster'), cluster, { recursive: true });
    writeFileSync(
      join(cluster, 'zz-exceptions.yaml'),
      'apiVersion: kyverno.io/v2alpha1\nkind: PolicyException\nmetadata:\n  name: gpu\n  namespace: kyverno\n  resourceVersion: "12"\nspec:\n  exceptions:\n  - policyName: disallow-privileged-containers\n    ruleNames: [privileged-containers]\n  match:\n    any:\n    - resources:\n        kinds: [Pod]\n        namespaces: [gpu-operator]\n',
    );
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'kyverno-policies-values.minimal.yaml'), 'mine: true\n');
    const args = ['migrate', 'upgrade', '--cluster', cluster, '--kubernetes', '1.26', '--values', join(inputs, 'kyverno-policies-values.minimal.yaml'), '--out-dir', out];
    const refused = await runCli(args);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists; pass --force/);
    assert.equal(readFileSync(join(out, 'kyverno-policies-values.minimal.yaml'), 'utf8'), 'mine: true\n');
    const ok = await runCli([...args, '--force']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /policy exceptions: 1 found, 1 translated from kyverno\.io\/v2alpha1 to v2beta1/);
    const ex = parse(readFileSync(join(out, 'policyexceptions.yaml'), 'utf8')) as { apiVersion: string; metadata: Record<string, unknown>; spec: unknown };
    assert.equal(ex.apiVersion, 'kyverno.io/v2beta1');
    assert.equal(ex.metadata.resourceVersion, undefined);
    assert.deepEqual((ex.spec as { exceptions: unknown[] }).exceptions, [{ policyName: 'disallow-privileged-containers', ruleNames: ['privileged-containers'] }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
