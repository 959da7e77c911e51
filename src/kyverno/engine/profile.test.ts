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
