import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote } from './shell.js';

const cases: { in: string; out: string }[] = [
  { in: 'dump/', out: 'dump/' },
  { in: 'kyverno-policies-values.yaml', out: 'kyverno-policies-values.yaml' },
  { in: 'a b', out: "'a b'" },
  { in: 'a b; rm -rf ~', out: "'a b; rm -rf ~'" },
  { in: 'cl $(id) x', out: "'cl $(id) x'" },
  { in: "it's", out: "'it'\\''s'" },
  { in: '~/x', out: "'~/x'" },
  { in: '', out: "''" },
];

for (const c of cases) {
  test(`shellQuote ${JSON.stringify(c.in)}`, () => {
    assert.equal(shellQuote(c.in), c.out);
    // The shell itself reads it back as the one word given.
    const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(c.in)}`], { encoding: 'utf8' });
    assert.equal(r.stdout, c.in);
  });
}
