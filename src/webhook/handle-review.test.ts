import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionRequest } from '../kube/index.js';
import { type AdmissionEngine, type HandleOptions, handleReview } from './handle-review.js';
import { defaultKyvernoConfig } from '../kyverno/config/index.js';
import type { PolicyVerdict } from './results.js';

const pod = (ns: string, name = 'web') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

const review = (over: Record<string, unknown> = {}, apiVersion = 'admission.k8s.io/v1') => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: {
    uid: 'abc-123',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'team-a',
    name: 'web',
    operation: 'CREATE',
    userInfo: { username: 'alice', groups: ['system:authenticated'] },
    object: pod('team-a'),
    ...over,
  },
});

/** An engine whose only policy fails every Pod not labelled `ok`. */
function fakeEngine(calls: AdmissionRequest[] = []): AdmissionEngine {
  return {
    validate(request) {
      calls.push(request);
      const ok = request.object?.metadata?.labels?.ok === 'true';
      const v: PolicyVerdict = {
        policy: { name: 'require-ok' },
        resource: { kind: 'Pod', apiVersion: 'v1', namespace: request.namespace ?? '', name: request.name ?? '' },
        rules: [{ policy: 'require-ok', rule: 'ok-label', status: ok ? 'pass' : 'fail', message: ok ? 'rule passed' : 'label ok is required' }],
        action: 'Enforce',
        failurePolicy: 'Fail',
      };
      return { results: [v], overrides: new Map() };
    },
  };
}

const throwing: AdmissionEngine = {
  validate() {
    throw new Error('kaboom');
  },
};

const enforce: HandleOptions = { mode: 'enforce', config: defaultKyvernoConfig() };

interface Case {
  name: string;
  body: unknown;
  engine?: AdmissionEngine | undefined;
  opts?: HandleOptions;
  want: { invalid?: RegExp; allowed?: boolean; apiVersion?: string; code?: number; message?: RegExp; skipped?: string; warning?: RegExp | null };
}

const cases: Case[] = [
  { name: 'a non-object body is invalid', body: 'x', want: { invalid: /not a JSON object/ } },
  { name: 'a wrong kind is invalid', body: { ...review(), kind: 'Pod' }, want: { invalid: /kind must be AdmissionReview/ } },
  { name: 'a wrong apiVersion is invalid', body: review({}, 'admission.k8s.io/v2'), want: { invalid: /apiVersion must be one of/ } },
  { name: 'a review without request is invalid', body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, want: { invalid: /request is missing/ } },
  { name: 'a request without uid is invalid', body: review({ uid: '' }), want: { invalid: /uid/ } },
  { name: 'an unknown operation is invalid', body: review({ operation: 'PATCH' }), want: { invalid: /operation/ } },
  { name: 'a non-object object is invalid', body: review({ object: [1] }), want: { invalid: /request.object/ } },
  { name: 'a failing Pod is denied in the v1 envelope', body: review(), want: { allowed: false, apiVersion: 'admission.k8s.io/v1', code: 403, message: /Pod\/team-a\/web was blocked/ } },
  { name: 'a v1beta1 review is answered in v1beta1', body: review({}, 'admission.k8s.io/v1beta1'), want: { allowed: false, apiVersion: 'admission.k8s.io/v1beta1' } },
  { name: 'a passing Pod is allowed', body: review({ object: { ...pod('team-a'), metadata: { name: 'web', namespace: 'team-a', labels: { ok: 'true' } } } }), want: { allowed: true } },
  { name: 'kube-system is never shown to the engine', body: review({ namespace: 'kube-system', object: pod('kube-system') }), want: { allowed: true, skipped: 'filtered' } },
  { name: 'ReplicaSets are never shown to the engine', body: review({ kind: { group: 'apps', version: 'v1', kind: 'ReplicaSet' } }), want: { allowed: true, skipped: 'filtered' } },
  { name: 'requests from system:nodes are skipped', body: review({ userInfo: { username: 'system:node:n1', groups: ['system:nodes'] } }), want: { allowed: true, skipped: 'excluded-requester' } },
  { name: 'enforce mode denies while policies are not loaded', body: review(), engine: undefined, want: { allowed: false, code: 500, message: /not loaded yet/, skipped: 'not-ready' } },
  { name: 'shadow mode allows while policies are not loaded', body: review(), engine: undefined, opts: { mode: 'shadow' }, want: { allowed: true, warning: null } },
  // Session 5 CLI probe: the fail-open endpoints denied while the policies were not loaded, and audit mode
  // allowed without a word. Each follows its webhook's failurePolicy, as a budget overrun does.
  { name: 'enforce /mutate allows with a warning while policies are not loaded (failurePolicy Ignore)', body: review(), engine: undefined, opts: { ...enforce, endpoint: 'mutate' }, want: { allowed: true, warning: /not loaded yet/, skipped: 'not-ready' } },
  { name: 'enforce /validate/ignore allows with a warning while policies are not loaded', body: review(), engine: undefined, opts: { ...enforce, endpoint: 'validate-ignore' }, want: { allowed: true, warning: /not loaded yet/ } },
  { name: 'enforce /validate/fail denies while policies are not loaded', body: review(), engine: undefined, opts: { ...enforce, endpoint: 'validate-fail' }, want: { allowed: false, code: 500, message: /not loaded yet/ } },
  { name: 'audit mode allows with a warning while policies are not loaded', body: review(), engine: undefined, opts: { mode: 'audit' }, want: { allowed: true, warning: /not loaded yet/ } },
  { name: 'an engine crash fails closed in enforce mode', body: review(), engine: throwing, want: { allowed: false, code: 500, message: /internal error.*kaboom/ } },
  { name: 'an engine crash allows in shadow mode', body: review(), engine: throwing, opts: { mode: 'shadow' }, want: { allowed: true } },
  { name: 'mutate answers allowed when the engine has no mutate rules', body: review(), opts: { mode: 'enforce', endpoint: 'mutate' }, want: { allowed: true } },
  { name: 'the ignore webhook does not see Fail policies', body: review(), opts: { mode: 'enforce', endpoint: 'validate-ignore' }, want: { allowed: true } },
];

for (const c of cases) {
  test(c.name, () => {
    const engine = 'engine' in c ? c.engine : fakeEngine();
    const got = handleReview(c.body, engine, c.opts ?? enforce);
    if (c.want.invalid) {
      assert.equal(got.kind, 'invalid');
      if (got.kind === 'invalid') assert.match(got.reason, c.want.invalid);
      return;
    }
    assert.equal(got.kind, 'review');
    if (got.kind !== 'review') return;
    const r = got.review.response!;
    assert.equal(r.uid, 'abc-123');
    if (c.want.allowed !== undefined) assert.equal(r.allowed, c.want.allowed);
    if (c.want.apiVersion) assert.equal(got.review.apiVersion, c.want.apiVersion);
    if (c.want.code) assert.equal(r.status?.code, c.want.code);
    if (c.want.message) assert.match(r.status?.message ?? '', c.want.message);
    if (c.want.skipped) assert.equal(got.skipped, c.want.skipped);
    if (c.want.warning === null) assert.deepEqual(r.warnings ?? [], []);
    else if (c.want.warning) assert.match((r.warnings ?? []).join('\n'), c.want.warning);
    if (r.allowed) assert.equal(r.status, undefined);
  });
}

test('filtered requests never reach the engine', () => {
  const calls: AdmissionRequest[] = [];
  handleReview(review({ namespace: 'kube-public' }), fakeEngine(calls), enforce);
  assert.equal(calls.length, 0);
});

test('a patch from the engine is sent base64-encoded as JSONPatch', () => {
  const engine: AdmissionEngine = { ...fakeEngine(), mutate: () => [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }] };
  const got = handleReview(review(), engine, { mode: 'enforce', endpoint: 'mutate' });
  assert.equal(got.kind, 'review');
  if (got.kind !== 'review') return;
  assert.equal(got.review.response?.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(got.review.response?.patch ?? '', 'base64').toString()), [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }]);
});

test('shadow mode never asks the engine for a patch nor sends one', () => {
  let asked = 0;
  const engine: AdmissionEngine = {
    ...fakeEngine(),
    mutate: () => {
      asked++;
      return [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }];
    },
  };
  const got = handleReview(review(), engine, { mode: 'shadow', endpoint: 'mutate' });
  assert.equal(got.kind, 'review');
  if (got.kind !== 'review') return;
  assert.equal(asked, 0);
  assert.equal(got.review.response?.patch, undefined);
  assert.equal(got.review.response?.patchType, undefined);
});

// The API server calls /mutate before the validating webhooks, so /validate applies the mutations itself only
// where no patch was applied: shadow mode (its /mutate patches nothing), or when the caller says so (admit).
const applyMutationCases: { mode: HandleOptions['mode']; applyMutations?: boolean; want: boolean }[] = [
  { mode: 'enforce', want: false },
  { mode: 'audit', want: false },
  { mode: 'shadow', want: true },
  { mode: 'enforce', applyMutations: true, want: true },
  { mode: 'shadow', applyMutations: false, want: false },
];

for (const c of applyMutationCases) {
  test(`/validate in ${c.mode} mode${c.applyMutations === undefined ? '' : ` with applyMutations: ${c.applyMutations}`} ${c.want ? 'applies' : 'does not apply'} the mutations first`, () => {
    const seen: (boolean | undefined)[] = [];
    const engine: AdmissionEngine = {
      validate(request, failurePolicy, options) {
        seen.push(options?.applyMutations);
        return fakeEngine().validate(request, failurePolicy);
      },
    };
    for (const endpoint of ['validate', 'validate-fail', 'validate-ignore'] as const) {
      handleReview(review(), engine, { mode: c.mode, endpoint, ...(c.applyMutations === undefined ? {} : { applyMutations: c.applyMutations }) });
    }
    assert.deepEqual(seen, [c.want, c.want, c.want]);
  });
}
