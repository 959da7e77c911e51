// Every property test runs with the shared fixed seed under `npm test` (test/helpers/fc.ts): each fc.assert
// of a file that uses fast-check passes fcParams(...), so no run depends on Math.random.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'testdata' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

test('every fast-check assertion takes its seed and run count from fcParams', () => {
  const problems: string[] = [];
  for (const f of [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))]) {
    const text = readFileSync(f, 'utf8');
    if (!/^import [^;]*'fast-check';/m.test(text)) continue;
    const asserts = text.match(/\bfc\.(assert|check)\(/g)?.length ?? 0;
    const params = text.match(/\bfcParams\(/g)?.length ?? 0;
    if (asserts !== params) problems.push(`${f.slice(root.length)}: ${asserts} fc.assert/fc.check, ${params} fcParams(...)`);
  }
  assert.deepEqual(problems, []);
});
