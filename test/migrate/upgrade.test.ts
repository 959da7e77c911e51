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
      // -o yaml, as every command that prints data takes it: the same document as -o json.
      const yaml = await runCli(['-o', 'yaml', ...args, '--force']);
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));

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

test('migrate upgrade refuses (exit 2) above Kubernetes 1.29 and any version that is not 1.x, naming the supported range', async () => {
  for (const k8s of ['1.30', '1.35']) {
    const r = await runCli(['migrate', 'upgrade', '--cluster', sample, '--kubernetes', k8s]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`Kubernetes ${k8s.replace('.', '\\.')} is above what Kyverno 1\\.12 \\(chart 3\\.2\\.6\\) supports: it is tested on Kubernetes 1\\.26–1\\.29`));
  }
  for (const k8s of ['2.0', '0.26']) {
    const r = await runCli(['migrate', 'upgrade', '--cluster', sample, '--kubernetes', k8s]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`"${k8s.replace('.', '\\.')}" is not a Kubernetes 1\\.x version; Kyverno 1\\.12 \\(chart 3\\.2\\.6\\) is tested on Kubernetes 1\\.26–1\\.29`));
    assert.doesNotMatch(r.stderr, /→/);
  }
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
  try {
    const ok = await runCli(['migrate', 'upgrade', '--cluster', sample, '--kubernetes', '1.29.3', '--out-dir', dir]);
    assert.equal(ok.code, 0, ok.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

const GPU_EXCEPTION = `apiVersion: kyverno.io/v2alpha1
kind: PolicyException
metadata:
  name: gpu-operator
  namespace: kyverno
spec:
  exceptions:
  - policyName: disallow-host-path
    ruleNames: [host-path, autogen-host-path]
  - policyName: disallow-privileged-containers
    ruleNames: [privileged-containers, autogen-privileged-containers]
  match:
    any:
    - resources:
        kinds: [DaemonSet, Pod]
        namespaces: [gpu-operator]
`;

interface UpgradeJson {
  changes: { kind: string; namespace: string; name: string; before: string; after: string; causes: string[] }[];
  summary: { newlyDenied: number; noLongerDenied: number };
  audits: { before: unknown; after: unknown };
  policyExceptions: { found: number; translated: number; out?: string; inEffect: { before: number; after: number } };
}

test('migrate upgrade honours --exception files and the cluster context: the "before" is migrate audit with the same inputs, the exceptions go to the out-dir as v2beta1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
  try {
    const ex = join(dir, 'ex.yaml');
    writeFileSync(ex, GPU_EXCEPTION);
    const kv = join(dir, 'kv.yaml');
    writeFileSync(kv, 'features:\n  policyExceptions:\n    enabled: true\n');
    const common = ['--cluster', sample, '--values', join(inputs, 'kyverno-policies-values.minimal.yaml'), '--kyverno-values', kv, '--exception', ex];
    const audit = await runCli(['-o', 'json', 'migrate', 'audit', ...common]);
    assert.equal(audit.code, 1, audit.stderr);
    const auditJson = JSON.parse(audit.stdout) as { summary: { byNamespace: Record<string, number> } };
    // The sample's gpu-operator has 16 denials; the exception leaves the Deployment's host path only.
    assert.ok((auditJson.summary.byNamespace['gpu-operator'] ?? 0) < 16, JSON.stringify(auditJson.summary));

    const out = join(dir, 'out');
    const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--kubernetes', '1.26', ...common, '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    const up = JSON.parse(r.stdout) as UpgradeJson;
    assert.equal(up.policyExceptions.found, 1);
    assert.deepEqual(up.audits.before, auditJson.summary);
    // Enabled by the user's values: in effect under both, so nothing changes because of it.
    assert.deepEqual(up.audits.after, auditJson.summary);
    assert.equal(up.changes.length, 0, JSON.stringify(up.changes, null, 2));
    assert.deepEqual(up.policyExceptions, { found: 1, translated: 1, out: join(out, 'policyexceptions.yaml'), inEffect: { before: 1, after: 1 } });
    const written = parse(readFileSync(join(out, 'policyexceptions.yaml'), 'utf8')) as { apiVersion: string; metadata: { name: string } };
    assert.equal(written.apiVersion, 'kyverno.io/v2beta1');
    assert.equal(written.metadata.name, 'gpu-operator');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate upgrade without --kyverno-values: chart 3.2.6 enables PolicyExceptions by default, so an exception Kyverno 1.10 ignores exempts workloads after the upgrade', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
  try {
    const ex = join(dir, 'ex.yaml');
    writeFileSync(ex, GPU_EXCEPTION);
    const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', sample, '--values', join(inputs, 'kyverno-policies-values.minimal.yaml'), '--exception', ex, '--out-dir', join(dir, 'out')]);
    // A workload refused today is let through after the upgrade: the gate fails (not only a warning).
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: \d+ workloads? denied today would be allowed after the upgrade/);
    const up = JSON.parse(r.stdout) as UpgradeJson;
    const gpu = up.changes.filter((c) => c.namespace === 'gpu-operator');
    assert.ok(gpu.some((c) => c.kind === 'DaemonSet' && c.name === 'nvidia-device-plugin-daemonset' && c.before === 'denied' && c.after === 'allowed'), JSON.stringify(up.changes, null, 2));
    assert.ok(up.summary.noLongerDenied > 0);
    assert.deepEqual(up.policyExceptions.inEffect, { before: 0, after: 1 });
    assert.match(r.stderr, /warning: PolicyException kyverno\/gpu-operator: policy exceptions are disabled/);
    assert.match(r.stderr, /chart 3\.2\.6 enables PolicyExceptions by default .*: 1 PolicyException Kyverno 1\.10 ignores takes effect after the upgrade: kyverno\/gpu-operator/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate upgrade: chart bookkeeping labels (app.kubernetes.io/version, helm.sh/chart) and `audit` → `Audit` are no policy content change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upgrade-'));
  try {
    // The sample's values: 3.0.7 and 3.2.5 render the same specs (only the chart's labels differ).
    const args = ['migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', sample, '--values', join(inputs, 'kyverno-policies-values.minimal.yaml'), '--out-dir', dir, '--force'];
    const json = await runCli(['-o', 'json', ...args]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as { policyChanges: unknown[] }).policyChanges, []);
    const table = await runCli(args);
    assert.match(table.stdout, /^chart policies: no content change /m);
    // The chart's defaults: `audit` (3.0.7) and `Audit` (3.2.5) are the same action to Kyverno.
    const defaults = await runCli(['-o', 'json', 'migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', sample, '--out-dir', join(dir, 'defaults')]);
    assert.equal(defaults.code, 0, defaults.stderr);
    assert.deepEqual((JSON.parse(defaults.stdout) as { policyChanges: unknown[] }).policyChanges, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The "after" reads the translated kyverno values as chart 3.2.6 renders them: its new filter keys count.
test('migrate upgrade: a 3.2.6 filter key in the kyverno values (resourceFiltersIncludeNamespaces) takes effect after the upgrade only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-upg-inc-'));
  const kv = join(dir, 'kyverno-values.yaml');
  writeFileSync(kv, `${readFileSync('examples/bcm-9.2-k8s-1.24/inputs/kyverno-values.yaml', 'utf8')}config:\n  resourceFiltersIncludeNamespaces:\n  - gpu-operator\n`);
  const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', 'examples/bcm-9.2-k8s-1.24/cluster', '--values', 'examples/bcm-9.2-k8s-1.24/inputs/kyverno-policies-values.minimal.yaml', '--kyverno-values', kv, '--out-dir', join(dir, 'out')]);
  const j = JSON.parse(r.stdout) as { audits: { before: { byNamespace: Record<string, number> }; after: { byNamespace: Record<string, number> } } };
  assert.ok((j.audits.before.byNamespace['gpu-operator'] ?? 0) > 0);
  assert.equal(j.audits.after.byNamespace['gpu-operator'], undefined);
});
