import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadObjects } from './files.js';

test('a dump of 200,000 objects in one file loads (no spread of every object onto the call stack)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-big-'));
  try {
    const file = join(dir, 'dump.json');
    const items = Array.from({ length: 200_000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } }));
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const r = loadObjects([file]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.objects.length, 200_000);
    assert.deepEqual(r.objects[199_999]?.source, { file, document: 0, line: 1, item: 199_999 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
