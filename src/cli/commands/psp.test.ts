import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../test/helpers/cli.js';

const seed = fileURLToPath(new URL('../../psp/testdata/seed/', import.meta.url));
const SEED_DENIAL = 'pods "host-mount-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0].hostPath.pathPrefix: Invalid value: "/etc": is not allowed to be used]';

const cases: { name: string; argv: string[]; code: number; out?: RegExp | string; err?: RegExp }[] = [
  {
    name: "psp check prints the seed's denial byte for byte and exits 1",
    argv: ['psp', 'check', '--pod', `${seed}pod.yaml`, '--psp', `${seed}psps.yaml`, '--rbac', `${seed}rbac.yaml`, '--user', 'ray', '--namespace', 'ray-restricted'],
    code: 1,
    out: `${SEED_DENIAL}\n`,
  },
  {
    name: 'psp check names the admitting PSP and prints the stored pod',
    argv: ['psp', 'check', '--pod', `${seed}pod.yaml`, '--cluster', seed, '--user', 'admin', '--namespace', 'default'],
    code: 0,
    out: /^admitted by PodSecurityPolicy "local-path-provisioner-psp" \(unchanged\)\n---\napiVersion: v1\n[\s\S]*kubernetes.io\/psp: local-path-provisioner-psp/,
  },
  { name: 'psp check without policies is a usage error', argv: ['psp', 'check', '--pod', `${seed}pod.yaml`, '--user', 'ray'], code: 2, err: /--cluster PATH/ },
  { name: 'psp check requires --user', argv: ['psp', 'check', '--pod', `${seed}pod.yaml`, '--cluster', seed], code: 2, err: /--user/ },
  { name: 'psp check refuses a file that is not one pod', argv: ['psp', 'check', '--pod', `${seed}rbac.yaml`, '--cluster', seed, '--user', 'ray'], code: 2, err: /exactly one Pod/ },
  { name: 'psp check rejects -o sarif', argv: ['-o', 'sarif', 'psp', 'check', '--pod', `${seed}pod.yaml`, '--cluster', seed, '--user', 'ray'], code: 2, err: /-o sarif is not supported/ },
  { name: 'psp who-can-use lists subjects with binding and role', argv: ['psp', 'who-can-use', '--cluster', seed], code: 0, out: /ray-restricted\s+User\s+ray\s+ray-restricted\s+RoleBinding\/ray-restricted\/psp-ray-restricted\s+Role\/ray-restricted\/psp-ray-restricted/ },
];

for (const c of cases) {
  test(c.name, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, c.code, r.stderr);
    if (typeof c.out === 'string') assert.equal(r.stdout, c.out);
    else if (c.out) assert.match(r.stdout, c.out);
    if (c.err) assert.match(r.stderr, c.err);
  });
}

test('psp check -o json prints exactly the five documented fields', async () => {
  const r = await runCli(['-o', 'json', 'psp', 'check', '--pod', `${seed}pod.yaml`, '--cluster', seed, '--user', 'ray', '--namespace', 'ray-restricted']);
  assert.equal(r.code, 1);
  const v = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ['allowed', 'policy', 'message', 'mutated', 'pod']);
  assert.deepEqual([v.allowed, v.policy, v.message, v.mutated], [false, null, SEED_DENIAL, false]);
  assert.equal((v.pod as { metadata: { name: string } }).metadata.name, 'host-mount-pod');
});

test('psp who-can-use -o json maps every PSP to its grants', async () => {
  const r = await runCli(['-o', 'json', 'psp', 'who-can-use', '--cluster', seed]);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as Record<string, { subject: string; binding: string }[]>;
  assert.deepEqual(Object.keys(v), ['local-path-provisioner-psp', 'privileged', 'ray-restricted']);
  assert.ok(v['ray-restricted']?.some((g) => g.subject === 'ray' && g.binding === 'RoleBinding/ray-restricted/psp-ray-restricted'));
});

test('psp check reads a dump folder (its cluster/ objects) and gives the seed denial for ray', async () => {
  const r = await runCli(['psp', 'check', '--pod', 'examples/bcm-9.2-k8s-1.24/inputs/pod.yaml', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--user', 'ray', '--namespace', 'ray-restricted']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, 'pods "host-mount-pod" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0].hostPath.pathPrefix: Invalid value: "/etc": is not allowed to be used]\n');
});

// Divergences from Kubernetes 1.24 found by probing: each fixture is a raw pod manifest and a cluster,
// checked as user alice on CREATE.
const fidelity = fileURLToPath(new URL('../../psp/testdata/fidelity/', import.meta.url));
const fidelityCases: { name: string; dir: string; want: { allowed: boolean; policy?: string | null; message?: string | null; mutated?: boolean } }[] = [
  {
    name: 'spec.serviceAccount (the deprecated alias) names the service account PSP authorizes',
    dir: 'sa-alias',
    want: { allowed: true, policy: 'a', message: null },
  },
  {
    name: 'a raw manifest gets the API-server defaults first (hostPort from containerPort under hostNetwork)',
    dir: 'hostnet-port',
    want: {
      allowed: false,
      policy: null,
      message: 'pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].hostPort: Invalid value: 8080: Host port 8080 is not allowed to be used. Allowed ports: []]',
    },
  },
  {
    name: 'a PSP default that makes the pod invalid is refused by pod validation (allowPrivilegeEscalation false on a privileged container)',
    dir: 'privileged-no-escalation',
    want: {
      allowed: false,
      policy: null,
      // Go prints the pointers' addresses (%#v); podgate prints a fixed one (docs/compatibility.md).
      message:
        'Pod "p" is invalid: spec.containers[0].securityContext: Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(nil), Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(nil), RunAsGroup:(*int64)(nil), RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(0xc000000000), ProcMount:(*core.ProcMountType)(nil), SeccompProfile:(*core.SeccompProfile)(nil)}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
    },
  },
  {
    name: 'the ServiceAccount plugin adds the token volume first: a PSP without projected (or secret) volumes refuses it',
    dir: 'token-volume',
    want: {
      allowed: false,
      policy: null,
      message: 'pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.volumes[0]: Invalid value: "projected": projected volumes are not allowed to be used]',
    },
  },
  {
    name: 'ephemeral containers in a pod to create: PSP admits, then pod validation refuses them (they are only added through the subresource)',
    dir: 'ephemeral-on-create',
    want: { allowed: false, policy: null, message: 'Pod "p" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create' },
  },
  { name: 'the token volume passes a PSP that allows secret volumes (bound-token exemption)', dir: 'token-volume-secret', want: { allowed: true, policy: 'a', message: null } },
  { name: "no token volume when the pod's ServiceAccount has automountServiceAccountToken: false", dir: 'token-volume-sa-off', want: { allowed: true, policy: 'a', message: null } },
];

for (const c of fidelityCases) {
  test(`psp check: ${c.name}`, async () => {
    const r = await runCli(['-o', 'json', 'psp', 'check', '--pod', `${fidelity}${c.dir}/pod.yaml`, '--cluster', `${fidelity}${c.dir}`, '--user', 'alice']);
    assert.equal(r.code, c.want.allowed ? 0 : 1, r.stderr + r.stdout);
    const v = JSON.parse(r.stdout) as { allowed: boolean; policy: string | null; message: string | null; mutated: boolean };
    assert.equal(v.allowed, c.want.allowed, v.message ?? '');
    if (c.want.policy !== undefined) assert.equal(v.policy, c.want.policy);
    if (c.want.message !== undefined) assert.equal(v.message, c.want.message);
    if (c.want.mutated !== undefined) assert.equal(v.mutated, c.want.mutated);
  });
}

test('psp check: MustRunAsNonRoot admits a container without runAsUser, and says that whether it starts depends on the image user, unknown offline', async () => {
  const r = await runCli(['psp', 'check', '--pod', `${fidelity}nonroot-image-user/pod.yaml`, '--cluster', `${fidelity}nonroot-image-user`, '--user', 'alice']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^admitted by PodSecurityPolicy "a" \(pod defaulted\)/);
  assert.equal(
    r.stderr,
    'note: containers "init", "app" must not run as root (runAsNonRoot: true) and set no runAsUser: the kubelet refuses to start one whose image runs as root (UID 0, also when the image sets no user) or names its user instead of a UID, which cannot be checked offline; set runAsUser to a non-zero UID to be sure\n',
  );
});

// A written empty list is set for PSP: the API server decodes `supplementalGroups: []` as a non-nil empty
// slice, and PSP (an in-tree plugin, on the decoded object) fills in groups only when the slice is nil
// (provider.go MutatePod: `sc.SupplementalGroups() == nil`); MustRunAs then refuses the empty list.
// `null` decodes as nil (unset, filled in). omitempty drops the empty list only when the pod is written out.
const groupsCases: { name: string; groups: string; rule: string; code: number; out: RegExp; notOut?: RegExp }[] = [
  { name: '[] under MustRunAs is refused', groups: 'supplementalGroups: []', rule: 'MustRunAs', code: 1, out: /supplementalGroups: Invalid value: \[\]int64\{\}: unable to validate empty groups against required ranges/ },
  { name: 'null under MustRunAs is filled in', groups: 'supplementalGroups: null', rule: 'MustRunAs', code: 0, out: /supplementalGroups:\n\s+- 100\n/ },
  { name: 'absent under MustRunAs is filled in', groups: 'runAsUser: 5', rule: 'MustRunAs', code: 0, out: /supplementalGroups:\n\s+- 100\n/ },
  { name: '[] under MayRunAs is admitted unchanged, and not printed (omitempty)', groups: 'supplementalGroups: []', rule: 'MayRunAs', code: 0, out: /\(unchanged\)/, notOut: /supplementalGroups/ },
];
for (const c of groupsCases) {
  test(`psp check: supplementalGroups ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-groups-'));
    const psp = `apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p0}\nspec:\n  seLinux: {rule: RunAsAny}\n  runAsUser: {rule: RunAsAny}\n  fsGroup: {rule: RunAsAny}\n  supplementalGroups: {rule: ${c.rule}, ranges: [{min: 100, max: 200}]}\n  volumes: ['*']\n`;
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns1}\nspec:\n  securityContext: {${c.groups}}\n  automountServiceAccountToken: false\n  containers: [{name: c, image: busybox}]\n`;
    writeFileSync(join(dir, 'psp.yaml'), psp);
    writeFileSync(join(dir, 'pod.yaml'), pod);
    const r = await runCli(['psp', 'check', '--pod', join(dir, 'pod.yaml'), '--psp', join(dir, 'psp.yaml'), '--user', 'admin', '--group', 'system:masters']);
    assert.equal(r.code, c.code, r.stdout + r.stderr);
    assert.match(r.stdout, c.out);
    if (c.notOut) assert.doesNotMatch(r.stdout, c.notOut);
  });
}
