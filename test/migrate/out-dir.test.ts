// `migrate run --out-dir` holds one run's outputs, never a mix (session 5 CLI probe: a run that failed at
// `--compare-values` left new audit files next to the previous run's summary.json saying "ready": true).
// Inputs are read before anything is written; a run's files replace the previous run's only once every
// step succeeded; hand-edited outputs need --force.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/** Every file of the folder (staging folders included) with its text. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) out[e.name] = e.isDirectory() ? '<dir>' : readFileSync(join(dir, e.name), 'utf8');
  return out;
}

async function firstRun(): Promise<{ dir: string; out: string; before: Record<string, string> }> {
  const dir = tmp('podgate-outdir-');
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, out, before: snapshot(out) };
}

const badInputs: { name: string; args: (dir: string) => string[]; message: RegExp }[] = [
  { name: 'a --compare-values file that does not exist', args: (d) => ['--compare-values', join(d, 'nope.yaml')], message: /--compare-values .*nope\.yaml: cannot read values file: ENOENT/ },
  {
    name: 'a malformed --compare-values file',
    args: (d) => {
      writeFileSync(join(d, 'bad.yaml'), 'policyExclude: [\n');
      return ['--compare-values', join(d, 'bad.yaml')];
    },
    message: /--compare-values .*bad\.yaml:\d+: YAML syntax error/,
  },
  {
    name: 'a --compare-values file whose policyExclude is not a map',
    args: (d) => {
      writeFileSync(join(d, 'pe5.yaml'), 'policyExclude: 5\n');
      return ['--compare-values', join(d, 'pe5.yaml')];
    },
    message: /--compare-values .*pe5\.yaml: policyExclude must be a map of policy names to match blocks, found 5/,
  },
];

for (const c of badInputs) {
  test(`${c.name} is a usage error before anything is written; the previous run's outputs stay as they were`, async () => {
    const { dir, out, before } = await firstRun();
    const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out, ...c.args(dir)]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, c.message);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.deepEqual(snapshot(out), before);
  });
}

test('a run that fails half-way leaves the previous run\'s outputs, and no staging folder', async () => {
  const { dir, out, before } = await firstRun();
  // Another input, so that every output of the failing run differs from the first run's.
  const bare = join(dir, 'bare');
  cpSync(join(sample, 'cluster'), bare, { recursive: true });
  const r = await runCli(['migrate', 'run', '--cluster', bare, '--out-dir', out], {
    writeFile: (p, t) => {
      if (p.endsWith('diff.txt')) throw new Error('disk full (injected)');
      writeFileSync(p, t);
    },
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /disk full \(injected\)/);
  assert.deepEqual(snapshot(out), before);
});

test('a hand-edited output is not overwritten without --force; outputs the new run does not write are removed', async () => {
  const { dir, out } = await firstRun();
  assert.ok(existsSync(join(out, 'values-comparison.txt')), 'the sample run compares with its full values');
  const values = join(out, 'kyverno-policies-values.yaml');
  writeFileSync(values, `${readFileSync(values, 'utf8')}# my edit\n`);
  const bare = join(dir, 'bare');
  cpSync(join(sample, 'cluster'), bare, { recursive: true });
  const refused = await runCli(['migrate', 'run', '--cluster', bare, '--out-dir', out]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /kyverno-policies-values\.yaml in .* changed since podgate wrote it; move it away or pass --force/);
  assert.match(readFileSync(values, 'utf8'), /# my edit/);
  const forced = await runCli(['migrate', 'run', '--cluster', bare, '--out-dir', out, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.doesNotMatch(readFileSync(values, 'utf8'), /# my edit/);
  assert.ok(!existsSync(join(out, 'values-comparison.txt')), 'the previous run\'s comparison is gone');
  assert.deepEqual(
    readdirSync(out).filter((e) => e.startsWith('.podgate-staging-')),
    [],
  );
  // The next run is not refused: its outputs are as podgate wrote them.
  const again = await runCli(['migrate', 'run', '--cluster', bare, '--out-dir', out]);
  assert.equal(again.code, 0, again.stderr);
});

// Session 5 CLI probe, round 2: a directory named summary.json (or report.html) in the folder failed the
// commit half-way ("internal error … EISDIR", or a staging path named) and left a mix.
for (const name of ['summary.json', 'report.html']) {
  test(`a directory where ${name} goes is refused before the run, naming it; nothing changes`, async () => {
    const { out } = await firstRun();
    rmSync(join(out, name), { force: true });
    mkdirSync(join(out, name));
    const before = snapshot(out);
    const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out, '--force']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`${name.replace('.', '\\.')} is not a file where podgate writes its output; move it away`));
    assert.deepEqual(snapshot(out), before);
  });
}

// An interrupt between two moves of a commit leaves some outputs of each run: the marker lists both
// versions meanwhile, so the next run does not refuse podgate's own files as hand-edited.
test('an output in either version the marker lists is podgate\'s, not a hand edit', async () => {
  const { out } = await firstRun();
  const other = 'an output of the run that was being moved in\n';
  const [head, ...rest] = readFileSync(join(out, '.podgate-run'), 'utf8').split('\n');
  writeFileSync(join(out, '.podgate-run'), [head, `sha256 ${createHash('sha256').update(other).digest('hex')} audit.txt`, ...rest].join('\n'));
  writeFileSync(join(out, 'audit.txt'), other);
  const r = await runCli(['migrate', 'run', '--cluster', sample, '--out-dir', out]);
  assert.equal(r.code, 0, r.stderr);
});
