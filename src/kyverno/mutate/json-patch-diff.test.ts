// createJsonPatch: exact operation lists for typical mutations, and the round-trip property on random JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import jsonpatch, { type Operation } from 'fast-json-patch';
import type { JsonValue } from '../../util/index.js';
import { createJsonPatch, filterKyvernoPatches, type JsonPatchOp } from './json-patch-diff.js';

const cases: { name: string; a: JsonValue; b: JsonValue; want: JsonPatchOp[] }[] = [
  { name: 'equal documents need no operation', a: { x: [1, { y: 2 }] }, b: { x: [1, { y: 2 }] }, want: [] },
  { name: 'a new key is added with its pointer escaped', a: { m: {} }, b: { m: { 'a/b~c': 1 } }, want: [{ op: 'add', path: '/m/a~1b~0c', value: 1 }] },
  { name: 'an appended element is one add at its index', a: { l: [1, 2] }, b: { l: [1, 2, 3] }, want: [{ op: 'add', path: '/l/2', value: 3 }] },
  { name: 'a middle element removed is one remove', a: { l: [1, 2, 3] }, b: { l: [1, 3] }, want: [{ op: 'remove', path: '/l/1' }] },
  { name: 'a changed field inside an element is diffed in place', a: { l: [{ n: 'a', i: 'x' }] }, b: { l: [{ n: 'a', i: 'y' }] }, want: [{ op: 'replace', path: '/l/0/i', value: 'y' }] },
  { name: 'a removed key is removed', a: { a: 1, b: 2 }, b: { a: 1 }, want: [{ op: 'remove', path: '/b' }] },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(createJsonPatch(c.a, c.b), c.want);
  });
}

test('Kyverno drops patches to status and to metadata other than name, namespace, labels, annotations', () => {
  const ops: JsonPatchOp[] = [
    { op: 'add', path: '/status/x', value: 1 },
    { op: 'add', path: '/metadata/finalizers', value: [] },
    { op: 'add', path: '/metadata/labels/a', value: 'b' },
    { op: 'add', path: '/spec/x', value: 1 },
  ];
  assert.deepEqual(filterKyvernoPatches(ops).map((o) => o.path), ['/metadata/labels/a', '/spec/x']);
});

test('applying the patch to the original yields the target (random JSON)', () => {
  const json = fc.json().map((s) => JSON.parse(s) as JsonValue);
  fc.assert(
    fc.property(json, json, (a, b) => {
      const out = jsonpatch.applyPatch(structuredClone(a), createJsonPatch(a, b) as unknown as Operation[], true, false).newDocument;
      assert.deepEqual(out, b);
    }),
    { numRuns: 500 },
  );
});
