// The output contract, table-driven: every command that prints data × -o json|yaml|table on the bundled
// sample. JSON must parse, YAML must parse (every document), a table must have an upper-case header
// row with aligned columns (or the box table `kyverno test` prints). No run may be a usage error.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const S = 'examples/bcm-9.2-k8s-1.24';
const W = 'src/webhook/testdata';
const tmp = mkdtempSync(join(tmpdir(), 'podgate-contract-'));

const commands: { name: string; argv: () => Promise<string[]> | string[] }[] = [
  { name: 'inventory', argv: () => ['inventory', '--cluster', S] },
  { name: 'test', argv: () => ['test', 'src/kyverno-test/testdata/suite'] },
  // -o yaml of apply prints the mutated resources (kyverno apply's contract): a mutating policy shows them.
  { name: 'apply', argv: () => ['apply', 'src/kyverno-test/testdata/mutate/policy.yaml', '-r', 'src/kyverno-test/testdata/mutate/resources.yaml'] },
  { name: 'admit', argv: () => ['admit', '--policy', `${W}/disallow-host-path.yaml`, '--request', `${W}/nfd-worker-daemonset-review.yaml`] },
  {
    name: 'psp check',
    argv: () => ['psp', 'check', '--pod', `${S}/inputs/pod.yaml`, '--cluster', S, '--user', 'system:serviceaccount:kube-system:x', '--group', 'system:serviceaccounts:kube-system', '--namespace', 'kube-system'],
  },
  { name: 'psp who-can-use', argv: () => ['psp', 'who-can-use', '--cluster', S] },
  { name: 'pss check', argv: () => ['pss', 'check', '--level', 'baseline', `${S}/inputs/pod.yaml`] },
  { name: 'pss suggest', argv: () => ['pss', 'suggest', '--cluster', S] },
  { name: 'chart render', argv: () => ['chart', 'render', '-f', `${S}/inputs/kyverno-policies-values.minimal.yaml`] },
  { name: 'versions', argv: () => ['versions'] },
  { name: 'users list', argv: () => ['users', 'list', '--cluster', S] },
  { name: 'users render', argv: () => ['users', 'render', `${S}/cluster/cm-permissions.yaml`] },
  { name: 'users backup', argv: () => ['users', 'backup', '--cluster', S] },
  {
    name: 'users restore',
    argv: async () => {
      const backup = join(tmp, 'backup.yaml');
      writeFileSync(backup, (await runCli(['users', 'backup', '--cluster', S])).stdout);
      return ['users', 'restore', backup, '--into', join(tmp, 'users.yaml')];
    },
  },
  { name: 'lint', argv: () => ['lint', `${W}/disallow-host-path.yaml`] },
  { name: 'migrate audit', argv: () => ['migrate', 'audit', '--cluster', S] },
  { name: 'migrate exceptions', argv: () => ['migrate', 'exceptions', '--cluster', S] },
  { name: 'migrate diff', argv: () => ['migrate', 'diff', '--cluster', S] },
  { name: 'migrate convert', argv: () => ['migrate', 'convert', '--psp', `${S}/cluster/01-podsecuritypolicies.yaml`] },
  { name: 'migrate report', argv: () => ['migrate', 'report', '--cluster', S] },
  { name: 'migrate plan', argv: () => ['migrate', 'plan'] },
];

const KUBECTL_HEADER = /^[A-Z][A-Z#]*(?: [A-Z]+)*(?: {2,}[A-Z#]+(?: [A-Z]+)*)+$/m;
const BOX_HEADER = /^│ # +│ POLICY +│/m;

/** A kubectl-style table: an upper-case header, then rows whose columns start where the header's do. */
function assertTable(out: string): void {
  const box = BOX_HEADER.test(out);
  if (box) return;
  const header = out.split('\n').find((l) => KUBECTL_HEADER.test(l));
  assert.ok(header, `no upper-case table header in:\n${out.slice(0, 400)}`);
  const lines = out.split('\n');
  const at = lines.indexOf(header);
  const starts = [...header.matchAll(/(?:^| {2})(\S)/g)].map((m) => m.index! + (m[0].length - 1));
  for (const row of lines.slice(at + 1).filter((l) => l.trim() !== '' && !l.startsWith(' ')).slice(0, 20)) {
    if (KUBECTL_HEADER.test(row) || !row.includes('  ')) break; // the next table or the text after it
    // Columns start where the header's do (a trailing empty cell is trimmed away).
    for (const s of starts.slice(1)) if (row.length > s) assert.equal(row[s - 1], ' ', `column at ${s} misaligned in row:\n${row}\nheader:\n${header}`);
  }
}

for (const c of commands) {
  for (const format of ['json', 'yaml', 'table'] as const) {
    test(`${c.name} -o ${format}`, async () => {
      const r = await runCli(['-o', format, ...(await c.argv())]);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', 'prints data');
      if (format === 'json') JSON.parse(r.stdout);
      else if (format === 'yaml') {
        const docs = parseAllDocuments(r.stdout);
        for (const d of docs) assert.deepEqual(d.errors, []);
        assert.ok(docs.some((d) => d.toJS() !== null));
      } else assertTable(r.stdout);
    });
  }
}

test('-o wide adds columns where a table has more', async () => {
  const narrow = await runCli(['-o', 'table', 'migrate', 'audit', '--cluster', S]);
  const wide = await runCli(['-o', 'wide', 'migrate', 'audit', '--cluster', S]);
  assert.match(narrow.stdout.split('\n')[0]!, /^NAMESPACE +KIND +NAME +POLICY +RULE +ACTION +RESULT$/);
  assert.match(wide.stdout.split('\n')[0]!, /^NAMESPACE +KIND +NAME +POLICY +RULE +ACTION +RESULT +COMPONENT +USER +SOURCE +MESSAGE$/);
});

test('an unsupported -o names the formats the command has', async () => {
  const r = await runCli(['-o', 'sarif', 'versions']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /versions: -o sarif is not supported here; use one of: table, json, yaml, wide/);
});

// Session 8 docs probe: the refusal named only the last word of a subcommand (`upgrade: -o bogus …`), which
// reads as a command podgate does not have; it names the whole command as typed.
test('an unsupported -o names the whole subcommand', async () => {
  for (const [argv, name] of [
    [['migrate', 'upgrade', '--cluster', S, '--kubernetes', '1.26'], 'migrate upgrade'],
    [['users', 'list', S], 'users list'],
    [['pss', 'check', '--level', 'baseline', S], 'pss check'],
  ] as const) {
    const r = await runCli(['-o', 'bogus', ...argv]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: ${name}: -o bogus is not supported here; use one of: `), r.stderr);
  }
});
