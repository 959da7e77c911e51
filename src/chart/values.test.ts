import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChartRenderError } from './errors.js';
import { coalesceValues, loadValuesFile, mergeValueMaps, parseValuesText } from './values.js';

const td = (f: string) => new URL(`./testdata/${f}`, import.meta.url).pathname;

test('a values file with bad YAML fails naming the file and line', () => {
  assert.throws(
    () => loadValuesFile(td('bad-values.yaml')),
    (e: unknown) => e instanceof ChartRenderError && e.code === 'CHART_VALUES_INVALID' && /bad-values\.yaml:\d+: YAML syntax error/.test(e.message),
  );
});

test('a missing values file fails naming the file', () => {
  assert.throws(() => loadValuesFile(td('nope.yaml')), /nope\.yaml: cannot read values file/);
});

const parses: { name: string; text: string; want: unknown; code?: string }[] = [
  { name: 'an empty file is an empty map', text: '', want: {} },
  { name: 'a comment-only file is an empty map', text: '# nothing\n', want: {} },
  { name: 'a list at the top level is rejected', text: '- a\n', want: {}, code: 'VALUES_NOT_A_MAP' },
  { name: 'a map is read as is', text: 'a: {b: 1}\n', want: { a: { b: 1 } } },
];
for (const c of parses) {
  test(c.name, () => {
    const r = parseValuesText(c.text, 'v.yaml');
    assert.deepEqual(r.values, c.want);
    assert.deepEqual(
      r.errors.map((e) => e.code),
      c.code ? [c.code] : [],
    );
  });
}

test('later -f files deep-merge maps and replace lists', () => {
  assert.deepEqual(mergeValueMaps({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 }), { a: { b: 1, c: [3] }, d: 1, e: 2 });
});

test('coalescing with defaults: user wins, null removes a default, unknown keys are kept', () => {
  assert.deepEqual(coalesceValues({ a: 1, m: { x: 1, y: 2 }, n: 'x' }, { m: { y: null, z: 3 }, n: null, u: null }), { a: 1, m: { x: 1, z: 3 }, u: null });
});
