import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../util/index.js';
import { ChartRenderError } from './errors.js';
import { applySet } from './set-values.js';

const cases: { name: string; args: string[]; base?: JsonObject; want: JsonObject }[] = [
  { name: 'a plain key sets a string', args: ['a=b'], want: { a: 'b' } },
  { name: 'dotted keys nest maps', args: ['a.b.c=d'], want: { a: { b: { c: 'd' } } } },
  { name: 'commas separate several assignments', args: ['a=1,b=2'], want: { a: 1, b: 2 } },
  { name: 'true, false and null are typed case-insensitively', args: ['a=TRUE,b=false,c=Null'], want: { a: true, b: false, c: null } },
  { name: 'integers are typed but a leading zero keeps a string', args: ['a=10,b=010,c=0,d=1.5'], want: { a: 10, b: '010', c: 0, d: '1.5' } },
  { name: 'list indexes grow the list with nulls', args: ['a[2]=x'], want: { a: [null, null, 'x'] } },
  { name: 'an index into a map item sets a nested key', args: ['a[0].b=c', 'a[0].d=e'], want: { a: [{ b: 'c', d: 'e' }] } },
  { name: 'braces make a list value', args: ['a={x,y},b=z'], want: { a: ['x', 'y'], b: 'z' } },
  { name: 'a backslash escapes a dot in a key', args: ['customLabels.example\\.com/team=x'], want: { customLabels: { 'example.com/team': 'x' } } },
  { name: 'a backslash escapes a comma in a value', args: ['a=x\\,y'], want: { a: 'x,y' } },
  { name: 'an existing list keeps its other items', args: ['a[1]=z'], base: { a: ['x', 'y'] }, want: { a: ['x', 'z'] } },
  { name: 'an empty value is an empty string', args: ['a='], want: { a: '' } },
];
for (const c of cases) {
  test(c.name, () => {
    const v = structuredClone(c.base ?? {});
    for (const a of c.args) applySet(v, a);
    assert.deepEqual(v, c.want);
  });
}

for (const bad of ['a', 'a,b=c', 'a[x]=1', 'a={x', 'a[-1]=x']) {
  test(`"${bad}" is rejected with a --set syntax error`, () => {
    assert.throws(
      () => applySet({}, bad),
      (e: unknown) => e instanceof ChartRenderError && e.code === 'CHART_SET_SYNTAX',
    );
  });
}
