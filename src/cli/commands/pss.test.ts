// CLI tests for `podgate pss check` and `podgate pss suggest`, run in-process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../test/helpers/cli.js';

const pods = fileURLToPath(new URL('../../pss/testdata/pods.yaml', import.meta.url));
const cluster = fileURLToPath(new URL('../../pss/testdata/cluster.yaml', import.meta.url));

test('pss check -o json prints one entry per pod-bearing object in input order and exits 1 on a denial', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'baseline', '--version', 'v1.24', '-o', 'json']);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    results: [
      {
        file: pods,
        kind: 'Pod',
        namespace: 'apps',
        name: 'web',
        allowed: false,
        message: 'violates PodSecurity "baseline:v1.24": host namespaces (hostNetwork=true), hostPath volumes (volume "etc")',
      },
      { file: pods, kind: 'Deployment', namespace: 'apps', name: 'api', allowed: true, message: null },
    ],
  });
});

test('pss check prints verdict lines and a summary', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'restricted']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Deployment\/apps\/api: denied: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  assert.match(r.stdout, /2 checked at restricted:latest, 0 allowed, 2 denied\n$/);
});

test('pss check exits 0 when everything is allowed', async () => {
  const r = await runCli(['pss', 'check', pods, '--level', 'privileged']);
  assert.equal(r.code, 0, r.stderr);
});

// What pss check cannot check is said on stderr, not passed over as "0 checked" or left out of the count.
const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r, namespace: d}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx, securityContext: {privileged: true}}]
`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: d}\nspec: {ports: [{port: 80}]}\n';
const notes: { name: string; stdin: string; stderr: RegExp; notStderr?: RegExp; code: number }[] = [
  { name: 'a pod template of a kind PSA does not check is named', stdin: ROLLOUT, stderr: /^note: not checked: Rollout\/d\/r \(<stdin>\): a pod template[^\n]*\n$/, code: 0 },
  {
    name: 'many unchecked templates are counted, not all named (a cluster dump of 500 Rollouts)',
    stdin: Array.from({ length: 500 }, (_, i) => ROLLOUT.replace('name: r', `name: r${i}`)).join('---\n'),
    stderr: /^note: not checked: 500 pod templates in kinds Pod Security Admission does not check \(Rollout\/d\/r0 \(<stdin>\), [^\n]*Rollout\/d\/r9 \(<stdin>\) and 490 more\)[^\n]*\n$/,
    code: 0,
  },
  { name: 'input without pods says nothing was checked', stdin: SERVICE, stderr: /^note: no Pod or pod template was found in the input: nothing was checked$/m, code: 0 },
  // Verifier probe: a core PodTemplate (PSA checks podtemplates) was passed over with the note that the
  // input held no pod template at all.
  {
    name: 'a PodTemplate is checked, as PSA checks podtemplates',
    stdin: 'apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t, namespace: d}\ntemplate:\n  spec:\n    containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n',
    stderr: /^$/,
    code: 1,
  },
  { name: 'a checked pod needs no note', stdin: `${SERVICE}---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec: {containers: [{name: c, image: nginx}]}\n`, stderr: /^$/, code: 1 },
];
for (const c of notes) {
  test(`pss check: ${c.name}`, async () => {
    const r = await runCli(['pss', 'check', '--level', 'restricted', '-o', 'json', '-'], { stdin: c.stdin });
    assert.equal(r.code, c.code, r.stderr);
    assert.match(r.stderr, c.stderr);
    JSON.parse(r.stdout);
  });
}

const usage: { name: string; argv: string[]; err: RegExp }[] = [
  { name: 'an unknown level is a usage error', argv: ['pss', 'check', pods, '--level', 'strict'], err: /--level strict is not a level/ },
  { name: 'a malformed version is a usage error', argv: ['pss', 'check', pods, '--level', 'baseline', '--version', '1.24'], err: /--version 1.24 is not a policy version/ },
  { name: 'a missing file is a usage error naming it', argv: ['pss', 'check', '/nonexistent.yaml', '--level', 'baseline'], err: /nonexistent.yaml: cannot read/ },
];
for (const c of usage) {
  test(c.name, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 2);
    assert.match(r.stderr, c.err);
  });
}

test('pss suggest -o json gives each namespace its strictest level, labels and blockers', async () => {
  const r = await runCli(['pss', 'suggest', '--cluster', cluster, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { namespaces: { namespace: string; level: string; version: string; labels: Record<string, string>; current: Record<string, string>; blockers: { name: string; level: string }[] }[] };
  assert.deepEqual(
    out.namespaces.map((n) => [n.namespace, `${n.level}:${n.version}`, n.blockers.map((b) => `${b.name}@${b.level}`)]),
    [
      ['locked', 'restricted:v1.24', []],
      ['nodes', 'privileged:v1.24', ['agent@baseline']],
    ],
  );
  assert.equal(out.namespaces[0]?.current['pod-security.kubernetes.io/enforce'], 'baseline');
  assert.equal(out.namespaces[1]?.labels['pod-security.kubernetes.io/enforce'], 'privileged');
  assert.equal(out.namespaces[1]?.labels['pod-security.kubernetes.io/warn'], 'restricted');
});

test('pss suggest prints a table and the kubectl label commands', async () => {
  const r = await runCli(['pss', 'suggest', '--cluster', cluster]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAMESPACE\s+WORKLOADS\s+SATISFIES/);
  assert.match(r.stdout, /kubectl label --overwrite ns locked pod-security.kubernetes.io\/enforce=restricted /);
  assert.match(r.stdout, /held back from baseline:v1\.24 by DaemonSet\/agent .*host namespaces \(hostPID=true\)/);
});

test('pss suggest pins every version to the cluster\'s (v1.24 by default, --kubernetes otherwise), never latest', async () => {
  for (const [argv, want] of [
    [[], 'v1.24'],
    [['--kubernetes', '1.23'], 'v1.23'],
  ] as const) {
    const r = await runCli(['pss', 'suggest', '--cluster', cluster, '-o', 'json', ...argv]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { namespaces: { labels: Record<string, string> }[] };
    for (const n of out.namespaces) {
      for (const k of ['enforce-version', 'audit-version', 'warn-version']) assert.equal(n.labels[`pod-security.kubernetes.io/${k}`], want, k);
    }
    assert.doesNotMatch(r.stdout, /latest/);
  }
  const bad = await runCli(['pss', 'suggest', '--cluster', cluster, '--kubernetes', 'banana']);
  assert.equal(bad.code, 2);
});

test('pss suggest on user namespaces says why baseline is impossible and what confines them instead', async () => {
  const r = await runCli(['pss', 'suggest', '--cluster', 'examples/bcm-9.2-k8s-1.24', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  type S = { namespace: string; level: string; version: string; user?: { user: string; confinedBy: string[]; baselineImpossible: string[]; note: string } };
  const out = JSON.parse(r.stdout) as { namespaces: S[] };
  for (const [ns, user, field] of [
    ['ray-restricted', 'ray', 'Deployment/ray-head: hostPath volumes (volume "datasets")'],
    ['cmsupport-restricted', 'cmsupport', 'Deployment/web-demo: hostPath volumes (volume "www")'],
  ] as const) {
    const s = out.namespaces.find((n) => n.namespace === ns);
    assert.ok(s?.user, ns);
    assert.equal(s.user.user, user);
    assert.equal(`${s.level}:${s.version}`, 'privileged:v1.24');
    assert.ok(s.user.baselineImpossible.includes(field), s.user.baselineImpossible.join('\n'));
    assert.ok(s.user.confinedBy.length > 0);
    assert.match(s.user.note, new RegExp(`PSA has no way to say "hostPath only under /home/${user}"`));
    assert.match(s.user.note, /what confines .* is the per-user Kyverno policies/);
  }
  assert.equal(out.namespaces.find((n) => n.namespace === 'gpu-operator')?.user, undefined, 'system namespaces get no user note');
  const text = await runCli(['pss', 'suggest', '--cluster', 'examples/bcm-9.2-k8s-1.24']);
  assert.match(text.stdout, /namespace ray-restricted \(user ray: [^)]*\): kubectl label --overwrite ns ray-restricted pod-security\.kubernetes\.io\/enforce=privileged pod-security\.kubernetes\.io\/enforce-version=v1\.24/);
  assert.match(text.stdout, /\n {2}baseline is impossible here \(.*Deployment\/ray-head: hostPath volumes \(volume "datasets"\).*\) and PSA has no way/);
});
