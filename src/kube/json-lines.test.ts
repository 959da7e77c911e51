import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonElementLines } from './json-lines.js';

// Where each object of a JSON text begins, as `file:line` in errors and reports names it.
const cases: { name: string; text: string; want: ReturnType<typeof jsonElementLines> }[] = [
  { name: 'one object: no elements', text: '{"kind": "Pod"}', want: {} },
  { name: 'a top-level array, one element per line', text: '[\n{"a": 1},\n\n{"b": [1,\n2]},\n"x"\n]', want: { elements: [2, 4, 6] } },
  { name: 'an empty array', text: '[\n]', want: { elements: [] } },
  { name: 'a List', text: '{\n  "kind": "List",\n  "items": [\n    {\n      "kind": "Pod"\n    },\n    {\n      "kind": "Pod"\n    }\n  ]\n}', want: { items: [4, 7] } },
  { name: 'items on one line', text: '{"items": [{"a": 1}, {"b": "],{"}, 3]}', want: { items: [1, 1, 1] } },
  { name: 'a string value "items" is not the key', text: '{"kind": "items", "x": [\n{"a": 1}]}', want: {} },
  { name: 'an escaped key spelling items', text: '{"it\\u0065ms": [\n{}]}', want: { items: [2] } },
  { name: 'a nested items key is not the List', text: '{"spec": {"items": [\n{}]}}', want: {} },
  { name: 'quotes and brackets inside strings', text: '{"metadata": {"a": "\\"[{\\\\"}, "items": [\n\n{"x": "\\n]"},\n{}]}', want: { items: [3, 4] } },
  { name: 'CRLF line ends', text: '{\r\n"items": [\r\n{},\r\n{}\r\n]\r\n}', want: { items: [3, 4] } },
];

for (const c of cases) {
  test(`jsonElementLines: ${c.name}`, () => {
    JSON.parse(c.text); // every case is valid JSON, as the callers guarantee
    assert.deepEqual(jsonElementLines(c.text), c.want);
  });
}
