import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../../../test/helpers/cli.js';
import { VERSION } from '../../version.js';

test('VERSION is package.json version (the binary carries it as a literal)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});

const cases: { name: string; argv: string[]; check: (out: string) => void }[] = [
  {
    name: 'version -o json names podgate and the running Node',
    argv: ['version', '-o', 'json'],
    check: (out) => {
      const v = JSON.parse(out) as Record<string, unknown>;
      assert.equal(v.version, VERSION);
      assert.equal(v.node, process.version);
      assert.equal(v.platform, process.platform);
      assert.equal(v.arch, process.arch);
      assert.equal(v.singleExecutable, false);
    },
  },
  { name: 'version prints one line', argv: ['version'], check: (out) => assert.equal(out, `podgate ${VERSION} (node ${process.version}, ${process.platform}/${process.arch})\n`) },
  { name: 'version -o yaml', argv: ['version', '-o', 'yaml'], check: (out) => assert.match(out, new RegExp(`^version: ${VERSION.replace(/\./g, '\\.')}\nnode: ${process.version}\n`)) },
];

for (const c of cases) {
  test(c.name, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 0, r.stderr);
    c.check(r.stdout);
  });
}

test('version -o table is a usage error', async () => {
  const r = await runCli(['version', '-o', 'table']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /-o table is not supported here/);
});
