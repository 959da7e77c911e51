// Progress on stderr (issue 19): counts and elapsed time for reading, auditing and diffing, through the CLI
// with an injected terminal and clock; never without a terminal, with -o json / -o yaml, or with --quiet.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const SAMPLE = 'examples/bcm-9.2-k8s-1.24';
/** A clock that moves 300 ms at every reading, so every tick of a step is past the redraw interval. */
const slowClock = () => {
  let t = 0;
  return () => (t += 300);
};

test('progress: migrate audit on a terminal shows reading and auditing with counts and elapsed time', async () => {
  const r = await runCli(['migrate', 'audit', '--cluster', SAMPLE], { isTTY: true, now: slowClock() });
  assert.match(r.stderr, /\rreading: \d+ objects, 1 path in \d+\.\d s\x1b\[K\n/);
  assert.match(r.stderr, /\rauditing: \d+\/\d+ workloads, \d+\.\d s/);
  assert.match(r.stderr, /\rauditing: \d+ workloads, \d+ violations in \d+\.\d s\x1b\[K\n/);
  // stdout is the same as without a terminal: progress never mixes into the output.
  const plain = await runCli(['migrate', 'audit', '--cluster', SAMPLE]);
  assert.equal(r.stdout, plain.stdout);
  assert.equal(r.code, plain.code);
});

const silentCases: { name: string; argv: string[]; isTTY: boolean }[] = [
  { name: 'not a terminal', argv: ['migrate', 'audit', '--cluster', SAMPLE], isTTY: false },
  { name: '-o json', argv: ['migrate', 'audit', '--cluster', SAMPLE, '-o', 'json'], isTTY: true },
  { name: '-o yaml', argv: ['-o', 'yaml', 'migrate', 'audit', '--cluster', SAMPLE], isTTY: true },
  { name: '--quiet', argv: ['migrate', 'audit', '--cluster', SAMPLE, '--quiet'], isTTY: true },
  { name: '-q', argv: ['-q', 'migrate', 'audit', '--cluster', SAMPLE], isTTY: true },
];
for (const c of silentCases) {
  test(`progress: silent when ${c.name}`, async () => {
    const r = await runCli(c.argv, { isTTY: c.isTTY, now: slowClock() });
    assert.doesNotMatch(r.stderr, /reading:|auditing:|\r/);
  });
}

test('progress: a fast step on a terminal prints nothing (no redraw before 0.5 s)', async () => {
  const r = await runCli(['migrate', 'audit', '--cluster', SAMPLE], { isTTY: true, now: () => 0 });
  assert.doesNotMatch(r.stderr, /reading:|auditing:/);
});

test('progress: migrate run shows reading, auditing, re-auditing and diffing', async () => {
  const out = mkdtempSync(join(tmpdir(), 'podgate-progress-'));
  try {
    const r = await runCli(['migrate', 'run', '--cluster', SAMPLE, '--out-dir', join(out, 'o')], { isTTY: true, now: slowClock() });
    for (const step of ['reading', 'auditing', 're-auditing', 'diffing']) assert.match(r.stderr, new RegExp(`\\r${step}: \\d+ (objects|workloads)[^\\n]* in \\d+\\.\\d s`), step);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
