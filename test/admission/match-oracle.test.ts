// Kyverno's own unit tests for rule matching, replayed on the user's paths: `podgate apply` (no admission
// info, as a background scan or `kyverno apply`) and `podgate admit` (an AdmissionReview; the requester's
// cluster roles from a ClusterRoleBinding in a --cluster dump). A rule `validate: {deny: {}}` fails
// whatever it sees, so a rule result (apply) or a denial (admit) says the rule matched.
// Upstream cases (kyverno/kyverno):
// - pkg/engine/utils/utils_test.go @ ddd32b337d7c7fe1c00d0842130e290bef101ec2 (TestMatchesResourceDescription
//   and its GenerateName twin, TestResourceDescriptionMatch_*, TestResourceDescriptionExclude_*), run against
//   the 1.10 semantics of pkg/engine/utils/match.go (MatchesResourceDescription, read in the version whose
//   doesResourceMatchConditionBlock takes gvk, subresource and operation);
// - pkg/utils/match/kind_test.go @ 1213cd7e02065b2140f0a221f956070b6fcb2c91 (Test_CheckKind, the
//   subresource cases restated as the 1.10 engine calls CheckKind: parent kind + subresource,
//   allowEphemeralContainers true), labels_test.go @ 5e00d93df5bf416b681c72239f4f31c74ebb3ae2,
//   annotations_test.go @ af5f2fb5ce6fcb882a7e6c4193cb5fd8115648b6, name_test.go @
//   4be5d7df46b38eb182fd3e1358440151e984454d, subjects_test.go @ 97f9f9c276b2aeefab46c04f78c3b842317f841f
//   (only the cases 1.10 answers alike: wildcards in subjects are kyverno PR #8068 and the User/Group split
//   PR #8470, both milestone 1.11.0);
// - pkg/utils/wildcard/match_test.go @ 162908157ea8bde8aa832c33912ffa9b844e6cff (TestMatch), through
//   `annotations` (a value accepts any text).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { denyAllPolicy, tempWriter } from '../helpers/match-probe.js';

const write = tempWriter('podgate-match-oracle-');

type Obj = Record<string, unknown>;

const policy = (match: Obj, exclude?: Obj): string => denyAllPolicy('oracle', match, exclude);

/** `podgate apply`: true when the rule gave a result (matched). */
async function applyMatched(match: Obj, exclude: Obj | undefined, resource: Obj): Promise<boolean> {
  const r = await runCli(['apply', write('p.json', policy(match, exclude)), '--resource', write('r.json', JSON.stringify(resource)), '-o', 'json']);
  assert.ok(r.code === 0 || r.code === 1, `apply exit ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string }[] }[] };
  const rules = out.results.flatMap((x) => x.rules);
  assert.ok(rules.every((x) => x.status === 'fail'), JSON.stringify(rules));
  return rules.length > 0;
}

interface Requester {
  username: string;
  groups?: string[];
  /** ClusterRoles the user is bound to (a ClusterRoleBinding each in the --cluster dump). */
  clusterRoles?: string[];
}

interface RequestKind {
  group: string;
  version: string;
  kind: string;
  resource: string;
  subResource?: string;
  /** request.resource's group/version when they differ from the kind's (pods/eviction sends policy/v1 Eviction). */
  resourceGroupVersion?: [group: string, version: string];
}

function kindOf(resource: Obj): RequestKind {
  const apiVersion = String(resource.apiVersion);
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const kind = String(resource.kind);
  return { group, version, kind, resource: `${kind.toLowerCase()}s` };
}

/** `podgate admit`: true when the request was denied (matched). */
async function admitMatched(match: Obj, exclude: Obj | undefined, resource: Obj, user: Requester, rk: RequestKind = kindOf(resource)): Promise<boolean> {
  const md = (resource.metadata ?? {}) as { name?: string; namespace?: string };
  const bindings = (user.clusterRoles ?? []).map((role) =>
    JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `b-${role.replace(/[^a-z0-9]/g, '-')}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user.username }],
    }),
  );
  const ns = md.namespace ? [JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: md.namespace } })] : [];
  const cluster = write('cluster.yaml', [...ns, ...bindings].join('\n---\n') || JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unused' } }));
  const request: Obj = {
    uid: 'oracle',
    kind: { group: rk.group, version: rk.version, kind: rk.kind },
    resource: { group: rk.resourceGroupVersion?.[0] ?? rk.group, version: rk.resourceGroupVersion?.[1] ?? rk.version, resource: rk.resource },
    ...(rk.subResource ? { subResource: rk.subResource } : {}),
    ...(md.name ? { name: md.name } : {}),
    ...(md.namespace ? { namespace: md.namespace } : {}),
    operation: 'CREATE',
    userInfo: { username: user.username, ...(user.groups ? { groups: user.groups } : {}) },
    object: resource,
  };
  const review = write('review.json', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  const r = await runCli(['-o', 'json', 'admit', '--no-default-filters', '--policy', write('p.json', policy(match, exclude)), '--cluster', cluster, '--request', review]);
  assert.ok(r.code === 0 || r.code === 1, `admit exit ${r.code}: ${r.stderr}`);
  const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
  if (!response.allowed) assert.match(response.status?.message ?? '', /oracle/);
  return !response.allowed;
}

// ---- pkg/engine/utils/utils_test.go: TestMatchesResourceDescription (and _GenerateName) ----

const ADMIN: Requester = { username: 'oracle-user', clusterRoles: ['admin'] };
const NODE: Requester = { username: 'oracle-user', clusterRoles: ['system:node'] };

const pod = (name: string, namespace?: string, labels?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const qosDeployment = (apiVersion: string): Obj => ({
  apiVersion,
  kind: 'Deployment',
  metadata: { name: 'qos-demo', labels: { test: 'qos' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:latest' }] } } },
});
const service: Obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hello-world', labels: { name: 'hello-world' } }, spec: { ports: [{ port: 81 }] } };
const helloExclude = { resources: { name: 'hello-world' }, clusterRoles: ['system:node'] };
const anyOf = (...f: Obj[]) => ({ any: f });
const allOf = (...f: Obj[]) => ({ all: f });
const res = (r: Obj) => ({ resources: r });

interface MatchCase {
  name: string;
  match: Obj;
  exclude?: Obj;
  resource: Obj;
  /** Admission info: none (apply) or the requester (admit). */
  user?: Requester;
  rk?: RequestKind;
  matched: boolean;
}

const describeCases: MatchCase[] = [
  { name: 'Match Any matches the Pod', user: ADMIN, match: anyOf(res({ kinds: ['Pod'], names: ['dev'] }), res({ kinds: ['Pod'], namespaces: ['prod'] })), resource: pod('abc', 'prod'), matched: true },
  { name: 'Match Any does not match the Pod', user: ADMIN, match: anyOf(res({ kinds: ['Pod'], names: ['dev'] }), res({ kinds: ['Pod'], namespaces: ['prod'] })), resource: pod('abc', 'default'), matched: false },
  { name: 'Match All matches the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'], names: ['abc'] }), res({ kinds: ['Pod'], namespaces: ['prod'] })), resource: pod('abc', 'prod'), matched: true },
  { name: 'Match All does not match the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'], names: ['xyz'] }), res({ kinds: ['Pod'], namespaces: ['prod'] })), resource: pod('abc', 'prod'), matched: false },
  { name: 'Exclude Any excludes the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'] })), exclude: anyOf(res({ kinds: ['Pod'], names: ['dev'] }), res({ kinds: ['Pod'], namespaces: ['default'] })), resource: pod('dev', 'prod'), matched: false },
  { name: 'Exclude Any does not exclude the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'] })), exclude: anyOf(res({ kinds: ['Pod'], names: ['dev'] }), res({ kinds: ['Pod'], namespaces: ['default'] })), resource: pod('abc', 'prod'), matched: true },
  { name: 'Exclude All excludes the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'] })), exclude: allOf(res({ kinds: ['Pod'], names: ['dev'] }), res({ kinds: ['Pod'], namespaces: ['prod'] })), resource: pod('dev', 'prod'), matched: false },
  { name: 'Exclude All does not exclude the Pod', user: ADMIN, match: allOf(res({ kinds: ['Pod'] })), exclude: allOf(res({ kinds: ['Pod'], names: ['abc'] }), res({ kinds: ['Pod'], namespaces: ['default'] })), resource: pod('abc', 'prod'), matched: true },
  { name: 'Should match pod and not exclude it', user: ADMIN, match: res({ kinds: ['Pod'] }), exclude: helloExclude, resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: true },
  { name: 'Should exclude resource since it matches the exclude block', user: NODE, match: res({ kinds: ['Pod'] }), exclude: helloExclude, resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: false },
  { name: 'without admission info an exclude with clusterRoles still needs them (sync mode)', match: res({ kinds: ['Pod'] }), exclude: helloExclude, resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: true },
  { name: 'Should fail since resource does not match because of names field', match: { resources: { kinds: ['Pod'], names: ['dev-*'] }, clusterRoles: ['system:node'] }, resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: false },
  { name: 'Should pass since resource matches a name in the names field', user: NODE, match: { resources: { kinds: ['Pod'], names: ['dev-*', 'hello-world'] }, clusterRoles: ['system:node'] }, resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: true },
  { name: 'Should fail since resource gets excluded because of the names field', match: res({ kinds: ['Pod'] }), exclude: res({ names: ['dev-*', 'hello-*'] }), resource: pod('hello-world', undefined, { name: 'hello-world' }), matched: false },
  { name: 'Should pass since resource does not get excluded because of the names field', match: res({ kinds: ['Pod'] }), exclude: res({ names: ['dev-*', 'hello-*'] }), resource: pod('bye-world', undefined, { name: 'hello-world' }), matched: true },
  { name: 'Should fail since resource does not match policy (Service)', user: ADMIN, match: res({ kinds: ['Pod'] }), exclude: helloExclude, resource: service, matched: false },
  { name: 'Should not fail since resource does not match exclude block', user: NODE, match: res({ kinds: ['Pod'] }), exclude: helloExclude, resource: pod('hello-world2', undefined, { name: 'hello-world' }), matched: true },
  { name: 'Should pass since group, version, kind match', user: ADMIN, match: res({ kinds: ['apps/v1/Deployment'], selector: { matchLabels: { test: 'qos' } } }), resource: qosDeployment('apps/v1'), matched: true },
  { name: 'Should pass since version and kind match', user: ADMIN, match: res({ kinds: ['v1/Pod'] }), resource: pod('myapp-pod2', undefined, { app: 'myapp2' }), matched: true },
  { name: 'Should fail since version not match', user: ADMIN, match: res({ kinds: ['apps/v1/Deployment'], selector: { matchLabels: { test: 'qos' } } }), resource: qosDeployment('apps/v1beta1'), matched: false },
  {
    name: 'Should fail since cluster role version not match',
    user: ADMIN,
    match: res({ kinds: ['rbac.authorization.k8s.io/v1beta1/ClusterRole'] }),
    resource: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'secret-reader-demo' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }] },
    matched: false,
  },
  { name: 'Test for GVK case sensitive', user: ADMIN, match: res({ kinds: ['pod'] }), resource: pod('myapp-pod2', undefined, { app: 'myapp2' }), matched: false },
  { name: 'Test should fail for GVK case sensitive', user: ADMIN, match: res({ kinds: ['apps/v1/deployment'], selector: { matchLabels: { test: 'qos' } } }), resource: qosDeployment('apps/v1'), matched: false },
];

/** The _GenerateName twin: the same case with `metadata.generateName` instead of `metadata.name`. */
function generateNameTwin(c: MatchCase): MatchCase {
  const md = { ...((c.resource.metadata ?? {}) as Obj) };
  md.generateName = md.name;
  delete md.name;
  return { ...c, name: `${c.name} (generateName)`, resource: { ...c.resource, metadata: md } };
}

const deployment = (labels: Record<string, string>, generate = false): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { [generate ? 'generateName' : 'name']: 'nginx-deployment', labels },
  spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9' }] } } },
});
const ingressPod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ingress-nginx-controller-57bc6474bb-mcpt2', namespace: 'ingress-nginx' }, spec: { containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.5.1' }], serviceAccountName: 'ingress-nginx' } };
const replicaSetController: Requester = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

const resourceDescriptionCases: MatchCase[] = [
  { name: 'TestResourceDescriptionMatch_MultipleKind', match: res({ kinds: ['Deployment', 'Pods'], selector: {} }), resource: deployment({ app: 'nginx' }), matched: true },
  {
    name: 'TestResourceDescriptionMatch_ExcludeDefaultGroups: a namespace or a User subject, neither fits',
    user: replicaSetController,
    match: anyOf(res({ kinds: ['Pod'], namespaces: ['user1-restricted'] }), { resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'user1' }] }),
    exclude: {},
    resource: ingressPod,
    matched: false,
  },
  { name: 'TestResourceDescriptionMatch_ExcludeDefaultGroups: the namespace fits, an empty exclude any', user: replicaSetController, match: anyOf(res({ kinds: ['Pod'], namespaces: ['ingress-nginx'] })), exclude: { any: [] }, resource: ingressPod, matched: true },
  { name: 'TestResourceDescriptionMatch_ExcludeDefaultGroups: excluded by kind', user: replicaSetController, match: anyOf(res({ kinds: ['Pod'], namespaces: ['ingress-nginx'] })), exclude: anyOf(res({ kinds: ['Pod'] })), resource: ingressPod, matched: false },
  { name: 'TestResourceDescriptionMatch_Name', match: res({ kinds: ['Deployment'], name: 'nginx-deployment', selector: {} }), resource: deployment({ app: 'nginx' }), matched: true },
  { name: 'TestResourceDescriptionMatch_GenerateName', match: res({ kinds: ['Deployment'], name: 'nginx-deployment', selector: {} }), resource: deployment({ app: 'nginx' }, true), matched: true },
  { name: 'TestResourceDescriptionMatch_Name_Regex', match: res({ kinds: ['Deployment'], name: 'nginx-*', selector: {} }), resource: deployment({ app: 'nginx' }), matched: true },
  { name: 'TestResourceDescriptionMatch_GenerateName_Regex', match: res({ kinds: ['Deployment'], name: 'nginx-*', selector: {} }), resource: deployment({ app: 'nginx' }, true), matched: true },
  {
    name: 'TestResourceDescriptionMatch_Label_Expression_NotMatch',
    match: res({ kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'label2', operator: 'NotIn', values: ['sometest1'] }] } }),
    resource: deployment({ app: 'nginx' }),
    matched: true,
  },
  {
    name: 'TestResourceDescriptionMatch_Label_Expression_Match',
    match: res({ kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nginx1', 'nginx2'] }] } }),
    resource: deployment({ app: 'nginx' }),
    matched: true,
  },
  {
    name: 'TestResourceDescriptionExclude_Label_Expression_Match',
    match: res({ kinds: ['Deployment'], name: 'nginx-*', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['nginx1', 'nginx2'] }] } }),
    exclude: res({ selector: { matchLabels: { block: 'true' } } }),
    resource: deployment({ app: 'nginx', block: 'true' }),
    matched: false,
  },
];

async function decide(c: MatchCase): Promise<boolean> {
  return c.user ? admitMatched(c.match, c.exclude, c.resource, c.user, c.rk) : applyMatched(c.match, c.exclude, c.resource);
}

describe('pkg/engine/utils/utils_test.go (MatchesResourceDescription)', () => {
  for (const c of [...describeCases, ...describeCases.map(generateNameTwin), ...resourceDescriptionCases]) {
    test(`${c.name}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await decide(c), c.matched);
    });
  }
});

// ---- pkg/utils/match/kind_test.go (Test_CheckKind) ----
// The 1.9-era cases pass the request's own GVK with a discovery map; the 1.10 engine matches a
// subresource request as the parent kind plus the subresource, which `admit` derives from request.resource.

const podIn = (ns: string): Obj => pod('p', ns);
const POD_RK: RequestKind = { group: '', version: 'v1', kind: 'Pod', resource: 'pods' };
const kindCases: MatchCase[] = [
  { name: '* matches a Deployment', match: res({ kinds: ['*'] }), resource: { ...qosDeployment('apps/v1'), metadata: { name: 'd', namespace: 'k' } }, user: ADMIN, matched: true },
  { name: 'Pod matches a Pod', match: res({ kinds: ['Pod'] }), resource: podIn('k'), user: ADMIN, matched: true },
  { name: 'v1/Pod matches a Pod', match: res({ kinds: ['v1/Pod'] }), resource: podIn('k'), user: ADMIN, matched: true },
  {
    name: 'tekton.dev/v1beta1/TaskRun matches a TaskRun',
    match: res({ kinds: ['tekton.dev/v1beta1/TaskRun'] }),
    resource: { apiVersion: 'tekton.dev/v1beta1', kind: 'TaskRun', metadata: { name: 't', namespace: 'k' } },
    user: ADMIN,
    matched: true,
  },
  {
    name: 'tekton.dev/*/TaskRun matches a v1alpha1 TaskRun',
    match: res({ kinds: ['tekton.dev/*/TaskRun'] }),
    resource: { apiVersion: 'tekton.dev/v1alpha1', kind: 'TaskRun', metadata: { name: 't', namespace: 'k' } },
    user: ADMIN,
    matched: true,
  },
  { name: 'v1/Pod does not match pods/status', match: res({ kinds: ['v1/Pod'] }), resource: podIn('k'), user: ADMIN, rk: { ...POD_RK, subResource: 'status' }, matched: false },
  { name: 'v1/Pod matches pods/ephemeralcontainers (allowEphemeralContainers)', match: res({ kinds: ['v1/Pod'] }), resource: podIn('k'), user: ADMIN, rk: { ...POD_RK, subResource: 'ephemeralcontainers' }, matched: true },
  {
    name: 'postgresdb matches the lower-case kind postgresdb',
    match: res({ kinds: ['postgresdb'] }),
    resource: { apiVersion: 'acid.zalan.do/v1', kind: 'postgresdb', metadata: { name: 'x', namespace: 'k' } },
    user: ADMIN,
    matched: true,
  },
  {
    name: 'Postgresdb does not match the kind postgresdb',
    match: res({ kinds: ['Postgresdb'] }),
    resource: { apiVersion: 'acid.zalan.do/v1', kind: 'postgresdb', metadata: { name: 'x', namespace: 'k' } },
    user: ADMIN,
    matched: false,
  },
  {
    name: 'networking.k8s.io/v1/NetworkPolicy/status matches networkpolicies/status',
    match: res({ kinds: ['networking.k8s.io/v1/NetworkPolicy/status'] }),
    resource: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'k' }, spec: { podSelector: {} } },
    user: ADMIN,
    rk: { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', subResource: 'status' },
    matched: true,
  },
  { name: 'v1/Pod.status matches pods/status', match: res({ kinds: ['v1/Pod.status'] }), resource: podIn('k'), user: ADMIN, rk: { ...POD_RK, subResource: 'status' }, matched: true },
  {
    name: '*/Pod.eviction matches pods/eviction (an Eviction object)',
    match: res({ kinds: ['*/Pod.eviction'] }),
    resource: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'k' } },
    user: ADMIN,
    rk: { group: 'policy', version: 'v1', kind: 'Eviction', resource: 'pods', subResource: 'eviction', resourceGroupVersion: ['', 'v1'] },
    matched: true,
  },
  {
    name: 'v1alpha1/Pod.eviction does not match pods/eviction of a v1 Pod',
    match: res({ kinds: ['v1alpha1/Pod.eviction'] }),
    resource: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'k' } },
    user: ADMIN,
    rk: { group: 'policy', version: 'v1', kind: 'Eviction', resource: 'pods', subResource: 'eviction', resourceGroupVersion: ['', 'v1'] },
    matched: false,
  },
  { name: 'v1/Pod.status does not match the Pod itself', match: res({ kinds: ['v1/Pod.status'] }), resource: podIn('k'), user: ADMIN, matched: false },
];

describe('pkg/utils/match/kind_test.go (CheckKind)', () => {
  for (const c of kindCases) {
    test(`${c.name}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await decide(c), c.matched);
    });
  }
});

// ---- pkg/utils/match/labels_test.go (CheckSelector), annotations_test.go, name_test.go ----

const labelled = (labels: Record<string, string>, annotations?: Record<string, string>): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'foo', namespace: 'k', labels, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const twoLabels = { 'test.io/scale': 'foo', 'test.io/functional': 'bar' };
const selectorCases: { selector: Obj; labels: Record<string, string>; matched: boolean }[] = [
  { selector: {}, labels: {}, matched: true },
  { selector: {}, labels: { foo: 'bar' }, matched: true },
  { selector: { matchLabels: { 'test.io/*': 'bar' } }, labels: { foo: 'bar' }, matched: false },
  { selector: { matchLabels: { 'scale.test.io/*': 'bar' } }, labels: { foo: 'bar' }, matched: false },
  { selector: { matchLabels: { 'test.io/*': 'bar' } }, labels: twoLabels, matched: true },
  { selector: { matchLabels: { 'test.io/*': '*' } }, labels: twoLabels, matched: true },
  { selector: { matchLabels: { 'test.io/*': 'a*' } }, labels: twoLabels, matched: false },
  { selector: { matchLabels: { 'test.io/scale': 'f??' } }, labels: twoLabels, matched: true },
  { selector: { matchLabels: { '*': '*' } }, labels: twoLabels, matched: true },
  { selector: { matchLabels: { 'test.io/functional': 'foo' } }, labels: twoLabels, matched: false },
  { selector: { matchLabels: { '*': '*' } }, labels: {}, matched: false },
  // wantErr: an invalid key once the wildcard is replaced; the filter fails (not matched).
  { selector: { matchLabels: { 'abc/def/ghi': '*' } }, labels: {}, matched: false },
];

const annotationCases: { expected: Record<string, string>; actual: Record<string, string>; matched: boolean }[] = [
  { expected: {}, actual: {}, matched: true },
  { expected: { 'test/*': '*' }, actual: {}, matched: false },
  { expected: { 'test/*': '*' }, actual: { 'tes1/test': '*' }, matched: false },
  { expected: { 'test/*': '*' }, actual: { 'test/test': '*' }, matched: true },
  { expected: { 'test/*': '*' }, actual: { 'test/bar': 'foo' }, matched: true },
  { expected: { 'test/b*': '*' }, actual: { 'test/bar': 'foo' }, matched: true },
  { expected: { 'test/b*': '*', 'test2/*': '*' }, actual: { 'test/bar': 'foo' }, matched: false },
  { expected: { 'test/b*': '*', 'test2/*': '*' }, actual: { 'test/bar': 'foo', 'test2/123': 'bar' }, matched: true },
  { expected: { 'test/b*': '*', 'test2/*': '*' }, actual: { 'test/bar': 'foo', 'test2/123': 'bar', 'test3/123': 'bar2' }, matched: true },
];

const nameCases: { expected: string; actual: string; matched: boolean }[] = [
  { expected: '*', actual: 'foo', matched: true },
  { expected: 'foo', actual: 'foo', matched: true },
  { expected: 'bar', actual: 'foo', matched: false },
  { expected: 'f?o', actual: 'foo', matched: true },
];

describe('pkg/utils/match/labels_test.go (CheckSelector)', () => {
  for (const c of selectorCases) {
    test(`selector ${JSON.stringify(c.selector)} on labels ${JSON.stringify(c.labels)}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], selector: c.selector })), undefined, labelled(c.labels)), c.matched);
    });
  }
});

describe('pkg/utils/match/annotations_test.go (CheckAnnotations)', () => {
  for (const c of annotationCases) {
    test(`annotations ${JSON.stringify(c.expected)} on ${JSON.stringify(c.actual)}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], annotations: c.expected })), undefined, labelled({}, c.actual)), c.matched);
    });
  }
});

describe('pkg/utils/match/name_test.go (CheckName)', () => {
  for (const c of nameCases) {
    test(`name ${c.expected} on ${c.actual}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      const r = labelled({});
      (r.metadata as Obj).name = c.actual;
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], name: c.expected })), undefined, r), c.matched);
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], names: [c.expected] })), undefined, r), c.matched);
    });
  }
});

// ---- pkg/utils/match/subjects_test.go (CheckSubjects), with 1.10's answers ----
// 1.10 compares exactly (no wildcards: kyverno PR #8068, milestone 1.11.0) and matches a User or a Group
// subject against the user's groups and its name alike (the split came with PR #8470, milestone 1.11.0).

const SA = (name: string, namespace: string) => ({ kind: 'ServiceAccount', name, namespace });
const USER = (name: string) => ({ kind: 'User', name });
const GROUP = (name: string) => ({ kind: 'Group', name });
const subjectCases: { name: string; subjects: Obj[]; user: Requester; matched: boolean }[] = [
  { name: 'ServiceAccount exact match', subjects: [SA('default', 'kube-system')], user: { username: 'system:serviceaccount:kube-system:default' }, matched: true },
  { name: 'ServiceAccount no match - different namespace', subjects: [SA('default', 'kube-system')], user: { username: 'system:serviceaccount:default:default' }, matched: false },
  { name: 'ServiceAccount no match - different name', subjects: [SA('admin', 'kube-system')], user: { username: 'system:serviceaccount:kube-system:default' }, matched: false },
  { name: 'ServiceAccount name * is no wildcard in 1.10', subjects: [SA('*', 'kube-system')], user: { username: 'system:serviceaccount:kube-system:any-sa' }, matched: false },
  { name: 'ServiceAccount namespace kyverno* is no wildcard in 1.10', subjects: [SA('kyverno', 'kyverno*')], user: { username: 'system:serviceaccount:kyverno-system:kyverno' }, matched: false },
  { name: 'User exact match', subjects: [USER('alice')], user: { username: 'alice' }, matched: true },
  { name: 'User no match', subjects: [USER('alice')], user: { username: 'bob' }, matched: false },
  { name: 'User admin-* is no wildcard in 1.10', subjects: [USER('admin-*')], user: { username: 'admin-alice' }, matched: false },
  { name: 'User wildcard no match', subjects: [USER('admin-*')], user: { username: 'user-alice' }, matched: false },
  { name: 'Group exact match', subjects: [GROUP('system:masters')], user: { username: 'admin', groups: ['system:authenticated', 'system:masters'] }, matched: true },
  { name: 'Group no match', subjects: [GROUP('system:masters')], user: { username: 'user', groups: ['system:authenticated'] }, matched: false },
  { name: 'Group system:* is no wildcard in 1.10', subjects: [GROUP('system:*')], user: { username: 'user', groups: ['developers', 'system:authenticated'] }, matched: false },
  { name: 'Group empty groups in userInfo', subjects: [GROUP('admin')], user: { username: 'user', groups: [] }, matched: false },
  { name: 'Group nil groups in userInfo', subjects: [GROUP('admin')], user: { username: 'user' }, matched: false },
  { name: 'Multiple subjects - first matches', subjects: [USER('alice'), USER('bob')], user: { username: 'alice' }, matched: true },
  { name: 'Multiple subjects - second matches', subjects: [USER('alice'), USER('bob')], user: { username: 'bob' }, matched: true },
  { name: 'Multiple subjects - none match', subjects: [USER('alice'), USER('bob')], user: { username: 'charlie' }, matched: false },
  { name: 'Mixed types - User matches', subjects: [SA('default', 'kube-system'), USER('alice'), GROUP('admins')], user: { username: 'alice', groups: ['developers'] }, matched: true },
  { name: 'Mixed types - Group matches', subjects: [SA('default', 'kube-system'), USER('alice'), GROUP('admins')], user: { username: 'bob', groups: ['admins', 'developers'] }, matched: true },
  { name: 'Mixed types - ServiceAccount matches', subjects: [SA('kyverno', 'kyverno'), USER('alice')], user: { username: 'system:serviceaccount:kyverno:kyverno', groups: ['system:serviceaccounts'] }, matched: true },
  { name: 'Unknown subject kind is ignored', subjects: [{ kind: 'UnknownKind', name: 'test' }], user: { username: 'test' }, matched: false },
  { name: 'ServiceAccount with empty namespace', subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: '' }], user: { username: 'system:serviceaccount::default' }, matched: true },
];

describe('pkg/utils/match/subjects_test.go (CheckSubjects, 1.10 answers)', () => {
  for (const c of subjectCases) {
    test(`${c.name}: ${c.matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await admitMatched(anyOf({ resources: { kinds: ['Pod'] }, subjects: c.subjects }), undefined, podIn('k'), c.user), c.matched);
    });
  }
});

// ---- pkg/utils/wildcard/match_test.go (TestMatch), through `annotations` values ----

const wildcardCases: [pattern: string, text: string, matched: boolean][] = [
  ['*', 's3:GetObject', true],
  ['', 's3:GetObject', false],
  ['', '', true],
  ['s3:*', 's3:ListMultipartUploadParts', true],
  ['s3:ListBucketMultipartUploads', 's3:ListBucket', false],
  ['s3:ListBucket', 's3:ListBucket', true],
  ['s3:ListBucketMultipartUploads', 's3:ListBucketMultipartUploads', true],
  ['my-bucket/oo*', 'my-bucket/oo', true],
  ['my-bucket/In*', 'my-bucket/India/Karnataka/', true],
  ['my-bucket/In*', 'my-bucket/Karnataka/India/', false],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Ban/Ban/Ban/Ban/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Area1/Area2/Area3/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Bangalore', false],
  ['my-bucket/In*/Ka*/Ban*', 'my-bucket/India/Karnataka/Bangalore', true],
  ['my-bucket/*', 'my-bucket/India', true],
  ['my-bucket/oo*', 'my-bucket/odo', false],
  ['my-bucket?/abc*', 'mybucket/abc', false],
  ['my-bucket?/abc*', 'my-bucket1/abc', true],
  ['my-?-bucket/abc*', 'my--bucket/abc', false],
  ['my-?-bucket/abc*', 'my-1-bucket/abc', true],
  ['my-?-bucket/abc*', 'my-k-bucket/abc', true],
  ['my??bucket/abc*', 'mybucket/abc', false],
  ['my??bucket/abc*', 'my4abucket/abc', true],
  ['my-bucket?abc*', 'my-bucket/abc', true],
  ['my-bucket/abc?efg', 'my-bucket/abcdefg', true],
  ['my-bucket/abc?efg', 'my-bucket/abc/efg', true],
  ['my-bucket/abc????', 'my-bucket/abc', false],
  ['my-bucket/abc????', 'my-bucket/abcde', false],
  ['my-bucket/abc????', 'my-bucket/abcdefg', true],
  ['my-bucket/abc?', 'my-bucket/abc', false],
  ['my-bucket/abc?', 'my-bucket/abcd', true],
  ['my-bucket/abc?', 'my-bucket/abcde', false],
  ['my-bucket/mnop*?', 'my-bucket/mnop', false],
  ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqr', true],
  ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqrs', true],
  ['my-bucket/mnop*?', 'my-bucket/mnopq', true],
  ['my-bucket/mnop*?', 'my-bucket/mnopqr', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopqand', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopand', false],
  ['my-bucket/mnop*?', 'my-bucket/mn', false],
  ['my-bucket/mnop*??', 'my-bucket/mnopqrst', true],
  ['my-bucket/mnop*qrst', 'my-bucket/mnopabcdegqrst', true],
  ['my-bucket/mnop*?and?', 'my-bucket/mnopqanda', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopqanda', false],
  ['my-?-bucket/abc*', 'my-bucket/mnopqanda', false],
];

describe('pkg/utils/wildcard/match_test.go (Match), as annotation values', () => {
  for (const [pattern, text, matched] of wildcardCases) {
    test(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}: ${matched ? 'matched' : 'not matched'}`, async () => {
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], annotations: { a: pattern } })), undefined, labelled({}, { a: text })), matched);
    });
  }
});

// ---- labels_test.go's wantErr case, where the labels would otherwise match ----
// kyverno@v1.10.7 CheckSelector builds the selector with metav1.LabelSelectorAsSelector (after wildcard
// expansion), whose labels.NewRequirement refuses an invalid key or value, In/NotIn without values and
// Exists/DoesNotExist with values: the filter fails (a match does not match, an exclude does not exclude).
const invalidSelectorCases: { name: string; selector: Obj; labels: Record<string, string> }[] = [
  { name: 'a matchLabels key with two slashes', selector: { matchLabels: { 'abc/def/ghi': 'x' } }, labels: { 'abc/def/ghi': 'x' } },
  { name: 'a matchLabels value with a space', selector: { matchLabels: { app: 'a b' } }, labels: { app: 'a b' } },
  { name: 'a matchLabels value longer than 63 characters', selector: { matchLabels: { app: 'a'.repeat(64) } }, labels: { app: 'a'.repeat(64) } },
  { name: 'Exists with values', selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] }, labels: { app: 'x' } },
  { name: 'DoesNotExist with values', selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: ['x'] }] }, labels: {} },
  { name: 'an In value that is no label value', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a b', 'x'] }] }, labels: { app: 'x' } },
  { name: 'a matchExpressions key that is no label key', selector: { matchExpressions: [{ key: '-app', operator: 'DoesNotExist' }] }, labels: {} },
];

describe('an invalid selector selects nothing (LabelSelectorAsSelector)', () => {
  for (const c of invalidSelectorCases) {
    test(`${c.name}: the match does not match`, async () => {
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'], selector: c.selector })), undefined, labelled(c.labels)), false);
    });
    test(`${c.name}: the exclude does not exclude`, async () => {
      assert.equal(await applyMatched(anyOf(res({ kinds: ['Pod'] })), anyOf(res({ selector: c.selector })), labelled(c.labels)), true);
    });
  }
});
