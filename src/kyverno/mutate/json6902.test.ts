// Table tests for patchesJson6902 with Kyverno's evanphx options: negative indices, missing parents
// created on add, remove of a missing path ignored, replace of a missing path an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../util/index.js';
import { applyJson6902 } from './json6902.js';

const cases: { name: string; doc: JsonValue; patch: string; want: JsonValue | 'error' }[] = [
  { name: 'add at index -1 appends', doc: { a: [1, 2] }, patch: '- {op: add, path: /a/-1, value: 3}', want: { a: [1, 2, 3] } },
  { name: 'add creates missing parents, arrays before numeric parts', doc: {}, patch: '- {op: add, path: /a/b/-1/c/-, value: 1}', want: { a: { b: [{ c: [1] }] } } },
  { name: 'remove of a missing path is a no-op', doc: { a: 1 }, patch: '- {op: remove, path: /b/c}', want: { a: 1 } },
  { name: 'replace of a missing path is an error', doc: { a: 1 }, patch: '- {op: replace, path: /b, value: 2}', want: 'error' },
  { name: 'a JSON array patch is accepted too', doc: { a: [1] }, patch: '[{"op": "remove", "path": "/a/0"}]', want: { a: [] } },
  { name: 'remove with index -1 removes the last element', doc: { a: [1, 2] }, patch: '- {op: remove, path: /a/-1}', want: { a: [1] } },
];

for (const c of cases) {
  test(c.name, () => {
    const r = applyJson6902(c.doc, c.patch);
    if (c.want === 'error') assert.equal(r.ok, false);
    else assert.deepEqual(r.ok ? r.value : r.error, c.want);
  });
}
