import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../test/helpers/cli.js';
import { formatSource } from './object.js';
import { formatInputError, type InputError, parseObjects } from './parse.js';
import { fcParams } from '../../test/helpers/fc.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n';

const errorCases: { name: string; text: string; want: Partial<InputError>; message: RegExp }[] = [
  {
    name: 'a YAML syntax error names the line it is on',
    text: 'apiVersion: v1\nkind: [Pod\nmetadata: {name: x}\n',
    want: { code: 'YAML_SYNTAX', document: 0, line: 3 },
    message: /^YAML syntax error: /,
  },
  {
    name: 'a syntax error in the second document names that document',
    text: `${POD}---\napiVersion: v1\nkind: Pod\nmetadata: {name: [x}\n`,
    want: { code: 'YAML_SYNTAX', document: 1 },
    message: /^YAML syntax error: /,
  },
  {
    name: 'a document that is a list is not a Kubernetes object',
    text: '- a\n- b\n',
    want: { code: 'NOT_AN_OBJECT', document: 0, line: 1 },
    message: /found a list$/,
  },
  {
    name: 'a scalar third document is reported at its own line',
    text: `${POD}---\n---\n"just a string"\n`,
    want: { code: 'NOT_AN_OBJECT', document: 2, line: 7 },
    message: /found the string "just a string"$/,
  },
  { name: 'a missing kind names the field', text: 'apiVersion: v1\nmetadata: {name: x}\n', want: { code: 'MISSING_FIELD', field: 'kind', line: 1 }, message: /"kind"/ },
  { name: 'a missing apiVersion names the field', text: 'kind: Pod\nmetadata: {name: x}\n', want: { code: 'MISSING_FIELD', field: 'apiVersion' }, message: /"apiVersion"/ },
  { name: 'a missing metadata names the field', text: 'apiVersion: v1\nkind: Pod\n', want: { code: 'MISSING_FIELD', field: 'metadata' }, message: /"metadata"/ },
  {
    name: 'a missing metadata.name names the field and the document line',
    text: `${POD}---\n# a comment\napiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n`,
    want: { code: 'MISSING_FIELD', field: 'metadata.name', document: 1, line: 7 },
    message: /"metadata.name"/,
  },
  { name: 'metadata that is not a mapping is invalid', text: 'apiVersion: v1\nkind: Pod\nmetadata: x\n', want: { code: 'INVALID_FIELD', field: 'metadata' }, message: /must be a mapping/ },
  { name: 'a numeric apiVersion is invalid', text: 'apiVersion: 1\nkind: Pod\nmetadata: {name: x}\n', want: { code: 'INVALID_FIELD', field: 'apiVersion' }, message: /must be a string, found a number/ },
  {
    name: 'a List item without kind names the item and its line',
    text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  metadata: {name: c}\n',
    want: { code: 'MISSING_FIELD', field: 'items[1].kind', document: 0, line: 7 },
    message: /"kind"/,
  },
  {
    name: 'a List item that is a number is not an object',
    text: 'apiVersion: v1\nkind: List\nitems:\n- 42\n',
    want: { code: 'NOT_AN_OBJECT', field: 'items[0]', line: 4 },
    message: /found a number/,
  },
  { name: 'an unresolved alias is a YAML error, not a crash', text: `${POD}  labels: {a: *nope}\n`, want: { code: 'YAML_SYNTAX', document: 0, line: 1 }, message: /Unresolved alias/ },
  {
    name: 'an alias bomb is a YAML error, not a crash',
    text: 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    want: { code: 'YAML_SYNTAX' },
    message: /alias/i,
  },
  { name: 'broken JSON is reported as a located syntax error', text: '{"apiVersion": "v1",\n bad', want: { code: 'YAML_SYNTAX', line: 2 }, message: /^YAML syntax error/ },
];

for (const c of errorCases) {
  test(c.name, () => {
    const r = parseObjects(c.text, 'in.yaml');
    assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
    const e = r.errors[0]!;
    assert.equal(e.file, 'in.yaml');
    for (const [k, v] of Object.entries(c.want)) assert.equal(e[k as keyof InputError], v, k);
    assert.match(e.message, c.message);
  });
}

test('the good documents of a file still load when another document is bad', () => {
  const r = parseObjects(`${POD}---\n- not an object\n---\n${POD.replace('name: p', 'name: q')}`, 'in.yaml');
  assert.deepEqual(
    r.objects.map((o) => o.object.metadata.name),
    ['p', 'q'],
  );
  assert.equal(r.errors.length, 1);
});

test('formatInputError prints file:line: document N: field: message', () => {
  const e: InputError = { code: 'MISSING_FIELD', file: 'a.yaml', document: 1, line: 7, field: 'metadata.name', message: 'missing required field "metadata.name"' };
  assert.equal(formatInputError(e), 'a.yaml:7: document 2: metadata.name: missing required field "metadata.name"');
  assert.equal(formatInputError({ code: 'READ_FAILED', file: 'b', message: 'cannot read' }), 'b: cannot read');
});

const flattenCases: { name: string; text: string; file?: string; want: { name: string; kind: string; document: number; line: number; item?: number }[] }[] = [
  {
    name: 'multi-document YAML keeps each document index and first line',
    text: `# header\n${POD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
    want: [
      { name: 'p', kind: 'Pod', document: 0, line: 2 },
      { name: 'c', kind: 'ConfigMap', document: 1, line: 7 },
    ],
  },
  {
    name: 'a kind: List is flattened with the item index and line of each item',
    text: `${POD}---\napiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: b, namespace: a}\n`,
    want: [
      { name: 'p', kind: 'Pod', document: 0, line: 1 },
      { name: 'a', kind: 'Namespace', document: 1, line: 11, item: 0 },
      { name: 'b', kind: 'Deployment', document: 1, line: 14, item: 1 },
    ],
  },
  {
    name: 'typed lists such as PodList are flattened too',
    text: 'apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: x}\n',
    want: [{ name: 'x', kind: 'Pod', document: 0, line: 4, item: 0 }],
  },
  {
    name: 'a JSON List is flattened',
    file: 'l.json',
    text: '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"}}]}',
    want: [{ name: 'j', kind: 'Pod', document: 0, line: 1, item: 0 }],
  },
  {
    name: 'a top-level JSON array is one document per element',
    file: 'a.json',
    text: '[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}]',
    want: [
      { name: 'a', kind: 'Pod', document: 0, line: 1 },
      { name: 'b', kind: 'Pod', document: 1, line: 1 },
    ],
  },
  {
    name: 'unknown kinds are carried along and empty documents skipped',
    text: `---\n---\napiVersion: cm.brightcomputing.com/v1\nkind: CmKubernetesPermissionUser\nmetadata: {name: ray-l9x71kv}\n---\n`,
    want: [{ name: 'ray-l9x71kv', kind: 'CmKubernetesPermissionUser', document: 1, line: 3 }],
  },
];

for (const c of flattenCases) {
  test(c.name, () => {
    const r = parseObjects(c.text, c.file ?? 'in.yaml');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.objects.map((o) => ({ name: o.object.metadata.name, kind: o.object.kind, document: o.source.document, line: o.source.line, ...(o.source.item !== undefined ? { item: o.source.item } : {}) })),
      c.want,
    );
    for (const o of r.objects) assert.equal(o.source.file, c.file ?? 'in.yaml');
  });
}

test('formatSource names file, line, document and item', () => {
  assert.equal(formatSource({ file: 'a.yaml', document: 1, line: 14, item: 1 }), 'a.yaml:14 (document 2, item 1)');
  assert.equal(formatSource({ file: 'a.yaml', document: 0, line: 2 }), 'a.yaml:2 (document 1)');
});

test('requireName: false accepts objects without a name or metadata (policy resources, templates)', () => {
  const r = parseObjects('apiVersion: v1\nkind: Pod\nspec: {}\n---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\n', 'in.yaml', { requireName: false });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.objects[0]?.object.metadata, {});
  assert.equal(r.objects[1]?.object.metadata.generateName, 'web-');
});

test('generateName alone satisfies the name requirement, as the API server accepts it', () => {
  assert.deepEqual(parseObjects('apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\n', 'in.yaml').errors, []);
});

test('parseObjects never throws, whatever the text', () => {
  const yamlish = fc.stringMatching(/^[a-z:\-\s[\]{}&*!|>'"#,0-9]{0,60}$/);
  fc.assert(
    fc.property(fc.oneof(fc.string(), yamlish), (text) => {
      const r = parseObjects(text, 'p.yaml');
      return Array.isArray(r.objects) && Array.isArray(r.errors);
    }),
    fcParams(500),
  );
});

const cliCases: { name: string; stdin: string; err: string }[] = [
  {
    name: 'bad YAML on stdin exits 2 with file, document and line, and no stack trace',
    stdin: 'apiVersion: v1\nkind: [Pod\nmetadata: {name: x}\n',
    err: '<stdin>:3: document 1: YAML syntax error:',
  },
  { name: 'a missing kind on stdin exits 2 naming the field', stdin: 'apiVersion: v1\nmetadata: {name: x}\n', err: '<stdin>:1: document 1: kind: missing required field "kind"' },
  // (The CLI also requires a pod's spec, so this pod has one.)
  { name: 'a non-object document on stdin exits 2', stdin: `${POD}spec: {containers: [{name: c, image: busybox}]}\n---\n42\n`, err: '<stdin>:7: document 2: document is not a Kubernetes object' },
];

for (const c of cliCases) {
  test(c.name, async () => {
    const r = await runCli(['inventory', '--cluster', '-'], { stdin: c.stdin });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.startsWith(`error: ${c.err}`), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
  });
}
