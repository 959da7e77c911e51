// createJsonPatch: exact operation lists for typical mutations, and the round-trip property on random JSON
// (applied with the engine's own JSON6902 applier: `__proto__` and friends are ordinary keys, as in Go).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../util/index.js';
import { createJsonPatch, filterKyvernoPatches, type JsonPatchOp } from './json-patch-diff.js';
import { applyJson6902Ops } from './json6902.js';
import { fcParams } from '../../../test/helpers/fc.js';

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

/** Applies a patch as the API server would (the engine's applier); throws when it does not apply. */
function apply(doc: JsonValue, ops: JsonPatchOp[]): JsonValue {
  const r = applyJson6902Ops(doc, ops as unknown as JsonObject[]);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

// Issue 13 observation 6: fast-check found `{"__proto__": …}` documents at random; they are fixed cases now.
const protoCases: { name: string; a: string; b: string; want: JsonPatchOp[] }[] = [
  { name: 'a new "__proto__" key is added as an ordinary key (issue 13 obs. 6)', a: '{}', b: '{"__proto__":{"x":1}}', want: [{ op: 'add', path: '/__proto__', value: JSON.parse('{"x":1}') }] },
  { name: 'a removed "__proto__" key is removed (issue 13 obs. 6)', a: '{"__proto__":1}', b: '{}', want: [{ op: 'remove', path: '/__proto__' }] },
  { name: 'a value under "__proto__" is replaced in place (issue 13 obs. 6)', a: '{"__proto__":{"a":1}}', b: '{"__proto__":{"a":2}}', want: [{ op: 'replace', path: '/__proto__/a', value: 2 }] },
  { name: '"constructor" and "toString" keys are ordinary keys (issue 13 obs. 6)', a: '{"m":{}}', b: '{"m":{"constructor":1,"toString":[]}}', want: [{ op: 'add', path: '/m/constructor', value: 1 }, { op: 'add', path: '/m/toString', value: [] }] },
];

for (const c of protoCases) {
  test(c.name, () => {
    const a = JSON.parse(c.a) as JsonValue;
    const b = JSON.parse(c.b) as JsonValue;
    const ops = createJsonPatch(a, b);
    assert.deepEqual(ops, c.want);
    assert.deepEqual(apply(a, ops), b);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_NAMES);
    assert.equal(Object.getPrototypeOf(apply(a, ops)), Object.prototype);
  });
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

test('applying the patch to the original yields the target (random JSON)', () => {
  const json = fc.json().map((s) => JSON.parse(s) as JsonValue);
  fc.assert(
    fc.property(json, json, (a, b) => {
      assert.deepEqual(apply(a, createJsonPatch(a, b)), b);
    }),
    fcParams(500),
  );
});
