import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { formatBlockedMessage, yamlV2Map } from './reply-text.js';
import { fcParams } from '../../test/helpers/fc.js';

test('the first KB denial (autogen host-path on the gpu-operator DaemonSet) matches byte for byte', () => {
  const message =
    'validation error: HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path /spec/template/spec/volumes/0/hostPath/';
  const got = formatBlockedMessage(
    { kind: 'DaemonSet', namespace: 'gpu-operator', name: 'gpu-operator-node-feature-discovery-worker' },
    { 'disallow-host-path': { 'autogen-host-path': message } },
  );
  assert.equal(
    got,
    '\n\nresource DaemonSet/gpu-operator/gpu-operator-node-feature-discovery-worker was blocked due to the following policies \n\n' +
      'disallow-host-path:\n' +
      "  autogen-host-path: 'validation error: HostPath volumes are forbidden. The field\n" +
      '    spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path\n' +
      "    /spec/template/spec/volumes/0/hostPath/'\n",
  );
});

test('the second KB denial (foreach deny on ray hostPath) is one unfolded single-quoted line', () => {
  const failures = new Map([['ray-l9x71kv-lhv', new Map([['ray-l9x71kv-lhv', 'validation failure: hostPath volumes are confined to [/home/ray].']])]]);
  assert.equal(yamlV2Map(failures), "ray-l9x71kv-lhv:\n  ray-l9x71kv-lhv: 'validation failure: hostPath volumes are confined to [/home/ray].'\n");
});

test('a cluster-scoped resource has an empty namespace segment', () => {
  const got = formatBlockedMessage({ kind: 'Namespace', name: 'team-a' }, { p: { r: 'no' } });
  assert.ok(got.startsWith('\n\nresource Namespace//team-a was blocked due to the following policies \n\n'));
});

const scalarCases: { name: string; message: string; want: string }[] = [
  { name: 'a plain sentence stays plain', message: 'privileged containers are not allowed', want: '  r: privileged containers are not allowed\n' },
  { name: 'a colon followed by a space forces single quotes', message: 'validation error: no', want: "  r: 'validation error: no'\n" },
  { name: 'a colon without a following space stays plain', message: 'image a:b is bad', want: '  r: image a:b is bad\n' },
  { name: 'a trailing colon forces single quotes', message: 'denied:', want: "  r: 'denied:'\n" },
  { name: 'a hash after a space starts a comment, so it is quoted', message: 'see issue #12', want: "  r: 'see issue #12'\n" },
  { name: 'a hash inside a word stays plain', message: 'a#b', want: '  r: a#b\n' },
  { name: 'a leading bracket is an indicator', message: '[x] is wrong', want: "  r: '[x] is wrong'\n" },
  { name: 'a leading asterisk is an alias indicator', message: '*.example.com denied', want: "  r: '*.example.com denied'\n" },
  { name: 'a leading dash and space is a sequence indicator', message: '- item', want: "  r: '- item'\n" },
  { name: 'a leading dash without space stays plain', message: '-flag', want: '  r: -flag\n' },
  { name: 'single quotes inside a quoted value are doubled', message: "it's: bad", want: "  r: 'it''s: bad'\n" },
  { name: 'a leading single quote forces quoting with doubling', message: "'x'", want: "  r: '''x'''\n" },
  { name: 'a double quote at the start is single-quoted', message: '"x" bad', want: "  r: '\"x\" bad'\n" },
  { name: 'a leading space cannot be plain', message: ' padded', want: "  r: ' padded'\n" },
  { name: 'the empty string is double-quoted because it would read as null', message: '', want: '  r: ""\n' },
  { name: 'a boolean-looking word is double-quoted', message: 'true', want: '  r: "true"\n' },
  { name: 'a yes-style boolean from YAML 1.1 is double-quoted', message: 'no', want: '  r: "no"\n' },
  { name: 'a number is double-quoted', message: '12.5', want: '  r: "12.5"\n' },
  { name: 'a tilde is double-quoted as null', message: '~', want: '  r: "~"\n' },
  { name: 'a date is double-quoted as a timestamp', message: '2024-01-02', want: '  r: "2024-01-02"\n' },
  { name: 'a tab forces double quotes with an escape', message: 'a\tb', want: '  r: "a\\tb"\n' },
  { name: 'a multi-line message becomes a literal block', message: 'line one\nline two', want: '  r: |-\n    line one\n    line two\n' },
  { name: 'a trailing newline keeps clip chomping', message: 'one\ntwo\n', want: '  r: |\n    one\n    two\n' },
  { name: 'two trailing newlines use keep chomping', message: 'one\n\n', want: '  r: |+\n    one\n\n' },
  { name: 'a blank line inside a literal has no indentation', message: 'a\n\nb', want: '  r: |-\n    a\n\n    b\n' },
  { name: 'a leading space in a literal gets an indentation hint', message: ' a\nb', want: '  r: |2-\n     a\n    b\n' },
  { name: 'a space before a newline forces double quotes', message: 'a \nb', want: '  r: "a \\nb"\n' },
  {
    name: 'a long plain message folds at the first space past column 80',
    message: `${'word '.repeat(20)}end`,
    want: `  r: ${'word '.repeat(15)}word\n    ${'word '.repeat(4)}end\n`,
  },
  {
    name: 'a word longer than 80 columns is never split',
    message: `${'x'.repeat(100)} tail`,
    want: `  r: ${'x'.repeat(100)}\n    tail\n`,
  },
  {
    name: 'double spaces are not a fold point',
    message: `${'a'.repeat(78)}  b`,
    want: `  r: ${'a'.repeat(78)}  b\n`,
  },
];
for (const c of scalarCases) {
  test(`yamlV2Map: ${c.name}`, () => assert.equal(yamlV2Map({ p: { r: c.message } }), `p:\n${c.want}`));
}

test('keys sort like yaml.v2: digit runs numerically and letters after other characters', () => {
  const got = yamlV2Map({ p: { rule10: 'a', rule9: 'b', Rule: 'c', _x: 'd' } });
  assert.equal(got, 'p:\n  _x: d\n  Rule: c\n  rule9: b\n  rule10: a\n');
});

test('keys are never folded however long', () => {
  const key = 'k'.repeat(90);
  assert.equal(yamlV2Map({ p: { [key]: 'short' } }), `p:\n  ${key}: short\n`);
});

test('policies are listed in sorted order, each with its sorted rules', () => {
  const got = yamlV2Map(
    new Map([
      ['b-policy', new Map([['r2', 'x'], ['r1', 'y']])],
      ['a-policy', new Map([['only', 'z']])],
    ]),
  );
  // "y" is a YAML 1.1 boolean, so yaml.v2 double-quotes it.
  assert.equal(got, 'a-policy:\n  only: z\nb-policy:\n  r1: "y"\n  r2: x\n');
});

test('yaml.v2 output re-parses to the same map', () => {
  const text = fc.string({ unit: fc.constantFrom(...'ab :#-\'"\n\t[]{}*&!|>%@`,?.0123456789 xyzé'.split('')), maxLength: 120 });
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
  const failures = fc.dictionary(name, fc.dictionary(name, text, { minKeys: 1, maxKeys: 3 }), { minKeys: 1, maxKeys: 3 });
  fc.assert(
    fc.property(failures, (m) => {
      const out = yamlV2Map(m);
      assert.deepEqual(parse(out), JSON.parse(JSON.stringify(m)), out);
    }),
    fcParams(300),
  );
});
