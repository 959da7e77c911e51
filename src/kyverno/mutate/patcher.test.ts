// Table tests for anchors in patchStrategicMerge: add-if-not-present, conditional and global anchors,
// as preprocessed before the merge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, JsonValue } from '../../util/index.js';
import { applyStrategicMergePatch } from './patcher.js';

const pod = (spec: JsonObject, annotations?: JsonObject): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
  spec,
});

const cases: { name: string; resource: JsonObject; patch: JsonValue; want: JsonObject }[] = [
  {
    name: 'an add-if-not-present key is added when missing',
    resource: pod({ containers: [{ name: 'a' }] }),
    patch: { metadata: { annotations: { '+(team)': 'x' } } },
    want: pod({ containers: [{ name: 'a' }] }, { team: 'x' }),
  },
  {
    name: 'an add-if-not-present key leaves an existing value alone',
    resource: pod({ containers: [{ name: 'a' }] }, { team: 'y' }),
    patch: { metadata: { annotations: { '+(team)': 'x' } } },
    want: pod({ containers: [{ name: 'a' }] }, { team: 'y' }),
  },
  {
    name: 'a conditional anchor in a list element patches only the matching containers',
    resource: pod({ containers: [{ name: 'a', image: 'corp/x' }, { name: 'b', image: 'other/y' }] }),
    patch: { spec: { containers: [{ '(image)': 'corp/*', imagePullPolicy: 'Always' }] } },
    want: pod({ containers: [{ name: 'a', image: 'corp/x', imagePullPolicy: 'Always' }, { name: 'b', image: 'other/y' }] }),
  },
  {
    name: 'a failing conditional anchor on a map skips the whole patch',
    resource: pod({ containers: [{ name: 'a' }] }, { inject: 'false' }),
    patch: { metadata: { annotations: { '(inject)': 'true' } }, spec: { hostNetwork: false } },
    want: pod({ containers: [{ name: 'a' }] }, { inject: 'false' }),
  },
  {
    name: 'a global anchor no element satisfies skips the whole patch',
    resource: pod({ containers: [{ name: 'a', image: 'nginx' }] }),
    patch: { spec: { containers: [{ '<(image)': 'corp/*' }], imagePullSecrets: [{ name: 's' }] } },
    want: pod({ containers: [{ name: 'a', image: 'nginx' }] }),
  },
  {
    name: 'a satisfied global anchor lets the rest of the patch apply',
    resource: pod({ containers: [{ name: 'a', image: 'corp/x' }] }),
    patch: { spec: { containers: [{ '<(image)': 'corp/*' }], imagePullSecrets: [{ name: 's' }] } },
    want: pod({ containers: [{ name: 'a', image: 'corp/x' }], imagePullSecrets: [{ name: 's' }] }),
  },
];

for (const c of cases) {
  test(c.name, () => {
    const r = applyStrategicMergePatch(c.resource, c.patch);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.value, c.want);
  });
}
