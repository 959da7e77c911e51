// Table-driven tests for validatePattern: YAML case files in testdata/ (OPA style: note, pattern,
// resource, want), plus properties (never throws; key order in the input never changes the outcome).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { type MatchOutcome, validatePattern } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

interface Case {
  note: string;
  pattern: unknown;
  resource: unknown;
  want: { kind: MatchOutcome['kind']; path?: string; reason?: string; detail?: string };
}

const dir = new URL('./testdata/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('the case files are present', () => {
  assert.ok(files.length >= 2);
});

for (const file of files) {
  const { cases } = parse(readFileSync(new URL(file, dir), 'utf8')) as { cases: Case[] };
  for (const c of cases) {
    test(`${file}: ${c.note}`, () => {
      const got = validatePattern(c.resource, c.pattern);
      assert.equal(got.kind, c.want.kind, JSON.stringify(got));
      if (c.want.path !== undefined && 'path' in got) assert.equal(got.path, c.want.path);
      if (c.want.reason !== undefined && got.kind === 'skip') assert.equal(got.reason, c.want.reason);
      if (c.want.detail !== undefined && (got.kind === 'fail' || got.kind === 'error')) assert.equal(got.detail, c.want.detail);
    });
  }
}

test('the negation detail carries the anchor path', () => {
  const got = validatePattern({ spec: { volumes: [{ hostPath: {} }] } }, { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } });
  assert.deepEqual(got, {
    kind: 'fail',
    path: '/spec/volumes/0/hostPath/',
    detail: 'negation anchor matched in resource: /spec/volumes/0/hostPath/ is not allowed',
  });
});

test('an execution error carries the walk error text and an empty path', () => {
  const got = validatePattern({ spec: { containers: [{ image: 'b' }] } }, { spec: { 'X(hostIPC)': 'null', containers: [{ image: 'a' }] } });
  assert.deepEqual(got, { kind: 'error', path: '', detail: "resource value 'b' does not match 'a' at path /spec/containers/0/image/" });
});

test('a missing anchor key deep in a list makes a failure an error; a pattern without one fails with its path', () => {
  // Each pattern object is validated twice: what is remembered per pattern must not change the outcome.
  const anchored = { spec: { containers: [{ 'X(privileged)': 'null', image: 'a' }] } };
  const plain = { spec: { containers: [{ image: 'a' }] } };
  const resource = { spec: { containers: [{ image: 'b' }] } };
  const detail = "resource value 'b' does not match 'a' at path /spec/containers/0/image/";
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(validatePattern(resource, anchored), { kind: 'error', path: '', detail });
    assert.deepEqual(validatePattern(resource, plain), { kind: 'fail', path: '/spec/containers/0/image/', detail });
  }
});

test('the pattern input is not modified by metadata wildcard expansion', () => {
  const pattern = { metadata: { labels: { 'app*': '?*' } } };
  validatePattern({ metadata: { labels: { app1: 'x' } } }, pattern);
  assert.deepEqual(pattern, { metadata: { labels: { 'app*': '?*' } } });
});

test('prototype member names read as missing keys', () => {
  assert.equal(validatePattern({}, { constructor: '*' }).kind, 'fail');
  assert.equal(validatePattern({}, { toString: null }).kind, 'pass');
});

test('validatePattern never throws on arbitrary JSON', () => {
  const key = fc.oneof(fc.string(), fc.constantFrom('(a)', 'X(a)', '=(a)', '^(a)', '<(a)', '+(a)', 'a', 'metadata', 'labels', '*', 'a*'));
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.string(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  })).value;
  fc.assert(
    fc.property(json, json, (resource, pattern) => {
      validatePattern(resource, pattern);
    }),
    fcParams(500),
  );
});

test('the order of keys in pattern and resource never changes the outcome', () => {
  const reverse = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(reverse);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]));
    return v;
  };
  const key = fc.constantFrom('(a)', 'X(b)', '=(c)', '^(d)', '<(e)', 'a', 'b', 'c', 'd', 'e');
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', '*', '?*', '>1'), fc.array(tie('value'), { maxLength: 2 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  })).value;
  fc.assert(
    fc.property(json, json, (resource, pattern) => {
      assert.deepEqual(validatePattern(reverse(resource), reverse(pattern)), validatePattern(resource, pattern));
    }),
    fcParams(500),
  );
});

const wildcardCases: { name: string; pattern: unknown; resource: unknown; want: MatchOutcome }[] = [
  {
    name: 'an optional wildcard annotation the resource does not carry passes',
    pattern: { '=(metadata)': { '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' } } },
    resource: { metadata: { annotations: { 'prometheus.io/port': '9102' } } },
    want: { kind: 'pass' },
  },
  {
    name: 'the same pattern checks a matching annotation',
    pattern: { '=(metadata)': { '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' } } },
    resource: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } } },
    want: {
      kind: 'fail',
      path: '/metadata/annotations/container.apparmor.security.beta.kubernetes.io/app/',
      detail: "resource value 'unconfined' does not match 'runtime/default | localhost/*' at path /metadata/annotations/container.apparmor.security.beta.kubernetes.io/app/",
    },
  },
  {
    name: 'a required wildcard label that matches nothing fails on the wildcard key',
    pattern: { metadata: { labels: { 'app*': '?*', ' =(tier*) ': 'x' } } },
    resource: { metadata: { labels: { team: 'a' } } },
    want: { kind: 'fail', path: '/metadata/labels/app*/', detail: "resource value '<nil>' does not match '?*' at path /metadata/labels/app*/" },
  },
];
for (const c of wildcardCases) {
  test(c.name, () => {
    // Twice: the first walk prepares the pattern maps, the second reuses them.
    assert.deepEqual(validatePattern(c.resource, c.pattern), c.want);
    assert.deepEqual(validatePattern(c.resource, c.pattern), c.want);
  });
}
