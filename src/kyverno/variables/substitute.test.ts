import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../util/index.js';
import { buildContext, withElement, withVariable } from './context.js';
import { parseImage } from './images.js';
import { substituteAll } from './substitute.js';

const data = withVariable(
  buildContext({
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'ghcr.io/org/app:1.2' }] } },
    operation: 'CREATE',
  }),
  'cfg.data.limit',
  '3',
);

const cases: { name: string; doc: JsonValue; want: JsonValue }[] = [
  { name: 'a whole-string variable keeps its type', doc: '{{ request.object.spec.containers }}', want: [{ name: 'c', image: 'ghcr.io/org/app:1.2' }] },
  { name: 'a variable inside text is spliced in', doc: 'pod {{request.object.metadata.name}} in {{ request.object.metadata.namespace }}', want: 'pod web in ns1' },
  { name: 'non-string values are JSON-encoded inside text', doc: 'x={{ request.object.metadata }}', want: 'x={"name":"web","namespace":"ns1"}' },
  { name: 'dotted values-file keys become nested context', doc: '{{ cfg.data.limit }}', want: '3' },
  { name: 'nested variables are resolved innermost first', doc: "{{ request.object.metadata.{{ 'name' }} }}", want: 'web' },
  { name: 'request.operation is in the context', doc: "{{ request.operation || 'BACKGROUND' }}", want: 'CREATE' },
  { name: 'images are parsed per container', doc: '{{ images.containers.c.registry }}/{{ images.containers.c.tag }}', want: 'ghcr.io/1.2' },
  { name: 'an escaped variable is left alone', doc: '\\{{ not.a.variable }}', want: '{{ not.a.variable }}' },
  { name: 'a $() reference reads a sibling in the same document', doc: { a: 'x', b: '$(../a)' }, want: { a: 'x', b: 'x' } },
  { name: 'variables in nested objects and arrays are substituted', doc: { l: ['{{ request.object.metadata.name }}'] }, want: { l: ['web'] } },
];
for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(substituteAll(c.doc, data), { ok: true, value: c.want });
  });
}

test('DELETE requests read request.oldObject for request.object', () => {
  const del = buildContext({ oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gone' } }, operation: 'DELETE' });
  assert.deepEqual(substituteAll('{{ request.object.metadata.name }}', del, { isDelete: true }), { ok: true, value: 'gone' });
});

test('foreach adds element, elementIndex and their nested forms', () => {
  const d = withElement(data, { name: 'e' }, 2, 0);
  assert.deepEqual(substituteAll('{{ element.name }}-{{ elementIndex }}-{{ element0.name }}', d), { ok: true, value: 'e-2-e' });
});

const images: { name: string; image: string; want: Partial<ReturnType<typeof parseImage>> }[] = [
  { name: 'a bare image defaults to docker.io and latest', image: 'nginx', want: { registry: 'docker.io', path: 'nginx', name: 'nginx', tag: 'latest' } },
  { name: 'a registry with a port is kept', image: 'localhost:5000/a/b:1', want: { registry: 'localhost:5000', path: 'a/b', name: 'b', tag: '1' } },
  { name: 'a digest leaves the tag empty', image: 'r.io/x@sha256:abc', want: { registry: 'r.io', tag: '', digest: 'sha256:abc' } },
  { name: 'an upper-case first component is the registry', image: 'Registry/a/b:1', want: { registry: 'Registry', path: 'a/b', name: 'b', tag: '1' } },
];
for (const c of images) {
  test(c.name, () => {
    const got = parseImage(c.image);
    for (const [k, v] of Object.entries(c.want)) assert.equal(got[k as keyof typeof got], v);
  });
}

const missing: { name: string; doc: string; mode?: 'strict' | 'conditions'; want: { ok: true; value: JsonValue } | { ok: false; error: string } }[] = [
  {
    name: 'a plain path through a missing map key fails with Kyverno\'s "Unknown key" error',
    doc: '{{ request.object.metadata.labels.team }}',
    want: { ok: false, error: 'failed to resolve request.object.metadata.labels.team at path /: JMESPath query failed: Unknown key "labels" in path' },
  },
  { name: 'in preconditions a missing key resolves to the empty string', doc: '{{ request.object.metadata.labels.team }}', mode: 'conditions', want: { ok: true, value: '' } },
  { name: 'a field of a list is null without error', doc: '{{ request.object.spec.containers.name }}', want: { ok: true, value: null } },
  { name: 'an index out of range is null without error', doc: '{{ request.object.spec.containers[3].name }}', want: { ok: true, value: null } },
  { name: 'a guarded path with || falls back instead of failing', doc: "{{ request.object.metadata.labels.team || 'none' }}", want: { ok: true, value: 'none' } },
  { name: 'a projection over a missing key is not checked and yields null', doc: '{{ request.object.spec.initContainers[].name }}', want: { ok: true, value: null } },
];
for (const c of missing) {
  test(c.name, () => {
    assert.deepEqual(substituteAll(c.doc, data, c.mode ? { mode: c.mode } : {}), c.want);
  });
}

// Documents with variables are substituted through a plan made once per document object: the cases
// below run each document twice (a cached plan must give the same answer) and cover its corners.
const planned: { name: string; doc: JsonValue; opts?: { mode?: 'strict' | 'conditions'; isDelete?: boolean }; want: unknown }[] = [
  {
    name: 'a key holding a variable is substituted, and its value too',
    doc: { '{{ request.object.metadata.name }}': '{{ request.object.metadata.namespace }}', fixed: ['a', 1, null] },
    want: { ok: true, value: { web: 'ns1', fixed: ['a', 1, null] } },
  },
  { name: '{{@}} reads the value at its own path in the document', doc: { request: { object: { metadata: { name: '{{@}}' } } } }, want: { ok: true, value: { request: { object: { metadata: { name: 'web' } } } } } },
  { name: 'escaped braces in a literal string of a planned document are unescaped', doc: { a: '\\{{ x }}', b: '{{ request.operation }}' }, want: { ok: true, value: { a: '{{ x }}', b: 'CREATE' } } },
  {
    name: 'an error names the path of the failing string in the document',
    doc: { all: [{ key: '{{ request.object.metadata.labels.team }}' }] },
    want: { ok: false, error: 'failed to resolve request.object.metadata.labels.team at path /all/0/key: JMESPath query failed: Unknown key "labels" in path' },
  },
  { name: 'in conditions mode the failing string becomes empty', doc: { all: [{ key: '{{ nope.nope }}', value: 'x' }] }, opts: { mode: 'conditions' }, want: { ok: true, value: { all: [{ key: '', value: 'x' }] } } },
  { name: 'a whole-string variable on DELETE reads the old object', doc: { n: '{{ request.object.metadata.name }}' }, opts: { isDelete: true }, want: { ok: false, error: 'failed to resolve request.oldObject.metadata.name at path /n: JMESPath query failed: Unknown key "oldObject" in path' } },
];
for (const c of planned) {
  test(c.name, () => {
    assert.deepEqual(substituteAll(c.doc, data, c.opts ?? {}), c.want);
    assert.deepEqual(substituteAll(c.doc, data, c.opts ?? {}), c.want);
  });
}

test('a planned document is never modified and its constant parts are shared', () => {
  const constant = { x: [1, 2] };
  const doc = { constant, v: '{{ request.operation }}' };
  const r = substituteAll(doc, data);
  assert.ok(r.ok);
  assert.equal((r.value as { constant: unknown }).constant, constant);
  assert.deepEqual(doc, { constant: { x: [1, 2] }, v: '{{ request.operation }}' });
});

// A failed variable or reference ends the substitution of its document with the first failure's text,
// whatever the document's shape, and leaves nothing behind for the next substitution.
const failures: { name: string; doc: JsonValue; want: string }[] = [
  { name: 'a failing key fails before its value', doc: { '{{ nope.k }}': '{{ nope.v }}' }, want: 'failed to resolve nope.k at path /: JMESPath query failed: Unknown key "nope" in path' },
  { name: 'the first failing list item wins', doc: ['{{ request.operation }}', 'a {{ nope.a }}', '{{ nope.b }}'], want: 'failed to resolve nope.a at path /1: JMESPath query failed: Unknown key "nope" in path' },
  { name: 'a nested variable failing inside an outer one', doc: { k: "{{ to_upper('{{ nope.n }}') }}" }, want: 'failed to resolve nope.n at path /k: JMESPath query failed: Unknown key "nope" in path' },
  { name: 'a JMESPath error names the expression and path', doc: { k: '{{ to_upper(`1`) }}' }, want: 'failed to resolve to_upper(`1`) at path /k: ' },
  // Kyverno's texts (vars.go substituteReferencesIfAny / resolveReference): a reference is relative to the
  // path of the value holding it (`./b` under /a is /a/b), and one that names nothing is a nil value.
  { name: 'a missing whole-string reference', doc: { a: '$(./b)' }, want: 'got nil resolved variable $(./b) at path /a: <nil>' },
  { name: 'a missing reference with an operator', doc: { a: '$(<=../b)' }, want: 'failed to resolve $(<=../b) at path /a: incorrect expression: operator <= does not match with value <nil>' },
  { name: 'an operator without a path', doc: { a: '$(<=)' }, want: 'failed to resolve $(<=) at path /a: expected path, found empty reference' },
  // `$(` then non-spaces up to the last `)`: two references with no space between are one, which names nothing.
  { name: 'two references with no space between are one', doc: { a: 'x', b: '$(../a)-$(../c)' }, want: 'got nil resolved variable $(../a)-$(../c) at path /b: <nil>' },
  // getValueFromReference looks at leaves only: a map or a list is not found.
  { name: 'a reference to a map names nothing', doc: { n: { m: 1 }, b: 'see $(../n)' }, want: 'got nil resolved variable $(../n) at path /b: <nil>' },
  { name: 'a reference to a number is not resolved', doc: { n: 1, b: '$(../n)' }, want: 'NotResolvedReferenceErr,reference $(../n) not resolved at path /b' },
  // The joined path keeps the anchor of the holder's path; the leaves' paths are compared without anchors.
  { name: 'a relative reference under an anchored key names nothing', doc: { '=(c)': [{ a: '1', b: '$(../a)' }] }, want: 'got nil resolved variable $(../a) at path /=(c)/0/b: <nil>' },
  { name: 'a failing variable in a document with references', doc: { a: 'x', b: '$(../a)', c: '{{ nope.c }}' }, want: 'failed to resolve nope.c at path /c: JMESPath query failed: Unknown key "nope" in path' },
];
for (const c of failures) {
  test(c.name, () => {
    for (let i = 0; i < 2; i++) {
      const r = substituteAll(c.doc, data);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.error.startsWith(c.want), !r.ok ? r.error : '');
      assert.deepEqual(substituteAll({ ok: '{{ request.operation }}' }, data), { ok: true, value: { ok: 'CREATE' } });
    }
  });
}

// Kyverno's $() references (kyverno@v1.10.7 vars.go substituteReferencesIfAny, resolveReference,
// formAbsolutePath; the cases of its vars_test.go and validate_test.go): a relative path is joined to the path
// of the value holding it, an operator in front (`>=`, `<=`, `>`, `<`, `!`) is kept in front of the value
// (numbers as Go's %f), an absolute path starts at the document's root, anchors in the document's keys are
// ignored, and `\$(` is a literal.
const references: { name: string; doc: JsonValue; want: JsonValue }[] = [
  {
    name: 'the documented example: requests at most the limits, relative to requests.memory',
    doc: { resources: { requests: { memory: '$(<=./../../limits/memory)' }, limits: { memory: '2048Mi' } } },
    want: { resources: { requests: { memory: '<=2048Mi' }, limits: { memory: '2048Mi' } } },
  },
  { name: 'a path back to the top first', doc: { spec: { a: { b: '$(../../c)' }, c: 'v' } }, want: { spec: { a: { b: 'v' }, c: 'v' } } },
  { name: 'an absolute path with an operator', doc: { spec: { m: '$(>=/spec/n)', n: '5' } }, want: { spec: { m: '>=5', n: '5' } } },
  { name: 'a number behind an operator prints as Go %f', doc: { m: '$(>../n)', n: 5 }, want: { m: '>5.000000', n: 5 } },
  { name: 'anchors in keys are not part of the path', doc: { spec: { '=(c)': [{ x: '$(/spec/c/0/y)', y: 'v' }] } }, want: { spec: { '=(c)': [{ x: 'v', y: 'v' }] } } },
  { name: 'references with spaces between are spliced in one by one', doc: { a: 'x', b: '$(../a) and $(../a)' }, want: { a: 'x', b: 'x and x' } },
  { name: 'a path with parentheses runs to the last one', doc: { 'l(i)m': 'v', b: '$(../l(i)m)' }, want: { 'l(i)m': 'v', b: 'v' } },
  { name: 'an escaped reference is a literal', doc: { a: '\\$(ENV_VAR)' }, want: { a: '$(ENV_VAR)' } },
];
for (const c of references) {
  test(`references: ${c.name}`, () => assert.deepEqual(substituteAll(c.doc, data), { ok: true, value: c.want }));
}

// A string with text around its variables keeps its first variable from the template: the cached
// expression must follow the request (DELETE or not) and `{{@}}` the document path, call after call.
test('text around variables: the first variable follows DELETE and the document path on every call', () => {
  const del = buildContext({ oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gone' } }, operation: 'DELETE' });
  const s = 'n={{ request.object.metadata.name }}/{{ request.operation }}';
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(substituteAll(s, del, { isDelete: true }), { ok: true, value: 'n=gone/DELETE' });
    assert.deepEqual(substituteAll(s, data), { ok: true, value: 'n=web/CREATE' });
    assert.deepEqual(substituteAll({ request: { object: { metadata: { name: 'x-{{@}}', namespace: '{{@}}-y' } } } }, data), {
      ok: true,
      value: { request: { object: { metadata: { name: 'x-web', namespace: 'ns1-y' } } } },
    });
  }
  assert.deepEqual(substituteAll("{{ to_upper('{{ request.object.metadata.name }}') }}", data), { ok: true, value: 'WEB' });
});
