import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/helpers/fc.js';
import { yamlV2Map as referenceYamlV2Map } from '../../test/helpers/reference-reply-text.js';
import { yamlV2Map } from './reply-text.js';

// Characters that move columns or change styles: spaces, quotes, indicators, breaks, tabs, a 2-byte
// letter, astral characters (surrogate pairs, one column each) and lone surrogates.
const unit = fc.constantFrom(...'ab :#-\'"\n\t[]{}*&!|>%@`,?.09 xyz'.split(''), 'é', '\u2028', '\u0085', '😀', '𝔸', '\ud800', '\udc00', '\ufeff', '\u00a0');
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', "'", ':'), minLength: 1, maxLength: 30 });
// Long texts of words and spaces, so that folding past column 80 happens often.
const prose = fc.array(fc.tuple(word, fc.constantFrom(' ', ' ', '  ', ': ', '\n')), { maxLength: 25 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
// Printable one-line prose with quotes and ": " (single-quoted, folded) or without (plain, folded).
const quoted = fc
  .array(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'é', "'", '#', '-'), minLength: 1, maxLength: 12 }), fc.constantFrom(' ', ' ', ': ', '  ')), { minLength: 5, maxLength: 30 })
  .map((parts) => parts.map(([w, s]) => w + s).join('') + 'end');
const text = fc.oneof(fc.string({ unit, maxLength: 160 }), prose, quoted);
const name = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string({ unit, minLength: 1, maxLength: 12 }));

test('the optimised yaml.v2 emitter writes what the reference writes, byte for byte', () => {
  const failures = fc.dictionary(name, fc.dictionary(name, text, { minKeys: 1, maxKeys: 3 }), { minKeys: 1, maxKeys: 3 });
  fc.assert(
    fc.property(failures, (m) => {
      assert.equal(yamlV2Map(m), referenceYamlV2Map(m));
    }),
    fcParams(500),
  );
});
