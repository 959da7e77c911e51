// kubectl habits: colour only on a terminal (NO_COLOR, --no-color), shell completion, the program
// name as invoked, and `users backup -o FILE` kept working with a deprecation warning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { programNameOf } from '../../src/cli/io.js';
import { runCli } from '../helpers/cli.js';

const S = 'examples/bcm-9.2-k8s-1.24';
const ESC = '\u001b[';
const args = ['-o', 'table', 'pss', 'check', '--level', 'restricted', `${S}/inputs/pod.yaml`];

const colourCases: { name: string; tty: boolean; env?: Record<string, string>; extra?: string[]; coloured: boolean }[] = [
  { name: 'a terminal gets colour', tty: true, coloured: true },
  { name: 'a pipe gets none', tty: false, coloured: false },
  { name: 'NO_COLOR turns it off', tty: true, env: { NO_COLOR: '1' }, coloured: false },
  { name: '--no-color turns it off', tty: true, extra: ['--no-color'], coloured: false },
  { name: 'TERM=dumb turns it off', tty: true, env: { TERM: 'dumb' }, coloured: false },
];

for (const c of colourCases) {
  test(`colour: ${c.name}`, async () => {
    const r = await runCli([...(c.extra ?? []), ...args], { stdoutIsTTY: c.tty, env: c.env ?? {} });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout.includes(ESC), c.coloured);
    // Colour never moves a column: without the escape codes the output is the plain one.
    if (c.coloured) {
      const plain = await runCli(args);
      assert.equal(r.stdout.replace(/\u001b\[\d+m/g, ''), plain.stdout);
      assert.match(r.stdout, /\u001b\[31mdenied\u001b\[39m/);
    }
  });
}

test('completion bash completes commands and options through bash itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-compl-'));
  return runCli(['completion', 'bash']).then((r) => {
    assert.equal(r.code, 0);
    writeFileSync(join(dir, 'c.bash'), r.stdout);
    const script = `source ${join(dir, 'c.bash')}
COMP_WORDS=(podgate migrate au); COMP_CWORD=2; _podgate_completions; echo "\${COMPREPLY[*]}"
COMP_WORDS=(podgate -o json migrate audit --clu); COMP_CWORD=5; _podgate_completions; echo "\${COMPREPLY[*]}"
COMP_WORDS=(podgate comp); COMP_CWORD=1; _podgate_completions; echo "\${COMPREPLY[*]}"`;
    const b = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.equal(b.stdout, 'audit\n--cluster\ncompletion\n', b.stderr);
  });
});

test('completion zsh and fish name the commands; an unknown shell is a usage error', async () => {
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef podgate\n/);
  assert.match(zsh.stdout, /bashcompinit/);
  const fish = await runCli(['completion', 'fish']);
  assert.match(fish.stdout, /complete -c podgate -n '__fish_use_subcommand' -a 'migrate'/);
  assert.match(fish.stdout, /complete -c podgate -n '__fish_seen_subcommand_from audit' -l validate/);
  const bad = await runCli(['completion', 'tcsh']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /completion: "tcsh" is not supported; use bash, zsh or fish/);
});

test('the program name follows the invocation', async () => {
  assert.equal(programNameOf('/usr/local/bin/kubectl-podgate'), 'kubectl podgate');
  assert.equal(programNameOf('/repo/bin/podgate.js'), 'podgate');
  assert.equal(programNameOf('/usr/bin/podgate'), 'podgate');
  const r = await runCli(['--help'], { programName: 'kubectl podgate' });
  assert.match(r.stdout, /^Usage: kubectl podgate \[options\] \[command\]/);
  const sub = await runCli(['migrate', 'audit', '--help'], { programName: 'kubectl podgate' });
  assert.match(sub.stdout, /^Usage: kubectl podgate migrate audit \[options\]/);
});

test('users backup -o FILE still writes the file, with a deprecation warning; --out is the way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-backup-'));
  const old = await runCli(['-o', join(dir, 'a.yaml'), 'users', 'backup', '--cluster', S]);
  assert.equal(old.code, 0, old.stderr);
  assert.match(old.stderr, /warning: users backup -o FILE is deprecated \(-o selects the output format\); use --out .*a\.yaml/);
  const now = await runCli(['users', 'backup', '--cluster', S, '--out', join(dir, 'b.yaml')]);
  assert.equal(now.code, 0);
  assert.doesNotMatch(now.stderr, /deprecated/);
  assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), readFileSync(join(dir, 'b.yaml'), 'utf8'));
});

// Session 5 CLI probe: an object name with terminal controls (title change, bell, clear screen, a carriage
// return that overwrites the line) reached the terminal as is. On a terminal they are shown as \xNN; to a
// pipe the output is unchanged (scripts read the names as they are).
test('names with terminal controls are shown escaped on a terminal, unchanged in a pipe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-ansi-'));
  const name = 'evil\u001b]0;pwned\u0007\u001b[2J\rok';
  writeFileSync(join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: ${JSON.stringify(name)}, namespace: default}\nspec: {containers: [{name: c, image: nginx, securityContext: {privileged: true}}]}\n`);
  const argv = ['-o', 'table', 'pss', 'check', '--level', 'restricted', join(dir, 'pod.yaml')];
  const tty = await runCli(argv, { stdoutIsTTY: true, isTTY: true });
  assert.equal(tty.code, 1, tty.stderr);
  assert.match(tty.stdout, /evil\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dok/);
  assert.doesNotMatch(tty.stdout.replace(/\u001b\[(1|22|31|32|33|39|90)m/g, ''), /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  const pipe = await runCli(argv);
  assert.ok(pipe.stdout.includes(name), pipe.stdout);
});

// The help of a command names the exit codes and options it gained: an admin reads --help, not the README.
const helpCases: { command: string[]; says: RegExp[] }[] = [
  {
    command: ['migrate', 'upgrade'],
    says: [/exit 1 when a workload would be newly denied or a workload denied today would be allowed/, /exit 2 below Kubernetes 1\.26/],
  },
  {
    command: ['migrate', 'plan'],
    says: [/--cluster <path> cluster dump: read for the PSP that admits Kyverno's own pods/, /exit 1 when no PSP admits Kyverno's own pods/],
  },
];
for (const c of helpCases) {
  test(`help ${c.command.join(' ')} names its exit codes and what its options do`, async () => {
    const r = await runCli(['help', ...c.command]);
    assert.equal(r.code, 0, r.stderr);
    // Lines wrap at the terminal width: compare with the words joined by single spaces.
    const words = r.stdout.replace(/\s+/g, ' ');
    for (const re of c.says) assert.match(words, re);
  });
}
