// Plan and versions agree for every Kubernetes version (issue 15): 1.21-1.24 get the zero-window plan
// (PSP enforces until Kyverno enforces), >= 1.25 a plan that says PSP is gone and installs Kyverno in
// Audit then Enforce; the charts the plan installs are the ones `versions` recommends, which are the ones
// podgate renders; anything else is a usage error naming the supported range.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

interface Step {
  id: string;
  title: string;
  why: string;
  commands: string[];
  checks: string[];
  enforcement: string;
}

async function plan(k8s: string): Promise<Step[]> {
  const r = await runCli(['-o', 'json', 'migrate', 'plan', '--kubernetes', k8s]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { steps: Step[] }).steps;
}

function installed(steps: Step[]): { kyverno: string; policies: string } {
  const cmds = steps.flatMap((s) => s.commands);
  const kyverno = /helm install .*--version (\S+) .* kyverno kyverno\/kyverno$/.exec(cmds.find((c) => c.endsWith('kyverno kyverno/kyverno') && c.startsWith('helm install')) ?? '')?.[1];
  const policies = /helm install .*--version (\S+) /.exec(cmds.find((c) => c.startsWith('helm install') && c.endsWith('kyverno/kyverno-policies')) ?? '')?.[1];
  assert.ok(kyverno && policies, cmds.join('\n'));
  return { kyverno, policies };
}

const rendered = ['3.0.7', '3.2.5'];

for (const k8s of ['1.21', '1.22', '1.23', '1.24']) {
  test(`Kubernetes ${k8s}: the zero-window plan, PSP enforcing until Kyverno enforces, no upgrade to what is installed`, async () => {
    const steps = await plan(k8s);
    const ids = steps.map((s) => s.id);
    assert.match(steps[0]!.title, /Check that PSP is enforced today/);
    assert.ok(ids.indexOf('enforce') < ids.indexOf('disable-psp'));
    const inst = installed(steps);
    assert.ok(rendered.includes(inst.policies), inst.policies);
    const seen = new Set([`${inst.kyverno}/${inst.policies}`]);
    for (const s of steps.filter((x) => x.id.startsWith('upgrade-'))) {
      const m = /upgrade Kyverno to \S+ \(chart (\S+)\) and kyverno-policies (\S+)$/.exec(s.title);
      assert.ok(m, s.title);
      const key = `${m[1]}/${m[2]}`;
      assert.ok(!seen.has(key), `${s.id} "upgrades" to ${key}, which is already installed`);
      seen.add(key);
      assert.ok(rendered.includes(m[2]!), s.title);
    }
  });
}

test('Kubernetes 1.21-1.23: the plan says Kyverno 1.10 is outside its tested range there', async () => {
  const steps = await plan('1.22');
  assert.match(steps.find((s) => s.id === 'install-kyverno')!.why, /outside Kyverno's tested range for Kubernetes 1\.22/);
});

for (const k8s of ['1.25', '1.26', '1.29']) {
  test(`Kubernetes ${k8s}: PSP is gone; the plan says so and installs Kyverno in Audit, then Enforce`, async () => {
    const steps = await plan(k8s);
    const text = JSON.stringify(steps);
    assert.doesNotMatch(text, /PSP is enforced|while PSP still enforces|PSP enforcing|disable-psp|podsecuritypolicies\.policy --resource-name/);
    assert.match(steps[0]!.why, /PodSecurityPolicy was removed in Kubernetes 1\.25/);
    const ids = steps.map((s) => s.id);
    assert.ok(ids.indexOf('install-kyverno') < ids.indexOf('policies-audit') && ids.indexOf('policies-audit') < ids.indexOf('enforce'), ids.join(' '));
    assert.match(steps.find((s) => s.id === 'policies-audit')!.commands[0]!, /--set validationFailureAction=Audit/);
    assert.match(steps.find((s) => s.id === 'enforce')!.commands[0]!, /--set validationFailureAction=Enforce/);
    const v = await runCli(['-o', 'json', 'versions', '--kubernetes', k8s]);
    const newest = (JSON.parse(v.stdout) as { newestSafe: { kyvernoChart: string; kyvernoPoliciesChart: string } }).newestSafe;
    assert.deepEqual(installed(steps), { kyverno: newest.kyvernoChart, policies: newest.kyvernoPoliciesChart });
  });
}

test('versions recommends the kyverno-policies chart the plan installs (3.0.7 on 1.24), and says why', async () => {
  const v = await runCli(['-o', 'json', 'versions', '--kubernetes', '1.24']);
  const m = JSON.parse(v.stdout) as { newestSafe: { kyvernoChart: string; kyvernoPoliciesChart: string }; note: string };
  assert.deepEqual(installed(await plan('1.24')), { kyverno: m.newestSafe.kyvernoChart, policies: m.newestSafe.kyvernoPoliciesChart });
  assert.match(m.note, /only chart versions it renders and has verified/);
});

const bad: { k8s: string; why: RegExp }[] = [
  { k8s: 'banana', why: /is not a Kubernetes version like 1\.24/ },
  { k8s: '1.20', why: /is older than any version with a supported Kyverno/ },
  { k8s: '1.30', why: /is newer than any Kyverno podgate verified/ },
  { k8s: '2.1', why: /is not a Kubernetes 1\.x version/ },
];
for (const c of bad) {
  test(`migrate plan --kubernetes ${c.k8s} is a usage error (exit 2) naming the supported range`, async () => {
    const r = await runCli(['migrate', 'plan', '--kubernetes', c.k8s]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.why);
    assert.match(r.stderr, /podgate plans migrations for Kubernetes 1\.21 to 1\.29/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('migrate run --kubernetes banana exits 2 before writing anything', async () => {
  const r = await runCli(['migrate', 'run', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--kubernetes', 'banana', '--out-dir', '/nonexistent/never']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--kubernetes "banana" is not a Kubernetes version/);
});

test('an audited chart the plan would not install is a usage error', async () => {
  const r = await runCli(['migrate', 'plan', '--kubernetes', '1.26', '--chart-version', '3.0.7']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--chart-version 3\.0\.7 is not what the plan installs on Kubernetes 1\.26 .*kyverno-policies 3\.2\.5/);
});

// The post-migration phase follows `versions` (src/chart/versions.ts): one Kubernetes minor at a time with the
// Kyverno tested on both, then the Kyverno upgrade with `migrate upgrade` as its gate.
for (const [k8s, hops] of [
  ['1.24', ['1.25', '1.26']],
  ['1.25', ['1.26']],
  ['1.26', []],
] as const) {
  test(`Kubernetes ${k8s}: post-migration phase upgrades Kubernetes to ${hops.at(-1) ?? '(none)'} before Kyverno 1.12`, async () => {
    const steps = await plan(k8s);
    const ids = steps.map((s) => s.id);
    assert.deepEqual(
      ids.filter((id) => id.startsWith('kubernetes-')),
      hops.map((h) => `kubernetes-${h}`),
    );
    const v = JSON.parse((await runCli(['-o', 'json', 'versions', '--kubernetes', k8s])).stdout) as { upgradePath: { kubernetes: string; before?: { kyverno: string } }[] };
    for (const h of hops) {
      const step = steps.find((s) => s.id === `kubernetes-${h}`)!;
      const during = v.upgradePath.find((u) => u.kubernetes === h)?.before?.kyverno;
      assert.ok(during, h);
      assert.match(step.title, new RegExp(`keeping Kyverno ${during.replace('.', '\\.')}$`));
    }
    if (hops.length > 0) {
      assert.equal(ids.at(-1), 'upgrade-1.26');
      assert.ok(ids.indexOf(`kubernetes-${hops.at(-1)}`) < ids.indexOf('upgrade-1.26'));
      assert.ok(steps.at(-1)!.commands.some((c) => c.startsWith('podgate migrate upgrade --kubernetes 1.26')));
    } else assert.ok(!ids.includes('upgrade-1.26'), ids.join(' '));
  });
}

test('the plan audits, exempts and diffs against one target: the values file it installs, on the chart it installs', async () => {
  for (const k8s of ['1.24', '1.26']) {
    const r = await runCli(['-o', 'json', 'migrate', 'plan', '--kubernetes', k8s, '--values', 'site values.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const cmds = (JSON.parse(r.stdout) as { steps: Step[] }).steps.flatMap((s) => s.commands);
    const chart = /helm install .*--version (\S+) -f 'site values\.yaml'.* kyverno\/kyverno-policies$/.exec(cmds.find((c) => c.startsWith('helm install') && c.endsWith('kyverno/kyverno-policies')) ?? '')?.[1];
    assert.ok(chart, cmds.join('\n'));
    for (const sub of ['audit', 'exceptions', 'diff']) {
      const c = cmds.find((x) => x.startsWith(`podgate migrate ${sub} `));
      assert.ok(c, `no migrate ${sub} in the plan for ${k8s}`);
      assert.ok(c.includes(" --values 'site values.yaml'"), `${k8s}: ${c}`);
      assert.ok(c.includes(` --chart-version ${chart}`), `${k8s}: ${c}`);
    }
  }
});

// Session 6 verification: the upgrade step rendered and installed podgate-upgrade/kyverno-policies-values.yaml,
// while migrate upgrade, given installed-kyverno-policies-values.yaml, writes its translation under that name.
test('the files the upgrade step installs are the ones its migrate upgrade command writes', async () => {
  const r = await runCli(['-o', 'json', 'migrate', 'plan', '--kubernetes', '1.24', '--cluster', 'examples/bcm-9.2-k8s-1.24']);
  const up = (JSON.parse(r.stdout) as { steps: Step[] }).steps.find((s) => s.id === 'upgrade-1.26');
  assert.ok(up);
  const gate = up.commands.find((c) => c.startsWith('podgate migrate upgrade'));
  const values = / --values (\S+) /.exec(gate ?? '')?.[1];
  const outDir = / --out-dir (\S+)/.exec(gate ?? '')?.[1];
  assert.ok(values && outDir, gate);
  const dir = mkdtempSync(join(tmpdir(), 'podgate-plan-up-'));
  writeFileSync(join(dir, values), readFileSync('examples/bcm-9.2-k8s-1.24/inputs/kyverno-policies-values.minimal.yaml', 'utf8'));
  writeFileSync(join(dir, 'installed-kyverno-values.yaml'), readFileSync('examples/bcm-9.2-k8s-1.24/inputs/kyverno-values.yaml', 'utf8'));
  const g = await runCli(['migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', 'examples/bcm-9.2-k8s-1.24/cluster', '--values', join(dir, values), '--kyverno-values', join(dir, 'installed-kyverno-values.yaml'), '--out-dir', join(dir, outDir)]);
  assert.ok(g.code === 0 || g.code === 1, g.stderr);
  const written = new Set(readdirSync(join(dir, outDir)).map((f) => `${outDir}/${f}`));
  for (const c of up.commands.filter((x) => x.startsWith('helm upgrade') || x.startsWith('podgate chart render'))) {
    for (const m of c.matchAll(/ -f (\S+)/g)) assert.ok(written.has(m[1]!), `${c}: ${m[1]} is not written by migrate upgrade (${[...written].join(', ')})`);
  }
});
