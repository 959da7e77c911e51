// A context variable may hold the whole context (`jmesPath: "@"`, `[@]`, `{x: @}`).
// Kyverno stores each entry as JSON (AddContextEntry marshals the value), so such a variable is a
// snapshot of the context as it was: it holds the entries before it, never itself or the entries after.
// The loader fills one copy of the rule's context in place; a value that is (or holds) that copy must not
// see later entries, nor become a cycle (which broke printing the variable).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const review = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    requestKind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'p',
    namespace: 'team',
    operation: 'CREATE',
    userInfo: { username: 'bob', groups: ['system:authenticated'] },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
  },
};

// b is the context before it: it has a (1), not b itself nor c. The rule refuses when that holds, so
// an admitted pod or an internal error is a wrong answer.
const cases: { name: string; b: Record<string, unknown>; root: string }[] = [
  { name: 'jmesPath @', b: { jmesPath: '@' }, root: 'b' },
  { name: 'jmesPath [@]', b: { jmesPath: '[@]' }, root: 'b[0]' },
  { name: 'jmesPath {x: @}', b: { jmesPath: '{x: @}' }, root: 'b.x' },
];

for (const c of cases) {
  test(`admit: a context variable holding the context (${c.name}) is the context before it`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-context-root-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const policy = {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'root' },
      spec: {
        validationFailureAction: 'Enforce',
        rules: [
          {
            name: 'r',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            context: [
              { name: 'a', variable: { value: 1 } },
              { name: 'b', variable: c.b },
              { name: 'c', variable: { value: 2 } },
            ],
            validate: {
              message: `a={{ ${c.root}.a }} keys={{ join(',', sort(keys(${c.root}))) }}`,
              deny: { conditions: { all: [{ key: `{{ ${c.root}.a }}`, operator: 'Equals', value: 1 }, { key: `{{ contains(keys(${c.root}), 'b') || contains(keys(${c.root}), 'c') }}`, operator: 'Equals', value: false }] } },
            },
          },
        ],
      },
    };
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    writeFileSync(join(dir, 'review.json'), JSON.stringify(review));
    const out = await runCli(['admit', '--policy', join(dir, 'policy.json'), '--request', join(dir, 'review.json'), '-o', 'json']);
    const response = (JSON.parse(out.stdout) as { response: { allowed: boolean; status?: { code: number; message: string } } }).response;
    assert.equal(response.allowed, false, out.stdout);
    assert.equal(response.status?.code, 403, out.stdout);
    assert.match(response.status?.message ?? '', /r: a=1 keys=a,images,request,serviceAccountName,serviceAccountNamespace\n/);
  });
}
