// Each engine-profile difference, evaluated under both profiles (1.10 and 1.12): the switch lives in
// engine/profile.ts and is read in one place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import type { JsonObject } from '../../util/index.js';
import { loadPolicy, type Policy } from '../model/index.js';
import { admitResource, mutatePolicy } from '../mutate/index.js';
import { compilePolicy, type EngineProfile, engineProfile, evaluatePolicy, kyvernoForChart, PROFILE_1_10, PROFILE_1_12 } from './index.js';

function policy(yaml: string): Policy {
  const p = loadPolicy(parse(yaml) as unknown as KubeObject).policy;
  assert.ok(p);
  return p;
}

const pod = (spec: JsonObject, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns', labels }, spec });

const foreachNoop = policy(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: add-label}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      foreach:
      - list: request.object.spec.containers
        preconditions: {all: [{key: '{{ element.name }}', operator: Equals, value: never}]}
        patchStrategicMerge: {metadata: {labels: {x: y}}}
`);

test('foreachNoPatch: a mutate foreach that produces no patch passes under 1.10 (v1.10.7) and is skipped under 1.12', () => {
  const r = pod({ containers: [{ name: 'a', image: 'nginx' }] });
  const cases: [EngineProfile, string, string][] = [
    [PROFILE_1_10, 'pass', 'mutated Pod/p1 in namespace ns'],
    [PROFILE_1_12, 'skip', '0 elements processed'],
  ];
  for (const [profile, status, message] of cases) {
    const m = mutatePolicy(foreachNoop, r, { profile });
    assert.deepEqual([m.rules[0]?.status, m.rules[0]?.message], [status, message], profile.kyverno);
    assert.equal(m.patched, r);
  }
});

const backgroundOnly = policy(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  admission: false
  background: true
  validationFailureAction: Enforce
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: team label required
      pattern: {metadata: {labels: {team: '?*'}}}
`);

test('policyAdmissionField: spec.admission false keeps a policy out of admission under 1.12 only', () => {
  const compiled = [compilePolicy(backgroundOnly)];
  const r = pod({ containers: [{ name: 'a', image: 'nginx' }] });
  const cases: [EngineProfile, number][] = [
    [PROFILE_1_10, 1], // 1.10's CRD has no such field: the API server prunes it, the policy applies
    [PROFILE_1_12, 0],
  ];
  for (const [profile, want] of cases) {
    const out = admitResource(compiled, r, { profile });
    const failing = out.validateResults.flatMap((p) => p.rules).filter((x) => x.status === 'fail');
    assert.equal(failing.length, want, profile.kyverno);
  }
  // Background evaluation (evaluatePolicy, reports) still runs it under 1.12.
  assert.equal(evaluatePolicy(compiled[0]!, r, { profile: PROFILE_1_12 }).rules[0]?.status, 'fail');
});

const baselineLatest = policy(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: psa}
spec:
  rules:
  - name: baseline
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      podSecurity: {level: baseline, version: latest}
`);

test('psaMaxVersion: the sysctls 1.29 allow-list (net.ipv4.tcp_keepalive_time) exists only in the PSA library 1.12 bundles', () => {
  const r = pod({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] }, containers: [{ name: 'a', image: 'nginx' }] });
  const cases: [EngineProfile, string][] = [
    [PROFILE_1_10, 'fail'],
    [PROFILE_1_12, 'pass'],
  ];
  for (const [profile, want] of cases) assert.equal(evaluatePolicy(baselineLatest, r, { profile }).rules[0]?.status, want, profile.kyverno);
  // A sysctl safe in every version passes under both.
  const safe = pod({ securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '0' }] }, containers: [{ name: 'a', image: 'nginx' }] });
  for (const profile of [PROFILE_1_10, PROFILE_1_12]) assert.equal(evaluatePolicy(baselineLatest, safe, { profile }).rules[0]?.status, 'pass');
});

test('profiles: chart 3.0.x defaults to 1.10, 3.2.x to 1.12; PolicyException versions served', () => {
  assert.equal(kyvernoForChart('3.0.7'), '1.10');
  assert.equal(kyvernoForChart('3.2.5'), '1.12');
  assert.equal(engineProfile('1.12'), PROFILE_1_12);
  assert.deepEqual(PROFILE_1_10.exceptionApiVersions, ['kyverno.io/v2alpha1']);
  assert.deepEqual(PROFILE_1_12.exceptionApiVersions, ['kyverno.io/v2beta1']);
});

const teamAndTags = compilePolicy(
  policy(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: team-and-tags}
spec:
  validationFailureAction: Enforce
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: team label required
      pattern: {metadata: {labels: {team: '?*'}}}
  - name: any-team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      anyPattern: [{metadata: {labels: {team: '?*'}}}, {metadata: {labels: {owner: '?*'}}}]
  - name: no-latest
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: 'image {{ element.image }} uses latest'
      foreach:
      - list: request.object.spec.containers
        pattern: {image: '!*:latest'}
  - name: name-in-message
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: 'pod {{ request.object.metadata.name }} needs a team'
      pattern: {metadata: {labels: {team: '?*'}}}
`),
);

test('updateComparesOldObject: under 1.12 an UPDATE whose pattern result equals the old object\'s is skipped (a pass stays a pass); 1.10 answers from the new object', () => {
  const latest = { containers: [{ name: 'a', image: 'nginx:latest' }] };
  const pinned = { containers: [{ name: 'a', image: 'nginx:1.25' }] };
  const unchanged = 'skipping modified resource as validation results have not changed';
  // A foreach element is compared with itself (the old run keeps the element): its skip is passed over,
  // and a foreach with no element applied is skipped.
  const teamFail = 'validation error: team label required. rule team failed at path /metadata/labels/team/';
  const anyFail = 'validation error: rule any-team[0] failed at path /metadata/labels/team/ rule any-team[1] failed at path /metadata/labels/owner/';
  const latestFail = 'validation failure: validation error: image nginx:latest uses latest. rule no-latest failed at path /image/';
  // The message reads request.object, null in the old run: the messages differ, so the new answer stands.
  const nameFail = 'validation error: pod p1 needs a team. rule name-in-message failed at path /metadata/labels/team/';
  type Row = [string, KubeObject, KubeObject | undefined, 'CREATE' | 'UPDATE', EngineProfile, string[]];
  const cases: Row[] = [
    // An already-violating pod whose labels change.
    ['violating, label change', pod(latest, { x: 'new' }), pod(latest, { x: 'old' }), 'UPDATE', PROFILE_1_10, ['fail', teamFail, 'fail', anyFail, 'fail', latestFail, 'fail', nameFail]],
    ['violating, label change', pod(latest, { x: 'new' }), pod(latest, { x: 'old' }), 'UPDATE', PROFILE_1_12, ['skip', unchanged, 'skip', unchanged, 'skip', 'rule skipped', 'fail', nameFail]],
    // A pod that newly violates: the results differ, so the new one stands under both.
    ['newly violating', pod(latest), pod(pinned, { team: 'a' }), 'UPDATE', PROFILE_1_10, ['fail', teamFail, 'fail', anyFail, 'fail', latestFail, 'fail', nameFail]],
    // The foreach element is compared with itself, so even a newly latest image is skipped (as 1.12 does).
    ['newly violating', pod(latest), pod(pinned, { team: 'a' }), 'UPDATE', PROFILE_1_12, ['fail', teamFail, 'fail', anyFail, 'skip', 'rule skipped', 'fail', nameFail]],
    // Passing before and after: a pass stays a pass.
    ['passing', pod(pinned, { team: 'a', x: 'new' }), pod(pinned, { team: 'a' }), 'UPDATE', PROFILE_1_12, ['pass', "validation rule 'team' passed.", 'pass', "validation rule 'any-team' anyPattern[0] passed.", 'pass', 'rule passed', 'pass', "validation rule 'name-in-message' passed."]],
    // CREATE: no old object, nothing compared.
    ['create', pod(latest), undefined, 'CREATE', PROFILE_1_12, ['fail', teamFail, 'fail', anyFail, 'fail', latestFail, 'fail', nameFail]],
  ];
  for (const [name, resource, oldObject, operation, profile, want] of cases) {
    const out = evaluatePolicy(teamAndTags, resource, { profile, operation, ...(oldObject ? { oldObject } : {}) });
    assert.deepEqual(
      out.rules.flatMap((r) => [r.status, r.message]),
      want,
      `${name} (${profile.kyverno})`,
    );
  }
  // A CREATE that carries an old object: OldPolicyContext refuses it (error), as 1.12 does.
  const odd = evaluatePolicy(teamAndTags, pod(latest), { profile: PROFILE_1_12, operation: 'CREATE', oldObject: pod(latest) });
  assert.deepEqual(odd.rules[0], { policy: 'team-and-tags', rule: 'team', ruleType: 'validate', status: 'error', message: 'failed to validate old object: cannot get old policy context: cannot create old policy context' });
});

// The old run validates again with the validator's patterns as already substituted, and substitutes them
// again in the old context (validate_resource.go validate → substitutePatterns, on v.pattern which the
// first pass replaced): an escaped `\{{ }}`, a literal after the first pass, is resolved the second time.
const literalBraces = compilePolicy(
  policy(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: literal-braces}
spec:
  validationFailureAction: Enforce
  rules:
  - name: unknown
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {metadata: {annotations: {tmpl: '\\{{ nosuchvar }}'}}}
  - name: object
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {metadata: {annotations: {tmpl: '\\{{ request.object.metadata.name }}'}}}
`),
);

test('updateComparesOldObject: the old run substitutes the substituted pattern again (an escaped variable is resolved there), as 1.12 does', () => {
  const annotated = (tmpl: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns', annotations: { tmpl } }, spec: { containers: [] } });
  const unchanged = 'skipping modified resource as validation results have not changed';
  const fail = (rule: string) => `validation error: rule ${rule} failed at path /metadata/annotations/tmpl/`;
  type Row = [string, string, string, string[]];
  const cases: Row[] = [
    // `{{ nosuchvar }}` fails to resolve in the old run: an error there is not the new fail, which stands.
    // `{{ request.object.metadata.name }}` is null there: the old value fails as the new one does.
    ['violating before and after', 'x', 'y', ['fail', fail('unknown'), 'skip', unchanged]],
    // The old value equals the literal, yet the old run compares it with null: both fail, so skip.
    ['literal before, violating after', 'x', '{{ request.object.metadata.name }}', ['fail', fail('unknown'), 'skip', unchanged]],
  ];
  for (const [name, now, before, want] of cases) {
    const out = evaluatePolicy(literalBraces, annotated(now), { profile: PROFILE_1_12, operation: 'UPDATE', oldObject: annotated(before) });
    assert.deepEqual(out.rules.flatMap((r) => [r.status, r.message]), want, name);
  }
  // CREATE: the literal is compared, nothing is substituted again.
  const created = evaluatePolicy(literalBraces, annotated('{{ nosuchvar }}'), { profile: PROFILE_1_12, operation: 'CREATE' });
  assert.deepEqual(created.rules.map((r) => r.status), ['pass', 'fail']);
});
