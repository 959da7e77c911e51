import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JmespathError, KYVERNO_FUNCTIONS, searchJmespath, setJmespathClock, setJmespathRandom, setJmespathTimeParseEpoch } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

setJmespathClock(() => new Date('2023-02-02T15:30:00Z'));
setJmespathRandom(() => 0.5);

// Cases from kyverno@v1.10.7 pkg/engine/jmespath/functions_test.go, arithmetic_test.go and time_test.go.
const cases: { name: string; expr: string; data?: unknown; want: unknown }[] = [
  { name: 'compare orders strings lexically', expr: "compare('a', 'b')", want: -1 },
  { name: 'compare of equal strings is zero', expr: "compare('b', 'b')", want: 0 },
  { name: 'equal_fold ignores case', expr: "equal_fold('Go', 'GO')", want: true },
  { name: 'replace with -1 replaces every instance', expr: "replace('Lorem ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", want: 'Lorem muspi dolor sit amet' },
  { name: 'replace with a count stops after it', expr: "replace('aaa', 'a', 'b', `2`)", want: 'bba' },
  { name: 'replace_all replaces every instance', expr: "replace_all('Lorem ipsum dolor sit amet', 'Lorem', 'muspi')", want: 'muspi ipsum dolor sit amet' },
  { name: 'to_upper upper-cases', expr: "to_upper('abc')", want: 'ABC' },
  { name: 'to_lower lower-cases', expr: "to_lower('AbC')", want: 'abc' },
  { name: 'trim strips the cutset from both ends', expr: "trim('¡¡¡Hello, Gophers!!!', '!¡')", want: 'Hello, Gophers' },
  { name: 'trim_prefix removes a leading prefix', expr: "trim_prefix('docker.io/nginx', 'docker.io/')", want: 'nginx' },
  { name: 'split splits on the separator', expr: "split('Hello, Gophers', ', ')", want: ['Hello', 'Gophers'] },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's ${n} replacement syntax, not a template
  { name: 'regex_replace_all expands ${n} groups', expr: "regex_replace_all('([Hh]e|G)l', 'Hello, Gophers', '${2}G')", want: 'Glo, Gophers' },
  { name: 'regex_replace_all treats $1x as a named group', expr: "regex_replace_all('(a)', 'a', '$1x')", want: '' },
  { name: 'regex_replace_all_literal inserts the replacement verbatim', expr: "regex_replace_all_literal('[Hh]el?', 'Hello, Gophers', '$1G')", want: '$1Glo, Gop$1Grs' },
  { name: 'regex_match searches unanchored', expr: "regex_match('[0-9]+', 'abc123')", want: true },
  { name: 'regex_match accepts a number subject', expr: "regex_match('^1\\.5$', `1.5`)", want: true },
  { name: 'regex_match understands RE2 named groups', expr: "regex_match('(?P<d>[0-9])', '7')", want: true },
  { name: 'pattern_match uses shell wildcards', expr: "pattern_match('prod-*', 'prod-db')", want: true },
  { name: 'label_match needs every label present', expr: 'label_match(`{"app":"a"}`, `{"app":"a","tier":"db"}`)', want: true },
  { name: 'label_match fails on a different value', expr: 'label_match(`{"app":"a"}`, `{"app":"b"}`)', want: false },
  { name: 'add sums numbers', expr: 'add(`12`, `13`)', want: 25 },
  { name: 'add sums binary quantities keeping the format', expr: "add('1Gi', '512Mi')", want: '1536Mi' },
  { name: 'add sums quantities with suffixes', expr: "add('12Ki', '13Ki')", want: '25Ki' },
  { name: 'add sums durations', expr: "add('12h', '13s')", want: '12h0m13s' },
  { name: 'subtract subtracts quantities', expr: "subtract('12Ki', '13Ki')", want: '-1Ki' },
  { name: 'subtract subtracts durations', expr: "subtract('12h', '13s')", want: '11h59m47s' },
  { name: 'multiply scales a quantity by a number', expr: "multiply(`12`, '13Ki')", want: '156Ki' },
  { name: 'multiply scales a duration by a number', expr: "multiply('12h', `13`)", want: '156h0m0s' },
  { name: 'divide of quantities is a number', expr: "divide('12Ki', '3Ki')", want: 4 },
  { name: 'divide of durations is a number', expr: "divide('12h', '3h')", want: 4 },
  { name: 'divide of a quantity by a number is a quantity', expr: "divide('12Ki', `3`)", want: '4Ki' },
  { name: 'divide truncates at the operands scale', expr: "divide('10', `3`)", want: '3' },
  { name: 'divide of a duration by a number is a duration', expr: "divide('12h', `4`)", want: '3h0m0s' },
  { name: 'modulo of quantities is a quantity', expr: "modulo('13Ki', '2Ki')", want: '1Ki' },
  { name: 'modulo of numbers is a number', expr: 'modulo(`13`, `2`)', want: 1 },
  { name: 'modulo of durations is a duration', expr: "modulo('13h', '2h')", want: '1h0m0s' },
  { name: 'round rounds half away from zero', expr: 'round(`10.1578`, `2`)', want: 10.16 },
  { name: 'sum adds quantities', expr: "sum(['1Ki', '2Ki', '1Ki'])", want: '4Ki' },
  { name: 'sum adds numbers', expr: 'sum(`[1, 2, 3]`)', want: 6 },
  { name: 'base64_encode encodes UTF-8', expr: "base64_encode('Hello')", want: 'SGVsbG8=' },
  { name: 'base64_decode decodes', expr: "base64_decode('SGVsbG8=')", want: 'Hello' },
  { name: 'path_canonicalize collapses slashes', expr: "path_canonicalize('///var/run/containerd/containerd.sock')", want: '/var/run/containerd/containerd.sock' },
  { name: 'path_canonicalize resolves dot-dot', expr: "path_canonicalize('/var/run/../containerd')", want: '/var/containerd' },
  { name: 'truncate keeps the first n characters', expr: "truncate('Lorem ipsum dolor', `5`)", want: 'Lorem' },
  { name: 'truncate with a negative length is empty', expr: "truncate('Lorem', `-1`)", want: '' },
  { name: 'semver_compare checks a greater-than range', expr: "semver_compare('1.2.3', '>1.0.0')", want: true },
  { name: 'semver_compare ands space-separated comparators', expr: "semver_compare('1.2.3', '>1.0.0 <1.2.0')", want: false },
  { name: 'semver_compare ors alternatives', expr: "semver_compare('1.2.3', '>1.0.0 <1.2.0 || 1.2.3')", want: true },
  // Kyverno's functions_test.go Test_SemverCompare, and blang/semver v4 expandWildcardVersion: an `x` is a
  // wildcard; the number of parts sets what is incremented (4.x.x is a patch wildcard: [4.0.0, 4.1.0)), and
  // `!`/`!=` over a wildcard become `<low` AND `>=high`, which nothing satisfies.
  { name: 'semver_compare: >=4.1.x holds for 4.1.3', expr: "semver_compare('4.1.3','>=4.1.x')", want: true },
  { name: 'semver_compare: !4.x.x is false for 4.1.3', expr: "semver_compare('4.1.3','!4.x.x')", want: false },
  { name: 'semver_compare: !4.x.x is false for 5.0.0 too (an AND of <4.0.0 and >=4.1.0)', expr: "semver_compare('5.0.0','!=4.x.x')", want: false },
  { name: 'semver_compare: >1.0.0 <2.0.0 ands', expr: "semver_compare('1.8.6','>1.0.0 <2.0.0')", want: true },
  { name: 'semver_compare: <2.0.0 || >=3.0.0 ors', expr: "semver_compare('2.1.5','<2.0.0 || >=3.0.0')", want: false },
  { name: 'semver_compare: 4.x.x is the patch wildcard [4.0.0, 4.1.0)', expr: "[semver_compare('4.0.9','4.x.x'), semver_compare('4.1.0','4.x.x')]", want: [true, false] },
  { name: 'semver_compare: 4.x is the minor wildcard [4.0.0, 5.0.0)', expr: "[semver_compare('4.9.0','4.x'), semver_compare('5.0.0','4.x'), semver_compare('5.0.0','<=4.x')]", want: [true, false, false] },
  { name: 'semver_compare: >1.2.x is >=1.3.0', expr: "[semver_compare('1.2.9','>1.2.x'), semver_compare('1.3.0','>1.2.x')]", want: [false, true] },
  { name: 'semver_compare: an operator apart from its version belongs to it', expr: "semver_compare('1.2.3', '>= 1.2.0')", want: true },
  { name: 'parse_json decodes objects', expr: "parse_json('{\"a\": \"b\"}')", want: { a: 'b' } },
  { name: 'parse_yaml decodes YAML', expr: "parse_yaml('a: b')", want: { a: 'b' } },
  // Kyverno's Test_ParseYAML: a folded scalar at the end of a text without a final line break has none.
  { name: 'parse_yaml: a block scalar ending the text keeps no line break', expr: "parse_yaml('bar: >\n  this is not a normal string it\n  spans more than\n  one line\n  see?')", want: { bar: 'this is not a normal string it spans more than one line see?' } },
  { name: 'parse_yaml: a literal block ending in a line break keeps it', expr: "parse_yaml('a: |\n  x\n  y\nb: |\n  z\n')", want: { a: 'x\ny\n', b: 'z\n' } },
  // Kyverno's Test_JpToBoolean; base64.StdEncoding.DecodeString skips line breaks.
  { name: 'to_boolean reads true and false in any case', expr: "[to_boolean('TRue'), to_boolean('FaLse')]", want: [true, false] },
  { name: 'base64_decode skips line breaks (wrapped base64)', expr: "base64_decode('SGVs\nbG8=\r\n')", want: 'Hello' },
  // image_normalize (GetImageInfo with docker.io, then ImageInfo.String()).
  { name: 'image_normalize fills in docker.io and latest', expr: "[image_normalize('nginx'), image_normalize('bitnami/nginx:1.25'), image_normalize('ghcr.io/org/app:v1')]", want: ['docker.io/nginx:latest', 'docker.io/bitnami/nginx:1.25', 'ghcr.io/org/app:v1'] },
  { name: 'image_normalize keeps a digest in place of the tag', expr: `image_normalize('nginx:1.25@sha256:${'a'.repeat(64)}')`, want: `docker.io/nginx@sha256:${'a'.repeat(64)}` },
  { name: 'lookup reads an object key', expr: "lookup(`{\"a\": 1}`, 'a')", want: 1 },
  { name: 'lookup reads an array index', expr: 'lookup(`[1, 2]`, `1`)', want: 2 },
  { name: 'lookup out of range is null', expr: 'lookup(`[1]`, `5`)', want: null },
  { name: 'items of an object are sorted key/value pairs', expr: "items(`{\"b\": 2, \"a\": 1}`, 'key', 'value')", want: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] },
  { name: 'items of an array use indexes', expr: "items(`[\"A\"]`, 'k', 'v')", want: [{ k: 0, v: 'A' }] },
  { name: 'object_from_lists pads missing values with null', expr: "object_from_lists(`[\"a\", \"b\"]`, `[1]`)", want: { a: 1, b: null } },
  { name: 'time_to_cron gives minute hour day month weekday', expr: "time_to_cron('2023-02-02T15:30:00Z')", want: '30 15 2 2 4' },
  { name: 'time_add keeps the offset', expr: "time_add('2021-01-02T15:04:05-07:00', '3h')", want: '2021-01-02T18:04:05-07:00' },
  { name: 'time_parse reads a Go layout', expr: "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100')", want: '2022-06-22T17:45:00+01:00' },
  { name: 'time_utc converts to UTC', expr: "time_utc('2021-01-02T18:04:05-07:00')", want: '2021-01-03T01:04:05Z' },
  { name: 'time_diff prints a Go duration', expr: "time_diff('2021-01-01T00:00:00Z', '2021-01-02T00:00:00Z')", want: '24h0m0s' },
  { name: 'time_before compares instants', expr: "time_before('2021-01-01T00:00:00Z', '2021-01-01T01:00:00+00:00')", want: true },
  { name: 'time_after compares instants across offsets', expr: "time_after('2021-01-01T00:00:00-01:00', '2021-01-01T00:30:00Z')", want: true },
  { name: 'time_between is exclusive', expr: "time_between('2021-01-01T00:00:00Z', '2021-01-01T00:00:00Z', '2021-01-02T00:00:00Z')", want: false },
  { name: 'time_truncate rounds down', expr: "time_truncate('2023-02-02T15:30:00Z', '1h')", want: '2023-02-02T15:00:00Z' },
  { name: 'time_since with an empty end uses the injected clock', expr: "time_since('', '2023-02-02T15:00:00Z', '')", want: '30m0s' },
  { name: 'time_now_utc reads the injected clock', expr: 'time_now_utc()', want: '2023-02-02T15:30:00Z' },
  { name: 'community let expressions work', expr: 'let $x = `2` in add($x, `3`)', want: 5 },
  { name: 'plain paths read the data', expr: 'metadata.name', data: { metadata: { name: 'p' } }, want: 'p' },
];
for (const c of cases) {
  test(`searchJmespath: ${c.name}`, () => assert.deepEqual(searchJmespath(c.expr, c.data ?? {}), c.want));
}

const errors: { name: string; expr: string; message?: string }[] = [
  { name: 'dividing by zero reports Kyverno\'s message', expr: 'divide(`12`, `0`)', message: "JMESPath function 'divide': Zero divisor passed" },
  { name: 'dividing a quantity by a zero quantity is an error', expr: "divide('12Ki', '0Ki')", message: "JMESPath function 'divide': Zero divisor passed" },
  { name: 'modulo of non-integers is an error', expr: 'modulo(`13.5`, `2`)', message: "JMESPath function 'modulo': Non-integer argument(s) passed for modulo" },
  { name: 'adding a number to a quantity is a type mismatch', expr: "add(`12`, '13Ki')", message: "JMESPath function 'add': Types mismatch" },
  { name: 'adding unparsable strings is an invalid operand', expr: "add('abc', '1')", message: "JMESPath function 'add': invalid operands" },
  { name: 'sum of an empty array is an error', expr: 'sum(`[]`)', message: "JMESPath function 'sum': at least one element in the array is required" },
  { name: 'a bad time is an error', expr: "time_utc('yesterday')" },
  { name: 'a syntax error is a JmespathError', expr: 'foo[' },
  { name: 'an unknown function is a JmespathError', expr: 'nope()' },
  { name: 'wrong argument types are a JmespathError', expr: 'to_upper(`1`)' },
  { name: 'an invalid regex is a JmespathError', expr: "regex_match('(', 'x')" },
  // blang/semver v4: only a lowercase `x` is a wildcard; `*`, `X` and `=>` do not parse.
  { name: 'semver_compare: * is no wildcard', expr: "semver_compare('4.1.3', '4.1.*')", message: 'JMESPath function \'semver_compare\': Could not parse Range "4.1.*"' },
  { name: 'semver_compare: X is no wildcard', expr: "semver_compare('4.1.3', '4.X.X')", message: 'JMESPath function \'semver_compare\': Could not parse Range "4.X.X"' },
  { name: 'semver_compare: => is no comparator', expr: "semver_compare('4.1.3', '=>4.0.0')", message: 'JMESPath function \'semver_compare\': Could not parse Range "=>4.0.0"' },
  { name: 'image_normalize of a reference that does not parse is an error', expr: "image_normalize('nginx:1.0:2.0')", message: "JMESPath function 'image_normalize': bad image: docker.io/nginx:1.0:2.0, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format" },
  { name: 'to_boolean of anything else is an error', expr: "to_boolean('FaLsee')", message: "JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'FaLsee')" },
  { name: 'x509_decode of text that is no PEM certificate is an error', expr: "x509_decode('x')", message: "JMESPath function 'x509_decode': invalid certificate" },
];
for (const c of errors) {
  test(`searchJmespath error: ${c.name}`, () => {
    assert.throws(() => searchJmespath(c.expr, {}), (e: unknown) => e instanceof JmespathError && (c.message === undefined || e.message === c.message));
  });
}

// kyverno PR #9173 (1.12): an integer layout means Unix seconds; v1.10.7's time_parse hands it to time.Parse.
const epochCases: { epoch: boolean; expr: string; want?: string; error?: string }[] = [
  { epoch: false, expr: "time_parse('1136214245', '1666030994')", error: 'parsing time "1666030994": month out of range' },
  { epoch: true, expr: "time_parse('1136214245', '1666030994')", want: '2022-10-17T18:23:14Z' },
  { epoch: true, expr: "time_parse('0', '-1')", want: '1969-12-31T23:59:59Z' },
  { epoch: true, expr: "time_parse('1136214245', 'now')", error: 'strconv.ParseInt: parsing "now": invalid syntax' },
  { epoch: true, expr: "time_parse('1', '9223372036854775808')", error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' },
  // A layout beyond int64 is no epoch layout: time.Parse reads it (9 is literal text).
  { epoch: true, expr: "time_parse('99999999999999999999', '1')", error: 'parsing time "1" as "99999999999999999999": cannot parse "1" as "99999999999999999999"' },
];
for (const c of epochCases) {
  test(`searchJmespath with the time_parse epoch switch ${c.epoch ? 'on' : 'off'}: ${c.expr}`, () => {
    setJmespathTimeParseEpoch(c.epoch);
    try {
      if (c.error !== undefined) assert.throws(() => searchJmespath(c.expr, {}), (e: unknown) => e instanceof JmespathError && e.message === c.error);
      else assert.equal(searchJmespath(c.expr, {}), c.want);
    } finally {
      setJmespathTimeParseEpoch(false);
    }
  });
}

test('random() generates a string matching its pattern from the injected source', () => {
  const out = searchJmespath("random('[0-9a-z]{5}')", {});
  assert.match(String(out), /^[0-9a-z]{5}$/);
});

// Linear time comes from the engine: RE2 (re2js), never a backtracking RegExp. What only RE2 does shows
// which engine runs (a backtracking engine accepts backreferences); the timing is in bench/pathological.ts.
test('regex functions run on RE2 (linear time, as Go): backreferences are refused with Go\'s error', () => {
  assert.throws(() => searchJmespath("regex_match('(a)\\1', @)", 'aa'), /invalid escape sequence: `\\1`/);
  assert.equal(searchJmespath("regex_match('(a+)+$', @)", `${'a'.repeat(50_000)}!`), false);
});

const regexCases: { name: string; expr: string; data: unknown; want: unknown }[] = [
  { name: 'Go named groups expand by name', expr: "regex_replace_all('(?P<k>[a-z]+)=(?P<v>[0-9]+)', @, '$" + "{v}:$" + "{k}')", data: 'a=1 b=2', want: '1:a 2:b' },
  { name: 'an empty match right after a match is skipped, as Go ReplaceAll does', expr: "regex_replace_all('a*', @, 'X')", data: 'baaac', want: 'XbXcX' },
  { name: 'POSIX classes and \\z are RE2 syntax', expr: "regex_match('^[[:alpha:]]+\\z', @)", data: 'abc', want: true },
  { name: 'the literal replacement keeps $ signs', expr: "regex_replace_all_literal('b', @, '$1')", data: 'abc', want: 'a$1c' },
];
for (const c of regexCases) {
  test(`regex: ${c.name}`, () => {
    assert.equal(searchJmespath(c.expr, c.data), c.want);
  });
}

test('RE2-unsupported syntax (lookahead) gives Go\'s error text', () => {
  assert.throws(() => searchJmespath("regex_match('(?=a)', @)", 'a'), /error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
});

test('the function list covers the documented Kyverno 1.10 library', () => {
  for (const name of ['compare', 'add', 'divide', 'items', 'lookup', 'time_truncate', 'x509_decode', 'random', 'semver_compare']) {
    assert.ok(KYVERNO_FUNCTIONS.includes(name), name);
  }
});

test('random expressions over random data only ever throw JmespathError', () => {
  const fn = fc.constantFrom(...KYVERNO_FUNCTIONS, 'length', 'keys', 'to_number', 'items', 'sort');
  const leaf = fc.constantFrom('@', 'a', 'a.b', '`1`', '`-3.5`', "'1Gi'", "'2h'", "'x'", '`null`', '`[1,2]`', '`{"k":"v"}`', "''", "'2023-01-01T00:00:00Z'");
  const expr = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.tuple(fn, fc.array(tie('e'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => `${x} || ${y}`),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => `[${x}, ${y}]`),
      fc.string({ maxLength: 8 }),
    ),
  })).e;
  fc.assert(
    fc.property(expr, fc.jsonValue({ maxDepth: 3 }), (e, data) => {
      try {
        searchJmespath(e, data);
      } catch (err) {
        assert.ok(err instanceof JmespathError, `${e}: ${String(err)}`);
      }
    }),
    fcParams(400),
  );
});

// Issue 13 observation 1: keys such as __proto__, constructor and toString are map keys, as in Go's JMESPath.
const ownKeyData = JSON.parse(
  '{"a":{"x":1,"__proto__":{"q":1}},"b":{"y":2},"l":[["__proto__",{"p":1}]],"g":[{"k":"__proto__"},{"k":"constructor"},{"k":"__proto__"}]}',
) as unknown;
const ownKeyCases: { expr: string; want: unknown }[] = [
  { expr: 'b.constructor', want: null },
  { expr: 'b.__proto__', want: null },
  { expr: 'b.toString', want: null },
  { expr: 'a.__proto__.q', want: 1 },
  { expr: 'type(b.constructor)', want: 'null' },
  { expr: 'let $x = b in $x.constructor', want: null },
  { expr: 'b.{c: constructor, __proto__: y}', want: JSON.parse('{"c":null,"__proto__":2}') },
  { expr: 'merge(from_items(l), b)', want: JSON.parse('{"__proto__":{"p":1},"y":2}') },
  { expr: 'group_by(g, &k)', want: JSON.parse('{"__proto__":[{"k":"__proto__"},{"k":"__proto__"}],"constructor":[{"k":"constructor"}]}') },
];
for (const c of ownKeyCases) {
  test(`JMESPath reads and builds own keys only: ${c.expr} (issue 13 obs. 1)`, () => {
    const got = searchJmespath(c.expr, ownKeyData);
    assert.deepEqual(got, c.want);
    assert.deepEqual(Object.keys(Object.prototype), []);
    if (got !== null && typeof got === 'object') assert.equal(Object.getPrototypeOf(got), Object.prototype);
  });
}
