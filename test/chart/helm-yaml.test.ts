// Session 6 chart probe: values files are read as Helm reads them (YAML 1.1, as go-yaml v2 does: merge keys,
// yes/no/on/off/y/n booleans, 0-prefixed octal), and the YAML podgate prints for kubectl quotes every
// string YAML 1.1 would read as something else (kubectl reads `- no` as false).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-helmyaml-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

interface Rendered {
  metadata: { name: string; labels?: Record<string, unknown> };
  spec: { rules: { name: string; exclude?: { any?: { resources: { namespaces: unknown[] } }[] } }[] };
}

async function render(args: string[]): Promise<Rendered[]> {
  const r = await runCli(['-o', 'json', 'chart', 'render', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { policies: Rendered[] }).policies;
}

test('a YAML merge key (<<) in a values file is applied, as Helm applies it: the exclusion is kept', async () => {
  const f = file('merge.yaml', 'x-common: &common\n  any: [{resources: {namespaces: [kube-system, monitoring]}}]\npolicyExclude:\n  disallow-host-path:\n    <<: *common\n');
  const ps = await render(['-f', f]);
  const rule = ps.find((p) => p.metadata.name === 'disallow-host-path')?.spec.rules[0];
  assert.deepEqual(rule?.exclude?.any?.[0]?.resources.namespaces, ['kube-system', 'monitoring']);
});

test('yes/no/on/off/y/n in a values file are booleans, as in Helm (YAML 1.1)', async () => {
  const f = file('bools.yaml', 'customLabels:\n  critical: yes\n  team: "no"\n');
  const ps = await render(['-f', f]);
  assert.deepEqual(ps[0]?.metadata.labels?.critical, true);
  assert.deepEqual(ps[0]?.metadata.labels?.team, 'no');
});

test('chart render -o yaml quotes the strings YAML 1.1 would read as booleans (kubectl would)', async () => {
  const r = await runCli(['chart', 'render', '--set', 'policyExclude.disallow-host-path.any[0].resources.namespaces={no,on,y}']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /^\s*- (no|on|y)$/m);
  // Read back as YAML 1.1 (go-yaml v2, kubectl): still the namespace names.
  const docs = r.stdout.split(/^---$/m).filter((d) => d.includes('disallow-host-path'));
  const policy = parse(docs[0] ?? '', { version: '1.1' }) as Rendered;
  assert.deepEqual(policy.spec.rules[0]?.exclude?.any?.[0]?.resources.namespaces, ['no', 'on', 'y']);
});

// The exceptions merged into the values file: a namespace named like a YAML 1.1 boolean is written quoted,
// so Helm excludes the namespace rather than `true`.
test('migrate exceptions writes a namespace named "on" quoted: Helm reads the name, not a boolean', async () => {
  const cluster = file(
    'on-cluster.yaml',
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: "on"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: "on"}\nspec:\n  containers:\n  - {name: c, image: busybox, securityContext: {privileged: true}}\n',
  );
  const values = file('on-values.yaml', '# ours\npodSecurityStandard: baseline\nvalidationFailureAction: Enforce\n');
  const r = await runCli(['migrate', 'exceptions', '--cluster', cluster, '--values', values]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# ours$/m);
  const read = parse(r.stdout, { version: '1.1' }) as { policyExclude: Record<string, { any: { resources: { namespaces: unknown[] } }[] }> };
  assert.deepEqual(read.policyExclude['disallow-privileged-containers']?.any[0]?.resources.namespaces, ['on']);
});
