// The hand-written reference scan against distribution/reference v2.8's grammar written as an RE2 expression
// (reference/regexp.go): the same answer and the same parts for every string.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { fcParams } from '../../../test/helpers/fc.js';
import { isDigestSyntax, parseReference } from './image-reference.js';

const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = RE2JS.compile(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DIGEST_ONLY = RE2JS.compile(`^${DIGEST}$`);

function oracle(ref: string): { name: string; tag: string | undefined; digest: string | undefined } | undefined {
  const m = REFERENCE.matcher(ref);
  if (!m.matches()) return undefined;
  return { name: m.group(1) ?? '', tag: m.group(2) ?? undefined, digest: m.group(3) ?? undefined };
}

const HEX32 = '0123456789abcdef0123456789abcdef';
const cases: [string, boolean][] = [
  ['nginx', true],
  ['nginx:1.25', true],
  ['library/nginx', true],
  ['docker.io/library/nginx:latest', true],
  ['registry.example.com:5000/team/app:v1.2-rc_3', true],
  ['localhost:5000', true],
  ['localhost:5000/x', true],
  ['Registry.Example.com/x/y', true],
  [`x@sha256:${HEX32}${HEX32}`, true],
  [`x:tag@sha256:${HEX32}${HEX32}`, true],
  [`x@sha256+b64u.v2:${HEX32}`, true],
  ['a__b/c---d/e.f_g', true],
  [`x:${'t'.repeat(128)}`, true],
  [`x:${'t'.repeat(129)}`, false],
  ['Nginx', false],
  ['docker.io/Library/nginx', false],
  ['a___b', false],
  ['a..b', false],
  ['a-', false],
  ['-a', false],
  ['host:port/x', false],
  ['a:b:c', false],
  ['x@sha256:abc', false],
  ['x@@sha256:' + HEX32, false],
  ['[::1]:5000/x', false],
  ['', false],
  ['x:', false],
  ['/x', false],
  ['x/', false],
  ['x//y', false],
  ['-host.com/x', false],
  ['host-.com/x', false],
  ['a b', false],
];

for (const [ref, valid] of cases) {
  test(`parseReference(${JSON.stringify(ref.length > 60 ? `${ref.slice(0, 60)}…` : ref)}) is ${valid ? 'valid' : 'invalid'}, as the grammar says`, () => {
    assert.equal(oracle(ref) !== undefined, valid, 'the table row disagrees with the grammar');
    assert.deepEqual(parseReference(ref), oracle(ref));
  });
}

// Strings over the grammar's own alphabet, so that most are near misses of valid references.
const piece = fc.constantFrom('a', 'b', 'z', '0', '9', 'A', 'Z', '.', '-', '_', '__', ':', '/', '@', '+', 'sha256', HEX32, '5000', 'localhost', 'x.io');
const reference = fc.array(piece, { maxLength: 14 }).map((xs) => xs.join(''));

test('parseReference agrees with the grammar (RE2) on any reference-like string', () => {
  fc.assert(
    fc.property(reference, (ref) => {
      assert.deepEqual(parseReference(ref), oracle(ref));
    }),
    fcParams(3000),
  );
});

test('isDigestSyntax agrees with the digest grammar (RE2)', () => {
  fc.assert(
    fc.property(reference, (d) => {
      assert.equal(isDigestSyntax(d), DIGEST_ONLY.matcher(d).matches());
    }),
    fcParams(2000),
  );
});
