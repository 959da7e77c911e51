// Least privilege (issue 15): `migrate exceptions` reports existing policyExclude entries no workload
// needs, per policy and namespace with the reason; `--prune` removes them from the merged values keeping
// comments, and never touches user namespaces or patterns the user wrote.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

const values = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-lp-'));
  const f = join(dir, 'values.yaml');
  writeFileSync(
    f,
    `# site values: reviewed by the cluster team
validationFailureAction: Enforce
policyExclude:
  disallow-privileged-containers:
    any:
    - resources:
        kinds:
        - Pod
        namespaces:
        - gpu-operator # NVIDIA GPU Operator
        - metallb-system # copied from the KB
        - ray-restricted
  disallow-host-path:
    any:
    - resources:
        kinds:
        - Pod
        namespaces:
        - '*-restricted' # users: confined by their own policies
        - gpu-operator
  restrict-apparmor-profiles:
    any:
    - resources:
        kinds:
        - Pod
        namespaces:
        - ghost
`,
  );
  return f;
})();

interface Unneeded {
  policy: string;
  namespace: string;
  reason: string;
  prunable: boolean;
}

test('migrate exceptions -o json lists the existing exclusions no workload needs, with the reason', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'exceptions', '--cluster', sample, '--values', values]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { unneeded: Unneeded[] };
  assert.deepEqual(
    out.unneeded.map((u) => `${u.policy}/${u.namespace}: ${u.reason} [${u.prunable}]`),
    [
      'disallow-privileged-containers/metallb-system: no workload in metallb-system violates disallow-privileged-containers [true]',
      'restrict-apparmor-profiles/ghost: namespace ghost is not in the cluster [true]',
    ],
  );
});

test('migrate exceptions --prune removes them from the merged values, keeping comments, user namespaces and patterns', async () => {
  const r = await runCli(['migrate', 'exceptions', '--cluster', sample, '--values', values, '--prune']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^pruned: policyExclude\.disallow-privileged-containers: metallb-system: no workload in metallb-system violates disallow-privileged-containers$/m);
  const text = r.stdout;
  assert.match(text, /^# site values: reviewed by the cluster team\n/);
  assert.match(text, /- gpu-operator # NVIDIA GPU Operator\n/);
  assert.match(text, /- '\*-restricted' # users: confined by their own policies\n/);
  assert.match(text, /- ray-restricted\n/);
  assert.doesNotMatch(text, /metallb-system # copied from the KB/);
  const v = parse(text) as { policyExclude: Record<string, { any: { resources: { namespaces: string[] } }[] }> };
  // the entry whose only namespace was pruned is gone whole: an empty namespaces list would match everything
  assert.equal(v.policyExclude['restrict-apparmor-profiles'], undefined);
  for (const [p, block] of Object.entries(v.policyExclude)) for (const e of block.any) assert.ok(e.resources.namespaces.length > 0, p);
  // still nothing a system workload needs is missing
  const dir = mkdtempSync(join(tmpdir(), 'podgate-lp-out-'));
  writeFileSync(join(dir, 'v.yaml'), text);
  const a = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--values', join(dir, 'v.yaml')]);
  const audit = JSON.parse(a.stdout) as { violations: { userViolation: boolean }[] };
  assert.equal(audit.violations.filter((x) => !x.userViolation).length, 0);
});

test('without --prune the values are only merged, and the unneeded entries are named on stderr', async () => {
  const r = await runCli(['migrate', 'exceptions', '--cluster', sample, '--values', values]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /metallb-system # copied from the KB/);
  assert.match(r.stderr, /^unneeded: policyExclude\.restrict-apparmor-profiles: ghost: namespace ghost is not in the cluster$/m);
  assert.match(r.stderr, /pass --prune to remove/);
});

test('pods created later count: local-path-storage keeps disallow-host-path (helper pods mount hostPath), not disallow-privileged-containers', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'exceptions', '--cluster', sample, '--values', `${sample}/inputs/kyverno-policies-values.minimal.yaml`]);
  assert.equal(r.code, 0, r.stderr);
  const got = (JSON.parse(r.stdout) as { unneeded: Unneeded[] }).unneeded.map((u) => `${u.policy}/${u.namespace}`);
  assert.ok(!got.includes('disallow-host-path/local-path-storage'), got.join('\n'));
  assert.ok(got.includes('disallow-privileged-containers/local-path-storage'), got.join('\n'));
  assert.ok(got.includes('disallow-capabilities/default'), got.join('\n'));
  assert.ok(!got.some((x) => x.endsWith('/prometheus') || x.endsWith('-restricted')), got.join('\n'));
});
