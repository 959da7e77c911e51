import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPlan, formatPlan, type PlanOptions } from './plan.js';

const opts: PlanOptions = {
  kubernetes: '1.24',
  kyvernoChart: '3.0.9',
  kyvernoApp: '1.10',
  policiesChart: '3.0.7',
  policiesValues: 'kyverno-policies-values.yaml',
  kyvernoValues: 'kyverno-values.yaml',
  usersBackup: 'backup_users.yaml',
  clusterArg: '--cluster dump/',
  kyvernoPsp: 'privileged',
  upgradePath: [
    {
      kubernetes: '1.26',
      kyvernoChart: '3.2.6',
      policiesChart: '3.2.5',
      kyvernoApp: '1.12',
      hops: [
        { from: '1.24', to: '1.25', kyverno: '1.10' },
        { from: '1.25', to: '1.26', kyverno: '1.10' },
      ],
    },
  ],
};
const steps = buildPlan(opts);
const ids = steps.map((s) => s.id);
const commands = steps.flatMap((s) => s.commands);

test('PSP keeps enforcing until Kyverno enforces: no step runs unenforced', () => {
  assert.ok(ids.indexOf('install-kyverno') < ids.indexOf('enforce'));
  assert.ok(ids.indexOf('policies-audit') < ids.indexOf('enforce'));
  assert.ok(ids.indexOf('enforce') < ids.indexOf('disable-psp'));
  for (const s of steps) assert.ok(s.enforcement.includes('PSP') || s.enforcement === 'Kyverno (Enforce)', `${s.id}: ${s.enforcement}`);
});

const exact: { name: string; command: string }[] = [
  { name: 'checks the API server admission plugins with cmsh', command: "cmsh -c 'configurationoverlay; use kube-default-master; roles; use kubernetes::apiserver; get admissioncontrol'" },
  { name: 'backs up the permission users as the KB does', command: 'cm-kubernetes-setup --backup-permissions backup_users.yaml' },
  { name: 'installs the kyverno chart version that supports 1.24 with the KB flags', command: 'helm install --wait --create-namespace --version 3.0.9 -f kyverno-values.yaml --timeout 10m0s --namespace kyverno kyverno kyverno/kyverno' },
  {
    name: 'installs the policies in Audit first',
    command: 'helm install --wait --version 3.0.7 -f kyverno-policies-values.yaml --set validationFailureAction=Audit --timeout 10m0s --namespace kyverno kyverno-policies kyverno/kyverno-policies',
  },
  {
    name: 'switches to Enforce explicitly, whatever the values file says',
    command: 'helm upgrade --wait --version 3.0.7 -f kyverno-policies-values.yaml --set validationFailureAction=Enforce --timeout 10m0s --namespace kyverno kyverno-policies kyverno/kyverno-policies',
  },
  { name: 'disables PSP with the BCM tool', command: 'cm-kubernetes-setup --disable-psp' },
  { name: 'lets Kyverno\'s pods use a PSP while PSP enforces', command: 'kubectl create clusterrole podgate:psp:kyverno --verb=use --resource=podsecuritypolicies.policy --resource-name=privileged' },
  {
    name: 'upgrades the kyverno chart after Kubernetes moves, with the values migrate upgrade translated',
    command: 'helm upgrade --wait --version 3.2.6 -f podgate-upgrade/kyverno-values.yaml --timeout 10m0s --namespace kyverno kyverno kyverno/kyverno',
  },
];
for (const c of exact) {
  test(`plan ${c.name}`, () => {
    assert.ok(commands.includes(c.command), `missing: ${c.command}`);
  });
}

test('every step has checks and a rollback, and the text lists them', () => {
  for (const s of steps) {
    assert.ok(s.checks.length > 0, s.id);
    assert.ok(s.rollback.length > 0, s.id);
  }
  const text = formatPlan(steps);
  assert.match(text, /^1\. Check that PSP is enforced today/);
  assert.equal((text.match(/ {3}rollback:/g) ?? []).length, steps.length);
});

test('post-migration phase: Kubernetes 1.24 → 1.25 → 1.26 with Kyverno 1.10, then the Kyverno 1.12 upgrade gated by migrate upgrade', () => {
  const tail = ids.slice(ids.indexOf('disable-psp') + 1);
  assert.deepEqual(tail, ['kubernetes-1.25', 'kubernetes-1.26', 'upgrade-1.26']);
  assert.match(steps.find((s) => s.id === 'kubernetes-1.25')!.title, /^Upgrade Kubernetes 1\.24 → 1\.25, keeping Kyverno 1\.10$/);
  const up = steps.find((s) => s.id === 'upgrade-1.26')!;
  const gate = up.commands.findIndex((c) => c.startsWith('podgate migrate upgrade --kubernetes 1.26 --cluster dump/ --values installed-kyverno-policies-values.yaml --kyverno-values installed-kyverno-values.yaml --out-dir podgate-upgrade'));
  const firstHelm = up.commands.findIndex((c) => c.startsWith('helm upgrade'));
  assert.ok(gate >= 0 && gate < firstHelm, up.commands.join('\n'));
  assert.ok(up.checks.some((c) => c.includes('podgate migrate upgrade exited 0')));
});

test('no command of the plan writes over the values files the admin keeps (the merged one keeps its comments)', () => {
  for (const k8s of ['1.24', '1.26']) {
    for (const s of buildPlan({ ...opts, kubernetes: k8s })) {
      for (const c of s.commands) {
        for (const kept of [opts.policiesValues, opts.kyvernoValues]) assert.ok(!c.includes(`> ${kept}`), `${k8s} ${s.id}: ${c}`);
      }
    }
  }
});

test('the upgrade installs the action its values hold (the one migrate upgrade judged), not a forced Enforce', () => {
  const up = steps.find((s) => s.id === 'upgrade-1.26')!;
  const helmPolicies = up.commands.filter((c) => c.startsWith('helm upgrade') && c.endsWith('kyverno/kyverno-policies'));
  assert.equal(helmPolicies.length, 1, up.commands.join('\n'));
  assert.doesNotMatch(helmPolicies[0]!, /--set validationFailureAction/);
});

test('rolling back "Disable PSP" gives Kyverno its PSP grant back before PSP enforces again', () => {
  const grant = steps.find((s) => s.id === 'psp-for-kyverno')!.commands.filter((c) => c.startsWith('kubectl create clusterrole') || c.startsWith('kubectl create rolebinding'));
  assert.equal(grant.length, 2);
  const rollback = steps.find((s) => s.id === 'disable-psp')!.rollback;
  const psp = rollback.findIndex((c) => c.startsWith('cm-kubernetes-setup --psp'));
  assert.ok(psp > 0, rollback.join('\n'));
  assert.deepEqual(rollback.slice(0, psp), grant);
});
