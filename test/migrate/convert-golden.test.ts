// The converted bundled sample (issue 16): `podgate migrate convert` on the sample's 4 PSPs + RBAC is
// compared byte for byte with a reviewed golden file, is at most 30 KB, and has no JMESPath expression
// (`{{ }}` variable or context jmesPath) longer than 400 characters. Regenerate after a reviewed change
// with UPDATE_GOLDEN=1 npm run test:unit -- test/migrate/convert-golden.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const cluster = 'examples/bcm-9.2-k8s-1.24/cluster';
const golden = new URL('./golden/bcm-9.2-k8s-1.24-converted.yaml', import.meta.url);

// Every JMESPath expression of a policy tree: `{{ }}` variables in strings and context `jmesPath` fields.
function expressions(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') for (const m of v.matchAll(/\{\{(.*?)\}\}(?!\})/g)) out.push(m[1]!.trim());
  else if (Array.isArray(v)) for (const x of v) expressions(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'jmesPath' && typeof x === 'string') out.push(x);
      else expressions(x, out);
    }
  }
  return out;
}

test('migrate convert on the bundled sample matches the reviewed golden file', async () => {
  const r = await runCli(['migrate', 'convert', '--psp', `${cluster}/01-podsecuritypolicies.yaml`, '--rbac', `${cluster}/02-rbac-psp.yaml`]);
  assert.equal(r.code, 0, r.stderr);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, r.stdout);
  assert.equal(r.stdout, readFileSync(golden, 'utf8'), 'converted output differs from the golden file (review, then UPDATE_GOLDEN=1)');
  assert.doesNotMatch(r.stderr, /not expressible/, 'the sample converts exactly');
});

test('the converted sample is at most 30 KB and no JMESPath expression exceeds 400 characters', () => {
  const text = readFileSync(golden, 'utf8');
  assert.ok(Buffer.byteLength(text) <= 30 * 1024, `${Buffer.byteLength(text)} bytes`);
  const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  assert.equal(docs.length, 5);
  const exprs = expressions(docs);
  assert.ok(exprs.length > 20);
  const longest = exprs.reduce((a, b) => (b.length > a.length ? b : a), '');
  assert.ok(longest.length <= 400, `${longest.length} characters: ${longest}`);
  // Every policy says which PSP fields its rules come from.
  for (const d of docs as { metadata: { annotations: Record<string, string> } }[]) assert.match(d.metadata.annotations['policies.kyverno.io/description'] ?? '', /PodSecurityPolic/);
});

// Session 8: `--psp` and `--rbac` given the sample's dump folder (as `--cluster` takes it) read its inputs/
// values files too and failed on them ("apiVersion: missing required field"). A folder holding `cluster/` is
// read from `cluster/`, as `--cluster` reads it: the same output as the files.
test('migrate convert --psp/--rbac take a dump folder as --cluster does (its cluster/ subfolder)', async () => {
  const r = await runCli(['migrate', 'convert', '--psp', 'examples/bcm-9.2-k8s-1.24', '--rbac', 'examples/bcm-9.2-k8s-1.24']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(golden, 'utf8'));
});
