// Anchor parsing table (kyverno@v1.10.7 anchor_test.go facts) and a never-throws property.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAnchor } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

const cases: { name: string; key: string; want: ReturnType<typeof parseAnchor> }[] = [
  { name: 'parentheses make a condition anchor', key: '(name)', want: { kind: 'condition', key: 'name' } },
  { name: 'less-than makes a global anchor', key: '<(image)', want: { kind: 'global', key: 'image' } },
  { name: 'X makes a negation anchor', key: 'X(hostPath)', want: { kind: 'negation', key: 'hostPath' } },
  { name: 'plus makes an add-if-not-present anchor', key: '+(dnsPolicy)', want: { kind: 'addIfNotPresent', key: 'dnsPolicy' } },
  { name: 'equals makes an equality anchor', key: '=(volumes)', want: { kind: 'equality', key: 'volumes' } },
  { name: 'caret makes an existence anchor', key: '^(containers)', want: { kind: 'existence', key: 'containers' } },
  { name: 'surrounding spaces are trimmed', key: '  =(a)  ', want: { kind: 'equality', key: 'a' } },
  { name: 'the key may contain slashes and dots', key: '=(container.apparmor.security.beta.kubernetes.io/*)', want: { kind: 'equality', key: 'container.apparmor.security.beta.kubernetes.io/*' } },
  { name: 'nested parentheses stay in the key', key: '((a))', want: { kind: 'condition', key: '(a)' } },
  { name: 'an empty key is not an anchor', key: '()', want: undefined },
  { name: 'a modifier with an empty key is not an anchor', key: 'X()', want: undefined },
  { name: 'a plain key is not an anchor', key: 'name', want: undefined },
  { name: 'a missing closing parenthesis is not an anchor', key: '(name', want: undefined },
  { name: 'an unknown modifier is not an anchor', key: 'Y(name)', want: undefined },
  { name: 'a lowercase x is not the negation modifier', key: 'x(name)', want: undefined },
  { name: 'a newline inside the key is not an anchor', key: '(a\nb)', want: undefined },
];

for (const c of cases) {
  test(c.name, () => assert.deepEqual(parseAnchor(c.key), c.want));
}

test('parseAnchor never throws and always returns a non-empty key', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const a = parseAnchor(s);
      if (a !== undefined) assert.ok(a.key.length > 0);
    }),
    fcParams(2000),
  );
});
