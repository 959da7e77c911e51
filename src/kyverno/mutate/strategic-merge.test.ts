// Table tests for the kyaml-compatible strategic merge: merge keys from the schema, inferred keys for CRDs,
// atomic lists, null deletion, $patch directives and node-kind errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../util/index.js';
import { MergeError, strategicMerge } from './strategic-merge.js';

const pod = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

const cases: { name: string; resource: JsonObject; patch: JsonObject; want: JsonObject }[] = [
  {
    name: 'containers merge by name and new ones come first (kustomize prepends)',
    resource: pod({ containers: [{ name: 'a', image: 'x' }] }),
    patch: { spec: { containers: [{ name: 'b', image: 'y' }, { name: 'a', imagePullPolicy: 'Always' }] } },
    want: pod({ containers: [{ name: 'b', image: 'y' }, { name: 'a', image: 'x', imagePullPolicy: 'Always' }] }),
  },
  {
    name: 'env merges by name inside a merged container',
    resource: pod({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }] }] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }] }] } },
    want: pod({ containers: [{ name: 'a', env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] }] }),
  },
  {
    name: 'a field named like an Object.prototype member (constructor) is an unknown field of a built-in kind: replaced whole',
    resource: pod({ constructor: [{ name: 'a', x: 1 }], toString: [{ name: 'a' }] }),
    patch: { spec: { constructor: [{ name: 'b' }], toString: [{ name: 'b' }] } },
    want: pod({ constructor: [{ name: 'b' }], toString: [{ name: 'b' }] }),
  },
  {
    name: 'tolerations have no merge strategy and are replaced',
    resource: pod({ tolerations: [{ key: 'a' }] }),
    patch: { spec: { tolerations: [{ key: 'b' }] } },
    want: pod({ tolerations: [{ key: 'b' }] }),
  },
  {
    name: 'dnsConfig options are atomic even though their elements have names',
    resource: pod({ dnsConfig: { options: [{ name: 'ndots', value: '5' }] } }),
    patch: { spec: { dnsConfig: { options: [{ name: 'timeout', value: '1' }] } } },
    want: pod({ dnsConfig: { options: [{ name: 'timeout', value: '1' }] } }),
  },
  {
    name: 'a CRD list whose elements all have a name is merged by name',
    resource: { apiVersion: 'x.io/v1', kind: 'Thing', spec: { items: [{ name: 'a', v: 1 }] } },
    patch: { spec: { items: [{ name: 'a', w: 2 }] } },
    want: { apiVersion: 'x.io/v1', kind: 'Thing', spec: { items: [{ name: 'a', v: 1, w: 2 }] } },
  },
  {
    name: 'a null in the patch deletes the field',
    resource: pod({ hostNetwork: true, dnsPolicy: 'Default' }),
    patch: { spec: { hostNetwork: null } },
    want: pod({ dnsPolicy: 'Default' }),
  },
  {
    name: '$patch: delete removes a keyed list element',
    resource: pod({ volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'a', $patch: 'delete' }] } },
    want: pod({ volumes: [{ name: 'b', emptyDir: {} }] }),
  },
  {
    name: '$patch: replace replaces a map instead of merging it',
    resource: pod({ nodeSelector: { a: '1', b: '2' } }),
    patch: { spec: { nodeSelector: { $patch: 'replace', c: '3' } } },
    want: pod({ nodeSelector: { c: '3' } }),
  },
  {
    name: 'finalizers merge as a set of primitives',
    resource: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['a'] } },
    patch: { metadata: { finalizers: ['b', 'a'] } },
    want: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['b', 'a'] } },
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(strategicMerge(c.resource, c.patch), c.want);
  });
}

test('a map patched onto a scalar is a node-kind error', () => {
  assert.throws(() => strategicMerge(pod({ dnsPolicy: 'Default' }), { spec: { dnsPolicy: { a: 1 } } }), MergeError);
});
