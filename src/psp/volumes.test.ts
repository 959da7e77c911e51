// Cases from kubernetes@release-1.24 pkg/security/podsecuritypolicy/util/util_test.go
// (TestAllowsHostVolumePath, TestIsOnlyServiceAccountTokenSources), restated as facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../util/index.js';
import { psp } from './internal/test-fixtures.js';
import { allowsHostVolumePath, isOnlyServiceAccountTokenSources } from './volumes.js';

const hostPaths = (...p: [string, boolean?][]) => psp({ allowedHostPaths: p.map(([pathPrefix, readOnly]) => ({ pathPrefix, readOnly: readOnly ?? false })) });

const pathCases: { name: string; psp: ReturnType<typeof psp> | undefined; path: string; allowed: boolean; ro: boolean }[] = [
  { name: 'no PSP allows nothing', psp: undefined, path: '/foo', allowed: false, ro: false },
  { name: 'an empty list allows any path', psp: hostPaths(), path: '/foo', allowed: true, ro: false },
  { name: 'a prefix does not match a longer sibling name', psp: hostPaths(['/foo']), path: '/foobar', allowed: false, ro: false },
  { name: 'a prefix matches itself', psp: hostPaths(['/foo']), path: '/foo', allowed: true, ro: false },
  { name: 'a prefix matches a child', psp: hostPaths(['/foo']), path: '/foo/bar', allowed: true, ro: false },
  { name: 'a trailing slash on the path is ignored', psp: hostPaths(['/foo']), path: '/foo/', allowed: true, ro: false },
  { name: 'a trailing slash on the prefix is ignored', psp: hostPaths(['/foo/']), path: '/foo', allowed: true, ro: false },
  { name: 'a parent of the prefix is not allowed', psp: hostPaths(['/foo/bar']), path: '/foo', allowed: false, ro: false },
  { name: 'a read-only prefix allows a child read-only', psp: hostPaths(['/foo', true]), path: '/foo/bar', allowed: true, ro: true },
  { name: 'a writable prefix wins over a read-only one', psp: hostPaths(['/foo', true], ['/foo/bar']), path: '/foo/bar/baz', allowed: true, ro: false },
  { name: 'the root prefix allows everything', psp: hostPaths(['/']), path: '/etc', allowed: true, ro: false },
];
for (const c of pathCases) {
  test(c.name, () => {
    assert.deepEqual(allowsHostVolumePath(c.psp, c.path), { allowed: c.allowed, mustBeReadOnly: c.ro });
  });
}

const token = { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } };
const rootCa = { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } };
const ns = { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } };
const saCases: { name: string; sources: JsonObject[]; want: boolean }[] = [
  { name: 'the bound token volume sources are accepted', sources: [token, rootCa, ns], want: true },
  { name: 'a secret source is rejected', sources: [token, { secret: { name: 's' } }], want: false },
  { name: 'a token with an audience is rejected', sources: [{ serviceAccountToken: { path: 'token', audience: 'x' } }], want: false },
  { name: 'a token at another path is rejected', sources: [{ serviceAccountToken: { path: 'other' } }], want: false },
  { name: 'another config map is rejected', sources: [{ configMap: { name: 'other' } }], want: false },
  { name: 'a downward API item at another path is rejected', sources: [{ downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'metadata.namespace' } }] } }], want: false },
  { name: 'a downward API item for another field is rejected', sources: [{ downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.name' } }] } }], want: false },
  { name: 'a downward API item with a resourceFieldRef is rejected', sources: [{ downwardAPI: { items: [{ path: 'namespace', resourceFieldRef: { resource: 'limits.cpu' } }] } }], want: false },
  { name: 'a downward API fieldRef in another apiVersion is rejected', sources: [{ downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v2', fieldPath: 'metadata.namespace' } }] } }], want: false },
  { name: 'an empty source is rejected', sources: [{}], want: false },
];
for (const c of saCases) {
  test(c.name, () => {
    assert.equal(isOnlyServiceAccountTokenSources({ sources: c.sources }), c.want);
  });
}
