// Issue 13 observation 1: data keys `__proto__`, `constructor`, `prototype` are ordinary keys (as in Go), on the
// user's path (`podgate admit`) and in the engine. A patchesJson6902 path built from an annotation used to walk
// `__proto__` in the "ensure path exists" step, set Object.prototype.subresource, and turn enforce into allow-all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadContext } from '../../src/kyverno/engine/index.js';
import { compilePolicy, mutatePolicy } from '../../src/kyverno/index.js';
import { type JsonObject, setOwn } from '../../src/util/index.js';
import { loadPolicyFiles } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';
import { call, startKyvernoServer } from '../webhook/helpers.js';
import { assertPrototypesClean } from '../helpers/prototypes.js';

const policyFile = new URL('./testdata/team-label-json6902.yaml', import.meta.url).pathname;

function review(team: string) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'proto-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'mallory' },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'evil', namespace: 'default', annotations: { 'example.com/team': team } },
        spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
      },
    },
  };
}

const annotations = ['x/__proto__/subresource/y', 'x/constructor/prototype/subresource/y', '__proto__/subresource', 'x/__proto__/__proto__/polluted', 'x/toString/y'];

for (const team of annotations) {
  test(`podgate admit still denies a privileged pod whose annotation is ${team} (issue 13 obs. 1)`, async () => {
    const r = await runCli(['admit', '--policy', policyFile, '--request', '-'], { stdin: JSON.stringify(review(team)) });
    assertPrototypesClean();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { response: { allowed: boolean; status: { message: string } } };
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status.message, /Privileged mode is disallowed/);
    // A second, ordinary privileged pod is denied too (nothing leaked into later requests).
    const again = await runCli(['admit', '--policy', policyFile, '--request', '-'], { stdin: JSON.stringify(review('platform')) });
    assert.equal((JSON.parse(again.stdout) as { response: { allowed: boolean } }).response.allowed, false);
    assertPrototypesClean();
  });
}

test('the JSON6902 add creates "__proto__" as an ordinary label map key, as Kyverno does (issue 13 obs. 1)', () => {
  const loaded = loadPolicyFiles([policyFile]);
  assert.ok(loaded.ok);
  const r = mutatePolicy(compilePolicy(loaded.policies[0]!), review('x/__proto__/subresource/y').request.object as never, {
    operation: 'CREATE',
    namespaceLabels: {},
  });
  assertPrototypesClean();
  assert.equal(r.rules[0]?.status, 'pass', r.rules[0]?.message);
  const labels = (r.patched.metadata as { labels: Record<string, unknown> }).labels;
  assert.equal(JSON.stringify(labels), '{"team-x":{"__proto__":{"subresource":{"y":"yes"}}}}');
  assert.ok(Object.hasOwn(labels['team-x'] as object, '__proto__'));
  assert.equal(Object.getPrototypeOf(labels['team-x']), Object.prototype);
});

// Hand-made reviews (session 5 webhook probe): `__proto__` as a key of request.userInfo set the copy's
// prototype, so `groups: [system:nodes]` was inherited and the requester excluded; a request.resource group
// `__proto__` found `constructor` on Object.prototype in the kind table, so the pod was matched as kind
// `Object`. Both admitted a privileged pod under Enforce. Go decodes `__proto__` as an unknown field.
const hostileWrappers: { name: string; edit: (review: string) => string }[] = [
  { name: 'userInfo with a __proto__ key', edit: (t) => t.replace('"username":"mallory"', '"username":"mallory","__proto__":{"groups":["system:nodes"]}') },
  { name: 'userInfo with a constructor key', edit: (t) => t.replace('"username":"mallory"', '"username":"mallory","constructor":{"groups":["system:nodes"]}') },
  {
    name: 'a request.resource group __proto__, resource constructor, subresource ephemeralcontainers',
    edit: (t) => t.replace('"resource":{"group":"","version":"v1","resource":"pods"}', '"resource":{"group":"__proto__","version":"v1","resource":"constructor"},"subResource":"ephemeralcontainers"'),
  },
  {
    name: 'a request.resource of pods/toString with subresource ephemeralcontainers',
    edit: (t) => t.replace('"resource":"pods"}', '"resource":"toString"},"subResource":"ephemeralcontainers"'),
  },
];

for (const w of hostileWrappers) {
  test(`podgate admit and serve deny a privileged pod wrapped in ${w.name}`, async () => {
    const text = w.edit(JSON.stringify(review('platform')));
    assert.notEqual(text, JSON.stringify(review('platform')), 'the edit applies');
    const r = await runCli(['admit', '--policy', policyFile, '--request', '-'], { stdin: text });
    assertPrototypesClean();
    const out = JSON.parse(r.stdout) as { response: { allowed: boolean } };
    assert.equal(out.response.allowed, false, r.stdout);
    const server = await startKyvernoServer('enforce', [policyFile]);
    try {
      const a = await call(server.port, '/validate', text);
      assert.equal(a.status, 200, a.body);
      assert.equal((a.json() as { response: { allowed: boolean } }).response.allowed, false, a.body);
    } finally {
      await server.close();
    }
    assertPrototypesClean();
  });
}

// Session 8: context entries are now added to one copy of the rule's context, made on the first entry. A
// context already holding a `__proto__` variable (a values file's key) must be copied as data: Object.assign
// would make the copy's prototype that value, and the variable would disappear from JMESPath's own keys.
test('context entries added to a context holding a __proto__ variable keep it an own key', () => {
  const data: JsonObject = { request: { operation: 'CREATE' } };
  setOwn(data, '__proto__', { polluted: true });
  const r = loadContext(data, { entries: [{ name: 'x', variable: { value: 1 } }, { name: 'y', variable: { jmesPath: 'x' } }], isDelete: false });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.ok(Object.hasOwn(r.data, '__proto__'));
  assert.equal(Object.getPrototypeOf(r.data), Object.prototype);
  assert.deepEqual(Object.keys(r.data), ['request', '__proto__', 'x', 'y']);
  assert.equal(r.data.y, 1);
  assert.ok(!Object.hasOwn(data, 'x'), 'the context handed in is not changed');
  assertPrototypesClean();
});
