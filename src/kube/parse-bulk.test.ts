import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { fcParams } from '../../test/helpers/fc.js';
import { parseBulk } from './parse-bulk.js';
import { parseObjects } from './parse.js';

const item = (name: string, extra = '') => `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: ${name}\n${extra}`;
const LIST = (items: string, indent = '') =>
  `apiVersion: v1\nkind: List\nitems:\n${items
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n')}metadata:\n  resourceVersion: ""\n`;

// The fast path must give exactly what the full parser gives: objects, sources (document, line, item) and
// errors. `taken` says whether the fast path handles the text or hands it to the full parser.
const cases: { name: string; text: string; taken: boolean }[] = [
  { name: 'kubectl get -o yaml: one List, items at column 0', text: LIST(item('a') + item('b')), taken: true },
  { name: 'a List with indented items (yaml stringify style)', text: LIST(item('a') + item('b'), '  '), taken: true },
  { name: 'CRLF line ends', text: LIST(item('a') + item('b')).replaceAll('\n', '\r\n'), taken: true },
  { name: 'several documents, comments, an empty one and a trailing ---', text: `# dump\n---\n${LIST(item('a'))}---\n---\n# c\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\n---\n`, taken: true },
  { name: 'a List item with a block scalar and a comment line at column 0', text: LIST(item('a', '  data: |\n    - not an item\n    key: v\n# a comment\n') + item('b')), taken: true },
  { name: 'scalars resolve as YAML 1.2 core (0b101, +.5, 0o17, 0x1F, ~, True, 2024-01-01)', text: LIST(item('a', '  x: [0b101, +.5, -.5e-3, 0o17, 0x1F, ~, True, 2024-01-01, .inf, .NaN, 1_000, 012]\n')), taken: true },
  { name: 'a kind that is not a List keeps items as a field', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nitems:\n- a\n- b\n', taken: true },
  { name: 'cron text with stars is not an alias', text: LIST(item('a', '  schedule: "*/5 * * * *"\n  s2: 0 */5 * * *\n')), taken: true },
  { name: 'an alias inside one item (parsed by yaml, its alias limit applies)', text: LIST(item('a', '  x: &v {a: 1}\n  y: *v\n')), taken: true },
  { name: 'an alias to an anchor in another item: full parser', text: LIST(item('a', '  x: &v {a: 1}\n') + item('b', '  y: *v\n')), taken: false },
  { name: 'a syntax error in the 2nd item: full parser (its error and line)', text: LIST(item('a') + item('b', '  x: [1\n')), taken: false },
  { name: 'a duplicate key in an item: full parser', text: LIST(item('a', '  x: 1\n  x: 2\n')), taken: false },
  { name: 'a %YAML directive: full parser', text: `%YAML 1.2\n---\n${LIST(item('a'))}`, taken: false },
  { name: 'a bare "-" item: full parser', text: LIST(`-\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n`), taken: false },
  { name: 'an item missing its kind: same error, same line', text: LIST(`${item('a')}- apiVersion: v1\n  metadata: {name: b}\n`), taken: true },
  { name: 'a document that is a list', text: '- a\n- b\n', taken: true },
  { name: 'an unknown tag: full parser', text: LIST(item('a', '  x: !foo bar\n')), taken: false },
];

for (const c of cases) {
  test(`fast path: ${c.name}`, () => {
    assert.equal(parseBulk(c.text) !== undefined, c.taken, 'taken by the fast path');
    const full = parseObjects(c.text, 'dump.yaml', { fast: false });
    const fast = parseObjects(c.text, 'dump.yaml', { fast: true });
    assert.deepEqual(fast, full);
  });
}

test('fast path: the item lines are where each item starts', () => {
  const r = parseObjects(LIST(item('a') + item('b')), 'dump.yaml', { fast: true });
  assert.deepEqual(
    r.objects.map((o) => o.source),
    [
      { file: 'dump.yaml', document: 0, line: 4, item: 0 },
      { file: 'dump.yaml', document: 0, line: 8, item: 1 },
    ],
  );
});

test('fast path: big texts take it by default, small ones keep the full parser', () => {
  const big = stringify({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: 3000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { containers: [{ name: 'c', image: 'i' }] } })) });
  assert.ok(big.length >= 256 * 1024);
  assert.deepEqual(parseObjects(big, 'f'), parseObjects(big, 'f', { fast: false }));
});

test('fast path: same objects as the full parser on generated Lists (fixed seed)', () => {
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom('0b1', '+.5', '0o7', '~', 'True', '*x', '- a', '#c', 'a: b', '---', '...'));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('v'), { maxKeys: 3 })),
  })).v;
  fc.assert(
    fc.property(fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), value, { maxKeys: 4 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (extras, indentSeq) => {
      const items = extras.map((x, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, x }));
      const text = stringify({ apiVersion: 'v1', kind: 'List', items }, { indentSeq });
      assert.deepEqual(parseObjects(text, 'f', { fast: true }), parseObjects(text, 'f', { fast: false }));
    }),
    fcParams(150),
  );
});
