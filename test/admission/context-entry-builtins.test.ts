// A rule context entry named like a built-in variable (or under one: `request.x`) would shadow the request,
// `images` or the service account. Kyverno's policy validation (validateRuleContext, v1.10.7 and v1.12.5)
// refuses such a policy, so it never decides anything; podgate refuses it as an invalid policy too.
// A foreach's own context is not checked by Kyverno (a foreach `element` entry replaces the element).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-context-builtins-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const REVIEW = write(
  'review.json',
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'team-a', name: 'web', operation: 'CREATE', userInfo: { username: 'alice' }, object: pod },
  }),
);
const RESOURCE = write('pod.json', JSON.stringify(pod));

describe('a rule context entry named like a built-in variable makes the policy invalid', () => {
  const shadow = (name: string) =>
    write(
      `policies/shadow-${name}.yaml`,
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: shadow}
spec:
  validationFailureAction: Enforce
  rules:
  - name: team-label
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - {name: ok, variable: {value: 1}}
    - name: ${name}
      variable: {value: {object: {metadata: {labels: {team: a}}}}}
    validate:
      message: a team label is required
      pattern: {metadata: {labels: {team: "?*"}}}
`,
    );
  const cases = [
    { name: 'request', builtin: 'request' },
    { name: 'request.object', builtin: 'request' },
    { name: 'images', builtin: 'images' },
    { name: 'element', builtin: 'element' },
    { name: 'elementIndex', builtin: 'elementIndex' },
    { name: 'serviceAccountName', builtin: 'serviceAccountName' },
    { name: 'serviceAccountNamespace', builtin: 'serviceAccountNamespace' },
  ];
  for (const c of cases) {
    test(`apply: an entry named ${c.name} is an input error naming the field`, async () => {
      const r = await runCli(['apply', shadow(c.name), '--resource', RESOURCE]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`shadow-${c.name.replace('.', '\\.')}\\.yaml:\\d+: document 1: .*spec\\.rules\\[0\\]\\.context\\[1\\]\\.name: Invalid value: "${c.name.replace('.', '\\.')}": entry name ${c.name.replace('.', '\\.')} is invalid as it conflicts with a pre-defined variable ${c.builtin}\\n`));
    });
  }
  test('admit: the same policy is refused, not run', async () => {
    const r = await runCli(['admit', '--policy', shadow('request'), '--request', REVIEW]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /entry name request is invalid as it conflicts with a pre-defined variable request/);
  });
  test('names that only start with a built-in (requests, imagesList) are ordinary', async () => {
    for (const name of ['requests', 'imagesList']) {
      const r = await runCli(['-o', 'json', 'apply', shadow(name), '--resource', RESOURCE]);
      const out = JSON.parse(r.stdout) as { results: { rules: { status: string }[] }[] };
      assert.deepEqual(out.results[0]?.rules.map((x) => x.status), ['fail'], r.stderr);
    }
  });
});
