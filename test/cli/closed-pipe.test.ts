// `podgate … | head`: when the reader of stdout (or stderr) goes away, podgate stops writing there without
// a stack trace, finishes its work (files it writes are complete) and exits 141, what a shell reports for a
// program stopped by SIGPIPE (kubectl in the same pipeline). Through the real process: the pipe is closed
// before podgate writes, so every write fails (EPIPE).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const bin = new URL('../../src/bin.ts', import.meta.url).pathname;
const sample = new URL('../../examples/bcm-9.2-k8s-1.24/', import.meta.url).pathname;
const suite = new URL('../../src/kyverno-test/testdata/suite/', import.meta.url).pathname;

interface Ended {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs podgate with the read end of `closed` shut at once; the other stream is collected. */
function runClosed(args: string[], closed: 'stdout' | 'stderr'): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const open = closed === 'stdout' ? 'stderr' : 'stdout';
    child[closed].destroy();
    child[open].setEncoding('utf8');
    child[open].on('data', (s: string) => {
      out[open] += s;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ...out }));
  });
}

const cases: { name: string; args: (dir: string) => string[]; closed: 'stdout' | 'stderr'; files?: string[] }[] = [
  { name: 'help', args: () => ['--help'], closed: 'stdout' },
  { name: 'test suites as JSON', args: () => ['test', suite, '-o', 'json'], closed: 'stdout' },
  { name: 'pss check as a table (policy failures found)', args: () => ['-o', 'table', 'pss', 'check', '--level', 'restricted', `${sample}inputs/pod.yaml`], closed: 'stdout' },
  { name: 'a usage error on stderr', args: () => ['no-such-command'], closed: 'stderr' },
  {
    name: 'migrate run writes every file of its out-dir',
    args: (dir) => ['migrate', 'run', '--cluster', sample, '--out-dir', join(dir, 'out')],
    closed: 'stdout',
    files: ['report.html'],
  },
];

for (const c of cases) {
  test(`closed ${c.closed}: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-pipe-'));
    const r = await runClosed(c.args(dir), c.closed);
    const other = c.closed === 'stdout' ? r.stderr : r.stdout;
    assert.doesNotMatch(other, /EPIPE|Unhandled 'error' event|\n\s+at /, other);
    assert.equal(r.code, 141, other);
    for (const f of c.files ?? []) assert.ok(existsSync(join(dir, 'out', f)), `${f} in ${readdirSync(join(dir, 'out')).join(', ')}`);
  });
}
