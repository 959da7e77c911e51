import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { KubeObject } from '../../kube/index.js';
import type { MatchResources, Rule } from '../model/index.js';
import { checkKind } from './kind.js';
import { type MatchInput, matchRule, ruleMatcher } from './match.js';
import { fcParams } from '../../../test/helpers/fc.js';

const pod = (ns: string, name = 'p', labels: Record<string, string> = {}, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels, annotations },
});

function input(resource: KubeObject, extra: Partial<MatchInput> = {}): MatchInput {
  const [group, version] = resource.apiVersion.includes('/') ? resource.apiVersion.split('/') : ['', resource.apiVersion];
  return { resource, gvk: { group: group ?? '', version: version ?? '', kind: resource.kind }, subresource: '', operation: 'CREATE', namespaceLabels: {}, ...extra };
}

const kinds = (k: string[], more: object = {}): MatchResources => ({ any: [{ resources: { kinds: k, ...more } }] });

const cases: { name: string; match: MatchResources; exclude?: MatchResources; resource: KubeObject; extra?: Partial<MatchInput>; want: boolean }[] = [
  { name: 'a bare Pod kind matches a pod', match: kinds(['Pod']), resource: pod('a'), want: true },
  { name: 'a Deployment kind does not match a pod', match: kinds(['Deployment']), resource: pod('a'), want: false },
  { name: 'version/Kind matches the core group', match: kinds(['v1/Pod']), resource: pod('a'), want: true },
  { name: 'namespace wildcard *-restricted matches ray-restricted', match: kinds(['Pod'], { namespaces: ['*-restricted'] }), resource: pod('ray-restricted'), want: true },
  { name: 'namespace wildcard does not match another namespace', match: kinds(['Pod'], { namespaces: ['*-restricted'] }), resource: pod('default'), want: false },
  { name: 'names match by wildcard', match: kinds(['Pod'], { names: ['web-*'] }), resource: pod('a', 'web-1'), want: true },
  { name: 'selector with a wildcard value matches', match: kinds(['Pod'], { selector: { matchLabels: { app: 'web*' } } }), resource: pod('a', 'p', { app: 'web-x' }), want: true },
  { name: 'annotations must all match', match: kinds(['Pod'], { annotations: { a: '1', b: '2' } }), resource: pod('a', 'p', {}, { a: '1' }), want: false },
  {
    name: 'namespaceSelector reads the namespace labels',
    match: kinds(['Pod'], { namespaceSelector: { matchLabels: { tier: 'prod' } } }),
    resource: pod('a'),
    extra: { namespaceLabels: { tier: 'prod' } },
    want: true,
  },
  { name: 'operations must contain the request operation', match: kinds(['Pod'], { operations: ['UPDATE'] }), resource: pod('a'), want: false },
  { name: 'all needs every filter', match: { all: [{ resources: { kinds: ['Pod'] } }, { resources: { namespaces: ['x'] } }] }, resource: pod('a'), want: false },
  { name: 'legacy resources block matches', match: { resources: { kinds: ['Pod'] } }, resource: pod('a'), want: true },
  { name: 'an empty match matches nothing', match: { any: [{}] }, resource: pod('a'), want: false },
  { name: 'exclude any removes a resource matched by one filter', match: kinds(['Pod']), exclude: { any: [{ resources: { namespaces: ['kube-system'] } }] }, resource: pod('kube-system'), want: false },
  {
    name: 'exclude all keeps a resource unless every filter matches',
    match: kinds(['Pod']),
    exclude: { all: [{ resources: { namespaces: ['a'] } }, { resources: { names: ['other'] } }] },
    resource: pod('a'),
    want: true,
  },
  {
    name: 'user info in match is ignored without admission info',
    match: { any: [{ resources: { kinds: ['Pod'] }, clusterRoles: ['cluster-admin'] }] },
    resource: pod('a'),
    want: true,
  },
  {
    name: 'an exclude on cluster roles does not exclude without admission info',
    match: kinds(['Pod']),
    exclude: { any: [{ clusterRoles: ['cluster-admin'] }] },
    resource: pod('a'),
    want: true,
  },
  {
    name: 'an exclude on a ServiceAccount subject excludes that service account',
    match: kinds(['Pod']),
    exclude: { any: [{ subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }] }] },
    resource: pod('a'),
    extra: { requestInfo: { userInfo: { username: 'system:serviceaccount:tools:ci' } } },
    want: false,
  },
  { name: 'a namespaced Policy never matches other namespaces', match: kinds(['Pod']), resource: pod('b'), extra: { policyNamespace: 'a' }, want: false },
];

for (const c of cases) {
  test(c.name, () => {
    const rule: Pick<Rule, 'match' | 'exclude'> = { match: c.match, ...(c.exclude ? { exclude: c.exclude } : {}) };
    assert.equal(matchRule(rule, input(c.resource, c.extra)).matched, c.want);
  });
}

// kyverno@v1.10.7 pkg/utils/kube/kind.go (ParseKindSelector) and pkg/utils/match/kind.go (CheckKind).
const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOY = { group: 'apps', version: 'v1', kind: 'Deployment' };
const STS = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
const kindCases = [
  { name: 'a bare kind does not match a subresource', kinds: ['Pod'], gvk: POD, sub: 'status', want: false },
  { name: 'a bare kind matches the main resource', kinds: ['Pod'], gvk: POD, sub: '', want: true },
  { name: 'a bare Pod still matches ephemeralcontainers', kinds: ['Pod'], gvk: POD, sub: 'ephemeralcontainers', want: true },
  { name: 'the ephemeralcontainers exception is for core/v1 Pods only', kinds: ['Pod'], gvk: { group: 'example.com', version: 'v1', kind: 'Pod' }, sub: 'ephemeralcontainers', want: false },
  { name: 'Kind/subresource matches that subresource', kinds: ['Pod/exec'], gvk: POD, sub: 'exec', want: true },
  { name: 'Kind/subresource does not match the main resource', kinds: ['Pod/exec'], gvk: POD, sub: '', want: false },
  { name: 'Kind.subresource matches that subresource', kinds: ['Pod.exec'], gvk: POD, sub: 'exec', want: true },
  { name: 'Pod/ephemeralcontainers matches the subresource request', kinds: ['Pod/ephemeralcontainers'], gvk: POD, sub: 'ephemeralcontainers', want: true },
  { name: '*/ephemeralcontainers means any kind with that subresource', kinds: ['*/ephemeralcontainers'], gvk: POD, sub: 'ephemeralcontainers', want: true },
  { name: '*/ephemeralcontainers does not match the main resource', kinds: ['*/ephemeralcontainers'], gvk: POD, sub: '', want: false },
  { name: '*/scale matches a Deployment scale request', kinds: ['*/scale'], gvk: DEPLOY, sub: 'scale', want: true },
  { name: '*/scale does not match a status request', kinds: ['*/scale'], gvk: DEPLOY, sub: 'status', want: false },
  { name: 'Deployment/scale matches deployments/scale', kinds: ['Deployment/scale'], gvk: DEPLOY, sub: 'scale', want: true },
  { name: 'Deployment/scale does not match statefulsets/scale', kinds: ['Deployment/scale'], gvk: STS, sub: 'scale', want: false },
  { name: 'StatefulSet/scale matches statefulsets/scale', kinds: ['StatefulSet/scale'], gvk: STS, sub: 'scale', want: true },
  { name: 'apps/v1/Deployment/scale names group, version, kind and subresource', kinds: ['apps/v1/Deployment/scale'], gvk: DEPLOY, sub: 'scale', want: true },
  { name: 'v1/Pod/exec is version/Kind/subresource', kinds: ['v1/Pod/exec'], gvk: POD, sub: 'exec', want: true },
  { name: 'apps/v1/Deployment.scale splits the subresource off the last part', kinds: ['apps/v1/Deployment.scale'], gvk: DEPLOY, sub: 'scale', want: true },
  { name: 'v1/Pod is version/Kind', kinds: ['v1/Pod'], gvk: POD, sub: '', want: true },
  { name: 'v2/Pod checks the version', kinds: ['v2/Pod'], gvk: POD, sub: '', want: false },
  { name: '*/Pod is any version of Pod', kinds: ['*/Pod'], gvk: POD, sub: '', want: true },
  { name: '*/* matches everything, subresources too', kinds: ['*/*'], gvk: DEPLOY, sub: 'scale', want: true },
  { name: 'a bare * matches every main resource', kinds: ['*'], gvk: DEPLOY, sub: '', want: true },
  { name: 'a bare * matches no subresource (1.10)', kinds: ['*'], gvk: DEPLOY, sub: 'status', want: false },
  { name: 'a bare * still matches a Pod ephemeralcontainers request', kinds: ['*'], gvk: POD, sub: 'ephemeralcontainers', want: true },
  { name: 'wildcard kinds match', kinds: ['Stateful*'], gvk: STS, sub: '', want: true },
  { name: 'five parts match nothing', kinds: ['a/b/c/d/e'], gvk: POD, sub: '', want: false },
];
for (const c of kindCases) {
  test(`kinds ${c.kinds.join(',')}: ${c.name}`, () => {
    assert.equal(checkKind(c.kinds, c.gvk, c.sub, true), c.want);
  });
}

test('group/version/Kind checks the group', () => {
  assert.equal(checkKind(['apps/v1/Deployment'], { group: 'apps', version: 'v1', kind: 'Deployment' }, '', true), true);
  assert.equal(checkKind(['route.openshift.io/v1/Route'], { group: 'apps', version: 'v1', kind: 'Route' }, '', true), false);
});

for (const c of cases) {
  test(`the prepared matcher agrees: ${c.name}`, () => {
    const rule: Pick<Rule, 'match' | 'exclude'> = { match: c.match, ...(c.exclude ? { exclude: c.exclude } : {}) };
    assert.equal(ruleMatcher(rule)(input(c.resource, c.extra)), c.want);
  });
}

test('the prepared matcher gives matchRule\'s verdict for kind-only and other rules', () => {
  const kind = fc.constantFrom('Pod', 'Deployment', 'CronJob', 'Job', 'ConfigMap');
  // Mostly bare kinds, so that many generated rules take the prepared kind-only path.
  const entry = fc.oneof({ arbitrary: kind, weight: 4 }, { arbitrary: fc.constantFrom('*', 'Pod/status', 'Pod.exec', 'v1/Pod', 'apps/v1/Deployment', 'Po*', 'Dep?oyment', ''), weight: 1 });
  const filter = fc.record(
    { resources: fc.record({ kinds: fc.array(entry, { minLength: 1, maxLength: 3 }), namespaces: fc.constantFrom(undefined, ['a'], ['b*']) }, { requiredKeys: ['kinds'] }) },
    { requiredKeys: [] },
  );
  const match = fc.oneof(
    fc.record({ any: fc.array(filter, { maxLength: 3 }) }),
    fc.record({ all: fc.array(filter, { maxLength: 2 }) }),
    fc.record({ resources: fc.record({ kinds: fc.array(entry, { maxLength: 2 }) }) }),
  );
  const exclude = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.record({ any: fc.array(filter, { maxLength: 2 }) }), weight: 1 });
  const request = fc.record({
    kind,
    namespace: fc.constantFrom('a', 'b', 'bb'),
    subresource: fc.constantFrom('', 'status', 'ephemeralcontainers', 'exec'),
    policyNamespace: fc.constantFrom(undefined, 'a'),
  });
  fc.assert(
    fc.property(match, exclude, request, (m, e, r) => {
      const rule: Pick<Rule, 'match' | 'exclude'> = { match: m as MatchResources, ...(e ? { exclude: e as MatchResources } : {}) };
      const resource: KubeObject = { apiVersion: 'v1', kind: r.kind, metadata: { name: 'p', namespace: r.namespace } };
      const i = input(resource, { subresource: r.subresource, ...(r.policyNamespace !== undefined ? { policyNamespace: r.policyNamespace } : {}) });
      assert.equal(ruleMatcher(rule)(i), matchRule(rule, i).matched);
    }),
    fcParams(1000),
  );
});
