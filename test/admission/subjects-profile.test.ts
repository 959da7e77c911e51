// `subjects` in match/exclude under both engine profiles, through `podgate admit --kyverno-version`.
// v1.10.7 (pkg/utils/match/subjects.go CheckSubjects): names compare exactly; a User or a Group subject is
// found among the user's groups and its username alike; a ServiceAccount subject is compared with what
// follows the username's first 22 characters (the length of `system:serviceaccount:`, not checked).
// 1.11+ (read in kyverno/kyverno pkg/utils/match/subjects.go @ dd0e98e20372e52601b49a64eb6ce9ab6e5b9ca1 and
// its test subjects_test.go @ 97f9f9c276b2aeefab46c04f78c3b842317f841f): a User subject is compared with the
// username only, a Group subject with the groups only, a ServiceAccount subject as the whole username
// `system:serviceaccount:<namespace>:<name>`; all of them with wildcard.Match (`*`, `?`; kyverno PR #8068,
// milestone 1.11.0), a ServiceAccount's namespace and name alike.
// A rule `validate: {deny: {}}` denies whatever it matches, so a denial says the rule matched.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { denyAllPolicy, tempWriter } from '../helpers/match-probe.js';

const write = tempWriter('podgate-subjects-profile-');

type Obj = Record<string, unknown>;
interface Requester {
  username: string;
  groups?: string[];
}

const policy = (match: Obj, exclude?: Obj): string => denyAllPolicy('subjects', match, exclude);

/** `podgate admit --kyverno-version <v>` of a Pod CREATE by `user`: true when denied (the rule matched). */
async function denied(version: string, match: Obj, exclude: Obj | undefined, user: Requester): Promise<boolean> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const request = {
    uid: 'subjects',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    name: 'web',
    namespace: 'team-a',
    operation: 'CREATE',
    userInfo: { username: user.username, ...(user.groups ? { groups: user.groups } : {}) },
    object: pod,
  };
  const review = write('review.json', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  const r = await runCli(['-o', 'json', 'admit', '--no-default-filters', '--kyverno-version', version, '--policy', write('p.json', policy(match, exclude)), '--request', review]);
  assert.ok(r.code === 0 || r.code === 1, `admit exit ${r.code}: ${r.stderr}`);
  const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
  if (!response.allowed) assert.match(response.status?.message ?? '', /subjects/);
  return !response.allowed;
}

const SA = (name: string, namespace: string) => ({ kind: 'ServiceAccount', name, namespace });
const USER = (name: string) => ({ kind: 'User', name });
const GROUP = (name: string) => ({ kind: 'Group', name });
const PODS = { resources: { kinds: ['Pod'] } };
const podsBy = (...subjects: Obj[]) => ({ any: [{ ...PODS, subjects }] });

interface Case {
  name: string;
  /** Subjects of the match filter (with kinds: [Pod]). */
  match?: Obj[];
  /** Subjects of an exclude filter (the match then selects every Pod). */
  exclude?: Obj[];
  user: Requester;
  /** Whether the rule applies (the request is denied) under 1.10 and under 1.12. */
  v110: boolean;
  v112: boolean;
}

const cases: Case[] = [
  // Exact names: both versions agree.
  { name: 'User exact', match: [USER('alice')], user: { username: 'alice' }, v110: true, v112: true },
  { name: 'Group exact', match: [GROUP('admins')], user: { username: 'bob', groups: ['admins'] }, v110: true, v112: true },
  { name: 'ServiceAccount exact', match: [SA('default', 'kube-system')], user: { username: 'system:serviceaccount:kube-system:default' }, v110: true, v112: true },
  { name: 'User no match', match: [USER('alice')], user: { username: 'bob', groups: ['developers'] }, v110: false, v112: false },
  // Wildcards (kyverno PR #8068).
  { name: 'User admin-* against admin-alice', match: [USER('admin-*')], user: { username: 'admin-alice' }, v110: false, v112: true },
  { name: 'User al?ce against alice', match: [USER('al?ce')], user: { username: 'alice' }, v110: false, v112: true },
  { name: 'User admin-* against user-alice', match: [USER('admin-*')], user: { username: 'user-alice' }, v110: false, v112: false },
  { name: 'User * against a service account username', match: [USER('*')], user: { username: 'system:serviceaccount:ci:builder' }, v110: false, v112: true },
  { name: 'Group system:* against system:authenticated', match: [GROUP('system:*')], user: { username: 'bob', groups: ['developers', 'system:authenticated'] }, v110: false, v112: true },
  { name: 'ServiceAccount name *', match: [SA('*', 'kube-system')], user: { username: 'system:serviceaccount:kube-system:any-sa' }, v110: false, v112: true },
  { name: 'ServiceAccount namespace kyverno*', match: [SA('kyverno', 'kyverno*')], user: { username: 'system:serviceaccount:kyverno-system:kyverno' }, v110: false, v112: true },
  { name: 'ServiceAccount name * in another namespace', match: [SA('*', 'kube-system')], user: { username: 'system:serviceaccount:default:any-sa' }, v110: false, v112: false },
  // User and Group compared separately.
  { name: 'User subject named as one of the groups', match: [USER('admins')], user: { username: 'bob', groups: ['admins'] }, v110: true, v112: false },
  { name: 'Group subject named as the username', match: [GROUP('alice')], user: { username: 'alice', groups: ['developers'] }, v110: true, v112: false },
  { name: 'Group system:serviceaccount:ci:builder (the username)', match: [GROUP('system:serviceaccount:ci:builder')], user: { username: 'system:serviceaccount:ci:builder' }, v110: true, v112: false },
  // A ServiceAccount subject: 1.10 skips the username's first 22 characters unseen.
  { name: 'ServiceAccount against a username without the service account prefix', match: [SA('default', 'kube-system')], user: { username: 'xxxxxxxxxxxxxxxxxxxxxxkube-system:default' }, v110: true, v112: false },
  { name: 'ServiceAccount with an empty namespace', match: [SA('default', '')], user: { username: 'system:serviceaccount::default' }, v110: true, v112: true },
  // Exclude blocks use the same comparison.
  { name: 'exclude Group system:* keeps the rule off under 1.12', exclude: [GROUP('system:*')], user: { username: 'bob', groups: ['system:authenticated'] }, v110: true, v112: false },
  { name: 'exclude User named as a group keeps the rule off under 1.10', exclude: [USER('admins')], user: { username: 'bob', groups: ['admins'] }, v110: false, v112: true },
];

describe('admit: subjects under --kyverno-version 1.10 and 1.12', () => {
  for (const c of cases) {
    for (const [version, want] of [
      ['1.10', c.v110],
      ['1.12', c.v112],
    ] as const) {
      test(`${version}: ${c.name}: ${want ? 'matched' : 'not matched'}`, async () => {
        const match = c.match ? podsBy(...c.match) : { any: [PODS] };
        const exclude = c.exclude ? { any: [{ subjects: c.exclude }] } : undefined;
        assert.equal(await denied(version, match, exclude, c.user), want);
      });
    }
  }
});
