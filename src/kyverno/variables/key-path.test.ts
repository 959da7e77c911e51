// Values-file keys read as Kyverno 1.11+'s AddVariable reads them (a `.`-separated encoding/csv record).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvKeyPath, splitKeyPath } from './key-path.js';

const cases: { key: string; csv: string[] | RegExp; split: string[] }[] = [
  { key: 'request.operation', csv: ['request', 'operation'], split: ['request', 'operation'] },
  { key: 'request.object.metadata.annotations."example.com/team"', csv: ['request', 'object', 'metadata', 'annotations', 'example.com/team'], split: ['request', 'object', 'metadata', 'annotations', '"example', 'com/team"'] },
  { key: '"a.b"."c""d"', csv: ['a.b', 'c"d'], split: ['"a', 'b"', '"c""d"'] },
  { key: 'a..b', csv: ['a', '', 'b'], split: ['a', '', 'b'] },
  { key: 'a.b"c', csv: /a quote inside an unquoted segment \(column 4\)/, split: ['a', 'b"c'] },
  { key: 'a."b"c', csv: /a quoted segment must end at a dot; found "c" at column 6/, split: ['a', '"b"c'] },
  { key: 'a."b', csv: /the quote at column 3 is not closed/, split: ['a', '"b'] },
  { key: '', csv: /the key is empty/, split: [''] },
];

for (const c of cases) {
  test(`key path of ${JSON.stringify(c.key)}`, () => {
    const csv = csvKeyPath(c.key);
    if (c.csv instanceof RegExp) assert.match(csv.ok ? '' : csv.error, c.csv);
    else assert.deepEqual(csv, { ok: true, path: c.csv });
    assert.deepEqual(splitKeyPath(c.key), { ok: true, path: c.split });
  });
}
