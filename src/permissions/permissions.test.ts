import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../../test/helpers/cli.js';
import type { KubeObject } from '../kube/index.js';
import { collectUserRecords, fromBcmUser, lintPolicies, parsePermissionUser, renderUser, validateRecords } from './index.js';

const td = (f: string) => new URL(`testdata/${f}`, import.meta.url).pathname;
/** A backup edited by hand, its digest annotation removed as the refusal of an edited backup says to. */
const handEdited = (backup: string, from: string, to: string) => backup.replace(/^ {4}podgate\.io\/users-sha256: .*\n/m, '').replace(from, to);
const usersFile = td('users.yaml');
const records = () => parseAllDocuments(readFileSync(usersFile, 'utf8')).map((d) => d.toJS() as KubeObject);

test('defaults: home /home/<name>, namespace <name>-restricted, hostPath the home', () => {
  const { user, errors } = parsePermissionUser(records()[1]!);
  assert.deepEqual(errors, []);
  assert.equal(user?.home, '/home/cmsupport');
  assert.deepEqual(user?.namespaces, ['cmsupport-restricted']);
  assert.deepEqual(user?.hostPaths, [{ pathPrefix: '/home/cmsupport', readOnly: false }]);
});

test('a missing releaseId is generated once and written into the record', () => {
  const o: KubeObject = { apiVersion: 'podgate.io/v1', kind: 'PermissionUser', metadata: { name: 'ann' }, spec: { uid: 5, gid: 5 } };
  const { user } = parsePermissionUser(o, () => 0.5);
  assert.match(user?.releaseId ?? '', /^[a-z0-9]{7}$/);
  assert.equal((o.spec as { releaseId: string }).releaseId, user?.releaseId);
});

const invalid: { name: string; spec: Record<string, unknown>; field: RegExp }[] = [
  { name: 'uid must be a non-negative integer', spec: { uid: -1, gid: 1 }, field: /^spec\.uid: Invalid value: -1/ },
  { name: 'gid is required', spec: { uid: 1 }, field: /^spec\.gid: Required value/ },
  { name: 'home must be absolute', spec: { uid: 1, gid: 1, home: 'home/x' }, field: /^spec\.home: Invalid value: "home\/x"/ },
  { name: 'home must not contain ".."', spec: { uid: 1, gid: 1, home: '/home/../etc' }, field: /^spec\.home: Invalid value/ },
  { name: 'home must not contain wildcards', spec: { uid: 1, gid: 1, home: '/home/x*' }, field: /^spec\.home: Invalid value/ },
  { name: 'hostPaths entries need a clean absolute pathPrefix', spec: { uid: 1, gid: 1, hostPaths: [{ pathPrefix: '/' }] }, field: /^spec\.hostPaths\[0\]\.pathPrefix: Invalid value: "\/"/ },
  { name: 'namespaces must be DNS labels', spec: { uid: 1, gid: 1, namespaces: ['Bad_NS'] }, field: /^spec\.namespaces\[0\]: Invalid value: "Bad_NS"/ },
  // Session 5 CLI probe: a user in kube-system got rights there while Kyverno never checks it (a privileged
  // pod of theirs was admitted), and uid/gid 0 made the "restricted" user run as root.
  { name: 'a system namespace Kyverno never checks', spec: { uid: 1, gid: 1, namespaces: ['kube-system'] }, field: /^spec\.namespaces\[0\]: Forbidden: a system namespace: Kyverno never checks it/ },
  { name: 'uid 0 (root)', spec: { uid: 0, gid: 1000 }, field: /^spec\.uid: Invalid value: 0: must not be 0 \(root\)/ },
  { name: 'gid 0 (root)', spec: { uid: 1000, gid: 0 }, field: /^spec\.gid: Invalid value: 0: must not be 0 \(root\)/ },
];
for (const c of invalid) {
  test(`invalid record: ${c.name}`, () => {
    const rec = { apiVersion: 'podgate.io/v1', kind: 'PermissionUser', metadata: { name: 'x' }, spec: c.spec } as KubeObject;
    const { problems } = validateRecords([rec]);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!.replace(/^items\[0\] \(x\): /, ''), c.field);
  });
}

test('duplicate names and shared namespaces are rejected', () => {
  const a = records()[0]!;
  const { problems } = validateRecords([a, structuredClone(a)]);
  assert.ok(problems.some((p) => /metadata\.name: Duplicate value: "ray"/.test(p)), problems.join('\n'));
});

test('render: the hostPath policy is named <user>-<releaseId>-lhv, its rule too, with the seed message', () => {
  const { user } = parsePermissionUser(records()[0]!);
  const objs = renderUser(user!);
  const pol = objs.find((o) => o.kind === 'ClusterPolicy' && o.metadata.name === 'ray-l9x71kv-lhv');
  assert.ok(pol);
  const rule = (pol.spec as { rules: { name: string; validate: { message: string } }[] }).rules[0]!;
  assert.equal(rule.name, 'ray-l9x71kv-lhv');
  assert.equal(rule.validate.message, 'hostPath volumes are confined to [/home/ray].');
  assert.deepEqual(
    objs.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'Namespace/ray-restricted',
      'Role/ray-user',
      'RoleBinding/ray-user',
      'ClusterPolicy/ray-l9x71kv-def',
      'ClusterPolicy/ray-l9x71kv-lhv',
      'ClusterPolicy/ray-l9x71kv-dpc',
      'ClusterPolicy/ray-l9x71kv-dhn',
      'ClusterPolicy/ray-l9x71kv-dac',
      'ClusterPolicy/ray-l9x71kv-rvt',
      'ClusterPolicy/ray-l9x71kv-rag',
      'ClusterPolicy/ray-l9x71kv-rau',
      'PodSecurityPolicy/ray-restricted',
      'ClusterRole/psp:ray-restricted',
      'RoleBinding/psp:ray-restricted',
    ],
  );
});

test('BCM CmKubernetesPermissionUser objects become records, keeping the original under source', () => {
  const bcm: KubeObject = { apiVersion: 'cm.brightcomputing.com/v1', kind: 'CmKubernetesPermissionUser', metadata: { name: 'ray-l9x71kv', namespace: 'cm-permissions' }, spec: { user: 'ray', uid: 1001, gid: 1001 } };
  const rec = fromBcmUser(bcm);
  assert.equal(rec.metadata.name, 'ray');
  assert.equal((rec.spec as { releaseId: string }).releaseId, 'l9x71kv');
  assert.deepEqual(rec.source, bcm);
  assert.equal(collectUserRecords([bcm]).length, 1);
});

test('lint catches the /home/ray* wildcard and the containers-only check, with bypass examples', () => {
  const pol = parse(readFileSync(td('bypass-policy.yaml'), 'utf8')) as KubeObject;
  const codes = lintPolicies([pol]).map((f) => `${f.code} ${f.bypass}`);
  assert.ok(codes.includes('HOSTPATH_WILDCARD_SIBLING /home/ray2'), codes.join('\n'));
  assert.ok(codes.some((c) => c.startsWith('HOSTPATH_NOT_CANONICAL')), codes.join('\n'));
  assert.ok(codes.some((c) => c.startsWith('CONTAINERS_ONLY')), codes.join('\n'));
});

// Session 5 CLI probe: findings named no file, so in a library of policies the admin had to grep.
test('lint names where each flagged policy was read: source in -o json, a SOURCE column in -o wide', async () => {
  const file = td('bypass-policy.yaml');
  const json = await runCli(['-o', 'json', 'lint', file]);
  assert.equal(json.code, 1, json.stderr);
  const findings = (JSON.parse(json.stdout) as { findings: { policy: string; source: string }[] }).findings;
  assert.ok(findings.length > 0);
  for (const f of findings) assert.match(f.source, /bypass-policy\.yaml:\d+$/);
  const wide = await runCli(['-o', 'wide', 'lint', file]);
  assert.match(wide.stdout.split('\n')[0] ?? '', /\bSOURCE$/);
});

// Session 5 CLI probe: a record without releaseId rendered policies under a new random name each run.
test('users render and list warn when a user has no fixed releaseId; backup (the remedy) does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const file = join(dir, 'u.yaml');
  writeFileSync(file, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003}\n');
  for (const cmd of [['users', 'render', file], ['users', 'list', file]]) {
    const r = await runCli(cmd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: users (render|list): user bob has no spec\.releaseId; the one generated for this run \([a-z0-9]+\) changes on every run/);
  }
  const b = await runCli(['users', 'backup', file, '--out', join(dir, 'b.yaml')]);
  assert.doesNotMatch(b.stderr, /releaseId/);
  const again = await runCli(['users', 'render', join(dir, 'b.yaml')]);
  assert.doesNotMatch(again.stderr, /releaseId/);
});

// Session 6 permissions probe: lint said "no bypassable confinement" of per-user policies that confined
// hostPath and the uid but let gitRepo/nfs volumes and gid 0 through.
test('lint flags hostPath confinement without a volume-type restriction, and a confined uid with open groups', () => {
  const users = validateRecords(records()).users;
  const policies = users.flatMap((u) => renderUser(u)).filter((o) => o.kind === 'ClusterPolicy' && !/-(rvt|rag)$/.test(o.metadata.name ?? ''));
  const codes = [...new Set(lintPolicies(policies).map((f) => `${f.code}: ${f.bypass}`))];
  assert.deepEqual(codes, ['HOSTPATH_OTHER_VOLUMES: a gitRepo volume, an nfs volume', 'GROUPS_UNCHECKED: fsGroup: 0, supplementalGroups: [0], runAsGroup: 0']);
});

// Session 6 verification: the set-wide checks matched text, so a set whose volume-type or group policy
// was weakened (types added to the list, Audit, another namespace, fsGroup only) still read as safe. They
// now try the bypass: probe pods in the confined namespace, admitted by the set (mutations first) or not.
test('lint tries the bypasses on the policy set: weakened volume-type and group policies are flagged', () => {
  const users = validateRecords(records()).users;
  const ray = users.find((u) => u.name === 'ray')!;
  const rendered = () => structuredClone(renderUser(ray).filter((o) => o.kind === 'ClusterPolicy'));
  type Rule = { name: string; match: { any: { resources: { kinds?: string[]; namespaces: string[] } }[] }; validate: { deny?: { conditions: { all: { value: string[] }[] } }; pattern?: { spec: { '=(securityContext)': Record<string, unknown> } } } };
  const rulesOf = (ps: KubeObject[], suffix: string) => (ps.find((p) => p.metadata.name?.endsWith(suffix))!.spec as { rules: Rule[]; validationFailureAction?: string });
  const codes = (ps: KubeObject[]) => [...new Set(lintPolicies(ps).map((f) => `${f.code}: ${f.bypass}`))].sort();
  const widened = rendered();
  rulesOf(widened, '-rvt').rules[0]!.validate.deny!.conditions.all[0]!.value.push('nfs', 'gitRepo');
  assert.deepEqual(codes(widened), ['HOSTPATH_OTHER_VOLUMES: a gitRepo volume, an nfs volume']);
  const audit = rendered();
  rulesOf(audit, '-rvt').validationFailureAction = 'Audit';
  rulesOf(audit, '-rag').validationFailureAction = 'Audit';
  assert.deepEqual(codes(audit), ['GROUPS_UNCHECKED: fsGroup: 0, supplementalGroups: [0], runAsGroup: 0', 'HOSTPATH_OTHER_VOLUMES: a gitRepo volume, an nfs volume']);
  const elsewhere = rendered();
  // A new match object per rule: the rendered rules share one.
  for (const suffix of ['-rvt', '-rag']) for (const r of rulesOf(elsewhere, suffix).rules) r.match = { any: [{ resources: { kinds: ['Pod'], namespaces: ['other'] } }] };
  assert.deepEqual(codes(elsewhere), ['GROUPS_UNCHECKED: fsGroup: 0, supplementalGroups: [0], runAsGroup: 0', 'HOSTPATH_OTHER_VOLUMES: a gitRepo volume, an nfs volume']);
  const fsGroupOnly = rendered();
  rulesOf(fsGroupOnly, '-rag').rules[0]!.validate.pattern = { spec: { '=(securityContext)': { '=(fsGroup)': ray.gid } } };
  assert.deepEqual(codes(fsGroupOnly), ['GROUPS_UNCHECKED: supplementalGroups: [0], runAsGroup: 0']);
});

test('lint stays quiet on every policy podgate renders', () => {
  const users = validateRecords(records()).users;
  const policies = users.flatMap((u) => renderUser(u)).filter((o) => o.kind === 'ClusterPolicy');
  assert.deepEqual(lintPolicies(policies), []);
});

test('backup → restore → backup gives an identical file; unknown fields survive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  const store = join(dir, 'store.yaml');
  const b2 = join(dir, 'b2.yaml');
  assert.equal((await runCli(['users', 'backup', usersFile, '--out', b1])).code, 0);
  const dry = await runCli(['users', 'restore', b1, '--into', store]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /\+ add ray[\s\S]*2 change\(s\) \(dry run/);
  assert.throws(() => readFileSync(store), /ENOENT/);
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  const again = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.match(again.stdout, /0 change\(s\)/);
  assert.equal((await runCli(['users', 'backup', store, '-o', b2])).code, 0);
  assert.equal(readFileSync(b2, 'utf8'), readFileSync(b1, 'utf8'));
  assert.match(readFileSync(b1, 'utf8'), /quota:\n\s+cpu: "8"/);
});

test('restore of a broken file changes nothing and names the problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  await runCli(['users', 'backup', usersFile, '--out', store]);
  const before = readFileSync(store, 'utf8');
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, before.replace('uid: 1001', 'uid: -5'));
  const r = await runCli(['users', 'restore', broken, '--into', store, '--apply']);
  assert.equal(r.code, 2);
  // Session 7: the problem names the file, line and list item (it said `items[1]` of no file).
  assert.match(r.stderr, /users restore: invalid permission users in .*broken\.yaml:\n {2}.*broken\.yaml:\d+ \(document 1, item \d\) \(ray\): spec\.uid: Invalid value: -5/);
  assert.equal(readFileSync(store, 'utf8'), before);
});

test('backup from the sample cluster dump keeps the BCM objects; backup → restore → backup is identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  const store = join(dir, 'store.yaml');
  const b2 = join(dir, 'b2.yaml');
  const r = await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', b1]);
  assert.equal(r.code, 0, r.stderr);
  const backup = parse(readFileSync(b1, 'utf8')) as { items: { metadata: { name: string }; spec: { releaseId: string }; source: { kind: string } }[] };
  assert.deepEqual(
    backup.items.map((i) => [i.metadata.name, i.spec.releaseId, i.source.kind]),
    [
      ['cmsupport', 'c0xld1q', 'CmKubernetesPermissionUser'],
      ['ray', 'l9x71kv', 'CmKubernetesPermissionUser'],
    ],
  );
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  assert.equal((await runCli(['users', 'backup', store, '--out', b2])).code, 0);
  assert.equal(readFileSync(b2, 'utf8'), readFileSync(b1, 'utf8'));
});

// Session 5 CLI probe: a second `restore --apply` overwrote the .bak of the first (the original file was
// gone); a users file holding other objects lost them; a backup without users restored "0 changes".
test('restore --apply never overwrites an earlier .bak; the original stays, comments included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  const store = join(dir, 'store.yaml');
  await runCli(['users', 'backup', usersFile, '--out', b1]);
  await runCli(['users', 'backup', usersFile, '--out', store]);
  const original = `# ORIGINAL\n${handEdited(readFileSync(store, 'utf8'), 'uid: 1001', 'uid: 1002')}`;
  writeFileSync(store, original);
  const first = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /previous content, comments included, kept in .*store\.yaml\.bak\)/);
  writeFileSync(store, readFileSync(store, 'utf8').replace('uid: 1001', 'uid: 1003'));
  const second = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /kept in .*store\.yaml\.bak\.1\)/);
  assert.equal(readFileSync(`${store}.bak`, 'utf8'), original);
  assert.match(readFileSync(`${store}.bak.1`, 'utf8'), /uid: 1003/);
  // A private users file keeps private copies.
  chmodSync(store, 0o600);
  writeFileSync(store, readFileSync(store, 'utf8').replace('uid: 1001', 'uid: 1004'));
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  assert.equal(statSync(`${store}.bak.2`).mode & 0o777, 0o600);
});

const refusedRestores: { name: string; backup?: string; into?: string; message: RegExp }[] = [
  { name: 'a users file that holds other objects', into: 'apiVersion: v1\nkind: Pod\nmetadata: {name: keepme}\nspec: {containers: [{name: c, image: x}]}\n', message: /holds objects that are not users \(Pod\/keepme\)/ },
  { name: 'a backup without user records', backup: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n', message: /holds no user records \(a PermissionUserList, or PermissionUser objects of podgate\.io\/v1\); nothing to restore/ },
];

for (const c of refusedRestores) {
  test(`restore refuses ${c.name} (exit 2, nothing written)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
    const b1 = join(dir, 'b1.yaml');
    const store = join(dir, 'store.yaml');
    if (c.backup) writeFileSync(b1, c.backup);
    else await runCli(['users', 'backup', usersFile, '--out', b1]);
    if (c.into) writeFileSync(store, c.into);
    const r = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, c.message);
    if (c.into) assert.equal(readFileSync(store, 'utf8'), c.into);
    assert.throws(() => readFileSync(`${store}.bak`), /ENOENT/);
  });
}

// Session 7 data-integrity probe: restore --apply wrote a users file that podgate itself then refused
// (a restored user claimed the namespace of a user kept from the file): every later command failed.
test('restore refuses a result where two users own one namespace (exit 2, nothing written)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  const b1 = join(dir, 'b1.yaml');
  const original = 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: alice}\nspec: {uid: 2000, gid: 2000, releaseId: aaaa1111, namespaces: [shared]}\n';
  writeFileSync(store, original);
  writeFileSync(b1, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 2001, gid: 2001, releaseId: bbbb1111, namespaces: [shared]}\n');
  const r = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /would leave conflicting users \(nothing written\):\n.*\(bob\): spec\.namespaces\[0\]: Duplicate value: "shared": namespace already belongs to user alice/);
  assert.equal(readFileSync(store, 'utf8'), original);
  assert.throws(() => readFileSync(`${store}.bak`), /ENOENT/);
  assert.equal((await runCli(['users', 'list', store])).code, 0);
});

// Session 7 data-integrity probe: a record without releaseId got a random id on every run of restore:
// the dry run showed one id and --apply wrote another, and restoring the same file again "updated" the
// id (renaming every policy of the user); a user kept in the file lost the id it had.
test('restore of records without releaseId: the dry run shows what --apply writes; a second restore changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  const b1 = join(dir, 'b1.yaml');
  writeFileSync(b1, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003}\n');
  const idOf = (text: string) => /releaseId: ([a-z0-9]+)/.exec(text)?.[1];
  const dry = await runCli(['users', 'restore', b1, '--into', store]);
  const applied = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.equal(applied.code, 0, applied.stderr);
  assert.ok(idOf(dry.stdout));
  assert.equal(idOf(applied.stdout), idOf(dry.stdout));
  assert.equal(idOf(readFileSync(store, 'utf8')), idOf(dry.stdout));
  const again = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
  assert.match(again.stdout, /= unchanged bob\n0 change\(s\)/);
  // A user already in the file keeps its id when the backup's record has none.
  writeFileSync(store, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003, releaseId: keepme12}\n');
  const kept = await runCli(['users', 'restore', b1, '--into', store]);
  assert.match(kept.stdout, /= unchanged bob\n0 change\(s\)/);
  // A user of the file without an id: the diff shows it had none, and a user written unchanged is noted.
  writeFileSync(store, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003}\n---\napiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: carol}\nspec: {uid: 1004, gid: 1004}\n');
  writeFileSync(b1, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003, releaseId: bobb1234}\n');
  const noId = await runCli(['users', 'restore', b1, '--into', store]);
  assert.match(noId.stdout, /~ update bob\n {4}spec\.releaseId: null → "bobb1234"\n/);
  assert.match(noId.stderr, /^note: users restore: user carol in .*store\.yaml has no spec\.releaseId; restore would write it with releaseId [a-z0-9]{7} \(a stable one: its policies are named after it\)\n$/);
});

// Session 7 data-integrity probe: the dry-run diff listed spec fields only. Restoring records over users
// backed up from BCM dropped the BCM object each kept under `source`, and a label change showed as
// "~ update ray" with nothing under it: --apply changed what the diff did not show.
test('the restore diff shows every field --apply changes: source and metadata too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  const b1 = join(dir, 'b1.yaml');
  assert.equal((await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', store])).code, 0);
  writeFileSync(b1, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ray, labels: {team: ml}}\nspec: {uid: 1001, gid: 1001, home: /home/ray, releaseId: l9x71kv, namespaces: [ray-restricted], hostPaths: [{pathPrefix: /home/ray, readOnly: false}]}\n');
  const dry = await runCli(['users', 'restore', b1, '--into', store]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /~ update ray\n {4}metadata\.labels: null → \{"team":"ml"\}\n {4}source: CmKubernetesPermissionUser\/ray-l9x71kv \{…\} → null\n/);
  const json = await runCli(['-o', 'json', 'users', 'restore', b1, '--into', store]);
  assert.deepEqual(JSON.parse(json.stdout).changes, [{ action: 'update', name: 'ray', fields: ['metadata.labels', 'source'] }]);
});

// Session 7 data-integrity probe: restore --apply and backup --out --force wrote over the file in place: a
// full disk (or a kill) in the middle left half a users file or half a backup, the only good copy gone.
test('a failed write (full disk) leaves the users file and the backup file as they were, and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  const b1 = join(dir, 'b1.yaml');
  await runCli(['users', 'backup', usersFile, '--out', store]);
  const before = readFileSync(store, 'utf8');
  writeFileSync(b1, handEdited(before, 'uid: 1001', 'uid: 1009'));
  // Writes half of the text, then fails as a full disk does (the .bak copy is written in full).
  const fullDisk = (p: string, t: string) => {
    if (p.endsWith('.bak')) return writeFileSync(p, t);
    writeFileSync(p, t.slice(0, t.length >> 1));
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', syscall: 'write' });
  };
  const r = await runCli(['users', 'restore', b1, '--into', store, '--apply'], { writeFile: fullDisk });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /users restore: cannot write .*store\.yaml: no space left on device \(ENOSPC\); .*store\.yaml is unchanged/);
  assert.equal(readFileSync(store, 'utf8'), before);
  const b = await runCli(['users', 'backup', b1, '--out', store, '--force'], { writeFile: fullDisk });
  assert.equal(b.code, 2, b.stderr);
  assert.equal(readFileSync(store, 'utf8'), before);
  assert.deepEqual(readdirSync(dir).sort(), ['b1.yaml', 'store.yaml', 'store.yaml.bak']);
  // A private users file stays private when it is replaced.
  chmodSync(store, 0o600);
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  assert.equal(statSync(store).mode & 0o777, 0o600);
  assert.match(readFileSync(store, 'utf8'), /uid: 1009/);
});

// Session 7 data-integrity probe: two BCM objects of one user (a stale Helm release beside the live one)
// were read as one: the first won, and backup silently lost the other's uid and host-path grants.
test('users list/backup refuse two different BCM objects of one user, naming both (nothing written)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const bcm = (name: string, uid: number, path: string) =>
    `apiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ${name}, namespace: cm-permissions}\nspec: {user: ray, uid: ${uid}, gid: ${uid}, namespaces: [{name: ray-restricted, role: edit}], hostPaths: [${path}]}\n`;
  const dump = join(dir, 'dump.yaml');
  writeFileSync(dump, `${bcm('ray-l9x71kv', 1001, '/home/ray')}---\n${bcm('ray-zz99abc', 2001, '/data/ray')}`);
  const out = join(dir, 'b.yaml');
  for (const argv of [['users', 'list', dump], ['users', 'backup', dump, '--out', out]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /metadata\.name: Duplicate value: "ray": already defined by .*\(from CmKubernetesPermissionUser cm-permissions\/ray-l9x71kv\); this one \(from CmKubernetesPermissionUser cm-permissions\/ray-zz99abc\)/);
  }
  assert.throws(() => readFileSync(out), /ENOENT/);
  // The same object twice (two dumps concatenated) is one user.
  writeFileSync(dump, `${bcm('ray-l9x71kv', 1001, '/home/ray')}---\n${bcm('ray-l9x71kv', 1001, '/home/ray')}`);
  const twice = await runCli(['-o', 'json', 'users', 'list', dump]);
  assert.equal(twice.code, 0, twice.stderr);
  assert.equal(JSON.parse(twice.stdout).length, 1);
});

// Session 7 error-quality probe: record problems named `items[2]` of a list podgate made up from every
// input (no file, no line; with --cluster the message began "users list: :").
test('record problems name the file, line and document of the record, with --cluster too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  writeFileSync(join(dir, 'a.yaml'), 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ann}\nspec: {uid: 5, gid: 5, releaseId: abcd1234}\n');
  writeFileSync(join(dir, 'b.yaml'), 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bo}\nspec: {uid: 6, gid: 6, releaseId: abcd1235}\n---\n# a hand edit\napiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: Carl.X}\nspec: {uid: 7, gid: 7, releaseId: abcd1236}\n');
  const files = await runCli(['users', 'list', join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
  assert.equal(files.code, 2);
  assert.match(files.stderr, /^error: users list: invalid permission users in .*a\.yaml, .*b\.yaml:\n {2}.*b\.yaml:7 \(document 2\) \(Carl\.X\): metadata\.name: Invalid value: "Carl\.X"/);
  const cluster = await runCli(['users', 'list', '--cluster', dir]);
  assert.equal(cluster.code, 2);
  assert.match(cluster.stderr, /^error: users list: invalid permission users in .*podgate-users-\w+:\n {2}.*b\.yaml:7 \(document 2\) \(Carl\.X\)/);
});

// Session 7 probe: a record podgate accepted (a 48-character name, a 16-character releaseId) rendered a
// hostPath policy whose rule name has 69 characters: the API server refuses it (podgate lint did too),
// so the user's hostPath confinement would not be installed.
test('a user whose policy and rule names would exceed 63 characters is refused; the longest that fits renders valid policies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const name = 'a'.repeat(48);
  const rec = (id: string) => `apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ${name}}\nspec: {uid: 5000, gid: 5000, releaseId: ${id}}\n`;
  writeFileSync(join(dir, 'long.yaml'), rec('abcdefghijklmnop'));
  const r = await runCli(['users', 'render', join(dir, 'long.yaml')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /spec\.releaseId: Invalid value: "abcdefghijklmnop": names the policy and rule "a{48}-abcdefghijklmnop-lhv" \(69 characters\), longer than a Kyverno rule name may be \(63\): with this user name a release id of at most 10 characters/);
  writeFileSync(join(dir, 'fits.yaml'), rec('abcdefghij'));
  const ok = await runCli(['users', 'render', '--no-psp', join(dir, 'fits.yaml')]);
  assert.equal(ok.code, 0, ok.stderr);
  writeFileSync(join(dir, 'rendered.yaml'), ok.stdout);
  const lint = await runCli(['lint', join(dir, 'rendered.yaml')]);
  assert.equal(lint.code, 0, lint.stderr);
});

// Session 7 probe: records podgate could not read were skipped without a word. A backup of another format
// version (podgate.io/v2) or a list cut short after `items:` was "0 users" to `users list` (exit 0),
// `users backup` wrote an empty backup from it, and restore said "holds no user records".
const unreadable: { name: string; text: string; message: RegExp }[] = [
  {
    name: 'a backup of another format version',
    text: 'apiVersion: podgate.io/v2\nkind: PermissionUserList\nmetadata: {name: permission-users}\nitems:\n- apiVersion: podgate.io/v2\n  kind: PermissionUser\n  metadata: {name: ray}\n  spec: {uid: 1001, gid: 1001, releaseId: l9x71kv}\n',
    message: /in\.yaml:5 \(document 1, item 0\): PermissionUser ray: apiVersion podgate\.io\/v2 is not one this podgate reads \(podgate\.io\/v1; written by another podgate version\?\)/,
  },
  {
    name: 'a backup cut short after items:',
    text: 'apiVersion: podgate.io/v1\nkind: PermissionUserList\nmetadata: {name: permission-users}\nitems:\n',
    message: /in\.yaml:1 \(document 1\): PermissionUserList permission-users: items: must be a list of PermissionUser records, found none \(a file cut short, or edited by hand\?\)/,
  },
];
for (const c of unreadable) {
  test(`users list/backup/restore refuse ${c.name} (exit 2), never "0 users"`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
    const file = join(dir, 'in.yaml');
    writeFileSync(file, c.text);
    for (const argv of [['users', 'list', file], ['users', 'backup', file, '--out', join(dir, 'b.yaml')], ['users', 'restore', file, '--into', join(dir, 'store.yaml')]]) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, c.message);
    }
    assert.deepEqual(readdirSync(dir), ['in.yaml']);
  });
}

// Session 7 data-integrity probe: unknown fields survived backup and restore in spec, but not inside a
// host-path grant: a hand-written `comment` (or a BCM field) of a grant was gone after one backup.
test('fields podgate does not know inside a hostPaths grant survive backup → restore → backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const rec = join(dir, 'rec.yaml');
  writeFileSync(rec, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ray}\nspec:\n  uid: 1001\n  gid: 1001\n  releaseId: l9x71kv\n  hostPaths:\n    - {pathPrefix: /home/ray}\n    - {pathPrefix: /data/shared/, readOnly: true, comment: nfs share of the ml group}\n');
  const b1 = join(dir, 'b1.yaml');
  const store = join(dir, 'store.yaml');
  const b2 = join(dir, 'b2.yaml');
  assert.equal((await runCli(['users', 'backup', rec, '--out', b1])).code, 0);
  const items = (parse(readFileSync(b1, 'utf8')) as { items: { spec: { hostPaths: unknown[] } }[] }).items;
  assert.deepEqual(items[0]!.spec.hostPaths, [
    { pathPrefix: '/home/ray', readOnly: false },
    { pathPrefix: '/data/shared', readOnly: true, comment: 'nfs share of the ml group' },
  ]);
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  assert.equal((await runCli(['users', 'backup', store, '--out', b2])).code, 0);
  assert.equal(readFileSync(b2, 'utf8'), readFileSync(b1, 'utf8'));
  assert.match((await runCli(['users', 'restore', rec, '--into', store])).stdout, /= unchanged ray\n0 change\(s\)/);
});

// Session 7 determinism probe: backups were sorted with localeCompare, so the same users gave a different
// file on a head node with LANG=da_DK.UTF-8 ("aaron" after "zed"): `backup --out` then found its own
// earlier backup "differs", and diffs between machines showed every user moved.
test('users backup writes the same file whatever the locale', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const file = join(dir, 'u.yaml');
  const rec = (n: string, uid: number) => `apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ${n}}\nspec: {uid: ${uid}, gid: ${uid}, releaseId: ${n}1111}\n`;
  writeFileSync(file, [rec('zed', 3001), rec('aaron', 3002), rec('ivan', 3003)].join('---\n'));
  const here = await runCli(['users', 'backup', file]);
  assert.equal(here.code, 0, here.stderr);
  assert.deepEqual([...here.stdout.matchAll(/^ {6}name: (\w+)$/gm)].map((m) => m[1]), ['aaron', 'ivan', 'zed']);
  const bin = new URL('../../bin/podgate.js', import.meta.url).pathname;
  for (const locale of ['da_DK.UTF-8', 'lt_LT.UTF-8']) {
    const r = spawnSync(process.execPath, [bin, 'users', 'backup', file], { encoding: 'utf8', env: { ...process.env, LANG: locale, LC_ALL: locale } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, here.stdout, locale);
  }
});

// Session 7 probe: a user with `hostPaths: []` (no host path at all) got a legacy PSP with
// `allowedHostPaths: []`, which PSP reads as "no restriction": while PSP still enforced (podgate's plan
// keeps it until Kyverno enforces), the rendered PSP admitted a pod mounting the host's /etc.
test('users render: a user without host-path grants gets a PSP that admits no hostPath volume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const cluster = join(dir, 'cluster');
  mkdirSync(cluster);
  writeFileSync(join(dir, 'u.yaml'), 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: nohp}\nspec: {uid: 4000, gid: 4000, releaseId: abcd1234, hostPaths: []}\n');
  const r = await runCli(['users', 'render', join(dir, 'u.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(join(cluster, 'rendered.yaml'), r.stdout);
  const pod = join(dir, 'pod.yaml');
  writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nohp-restricted}\nspec:\n  securityContext: {runAsUser: 4000}\n  containers: [{name: c, image: busybox, volumeMounts: [{name: h, mountPath: /x}]}]\n  volumes: [{name: h, hostPath: {path: /etc}}]\n');
  const psp = await runCli(['psp', 'check', '--pod', pod, '--cluster', cluster, '--user', 'nohp']);
  assert.equal(psp.code, 1, psp.stdout);
  assert.match(psp.stdout + psp.stderr, /unable to admit pod: \[spec\.volumes\[0\]: Invalid value: "hostPath": hostPath volumes are not allowed to be used\]/);
});

// Session 7 live-dump probe: a PermissionUser record and a BCM object of the same user that disagree
// (the BCM side changed after migration) were read as the record alone, the BCM object dropped unseen.
test('users list/backup warn when a BCM object and a record of one user disagree, naming both and the fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const dump = join(dir, 'dump.yaml');
  writeFileSync(
    dump,
    'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ray}\nspec: {uid: 1001, gid: 1001, releaseId: l9x71kv}\n---\napiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ray-l9x71kv, namespace: cm-permissions}\nspec: {user: ray, uid: 2001, gid: 1001, namespaces: [{name: ray-restricted, role: edit}], hostPaths: [/home/ray]}\n',
  );
  for (const argv of [['users', 'list', dump], ['users', 'backup', dump]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: users (list|backup): .*dump\.yaml:6 \(document 2\): CmKubernetesPermissionUser cm-permissions\/ray-l9x71kv describes user ray differently from the PermissionUser record at .*dump\.yaml:1 \(document 1\) \(spec\.uid: 1001 vs 2001\); the record is used/);
  }
  // The sample's BCM objects beside the records restored from them: no warning.
  const store = join(dir, 'store.yaml');
  await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', store]);
  const same = await runCli(['users', 'list', '--cluster', 'examples/bcm-9.2-k8s-1.24', store]);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stderr, '');
});

// Session 7 probe: a backup cut short after a complete item (a copy that stopped, a full disk on the way)
// read as a valid, smaller backup: `users list` showed one user, `users backup` re-saved one, and nothing
// said the other users were gone. Backups now say how many users they hold.
test('a backup holding fewer users than it was written with is refused; a users file restore wrote can be edited by hand', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  assert.equal((await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', b1])).code, 0);
  const text = readFileSync(b1, 'utf8');
  assert.match(text, /^metadata:\n {2}name: permission-users\n {2}annotations:\n {4}podgate\.io\/users: "2"\n/m);
  const cut = join(dir, 'cut.yaml');
  // Everything before the second item: a valid YAML file with one complete user.
  writeFileSync(cut, text.slice(0, text.indexOf('\n  - apiVersion', text.indexOf('items:') + 10) + 1));
  for (const argv of [['users', 'list', cut], ['users', 'backup', cut], ['users', 'restore', cut, '--into', join(dir, 'store.yaml')]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /cut\.yaml \(document 1\): PermissionUserList permission-users: holds 1 users but was written with 2 \(metadata\.annotations\.podgate\.io\/users\): the file was cut short/);
  }
  // The users file restore writes is the admin's to edit: it carries no count.
  const store = join(dir, 'store.yaml');
  assert.equal((await runCli(['users', 'restore', b1, '--into', store, '--apply'])).code, 0);
  writeFileSync(store, `${readFileSync(store, 'utf8')}  - apiVersion: podgate.io/v1\n    kind: PermissionUser\n    metadata: {name: ann}\n    spec: {uid: 3000, gid: 3000, releaseId: annn1111}\n`);
  const edited = await runCli(['-o', 'json', 'users', 'list', store]);
  assert.equal(edited.code, 0, edited.stderr);
  assert.deepEqual(JSON.parse(edited.stdout).map((u: { name: string }) => u.name), ['cmsupport', 'ray', 'ann']);
});

// Session 8 probe: a backup cut INSIDE its last user still held as many users as its count said. Cut in the
// middle of a grant (`pathPrefix: /home/ra`), `users restore` would have given ray the host path /home/ra (another
// user's home); cut before the BCM object kept under `source`, that object was dropped without a word. Both
// were read as valid, from a file or from stdin (whose count was not checked at all). Backups now carry a
// digest of their items (`podgate.io/users-sha256`).
test('a backup cut inside its last user is refused, from a file and from stdin; an intact one is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  assert.equal((await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', b1])).code, 0);
  const text = readFileSync(b1, 'utf8');
  assert.match(text, /^ {4}podgate\.io\/users-sha256: [0-9a-f]{64}\n/m);
  const inGrant = text.slice(0, text.lastIndexOf('pathPrefix: /home/ray') + 'pathPrefix: /home/ra'.length) + '\n';
  const beforeSource = text.slice(0, text.lastIndexOf('    source:\n'));
  const cuts: [string, string][] = [
    ['inside a grant', inGrant],
    ['before the BCM source', beforeSource],
  ];
  for (const [what, cutText] of cuts) {
    const cut = join(dir, 'cut.yaml');
    writeFileSync(cut, cutText);
    for (const argv of [['users', 'list', cut], ['users', 'backup', cut], ['users', 'restore', cut, '--into', join(dir, 'store.yaml')]]) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, `${what}: ${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /cut\.yaml \(document 1\): PermissionUserList permission-users: its items are not the ones it was written with \(metadata\.annotations\.podgate\.io\/users-sha256\): the file was cut short or changed/, what);
    }
    const piped = await runCli(['users', 'restore', '-', '--into', join(dir, 'store.yaml')], { stdin: cutText });
    assert.equal(piped.code, 2, `${what} (stdin): ${piped.stdout}${piped.stderr}`);
    assert.match(piped.stderr, /<stdin> \(document 1\): PermissionUserList permission-users: its items are not the ones/, what);
  }
  // A backup cut after a complete item, from stdin: the count is checked there too.
  const afterItem = text.slice(0, text.indexOf('\n  - apiVersion', text.indexOf('items:') + 10) + 1);
  const pipedCount = await runCli(['users', 'list', '-'], { stdin: afterItem });
  assert.equal(pipedCount.code, 2, pipedCount.stderr);
  assert.match(pipedCount.stderr, /<stdin> \(document 1\): PermissionUserList permission-users: holds 1 users but was written with 2/);
  // The intact backup is read from a file and from stdin, in YAML and in JSON.
  for (const [argv, stdin] of [[['users', 'list', b1], undefined], [['users', 'list', '-'], text]] as const) {
    const r = await runCli([...argv], stdin === undefined ? {} : { stdin });
    assert.equal(r.code, 0, r.stderr);
  }
  const json = await runCli(['-o', 'json', 'users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24']);
  assert.equal(json.code, 0, json.stderr);
  const again = await runCli(['users', 'list', '-'], { stdin: json.stdout });
  assert.equal(again.code, 0, again.stderr);
});

// Verifier probe: the refusal of a backup holding fewer users than its count said "users were removed by
// hand (then set the annotation to the number left)"; since backups carry a digest too, doing just that was
// refused again (its items are not the ones it was written with). The advice names both annotations.
test('a backup with users removed by hand is read once the refusal\'s advice is followed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const b1 = join(dir, 'b1.yaml');
  assert.equal((await runCli(['users', 'backup', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--out', b1])).code, 0);
  const text = readFileSync(b1, 'utf8');
  // The last user removed by hand: everything from the second item on.
  const edited = join(dir, 'edited.yaml');
  writeFileSync(edited, text.slice(0, text.indexOf('\n  - apiVersion', text.indexOf('items:') + 10) + 1));
  const refused = await runCli(['users', 'list', edited]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /users were removed by hand \(then set the annotation to the number left and remove podgate\.io\/users-sha256\)/);
  // As the refusal says: the count set to what is left, the digest removed.
  writeFileSync(edited, readFileSync(edited, 'utf8').replace('podgate.io/users: "2"', 'podgate.io/users: "1"').replace(/^ {4}podgate\.io\/users-sha256: .*\n/m, ''));
  const read = await runCli(['-o', 'json', 'users', 'list', edited]);
  assert.equal(read.code, 0, read.stderr);
  assert.equal(JSON.parse(read.stdout).length, 1);
});

// Session 8 verifier: backups were written as YAML 1.1 and read as YAML 1.2, so a string such as `0o17` (an
// octal in 1.2 only) in a BCM object's annotations came back as the number 15: the backup was refused as
// changed since it was written (or, before the digest, restored with the value changed).
test('a backup keeps strings that YAML 1.2 would read as numbers (0o17 in a BCM annotation)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const bcm = join(dir, 'bcm.yaml');
  writeFileSync(bcm, 'apiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata:\n  name: ann-abcd123\n  namespace: cm-permissions\n  annotations: {ticket: "0o17", mode: "0o755"}\nspec: {user: ann, uid: 3001, gid: 3001, hostPaths: [/home/ann]}\n');
  const b1 = join(dir, 'b1.yaml');
  const made = await runCli(['users', 'backup', bcm, '--out', b1]);
  assert.equal(made.code, 0, made.stderr);
  const listed = await runCli(['users', 'list', b1]);
  assert.equal(listed.code, 0, listed.stderr);
  const item = (parse(readFileSync(b1, 'utf8')) as { items: { source: { metadata: { annotations: Record<string, unknown> } } }[] }).items[0];
  assert.deepEqual(item?.source.metadata.annotations, { ticket: '0o17', mode: '0o755' });
});

// Session 7 error-quality probe: hand edits got messages that pointed the wrong way. A grant written as a
// bare path (as BCM lists them) was "pathPrefix: Invalid value: "/home/ray": must be an absolute path";
// an unquoted all-digit releaseId (YAML reads a number) "must be 4 to 16 lowercase letters or digits";
// `/scratch//x` "must be … without "." or ".." segments".
const handEdits: { name: string; spec: string; message: RegExp }[] = [
  { name: 'a grant written as a bare path', spec: '{uid: 1001, gid: 1001, releaseId: l9x71kv, hostPaths: [/home/ray]}', message: /\(ray\): spec\.hostPaths\[0\]: Invalid value: "\/home\/ray": must be a grant \{pathPrefix, readOnly\} \(write \{pathPrefix: \/home\/ray\}\)/ },
  { name: 'an unquoted all-digit releaseId', spec: '{uid: 1001, gid: 1001, releaseId: 1234567}', message: /\(ray\): spec\.releaseId: Invalid value: 1234567: must be 4 to 16 lowercase letters or digits \(a string: quote it, "1234567"\)/ },
  { name: 'a path with an empty segment', spec: '{uid: 1001, gid: 1001, releaseId: l9x71kv, hostPaths: [{pathPrefix: /scratch//x}]}', message: /\(ray\): spec\.hostPaths\[0\]\.pathPrefix: Invalid value: "\/scratch\/\/x": must be an absolute path of letters, digits and \._@\+~- without "\/\/", "\." or "\.\." segments/ },
];
for (const c of handEdits) {
  test(`a hand edit gets a message that says what is wrong: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
    const file = join(dir, 'u.yaml');
    writeFileSync(file, `apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ray}\nspec: ${c.spec}\n`);
    const r = await runCli(['users', 'list', file]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, c.message);
  });
}

// Session 7 probe: `--into` a folder read every file in it as the current users, printed a diff, then
// failed with "internal error: EISDIR … please report this as a bug" (exit 1).
test('restore --into and backup --out a directory are usage errors before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const into = join(dir, 'users');
  mkdirSync(into);
  writeFileSync(join(into, 'a.yaml'), 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003, releaseId: bobb1111}\n');
  const r = await runCli(['users', 'restore', usersFile, '--into', into, '--apply']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: users restore: --into .*users is a directory; give the users file to restore into \(created when absent\)\n$/);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(dir), ['users']);
  const b = await runCli(['users', 'backup', usersFile, '--out', into]);
  assert.equal(b.code, 2, b.stderr);
  assert.match(b.stderr, /^error: users backup: --out .*users is a directory; give the backup file to write\n$/);
});

// Session 7 probe: BCM uid/gid strings went through Number(): an empty gid became 0 ("must not be 0
// (root)", which the object never said), "0x3e9" became uid 1001 without a word, "10o1" showed as NaN.
test('BCM uid/gid strings: digits are numbers, anything else is refused as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const bcm = (uid: string, gid: string) => `apiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ann-abcd123, namespace: cm-permissions}\nspec: {user: ann, uid: "${uid}", gid: "${gid}", hostPaths: [/home/ann]}\n`;
  const file = join(dir, 'bcm.yaml');
  writeFileSync(file, bcm('0x3e9', ''));
  const r = await runCli(['users', 'list', file]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /\(ann\): spec\.uid: Invalid value: "0x3e9": must be an integer between 0 and 2147483647/);
  assert.match(r.stderr, /\(ann\): spec\.gid: Invalid value: "": must be an integer between 0 and 2147483647/);
  assert.doesNotMatch(r.stderr, /root/);
  writeFileSync(file, bcm('1005', '1006'));
  const ok = await runCli(['-o', 'json', 'users', 'list', file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).map((u: { uid: number; gid: number }) => [u.uid, u.gid]), [[1005, 1006]]);
});

// Session 7 probe: restore printed its result before writing: with `-o json --apply` and a write that
// failed, stdout said `"applied": true` (exit 2, file unchanged); a full disk while keeping the .bak was
// an internal error that left half a .bak.
test('restore -o json says applied only of a users file that was written; a failed .bak is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const store = join(dir, 'store.yaml');
  const b1 = join(dir, 'b1.yaml');
  await runCli(['users', 'backup', usersFile, '--out', store]);
  const before = readFileSync(store, 'utf8');
  writeFileSync(b1, handEdited(before, 'uid: 1001', 'uid: 1009'));
  const fail = (when: (p: string) => boolean) => (p: string, t: string) => {
    if (!when(p)) return writeFileSync(p, t);
    writeFileSync(p, t.slice(0, t.length >> 1));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  };
  const r = await runCli(['-o', 'json', 'users', 'restore', b1, '--into', store, '--apply'], { writeFile: fail((p) => !p.endsWith('.bak')) });
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stdout, /"applied": true/);
  assert.equal(readFileSync(store, 'utf8'), before);
  const bak = await runCli(['users', 'restore', b1, '--into', store, '--apply'], { writeFile: fail((p) => /\.bak(\.\d+)?$/.test(p)) });
  assert.equal(bak.code, 2, bak.stderr);
  assert.match(bak.stderr, /^error: users restore: cannot keep the previous content of .*store\.yaml in .*store\.yaml\.bak\.1: ENOSPC: no space left on device, write; nothing was written\n$/);
  assert.equal(readFileSync(store, 'utf8'), before);
  assert.deepEqual(readdirSync(dir).sort(), ['b1.yaml', 'store.yaml', 'store.yaml.bak']);
  const ok = await runCli(['-o', 'json', 'users', 'restore', b1, '--into', store, '--apply']);
  assert.equal(JSON.parse(ok.stdout).applied, true);
});

// Session 7 probe, the migrate side: `migrate audit --users` skipped records of another podgate.io
// version without a word (the audit ran without the user's policies) and named bad records `items[2]`.
test('migrate audit --users names unreadable and invalid user records by file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const v2 = join(dir, 'v2.yaml');
  writeFileSync(v2, 'apiVersion: podgate.io/v2\nkind: PermissionUser\nmetadata: {name: ann}\nspec: {uid: 3000, gid: 3000, releaseId: annn1111}\n');
  const r = await runCli(['migrate', 'audit', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--users', v2]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /migrate audit: permission users:\n {2}.*v2\.yaml:1 \(document 1\): PermissionUser ann: apiVersion podgate\.io\/v2 is not one this podgate reads/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ann}\nspec: {uid: 0, gid: 3000, releaseId: annn1111}\n');
  const b = await runCli(['migrate', 'audit', '--cluster', 'examples/bcm-9.2-k8s-1.24', '--users', bad]);
  assert.equal(b.code, 2, b.stderr);
  assert.match(b.stderr, /.*bad\.yaml:1 \(document 1\) \(ann\): spec\.uid: Invalid value: 0: must not be 0 \(root\)/);
});

// Session 7 probe: a BCM namespace grant `{name, role}` lost its role: podgate renders edit rights in every
// user namespace, so a user BCM gave `view` would get write access after render, without a word.
test('a BCM namespace role other than edit is warned about by backup and by render of the backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const dump = join(dir, 'dump.yaml');
  writeFileSync(dump, 'apiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ray-l9x71kv, namespace: cm-permissions}\nspec: {user: ray, uid: 1001, gid: 1001, namespaces: [{name: ray-restricted, role: view}], hostPaths: [/home/ray]}\n');
  const b1 = join(dir, 'b1.yaml');
  const b = await runCli(['users', 'backup', dump, '--out', b1]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /^warning: users backup: .*dump\.yaml:1 \(document 1\): CmKubernetesPermissionUser cm-permissions\/ray-l9x71kv: spec\.namespaces\[0\] gives user ray role "view" in ray-restricted; podgate renders edit rights there \(Role ray-user: every verb on pods/m);
  const r = await runCli(['users', 'render', b1]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: users render: .*b1\.yaml:\d+ \(document 1, item 0\): source: CmKubernetesPermissionUser cm-permissions\/ray-l9x71kv: spec\.namespaces\[0\] gives user ray role "view"/);
  // The sample's `role: edit` is what podgate renders: no warning.
  assert.equal((await runCli(['users', 'list', '--cluster', 'examples/bcm-9.2-k8s-1.24'])).stderr, '');
});

// Session 7 determinism probe: `users backup` gave a record without releaseId a random id, so the same
// input made a different backup each run: the second `backup --out` refused its own earlier backup as
// "differs", and with --force every run renamed the user's policies.
test('users backup of records without releaseId is the same on every run, with the id restore gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const file = join(dir, 'u.yaml');
  writeFileSync(file, 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: bob}\nspec: {uid: 1003, gid: 1003}\n');
  const first = await runCli(['users', 'backup', file]);
  const second = await runCli(['users', 'backup', file]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.stdout, first.stdout);
  const out = join(dir, 'b.yaml');
  assert.equal((await runCli(['users', 'backup', file, '--out', out])).code, 0);
  const again = await runCli(['users', 'backup', file, '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already up to date \(1 users\)/);
  const restored = await runCli(['users', 'restore', file, '--into', join(dir, 'store.yaml')]);
  assert.equal(/releaseId: ([a-z0-9]+)/.exec(restored.stdout)?.[1], /releaseId: ([a-z0-9]+)/.exec(first.stdout)?.[1]);
});

// Verifier probe: two copies of the same BCM object (one dump taken after a status update, so another
// resourceVersion) were refused as "two records of one user, keep one" (exit 2) since the duplicate check
// compared whole objects; before it they were one user. Copies with the same spec are one user; two
// releases of one user, or one object whose spec changed between the copies, are still refused.
test('two copies of one BCM object differing only in resourceVersion are one user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const bcm = (name: string, rv: string, uid: number) =>
    `apiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ${name}, namespace: cm-permissions, resourceVersion: "${rv}"}\nspec: {user: ray, uid: ${uid}, gid: ${uid}, namespaces: [{name: ray-restricted, role: edit}], hostPaths: [/home/ray]}\n`;
  writeFileSync(join(dir, 'a.yaml'), bcm('ray-l9x71kv', '100', 1001));
  writeFileSync(join(dir, 'b.yaml'), bcm('ray-l9x71kv', '205', 1001));
  const r = await runCli(['-o', 'json', 'users', 'list', join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    JSON.parse(r.stdout).map((u: { name: string; uid: number }) => [u.name, u.uid]),
    [['ray', 1001]],
  );
  writeFileSync(join(dir, 'b.yaml'), bcm('ray-l9x71kv', '205', 2001));
  const changed = await runCli(['users', 'list', join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
  assert.equal(changed.code, 2, changed.stdout);
  assert.match(changed.stderr, /Duplicate value: "ray"/);
});

// Verifier probe: the atomic write (a file written beside the users file and renamed over it) kept the
// mode but not the owner: root running `users restore --apply` on a user's 0600 users file left it owned
// by root, so its owner could no longer read it; the write in place before kept the owner.
test('users restore --apply and backup --out --force keep the owner of the file they replace', { skip: process.getuid?.() !== 0 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const rec = (name: string, uid: number, id: string) => `apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ${name}}\nspec: {uid: ${uid}, gid: ${uid}, releaseId: ${id}}\n`;
  const store = join(dir, 'store.yaml');
  writeFileSync(store, rec('ray', 1001, 'l9x71kv'));
  const input = join(dir, 'bob.yaml');
  writeFileSync(input, rec('bob', 1003, 'abcd123'));
  chownSync(store, 1234, 1235);
  chmodSync(store, 0o600);
  const r = await runCli(['users', 'restore', input, '--into', store, '--apply']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([statSync(store).uid, statSync(store).gid, statSync(store).mode & 0o777], [1234, 1235, 0o600]);
  assert.match(readFileSync(store, 'utf8'), /name: bob/);
  const out = join(dir, 'backup.yaml');
  writeFileSync(out, 'old\n');
  chownSync(out, 1234, 1235);
  const b = await runCli(['users', 'backup', store, '--out', out, '--force']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual([statSync(out).uid, statSync(out).gid], [1234, 1235]);
});

// Verifier probe: the check of a backup's user count (podgate.io/users) read every list file of the input
// a second time with the full YAML parser, cluster dumps included: `users list --cluster` on a 15 MB
// `kind: List` dump took 5x the time and 1.2 GB instead of 230 MB (a larger dump runs out of heap).
// Only lists holding PermissionUser records (backups) are read again.
test('users list --cluster reads a kind: List dump once; a backup list is still checked for its count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-users-'));
  const dump = join(dir, 'dump');
  mkdirSync(dump);
  const cms = Array.from({ length: 3 }, (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm-${i}, namespace: default}\n  data: {k: v}\n`).join('');
  writeFileSync(join(dump, 'configmaps.yaml'), `apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n${cms}`);
  writeFileSync(
    join(dump, 'users.yaml'),
    'apiVersion: podgate.io/v1\nkind: PermissionUserList\nmetadata:\n  name: permission-users\n  annotations: {podgate.io/users: "2"}\nitems:\n- apiVersion: podgate.io/v1\n  kind: PermissionUser\n  metadata: {name: ray}\n  spec: {uid: 1001, gid: 1001, releaseId: l9x71kv}\n',
  );
  const reread: string[] = [];
  const readFile = (p: string) => {
    reread.push(p);
    return readFileSync(p, 'utf8');
  };
  const r = await runCli(['users', 'list', '--cluster', dump], { readFile });
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /users\.yaml \(document 1\): PermissionUserList permission-users: holds 1 users but was written with 2/);
  assert.deepEqual(reread.filter((p) => p.endsWith('configmaps.yaml')), []);
});
