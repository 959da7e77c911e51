// toYamlText writes YAML that both kinds of reader get back unchanged: YAML 1.1 (kubectl, Helm: go-yaml v2)
// and YAML 1.2 (podgate's own loader, which reads backups and dumps). Session 8 verifier: `0o17` was written
// plain, which YAML 1.1 reads as a string and YAML 1.2 as the number 15.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { fcParams } from '../../test/helpers/fc.js';
import { toYamlText } from './yaml-text.js';

const both = (text: string) => [parse(text), parse(text, { version: '1.1' })];

const cases: { name: string; value: string }[] = [
  { name: 'a YAML 1.2 octal', value: '0o17' },
  { name: 'a YAML 1.2 octal with 8 in it (a string in both)', value: '0o18' },
  { name: 'a YAML 1.1 octal', value: '017' },
  { name: 'a YAML 1.1 boolean', value: 'on' },
  { name: 'an exponent without a dot', value: '1e3' },
  { name: 'a hexadecimal number', value: '0x1F' },
  { name: 'infinity', value: '.inf' },
  { name: 'a tilde', value: '~' },
  { name: 'an empty string', value: '' },
  { name: 'a time of day (base 60 in YAML 1.1)', value: '12:30' },
];

for (const c of cases) {
  test(`toYamlText keeps ${c.name} a string for YAML 1.1 and 1.2 readers, as value and as key`, () => {
    for (const read of both(toYamlText({ a: c.value, [c.value]: 'k' }))) {
      assert.equal((read as Record<string, unknown>).a, c.value);
      assert.ok(Object.hasOwn(read as object, c.value), `key ${JSON.stringify(c.value)} in ${JSON.stringify(read)}`);
    }
  });
}

test('toYamlText: any string of number-like characters reads back unchanged in YAML 1.1 and 1.2 (property)', () => {
  const text = fc.stringMatching(/^[-+.0-9a-fA-FoOxXbB_:~eE]{0,8}$/);
  fc.assert(
    fc.property(text, (s) => {
      for (const read of both(toYamlText({ v: s, list: [s] }))) {
        const r = read as { v: unknown; list: unknown[] };
        if (r.v !== s || r.list[0] !== s) return false;
      }
      return true;
    }),
    fcParams(3000),
  );
});
