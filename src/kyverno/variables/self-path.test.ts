// `{{@}}`: the value at the same path in request.object, with the path written as Kyverno writes JSON
// pointers in JMESPath (kyverno@v1.10.7 pkg/engine/variables/vars.go, pkg/utils/jsonpointer/pointer.go).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildContext, withVariable } from './context.js';
import { pointerToJmesPath, selfJmesPath } from './substitute.js';
import { substituteAll } from './index.js';

const jmes = [
  { name: 'identifiers stay bare', parts: ['request', 'object', 'metadata', 'name'], want: 'request.object.metadata.name' },
  { name: 'unsigned integers are indices without a dot', parts: ['spec', 'containers', '0', 'image'], want: 'spec.containers[0].image' },
  { name: 'a dash needs quotes', parts: ['labels', 'deploy-zone'], want: 'labels."deploy-zone"' },
  { name: 'dots and slashes are quoted as they are', parts: ['annotations', 'example.com/owner'], want: 'annotations."example.com/owner"' },
  { name: 'a leading digit with letters is quoted', parts: ['a', '1x'], want: 'a."1x"' },
  { name: 'quotes and backslashes are escaped', parts: ['k"\\'], want: '"k\\"\\\\"' },
  { name: 'control characters are \\u escapes', parts: ['a\u0001'], want: '"a\\u0001"' },
  { name: 'anchored keys are quoted', parts: ['=(securityContext)'], want: '"=(securityContext)"' },
  { name: 'a closing parenthesis inside an identifier stays bare', parts: ['a)'], want: 'a)' },
];
for (const c of jmes) {
  test(`pointerToJmesPath: ${c.name}`, () => {
    assert.equal(pointerToJmesPath(c.parts), c.want);
  });
}

const noTarget = buildContext({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }, operation: 'CREATE' });
const paths = [
  { name: 'a mutate patch drops mutate.patchStrategicMerge', prefix: ['mutate'], path: ['patchStrategicMerge', 'spec', 'containers', '0', 'image'], want: 'request.object.spec.containers[0].image' },
  { name: 'a validate pattern drops validate.pattern', prefix: ['validate', 'pattern'], path: ['metadata', 'labels', 'deploy-zone'], want: 'request.object.metadata.labels."deploy-zone"' },
  { name: 'the path is cut past foreach first', prefix: [], path: ['mutate', 'foreach', '0', 'patchStrategicMerge', 'spec', 'x'], want: 'request.object.spec.x' },
  { name: 'a path of two parts or fewer is the whole object', prefix: ['mutate'], path: ['patchesJson6902'], want: 'request.object' },
];
for (const c of paths) {
  test(`selfJmesPath: ${c.name}`, () => {
    assert.equal(selfJmesPath(c.prefix, c.path, noTarget), c.want);
  });
}

test('selfJmesPath reads under target when the context has one', () => {
  assert.equal(selfJmesPath(['mutate'], ['patchStrategicMerge', 'spec'], withVariable(noTarget, 'target', {})), 'target.spec');
});

const data = buildContext({
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { 'deploy-zone': 'eu-1', app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  operation: 'CREATE',
});

test('{{@}} in a patch reads the object at the same path, quoting keys with dashes', () => {
  const doc = { patchStrategicMerge: { metadata: { labels: { 'deploy-zone': 'zone-{{@}}', app: '{{ @ }}' } }, spec: { containers: [{ name: 'c', image: 'mirror.io/{{@}}' }] } } };
  assert.deepEqual(substituteAll(doc, data, { pointerPrefix: ['mutate'] }), {
    ok: true,
    value: { patchStrategicMerge: { metadata: { labels: { 'deploy-zone': 'zone-eu-1', app: 'a' } }, spec: { containers: [{ name: 'c', image: 'mirror.io/nginx:1' }] } } },
  });
});

test('{{@}} in a pattern reads the object at the same path', () => {
  assert.deepEqual(substituteAll({ metadata: { labels: { 'deploy-zone': '{{@}}' } } }, data, { pointerPrefix: ['validate', 'pattern'] }), {
    ok: true,
    value: { metadata: { labels: { 'deploy-zone': 'eu-1' } } },
  });
});

test('{{@}} on DELETE reads the old object', () => {
  const del = buildContext({ oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { 'deploy-zone': 'old' } } }, operation: 'DELETE' });
  assert.deepEqual(substituteAll({ metadata: { labels: { 'deploy-zone': '{{@}}' } } }, del, { pointerPrefix: ['validate', 'pattern'], isDelete: true }), {
    ok: true,
    value: { metadata: { labels: { 'deploy-zone': 'old' } } },
  });
});
