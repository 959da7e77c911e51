// `podgate versions` on a cluster that still has PodSecurityPolicy (Kubernetes ≤ 1.24): its upgrade path
// goes through 1.25, where PSP is removed (Kubernetes 1.25 release: the PodSecurityPolicy admission plugin
// and the policy/v1beta1 PodSecurityPolicy API are gone). Read as a plan, the path must say that Kyverno
// has to enforce and PSP be switched off before that step, or the upgrade ends all PSP enforcement with
// nothing in its place. From 1.25 on there is no PSP to warn about.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

interface Step {
  kubernetes: string;
  note?: string;
}

for (const k8s of ['1.21', '1.23', '1.24']) {
  test(`versions --kubernetes ${k8s}: the step to 1.25 says PSP is removed there and what must come first`, async () => {
    const json = await runCli(['-o', 'json', 'versions', '--kubernetes', k8s]);
    assert.equal(json.code, 0, json.stderr);
    const path = (JSON.parse(json.stdout) as { upgradePath: Step[] }).upgradePath;
    const to25 = path.find((s) => s.kubernetes === '1.25');
    assert.match(to25?.note ?? '', /PodSecurityPolicy is removed in Kubernetes 1\.25/);
    assert.match(to25?.note ?? '', /podgate migrate plan/);
    assert.deepEqual(path.filter((s) => s.note !== undefined).map((s) => s.kubernetes), ['1.25'], 'only the step that removes PSP carries the note');
    const table = await runCli(['versions', '--kubernetes', k8s]);
    assert.match(table.stdout, /1\.25: PodSecurityPolicy is removed in Kubernetes 1\.25/);
  });
}

test('versions --kubernetes 1.25: no PSP note (there is no PSP left)', async () => {
  const json = await runCli(['-o', 'json', 'versions', '--kubernetes', '1.25']);
  assert.ok((JSON.parse(json.stdout) as { upgradePath: Step[] }).upgradePath.every((s) => s.note === undefined));
});
