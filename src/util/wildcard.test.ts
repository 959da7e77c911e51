// wildcardMatch against a reference matcher (dynamic programming over pattern and text, the textbook glob
// semantics: `*` any run, `?` one character), on small alphabets where stars, `?` and overlaps are frequent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/helpers/fc.js';
import { compileWildcard, wildcardMatch } from './wildcard.js';

function reference(pattern: string, text: string): boolean {
  // m[j]: pattern[0, i) matches text[0, j).
  let m = Array.from({ length: text.length + 1 }, (_, j) => j === 0);
  for (const c of pattern) {
    const next = Array.from({ length: text.length + 1 }, () => false);
    for (let j = 0; j <= text.length; j++) {
      if (c === '*') next[j] = m[j] === true || (j > 0 && next[j - 1] === true);
      else next[j] = j > 0 && m[j - 1] === true && (c === '?' || c === text[j - 1]);
    }
    m = next;
  }
  return m[text.length] === true;
}

test('wildcardMatch agrees with a reference matcher', () => {
  const pattern = fc.array(fc.constantFrom('a', 'b', '*', '?', '*', 'ab'), { maxLength: 8 }).map((xs) => xs.join(''));
  const text = fc.array(fc.constantFrom('a', 'b', 'ab', '*'), { maxLength: 8 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(pattern, text, (p, t) => {
      assert.equal(wildcardMatch(p, t), reference(p, t), `${p} ~ ${t}`);
    }),
    fcParams(3000),
  );
});

test('wildcardMatch on the forms policies use', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', true],
    ['?*', '', false],
    ['?*', 'x', true],
    ['*tiller*', 'ghcr.io/helm/tiller:v2', true],
    ['*tiller*', 'nginx', false],
    ['*:latest', 'nginx:latest', true],
    ['*:*', 'nginx', false],
    ['localhost/*', 'localhost/profile', true],
    ['a*b*a', 'aba', true],
    ['a*b*a', 'ab', false],
  ];
  for (const [p, t, want] of cases) assert.equal(wildcardMatch(p, t), want, `${p} ~ ${t}`);
});

test('a compiled wildcard pattern matches exactly as wildcardMatch', () => {
  // Biased to the forms compileWildcard specialises: `*`, `?*`, `x*`, `*x`, `*x*`, no wildcard.
  const piece = fc.array(fc.constantFrom('a', 'b', 'ab'), { maxLength: 3 }).map((xs) => xs.join(''));
  const pattern = fc.oneof(
    fc.constantFrom('*', '?*', '', '**', '*?', '?'),
    piece,
    piece.map((x) => `${x}*`),
    piece.map((x) => `*${x}`),
    piece.map((x) => `*${x}*`),
    fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 6 }).map((xs) => xs.join('')),
  );
  const text = fc.array(fc.constantFrom('a', 'b', 'ab', '*', '?'), { maxLength: 6 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 4 }), (p, texts) => {
      const compiled = compileWildcard(p);
      for (const t of texts) assert.equal(compiled(t), wildcardMatch(p, t), `${p} ~ ${t}`);
    }),
    fcParams(3000),
  );
});
