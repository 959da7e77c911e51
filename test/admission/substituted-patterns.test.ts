// A pattern with `{{ }}` variables is walked after substitution. When substitution keeps the pattern's shape
// (every variable gives a scalar), the walk's plans (key order, anchors) are taken from the policy's own
// pattern; when a variable gives a map or list, they come from the substituted copy. Either way the answer
// must be the one the substituted pattern gives written out literally: each case runs `podgate apply` on
// the templated policy and on the literal one and compares every rule result, and states the expected one.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-substituted-patterns-'));
let files = 0;
const write = (doc: unknown): string => {
  const p = join(dir, `f${files++}.yaml`);
  writeFileSync(p, JSON.stringify(doc));
  return p;
};

type Validate = Record<string, unknown>;

function policy(validate: Validate, context?: unknown[]): unknown {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['ConfigMap'] } }] }, ...(context ? { context } : {}), validate: { message: 'm', ...validate } }],
    },
  };
}

interface RuleOut {
  status: string;
  message: string;
}

async function apply(p: unknown, resource: unknown): Promise<RuleOut[]> {
  const r = await runCli(['apply', write(p), '--resource', write(resource), '-o', 'json']);
  assert.ok(r.stdout.trim() !== '', `no output: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: { rules: { status: string; message: string }[] }[] };
  return out.results.flatMap((x) => x.rules.map(({ status, message }) => ({ status, message })));
}

const configMap = (data: Record<string, unknown>, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', labels }, data });
const zAnchor = { name: 'z', variable: { value: { '(x)': 'want', y: 'never' } } };

const cases: { name: string; templated: Validate; literal: Validate; context?: unknown[]; resource: unknown; want: RuleOut }[] = [
  {
    name: 'a scalar variable: the failure path and text are those of the literal pattern',
    templated: { pattern: { data: { a: '{{ request.object.metadata.labels.want }}', b: 'x' } } },
    literal: { pattern: { data: { a: 'yes', b: 'x' } } },
    resource: configMap({ a: 'no', b: 'x' }, { want: 'yes' }),
    want: { status: 'fail', message: "validation error: m. rule r failed at path /data/a/" },
  },
  {
    name: 'a scalar variable that gives "*" (any value) behaves as a literal "*"',
    templated: { pattern: { data: { a: '{{ request.object.metadata.labels.any }}' } } },
    literal: { pattern: { data: { a: '*' } } },
    resource: configMap({}, { any: '*' }),
    want: { status: 'fail', message: 'validation error: m. rule r failed at path /data/' },
  },
  {
    // The map brings a conditional anchor: its key is now checked before `a` (keys holding anchors go
    // first), so the rule skips instead of failing on `a`.
    name: 'a variable that gives a map with an anchor reorders the keys as the literal pattern does',
    templated: { pattern: { data: { a: 'good', z: '{{ z }}' } } },
    literal: { pattern: { data: { a: 'good', z: { '(x)': 'want', y: 'never' } } } },
    context: [zAnchor],
    resource: { ...configMap({ a: 'bad' }), data: { a: 'bad', z: { x: 'other', y: 'n' } } },
    want: { status: 'skip', message: 'conditional anchor mismatch: resource value \'other\' does not match \'want\' at path /data/z/x/' },
  },
  {
    name: 'the same map, its anchor met: the plain keys after it are checked',
    templated: { pattern: { data: { a: 'good', z: '{{ z }}' } } },
    literal: { pattern: { data: { a: 'good', z: { '(x)': 'want', y: 'never' } } } },
    context: [zAnchor],
    resource: { ...configMap({}), data: { a: 'good', z: { x: 'want', y: 'n' } } },
    want: { status: 'fail', message: 'validation error: m. rule r failed at path /data/z/y/' },
  },
  {
    name: 'anyPattern with variables: each alternative as the literal one',
    templated: { anyPattern: [{ data: { a: '{{ request.object.metadata.labels.one }}' } }, { data: { b: '{{ request.object.metadata.labels.two }}' } }] },
    literal: { anyPattern: [{ data: { a: '1' } }, { data: { b: '2' } }] },
    resource: configMap({ a: 'x', b: 'y' }, { one: '1', two: '2' }),
    want: { status: 'fail', message: 'validation error: m. rule r[0] failed at path /data/a/ rule r[1] failed at path /data/b/' },
  },
  {
    name: 'wildcard label keys with a variable value: expanded against the resource as the literal pattern is',
    templated: { pattern: { metadata: { labels: { 'team-*': '{{ request.object.data.team }}' } } } },
    literal: { pattern: { metadata: { labels: { 'team-*': 'blue' } } } },
    resource: { ...configMap({ team: 'blue' }, { 'team-a': 'blue', 'team-b': 'red' }) },
    want: { status: 'fail', message: 'validation error: m. rule r failed at path /metadata/labels/team-b/' },
  },
  {
    name: 'a list element from a variable that gives a map: walked as the literal map',
    templated: { pattern: { data: { items: ['{{ z }}'] } } },
    literal: { pattern: { data: { items: [{ '(x)': 'want', y: 'never' }] } } },
    context: [zAnchor],
    resource: { ...configMap({}), data: { items: [{ x: 'want', y: 'n' }] } },
    want: { status: 'fail', message: 'validation error: m. rule r failed at path /data/items/0/y/' },
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const got = await apply(policy(c.templated, c.context), c.resource);
    const literal = await apply(policy(c.literal, c.context), c.resource);
    assert.deepEqual(got, literal);
    assert.deepEqual(got, [c.want]);
  });
}

test('the same templated policy on two resources: the plans made for one do not leak into the other', async () => {
  const p = policy({ pattern: { data: { a: 'good', z: '{{ request.object.metadata.labels.z }}' } } });
  const first = await apply(p, configMap({ a: 'good', z: 'one' }, { z: 'one' }));
  const second = await apply(p, configMap({ a: 'good', z: 'one' }, { z: 'two' }));
  assert.deepEqual(first, [{ status: 'pass', message: "validation rule 'r' passed." }]);
  assert.deepEqual(second, [{ status: 'fail', message: 'validation error: m. rule r failed at path /data/z/' }]);
});
