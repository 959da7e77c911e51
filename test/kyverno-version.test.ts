// `--kyverno-version 1.10|1.12` on the user's path: every command that evaluates policies takes it,
// with the chart's Kyverno as the default, and the answer follows the chosen version.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPolicySet } from '../src/webhook/index.js';
import { PROFILE_1_12 } from '../src/kyverno/index.js';
import { runCli } from './helpers/cli.js';

const profiles = new URL('../src/kyverno-test/testdata-profiles/', import.meta.url).pathname;
const sample = new URL('../examples/bcm-9.2-k8s-1.24/', import.meta.url).pathname;

const backgroundOnly = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  admission: false
  validationFailureAction: Enforce
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: team label required
      pattern: {metadata: {labels: {team: '?*'}}}
`;
const review = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'default',
    operation: 'CREATE',
    userInfo: { username: 'ray', groups: ['system:authenticated'] },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
};

test('admit: spec.admission false is obeyed with --kyverno-version 1.12 only; serve builds its engine with the same profile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, backgroundOnly);
    const args = ['admit', '--policy', policy, '--request', '-'];
    // Kyverno 1.10.7's CRD has no spec.admission: strict validation refuses it; pruned (warn), the policy applies.
    const strict110 = await runCli(args, { stdin: JSON.stringify(review) });
    assert.equal(strict110.code, 2, strict110.stderr);
    assert.match(strict110.stderr, /spec\.admission: unknown field "admission"/);
    const v110 = await runCli([...args, '--validate=warn'], { stdin: JSON.stringify(review) });
    assert.equal(v110.code, 1, v110.stderr);
    assert.equal(JSON.parse(v110.stdout).response.allowed, false);
    const v112 = await runCli([...args, '--kyverno-version', '1.12'], { stdin: JSON.stringify(review) });
    assert.equal(v112.code, 0, v112.stderr);
    assert.equal(JSON.parse(v112.stdout).response.allowed, true);
    // serve: the policy set the server answers with.
    const set = await buildPolicySet({ policies: [policy], profile: PROFILE_1_12 });
    assert.equal(set.engine.validate(review.request as never).results.length, 0);
    const set110 = await buildPolicySet({ policies: [policy], validation: { validate: 'warn' } });
    assert.equal(set110.engine.validate(review.request as never).results.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// An escaped variable is a literal after the first substitution; 1.12's old run substitutes the pattern
// again (validate_resource.go validateOldObject → validate → substitutePatterns), so there it resolves.
const literalBraces = (rule: string, expr: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: literal-braces}
spec:
  validationFailureAction: Enforce
  rules:
  - name: ${rule}
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {metadata: {annotations: {tmpl: '\\{{ ${expr} }}'}}}
`;

test('admit --kyverno-version 1.12: an UPDATE compares with the old object after substituting the pattern again, as 1.12 does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, literalBraces('unknown', 'nosuchvar'));
    const object = join(dir, 'object.yaml');
    writeFileSync(object, literalBraces('object', 'request.object.metadata.name'));
    const podWith = (tmpl: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', annotations: { tmpl } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    const update = (now: string, before: string) => JSON.stringify({ ...review, request: { ...review.request, operation: 'UPDATE', object: podWith(now), oldObject: podWith(before) } });
    const cases: [string, string, string, number][] = [
      // The old run cannot resolve nosuchvar (an error, not the new fail): the new fail stands.
      ['violating before and after, unresolvable in the old run', unknown, update('x', 'y'), 1],
      // request.object is null in the old run: the old value fails as the new one does (skip).
      ['literal before, violating after, null in the old run', object, update('x', '{{ request.object.metadata.name }}'), 0],
    ];
    for (const [name, policy, stdin, code] of cases) {
      const out = await runCli(['admit', '--policy', policy, '--request', '-', '--kyverno-version', '1.12'], { stdin });
      assert.equal(out.code, code, `${name}: ${out.stdout} ${out.stderr}`);
      const response = JSON.parse(out.stdout).response;
      assert.equal(response.allowed, code === 0, name);
      if (code === 1) assert.match(response.status.message, /rule unknown failed at path \/metadata\/annotations\/tmpl\//, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test and apply: the 1.12 CLI chains policies; 1.10 starts each from the given resource', async () => {
  const t110 = await runCli(['test', join(profiles, 'chain')]);
  assert.equal(t110.code, 1, t110.stdout);
  const t112 = await runCli(['test', join(profiles, 'chain'), '--kyverno-version', '1.12']);
  assert.equal(t112.code, 0, t112.stdout);
  const apply = (v: string) => runCli(['-o', 'json', 'apply', join(profiles, 'chain', 'policies.yaml'), '-r', join(profiles, 'chain', 'resources.yaml'), '--kyverno-version', v]);
  const status = async (v: string) => (JSON.parse((await apply(v)).stdout) as { results: { policy: { name: string }; rules: { status: string }[] }[] }).results.find((r) => r.policy.name === 'require-team')!.rules[0]!.status;
  assert.equal(await status('1.10'), 'fail');
  assert.equal(await status('1.12'), 'pass');
});

test('migrate audit takes --kyverno-version; an unknown version is a usage error (exit 2)', async () => {
  const ok = await runCli(['-o', 'json', 'migrate', 'audit', '--cluster', sample, '--kyverno-version', '1.12']);
  assert.ok(ok.code === 0 || ok.code === 1, ok.stderr);
  for (const cmd of [['migrate', 'audit', '--cluster', sample], ['test', profiles], ['apply', profiles, '-r', profiles], ['migrate', 'diff', '--cluster', sample]]) {
    const bad = await runCli([...cmd, '--kyverno-version', '1.11']);
    assert.equal(bad.code, 2, `${cmd.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, /1\.10, 1\.12/);
  }
});

// `'!0s'` against 0: Kyverno 1.10 ORs the duration, quantity and string comparisons (0 == 0s as
// durations, but "0" != "0s" as strings: pass); 1.12 stops at the first comparison that parses (the
// durations are equal: fail). kyverno pkg/engine/pattern/pattern.go validateString.
const gracePeriod = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-grace-period}
spec:
  validationFailureAction: Enforce
  rules:
  - name: grace-period
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: pods must keep a termination grace period
      pattern: {spec: {=(terminationGracePeriodSeconds): '!0s'}}
`;

test('apply: a string pattern whose duration comparison fails passes on its string comparison with 1.10 only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, gracePeriod);
    const pod = join(dir, 'pod.yaml');
    writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: fast, namespace: default}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: nginx}]\n');
    const status = async (v: string) => {
      const r = await runCli(['-o', 'json', 'apply', policy, '-r', pod, '--kyverno-version', v]);
      return (JSON.parse(r.stdout) as { results: { rules: { status: string }[] }[] }).results[0]!.rules[0]!.status;
    };
    assert.equal(await status('1.10'), 'pass');
    assert.equal(await status('1.12'), 'fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate upgrade: a workload the string-pattern order of Kyverno 1.12 newly denies is attributed to the engine (exit 1)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, gracePeriod);
    const r = await runCli(['-o', 'json', 'migrate', 'upgrade', '--kubernetes', '1.26', '--cluster', sample, '--policy', policy, '--out-dir', join(dir, 'out')]);
    assert.equal(r.code, 1, r.stderr);
    const up = JSON.parse(r.stdout) as { changes: { kind: string; namespace: string; name: string; before: string; after: string; causes: string[]; added: string[] }[] };
    // metallb's speaker has terminationGracePeriodSeconds: 0.
    const speaker = up.changes.find((c) => c.namespace === 'metallb-system' && c.kind === 'DaemonSet');
    assert.ok(speaker, JSON.stringify(up.changes, null, 2));
    assert.equal(speaker.after, 'denied');
    assert.deepEqual(speaker.causes, ['engine']);
    assert.ok(speaker.added.some((f) => f.startsWith('require-grace-period/autogen-grace-period')), speaker.added.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test: values-file keys with quoted dotted segments are read as the 1.12 CLI reads them; a stray quote is an error naming file and key (1.12 only)', async () => {
  const t110 = await runCli(['test', join(profiles, 'quoted-values')]);
  assert.equal(t110.code, 1, t110.stdout);
  const t112 = await runCli(['test', join(profiles, 'quoted-values'), '--kyverno-version', '1.12']);
  assert.equal(t112.code, 0, t112.stdout + t112.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    for (const f of ['kyverno-test.yaml', 'policy.yaml', 'resources.yaml']) writeFileSync(join(dir, f), readFileSync(join(profiles, 'quoted-values', f)));
    writeFileSync(join(dir, 'values.yaml'), 'globalValues:\n  request.object.metadata.annotations.example"com/team: payments\n');
    const bad = await runCli(['test', dir, '--kyverno-version', '1.12']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /values\.yaml: globalValues: key "request\.object\.metadata\.annotations\.example\\"com\/team": a quote inside an unquoted segment/);
    const apply = await runCli(['apply', join(dir, 'policy.yaml'), '-r', join(dir, 'resources.yaml'), '--values', join(dir, 'values.yaml'), '--kyverno-version', '1.12']);
    assert.equal(apply.code, 2, apply.stderr);
    assert.match(apply.stderr, /--values .*values\.yaml:\n {2}globalValues: key .*a quote inside an unquoted segment/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test --kyverno-version 1.12: an UPDATE row’s old object carries the request.oldObject values, so removing a required label is denied, not skipped as unchanged', async () => {
  const suite = join(profiles, 'update-old-values');
  for (const v of ['1.10', '1.12']) {
    const out = await runCli(['test', suite, '--kyverno-version', v]);
    assert.equal(out.code, 0, `${v}: ${out.stdout}${out.stderr}`);
    assert.match(out.stdout, /Pod\/web +│ Pass/, v);
  }
  // Without the old object's label, 1.12 finds the same failure on both objects: skip.
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    for (const f of ['kyverno-test.yaml', 'policy.yaml', 'resources.yaml']) writeFileSync(join(dir, f), readFileSync(join(suite, f)));
    writeFileSync(join(dir, 'values.yaml'), 'globalValues:\n  request.operation: UPDATE\n');
    const out = await runCli(['test', dir, '--kyverno-version', '1.12']);
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, /Fail \(want fail, got skip\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const requireTeam = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  validationFailureAction: Enforce
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: team label required
      pattern: {metadata: {labels: {team: '?*'}}}
`;

test('admit: an UPDATE of an already-violating pod is admitted by 1.12 (result unchanged from the old object), denied by 1.10; a newly violating pod is denied by both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, requireTeam);
    const podWith = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    const update = (object: unknown, oldObject: unknown) => JSON.stringify({ ...review, request: { ...review.request, operation: 'UPDATE', object, oldObject } });
    const denial = /validation error: team label required\. rule team failed at path \/metadata\/labels\/team\//;
    const cases: [string, string, string, number][] = [
      ['label change on a violating pod', '1.10', update(podWith({ x: 'new' }), podWith({ x: 'old' })), 1],
      ['label change on a violating pod', '1.12', update(podWith({ x: 'new' }), podWith({ x: 'old' })), 0],
      ['team label removed', '1.10', update(podWith({}), podWith({ team: 'a' })), 1],
      ['team label removed', '1.12', update(podWith({}), podWith({ team: 'a' })), 1],
    ];
    for (const [name, version, stdin, code] of cases) {
      const out = await runCli(['admit', '--policy', policy, '--request', '-', '--kyverno-version', version], { stdin });
      assert.equal(out.code, code, `${name} (${version}): ${out.stderr}`);
      const response = JSON.parse(out.stdout).response;
      assert.equal(response.allowed, code === 0, `${name} (${version})`);
      if (code === 1) assert.match(response.status.message, denial, `${name} (${version})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test and apply: per-rule values of a values file reach the autogen rules (Deployment, CronJob) under 1.12 only', async () => {
  const suite = join(profiles, 'autogen-values');
  const t110 = await runCli(['test', suite]);
  assert.equal(t110.code, 1, t110.stdout);
  assert.match(t110.stdout, /Deployment\/web +│ Fail \(want pass, got error\)/);
  const t112 = await runCli(['test', suite, '--kyverno-version', '1.12']);
  assert.equal(t112.code, 0, t112.stdout + t112.stderr);
  const apply = async (v: string) => {
    const out = await runCli(['-o', 'json', 'apply', join(suite, 'policy.yaml'), '-r', join(suite, 'resources.yaml'), '--values', join(suite, 'values.yaml'), '--kyverno-version', v]);
    const results = (JSON.parse(out.stdout) as { results: { resource: { kind: string }; rules: { status: string }[] }[] }).results;
    return Object.fromEntries(results.map((r) => [r.resource.kind, r.rules[0]!.status]));
  };
  assert.deepEqual(await apply('1.10'), { Pod: 'pass', Deployment: 'error', CronJob: 'error' });
  assert.deepEqual(await apply('1.12'), { Pod: 'pass', Deployment: 'pass', CronJob: 'fail' });
});

test('apply --values: request.operation UPDATE is an UPDATE of the resource by itself under 1.12 (the processor test shares), a plain CREATE under 1.10', async () => {
  const statuses = async (suite: string, values: string, version: string) => {
    const out = await runCli(['-o', 'json', 'apply', join(suite, 'policy.yaml'), '-r', join(suite, 'resources.yaml'), '--values', values, '--kyverno-version', version]);
    return (JSON.parse(out.stdout) as { results: { rules: { status: string; message: string }[] }[] }).results.flatMap((r) => r.rules.map((x) => x.status));
  };
  // The rule reads request.oldObject: absent on a CREATE (an error), the resource itself on an UPDATE.
  const update = join(profiles, 'update');
  assert.deepEqual(await statuses(update, join(update, 'values.yaml'), '1.10'), ['error']);
  assert.deepEqual(await statuses(update, join(update, 'values.yaml'), '1.12'), ['fail']);
  // A required label missing from the resource: 1.12 finds the same failure on the old object (skip) unless
  // the values give the old object the label (request.oldObject.*, read back as the old object): fail.
  const oldValues = join(profiles, 'update-old-values');
  const dir = mkdtempSync(join(tmpdir(), 'podgate-kv-'));
  try {
    const plain = join(dir, 'values.yaml');
    writeFileSync(plain, 'globalValues:\n  request.operation: UPDATE\n');
    assert.deepEqual(await statuses(oldValues, plain, '1.10'), ['fail']);
    assert.deepEqual(await statuses(oldValues, plain, '1.12'), ['skip']);
    assert.deepEqual(await statuses(oldValues, join(oldValues, 'values.yaml'), '1.10'), ['fail']);
    assert.deepEqual(await statuses(oldValues, join(oldValues, 'values.yaml'), '1.12'), ['fail']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
