// migrate plan and migrate run make the same plan for the same dump: the PSP that admits Kyverno's own
// pods is found by both, and both say when none does.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';

interface Step {
  id: string;
  commands: string[];
}

const grantOf = (steps: Step[]) => steps.flatMap((s) => s.commands).find((c) => c.includes('podgate:psp:kyverno --verb=use'));

/** The sample's dump, with its PSPs stripped of their seccomp annotations when `refuse` (none admits Kyverno's pods then). */
function dump(refuse: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-plan-psp-'));
  cpSync(join(sample, 'cluster'), dir, { recursive: true });
  const pspFile = join(dir, '01-podsecuritypolicies.yaml');
  if (refuse) writeFileSync(pspFile, readFileSync(pspFile, 'utf8').replace(/^ {2}annotations:\n {4}seccomp\.security\.alpha\.kubernetes\.io\/allowedProfileNames: '\*'\n/gm, ''));
  return dir;
}

for (const refuse of [false, true]) {
  test(`migrate plan --cluster names the same Kyverno PSP grant as migrate run${refuse ? ', and says when no PSP admits Kyverno\'s pods' : ''}`, async () => {
    const cluster = dump(refuse);
    const out = join(mkdtempSync(join(tmpdir(), 'podgate-plan-psp-run-')), 'out');
    const run = await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
    const runPlan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { steps: Step[] };
    const plan = await runCli(['-o', 'json', 'migrate', 'plan', '--cluster', cluster]);
    const planned = JSON.parse(plan.stdout) as { steps: Step[] };
    assert.equal(grantOf(planned.steps), grantOf(runPlan.steps));
    if (!refuse) {
      assert.doesNotMatch(grantOf(planned.steps) ?? '', /<psp that admits/);
      assert.equal(plan.code, 0, plan.stderr);
    } else {
      const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { blockers: string[] };
      const blocker = s.blockers.find((b) => b.startsWith('no PodSecurityPolicy of the cluster admits Kyverno'));
      assert.ok(blocker, run.stdout);
      // The same words, and the same verdict: not a plan to carry out.
      assert.ok(plan.stderr.includes(`blocker: ${blocker}`), plan.stderr);
      assert.equal(plan.code, 1);
    }
  });
}

test('migrate plan without a readable --cluster says that the Kyverno PSP grant names no policy', async () => {
  const r = await runCli(['migrate', 'plan']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /note: .*--cluster.*PSP/);
});
