// Webhook decoding on hostile input. Issue 13 point 4: `userInfo.groups` as a string (and other
// wrong types) gets an AdmissionReview error answer over HTTPS, not a bare HTTP 500. Properties
// (fixed seed, test/helpers/fc.ts): any body gives a 200 AdmissionReview echoing the uid or a 400,
// never an exception; the envelope the main thread peeks at agrees with a full parse.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultKyvernoConfig } from '../../src/kyverno/config/index.js';
import { evaluateReview, peekEnvelope, type WebhookServer } from '../../src/webhook/index.js';
import { fcParams } from '../helpers/fc.js';
import { fakeEngine } from './fake-engine.js';
import { call, podReview, startKyvernoServer } from './helpers.js';

interface Reply {
  response: { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[] };
}

const withUser = (userInfo: unknown) => {
  const r = podReview({ uid: 'bad-user', labels: { ok: 'true', team: 'x' } });
  (r.request as Record<string, unknown>).userInfo = userInfo;
  return JSON.stringify(r);
};

describe('ill-typed reviews over HTTPS', () => {
  let server: WebhookServer;
  before(async () => {
    // With serve's default filters (excludeGroups), as the observation was made.
    server = await startKyvernoServer('enforce', [new URL('../../src/webhook/testdata/disallow-host-path.yaml', import.meta.url).pathname], { config: defaultKyvernoConfig() });
  });
  after(() => server.close(1000));

  const cases = [
    { name: 'userInfo.groups as a string', userInfo: { username: 'alice', groups: 'system:masters' }, reason: 'request.userInfo.groups must be an array of strings' },
    { name: 'userInfo.groups with a number', userInfo: { username: 'alice', groups: ['a', 1] }, reason: 'request.userInfo.groups must be an array of strings' },
    { name: 'userInfo.username as a number', userInfo: { username: 7 }, reason: 'request.userInfo.username must be a string' },
    { name: 'userInfo.extra values not lists', userInfo: { username: 'alice', extra: { scopes: 'x' } }, reason: 'request.userInfo.extra["scopes"] must be an array of strings' },
    { name: 'userInfo as a list', userInfo: ['alice'], reason: 'request.userInfo must be an object' },
  ];
  for (const c of cases) {
    test(`${c.name}: the Fail webhook answers an AdmissionReview denial (code 400) naming the field`, async () => {
      const a = await call(server.port, '/validate/fail', withUser(c.userInfo));
      assert.equal(a.status, 200, a.body);
      const r = (a.json() as Reply).response;
      assert.equal(r.uid, 'bad-user');
      assert.equal(r.allowed, false);
      assert.equal(r.status?.code, 400);
      assert.equal(r.status?.message, `podgate: invalid AdmissionReview: ${c.reason}`);
    });
  }

  test('on the Ignore webhook the same review is allowed with the problem as a warning', async () => {
    const a = await call(server.port, '/validate/ignore', withUser({ groups: 'system:masters' }));
    const r = (a.json() as Reply).response;
    assert.equal(r.allowed, true);
    assert.deepEqual(r.warnings, ['podgate: invalid AdmissionReview: request.userInfo.groups must be an array of strings']);
  });

  test('a review without a readable uid is still an HTTP 400 with the reason', async () => {
    const a = await call(server.port, '/validate', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 5 } }));
    assert.equal(a.status, 400);
    assert.match(a.body, /request\.uid must be a string, found a number/);
    const missing = await call(server.port, '/validate', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }));
    assert.equal(missing.status, 400);
    assert.match(missing.body, /request\.uid is missing/);
  });
});

// Bodies close to real reviews, with any field replaced by any JSON value.
const anyValue = fc.jsonValue({ maxDepth: 3 });
const userInfo = fc.oneof(
  anyValue,
  fc.record({ username: fc.oneof(fc.string(), anyValue), groups: fc.oneof(fc.array(fc.string()), fc.string(), anyValue), extra: fc.oneof(fc.dictionary(fc.string(), fc.array(fc.string())), anyValue) }, { requiredKeys: [] }),
);
const request = fc.record(
  {
    uid: fc.oneof(fc.string({ minLength: 1 }), anyValue),
    kind: fc.oneof(fc.constant({ group: '', version: 'v1', kind: 'Pod' }), anyValue),
    resource: fc.constant({ group: '', version: 'v1', resource: 'pods' }),
    namespace: fc.oneof(fc.string(), anyValue),
    name: fc.oneof(fc.string(), anyValue),
    operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'), anyValue),
    userInfo,
    object: fc.oneof(fc.constant({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { ok: 'true' } }, spec: { containers: [] } }), anyValue),
    oldObject: anyValue,
    dryRun: fc.oneof(fc.boolean(), anyValue),
  },
  { requiredKeys: [] },
);
const review = fc.record({ apiVersion: fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1', 'v1'), kind: fc.constantFrom('AdmissionReview', 'Pod'), request }, { requiredKeys: ['request'] });
const body = fc.oneof(review.map((r) => JSON.stringify(r)), fc.json(), fc.string());

describe('decoding properties', () => {
  const engine = fakeEngine();
  test('any body: a 200 AdmissionReview echoing request.uid, or a 400 with a reason; never an exception', () => {
    fc.assert(
      fc.property(body, fc.constantFrom('validate', 'validate-fail', 'validate-ignore', 'mutate' as const), fc.constantFrom('enforce', 'audit', 'shadow' as const), (text, endpoint, mode) => {
        const out = evaluateReview(Buffer.from(text), engine, { mode, endpoint });
        const answer = JSON.parse(out.body) as { error?: string; response?: { uid: string; allowed: boolean } };
        if (out.status === 400) {
          assert.equal(typeof answer.error, 'string');
          return;
        }
        const parsed = JSON.parse(text) as { request: { uid: string } };
        assert.equal(answer.response?.uid, parsed.request.uid);
        if (mode === 'shadow') assert.equal(answer.response?.allowed, true);
      }),
      fcParams(400),
    );
  });

  test('the envelope peeked from the head of a body agrees with a full parse', () => {
    fc.assert(
      fc.property(body, (text) => {
        const peeked = peekEnvelope(Buffer.from(text));
        if (!peeked) return;
        const parsed = JSON.parse(text) as { apiVersion: string; request: { uid: string } };
        assert.equal(peeked.apiVersion, parsed.apiVersion);
        assert.equal(peeked.uid, parsed.request.uid);
      }),
      fcParams(400),
    );
  });

  test('a review as the API server writes it is always peeked', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'), (uid, apiVersion) => {
        const r = podReview({ uid, apiVersion });
        const text = JSON.stringify({ kind: r.kind, apiVersion: r.apiVersion, request: r.request });
        assert.deepEqual(peekEnvelope(Buffer.from(text)), { apiVersion, uid });
      }),
      fcParams(200),
    );
  });
});

// Session 5 webhook probe: a key given twice in the envelope takes its last value, as Go's decoding (and
// JSON.parse) does. (A repeat past the peeked head cannot be seen: the answer's uid then differs from the
// review's, which the API server treats as a failed call and answers with the webhook's failurePolicy, the
// verdict podgate gives without one anyway.)
describe('peekEnvelope takes the last of a repeated key', () => {
  const cases: { name: string; text: string; want: { apiVersion: string; uid: string } }[] = [
    { name: 'a repeated request', text: '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"U-FIRST"},"request":{"uid":"U-SECOND"}}', want: { apiVersion: 'admission.k8s.io/v1', uid: 'U-SECOND' } },
    { name: 'a repeated apiVersion', text: '{"apiVersion":"admission.k8s.io/v1beta1","request":{"uid":"u"},"apiVersion":"admission.k8s.io/v1"}', want: { apiVersion: 'admission.k8s.io/v1', uid: 'u' } },
    { name: 'a repeated uid', text: '{"apiVersion":"admission.k8s.io/v1","request":{"uid":"a","uid":"b"}}', want: { apiVersion: 'admission.k8s.io/v1', uid: 'b' } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(peekEnvelope(Buffer.from(c.text)), c.want);
      const parsed = JSON.parse(c.text) as { apiVersion: string; request: { uid: string } };
      assert.deepEqual(c.want, { apiVersion: parsed.apiVersion, uid: parsed.request.uid });
    });
  }
});
