import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinKind, requestMatchKind } from './resources.js';

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
const cases = [
  { name: 'no subresource: the request kind', req: { kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, resource: { group: 'apps', version: 'v1', resource: 'deployments' } }, want: { group: 'apps', version: 'v1', kind: 'Deployment' } },
  { name: 'deployments/scale is a Deployment', req: { kind: SCALE, resource: { group: 'apps', version: 'v1', resource: 'deployments' }, subResource: 'scale' }, want: { group: 'apps', version: 'v1', kind: 'Deployment' } },
  { name: 'statefulsets/scale is a StatefulSet', req: { kind: SCALE, resource: { group: 'apps', version: 'v1', resource: 'statefulsets' }, subResource: 'scale' }, want: { group: 'apps', version: 'v1', kind: 'StatefulSet' } },
  { name: 'pods/exec is a Pod', req: { kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, resource: { group: '', version: 'v1', resource: 'pods' }, subResource: 'exec' }, want: { group: '', version: 'v1', kind: 'Pod' } },
  { name: 'pods/ephemeralcontainers is a Pod', req: { kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, subResource: 'ephemeralcontainers' }, want: { group: '', version: 'v1', kind: 'Pod' } },
  { name: 'an unknown resource keeps the request kind', req: { kind: SCALE, resource: { group: 'example.com', version: 'v1', resource: 'widgets' }, subResource: 'scale' }, want: SCALE },
];
for (const c of cases) {
  test(`requestMatchKind: ${c.name}`, () => {
    assert.deepEqual(requestMatchKind(c.req), c.want);
  });
}

test('builtinKind does not answer for inherited property names', () => {
  assert.equal(builtinKind('', 'constructor'), undefined);
  assert.equal(builtinKind('toString', 'pods'), undefined);
  assert.equal(builtinKind('', 'replicationcontrollers'), 'ReplicationController');
});
