// Readiness as data (issue 15): `migrate run` writes summary.json, the console and the HTML banner say
// what it says, the exit code follows it; generated values enforce; a dump without PSPs skips the PSP
// comparison instead of reporting every pod as a regression; console steps are numbered without gaps.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { verdictLine } from '../../src/util/index.js';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

interface Summary {
  ready: boolean;
  blockers: string[];
  warnings: string[];
  validationFailureAction: string;
  counts: Record<string, number>;
}

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

/** The console's numbered step lines, as numbers. */
function stepNumbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .map((l) => /^(\d+)\. /.exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
}

function assertNoGaps(stdout: string): void {
  const n = stepNumbers(stdout);
  assert.ok(n.length >= 5, stdout);
  assert.deepEqual(
    n,
    n.map((_, i) => i + 1),
    stdout,
  );
}

/** A copy of the sample's cluster objects only (no inputs/: no values, no reference values). */
function bareCluster(drop: string[] = []): string {
  const dir = tmp('podgate-dump-');
  cpSync(join(sample, 'cluster'), dir, { recursive: true });
  for (const f of drop) rmSync(join(dir, f));
  return dir;
}

test('on the bundled sample: exit 0, summary.json ready, the banner says the same, steps 1..N without gaps', async () => {
  const out = tmp('podgate-ready-');
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
  const s = summaryOf(out);
  assert.equal(s.ready, true);
  assert.deepEqual(s.blockers, []);
  assert.equal(s.validationFailureAction, 'Enforce');
  // regressions are warnings, each listed
  assert.equal(s.warnings.filter((w) => w.startsWith('regression: ')).length, s.counts.regressions);
  assert.match(r.stdout, new RegExp(`\\n${verdictLine(s).replace(/[.;]/g, '\\$&')}\\n`));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<div class="verdict good" role="status" data-ready="true"><p>([^<]*)<\/p>/);
  assert.equal(/<div class="verdict good" role="status" data-ready="true"><p>([^<]*)<\/p>/.exec(html)?.[1], verdictLine(s));
  assertNoGaps(r.stdout);
});

test('without a reference values file the console steps still run 1..N without gaps', async () => {
  const out = tmp('podgate-gaps-');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(), '--out-dir', out]);
  assert.doesNotMatch(r.stdout, /compared with/);
  assertNoGaps(r.stdout);
});

test('without --values the generated values enforce every chart policy (chart render), and the plan switches to Enforce explicitly', async () => {
  const out = tmp('podgate-enforce-');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(), '--out-dir', out]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const values = join(out, 'kyverno-policies-values.yaml');
  assert.match(readFileSync(values, 'utf8'), /^validationFailureAction: Enforce/m);
  const rendered = await runCli(['-o', 'json', 'chart', 'render', '-f', values]);
  assert.equal(rendered.code, 0, rendered.stderr);
  const policies = (JSON.parse(rendered.stdout) as { policies: { metadata: { name: string }; spec: { validationFailureAction: string } }[] }).policies;
  assert.ok(policies.length >= 10);
  for (const p of policies) assert.equal(p.spec.validationFailureAction, 'Enforce', p.metadata.name);
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { steps: { id: string; commands: string[] }[] };
  const enforce = plan.steps.find((s) => s.id === 'enforce');
  assert.ok(enforce?.commands[0]?.includes('--set validationFailureAction=Enforce'), enforce?.commands[0]);
  assert.equal(summaryOf(out).ready, true);
});

test('values that ask for Audit are a blocker (exit 1); --audit-only makes it a deliberate, warned choice', async () => {
  const dir = tmp('podgate-audit-values-');
  const v = join(dir, 'values.yaml');
  writeFileSync(v, '# mine\nvalidationFailureAction: Audit\n');
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(), '--values', v, '--out-dir', out]);
  assert.equal(r.code, 1, r.stderr);
  const s = summaryOf(out);
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /the generated values do not enforce \d+ chart policies \(your values ask for it: validationFailureAction: Audit\)/.test(b)), s.blockers.join('\n'));
  assert.match(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8'), /^validationFailureAction: Audit$/m, 'the user\'s setting is kept as written');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /data-ready="false"/);

  const out2 = join(dir, 'out2');
  const r2 = await runCli(['migrate', 'run', '--cluster', bareCluster(), '--values', v, '--out-dir', out2, '--audit-only']);
  assert.equal(r2.code, 0, r2.stderr);
  const s2 = summaryOf(out2);
  assert.equal(s2.ready, true);
  assert.equal(s2.validationFailureAction, 'Audit');
  assert.ok(s2.warnings.some((w) => w.startsWith('--audit-only: the generated values do not enforce')));
});

// Session 5 CLI probe: a values typo (`podSecurityStandard: Restricted`) rendered no chart policy, and
// `migrate run` said Ready with exit 0: PSP would have been replaced by nothing. So did a cluster input
// holding no workload at all (a misspelt kind, a wrong folder).
const BASELINE = ['disallow-capabilities', 'disallow-host-namespaces', 'disallow-host-path', 'disallow-host-ports', 'disallow-host-process', 'disallow-privileged-containers', 'disallow-proc-mount', 'disallow-selinux', 'restrict-apparmor-profiles', 'restrict-seccomp', 'restrict-sysctls'];
const everyPolicy = (exclude: string) => `podSecurityStandard: baseline\npolicyExclude:\n${BASELINE.map((p) => `  ${p}: ${exclude}\n`).join('')}`;

const nothingChecked: { name: string; values?: string; cluster?: () => string; blocker: RegExp; warning?: RegExp }[] = [
  {
    name: 'a podSecurityStandard that is not a profile',
    values: 'podSecurityStandard: Restricted\nvalidationFailureAction: Enforce\n',
    blocker: /the values render no chart policy that checks pods: once PSP is disabled nothing would check them/,
    warning: /podSecurityStandard: "Restricted" is not a profile/,
  },
  { name: 'podSecurityStandard: privileged', values: 'podSecurityStandard: privileged\n', blocker: /the values render no chart policy that checks pods/ },
  // Session 5 CLI probe, round 2: policies that exist but exclude every pod.
  { name: 'every chart policy excluding kinds: [Pod]', values: everyPolicy('{any: [{resources: {kinds: [Pod]}}]}'), blocker: /a privileged pod \(hostNetwork, hostPID, a hostPath of \/\) in a new namespace passes every chart policy/ },
  { name: "every chart policy excluding namespaces: ['*']", values: everyPolicy("{any: [{resources: {namespaces: ['*']}}]}"), blocker: /in a new namespace passes every chart policy: the values exclude it everywhere/ },
  {
    name: 'a cluster input without workloads',
    cluster: () => {
      const dir = tmp('podgate-noworkloads-');
      writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pood\nmetadata: {name: x, namespace: default}\nspec: {containers: [{name: c, image: nginx}]}\n');
      return dir;
    },
    blocker: /the cluster input holds no workload \(no Pod or pod controller\): nothing was audited or compared/,
  },
];

for (const c of nothingChecked) {
  test(`nothing checked is not ready: ${c.name}`, async () => {
    const dir = tmp('podgate-nothing-');
    const out = join(dir, 'out');
    const args = ['migrate', 'run', '--cluster', c.cluster ? c.cluster() : bareCluster(), '--out-dir', out];
    if (c.values) {
      writeFileSync(join(dir, 'values.yaml'), c.values);
      args.push('--values', join(dir, 'values.yaml'));
    }
    const r = await runCli(args);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const s = summaryOf(out);
    assert.equal(s.ready, false);
    assert.ok(s.blockers.some((b) => c.blocker.test(b)), s.blockers.join('\n'));
    if (c.warning) assert.ok(s.warnings.some((w) => c.warning?.test(w)), s.warnings.join('\n'));
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /data-ready="false"/);
  });
}

// Session 5 migration probe: a dump with PSPs but without RBAC read every pod as "PSP denies" (42
// regressions, warnings only) and said Ready; values with failurePolicy: Ignore said nothing.
test('a dump with PSPs but no RBAC bindings cannot be compared: a blocker, not 42 regressions', async () => {
  const dir = bareCluster();
  const binding = (o: { kind?: string }) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding';
  for (const f of readdirSync(dir)) {
    const docs = parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as { kind?: string; items?: { kind?: string }[] } | null);
    const kept = docs.filter((d) => d !== null && !binding(d)).map((d) => (d?.kind === 'List' ? { ...d, items: (d.items ?? []).filter((i) => !binding(i)) } : d));
    writeFileSync(join(dir, f), kept.map((d) => stringify(d)).join('---\n'));
  }
  const out = tmp('podgate-norbac-');
  const r = await runCli(['migrate', 'run', '--cluster', dir, '--out-dir', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const s = summaryOf(out);
  assert.ok(s.blockers.some((b) => /^PSP comparison impossible: the cluster input has PodSecurityPolicies but no RoleBindings or ClusterRoleBindings/.test(b)), s.blockers.join('\n'));
  assert.equal(s.counts.regressions, 0);
});

test('values with failurePolicy: Ignore are named: the webhook fails open where PSP never did', async () => {
  const dir = tmp('podgate-ignore-');
  writeFileSync(join(dir, 'values.yaml'), 'failurePolicy: Ignore\n');
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(), '--values', join(dir, 'values.yaml'), '--out-dir', out]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(summaryOf(out).warnings.some((w) => /^failurePolicy Ignore on every chart policy: while Kyverno is down or times out these pods are admitted unchecked/.test(w)));
});

test('an exclusion by requester (subjects) is named: the audit cannot tell which pods it covers', async () => {
  const dir = tmp('podgate-subjects-');
  writeFileSync(join(dir, 'values.yaml'), "policyExclude:\n  disallow-privileged-containers:\n    any:\n    - subjects: [{kind: Group, name: 'system:serviceaccounts'}]\n");
  const out = join(dir, 'out');
  await runCli(['migrate', 'run', '--cluster', bareCluster(), '--values', join(dir, 'values.yaml'), '--out-dir', out]);
  assert.ok(
    summaryOf(out).warnings.some((w) => /^policyExclude\.disallow-privileged-containers excludes by requester \(subjects: .*system:serviceaccounts.*\) in .*values\.yaml: the audit cannot tell which pods that covers/.test(w)),
    summaryOf(out).warnings.join('\n'),
  );
});

test('a dump without PSPs: the PSP comparison is skipped with its reason, said once, regression 0', async () => {
  const out = tmp('podgate-nopsp-');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(['01-podsecuritypolicies.yaml']), '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
  const diff = JSON.parse(readFileSync(join(out, 'diff.json'), 'utf8')) as { summary: { skipped?: string; regression: number; breakage: number } };
  assert.match(diff.summary.skipped ?? '', /no PodSecurityPolicy objects/);
  assert.equal(diff.summary.regression, 0);
  assert.equal((r.stdout.match(/no PodSecurityPolicy objects/g) ?? []).length, 1, r.stdout);
  assert.doesNotMatch(r.stdout, /no providers available/);
  const s = summaryOf(out);
  assert.ok(s.warnings.some((w) => w.startsWith('PSP comparison skipped: ')));
  assert.ok(!s.warnings.some((w) => w.startsWith('regression: ')));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /PSP comparison skipped: the cluster input has no PodSecurityPolicy objects/);
});

test('migrate diff on a dump without PSPs says it skipped and exits 0', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', bareCluster(['01-podsecuritypolicies.yaml'])]);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as { entries: unknown[]; summary: { skipped?: string; regression: number } };
  assert.equal(d.summary.regression, 0);
  assert.deepEqual(d.entries, []);
  assert.ok(d.summary.skipped);
});

test('system violations left with the generated values are blockers', async () => {
  // A policy of the user's own that the generated exclusions do not cover: the privileged DaemonSets still fail it.
  const dir = tmp('podgate-extra-');
  const pol = join(dir, 'policy.yaml');
  writeFileSync(
    pol,
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-host-network}
spec:
  validationFailureAction: Enforce
  rules:
  - name: host-network
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: no hostNetwork
      pattern: {spec: {=(hostNetwork): false}}
`,
  );
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--policy', pol, '--out-dir', out]);
  assert.equal(r.code, 1, r.stderr);
  const s = summaryOf(out);
  assert.equal(s.ready, false);
  assert.ok(s.blockers.some((b) => /^system workload DaemonSet\/metallb-system\/metallb-speaker still violates no-host-network\/autogen-host-network with these values/.test(b)), s.blockers.join('\n'));
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<li data-blocker="">system workload DaemonSet\/metallb-system\/metallb-speaker/);
  assert.equal(parse(readFileSync(join(out, 'kyverno-policies-values.yaml'), 'utf8')).validationFailureAction, 'Enforce');
});

test('migrate exceptions writes values that enforce; a user setting that does not is kept and warned about', async () => {
  const r = await runCli(['migrate', 'exceptions', '--cluster', bareCluster()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((parse(r.stdout) as { validationFailureAction: string }).validationFailureAction, 'Enforce');
  const dir = tmp('podgate-exc-audit-');
  writeFileSync(join(dir, 'v.yaml'), 'validationFailureAction: audit\n');
  const r2 = await runCli(['migrate', 'exceptions', '--cluster', bareCluster(), '--values', join(dir, 'v.yaml')]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal((parse(r2.stdout) as { validationFailureAction: string }).validationFailureAction, 'audit');
  assert.match(r2.stderr, /warning: your values keep policies from Enforce \(validationFailureAction: audit\)/);
});

// Session 6 upgrade probe: a 1.24 dump (PSPs, PSP bindings) run with --kubernetes 1.26 said Ready. PSP
// objects cannot exist on 1.25+: either the version is wrong or the cluster lost PSP before the switch.
test('--kubernetes 1.25+ on an input that holds PodSecurityPolicies is a blocker, naming both readings', async () => {
  const out = tmp('podgate-pspgone-');
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--kubernetes', '1.26', '--out-dir', out]);
  assert.equal(r.code, 1, r.stderr);
  const s = summaryOf(out);
  assert.equal(s.ready, false);
  assert.ok(
    s.blockers.some((b) => /^the cluster input holds \d+ PodSecurityPolicies, which Kubernetes 1\.26 no longer has \(removed in 1\.25\)/.test(b)),
    s.blockers.join('\n'),
  );
});

// Session 6 upgrade probe: on 1.25+ the plan installs kyverno chart 3.2.6, whose default turns
// PolicyExceptions on (anyone allowed to create one exempts a workload from any policy), while the
// audit modelled them off. The written kyverno values keep them off unless the user's values say.
test('on 1.26 the kyverno values migrate run writes keep PolicyExceptions off, as the audit assumed; a user setting is kept', async () => {
  const out = tmp('podgate-pex-');
  const r = await runCli(['migrate', 'run', '--cluster', bareCluster(['01-podsecuritypolicies.yaml']), '--kubernetes', '1.26', '--out-dir', out]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const written = readFileSync(join(out, 'kyverno-values.yaml'), 'utf8');
  assert.equal((parse(written) as { features?: { policyExceptions?: { enabled?: unknown } } }).features?.policyExceptions?.enabled, false, written);
  assert.match(written, /# podgate: /);
  assert.doesNotMatch(written, /: [*&]\w+/, 'plain YAML, no anchors or aliases for an admin to follow');
  const kv = join(tmp('podgate-pex-kv-'), 'kyverno-values.yaml');
  writeFileSync(kv, '# mine\nfeatures:\n  policyExceptions:\n    enabled: true\n    namespace: kyverno\n');
  const out2 = tmp('podgate-pex2-');
  await runCli(['migrate', 'run', '--cluster', bareCluster(['01-podsecuritypolicies.yaml']), '--kubernetes', '1.26', '--kyverno-values', kv, '--out-dir', out2]);
  assert.equal(readFileSync(join(out2, 'kyverno-values.yaml'), 'utf8'), readFileSync(kv, 'utf8'));
  const out3 = tmp('podgate-pex3-');
  await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out3]);
  assert.doesNotMatch(readFileSync(join(out3, 'kyverno-values.yaml'), 'utf8'), /policyExceptions/, '1.24 installs chart 3.0.9, where they are off by default');
});
