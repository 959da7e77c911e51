import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../test/helpers/cli.js';

const cases: { name: string; argv: string[]; code: number; out?: RegExp; err?: RegExp }[] = [
  { name: '--help lists the subcommands and exits 0', argv: ['--help'], code: 0, out: /Commands:[\s\S]*migrate/ },
  { name: '--version prints the package version', argv: ['--version'], code: 0, out: /^\d+\.\d+\.\d+\n$/ },
  { name: 'an unknown option is a usage error (exit 2)', argv: ['--bogus'], code: 2, err: /unknown option '--bogus'/ },
  { name: 'an unknown command is a usage error (exit 2)', argv: ['frobnicate'], code: 2, err: /unknown command/ },
  { name: 'an invalid -o value is a usage error', argv: ['-o', 'xml', 'inventory'], code: 2, err: /xml/ },
  { name: 'help for an unknown command is a usage error, not the general help', argv: ['help', 'frobnicate'], code: 2, err: /^error: unknown command 'frobnicate'\n/ },
  { name: 'help for an unknown subcommand is a usage error', argv: ['psp', 'help', 'nope'], code: 2, err: /^error: unknown command 'nope'\n/ },
  { name: 'help for a known subcommand prints its help', argv: ['help', 'psp', 'check'], code: 0, out: /--pod/ },
  { name: 'help alone prints the general help', argv: ['help'], code: 0, out: /Commands:[\s\S]*migrate/ },
  // Verifier probe: `help` is listed as a command (`help [command]`), yet `help help` became "unknown command 'help'" (exit 2).
  { name: 'help help prints the general help, as help is a listed command', argv: ['help', 'help'], code: 0, out: /Commands:[\s\S]*migrate/ },
  { name: 'help migrate help prints the help of migrate', argv: ['help', 'migrate', 'help'], code: 0, out: /Usage: podgate migrate \[options\] \[command\]/ },
];

for (const c of cases) {
  test(c.name, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, c.code, r.stderr);
    if (c.out) assert.match(r.stdout, c.out);
    if (c.err) assert.match(r.stderr, c.err);
  });
}
