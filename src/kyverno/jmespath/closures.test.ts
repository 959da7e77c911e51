import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, type JSONValue, TreeInterpreter } from '@jmespath-community/jmespath';
import fc from 'fast-check';
import { compileToClosures } from './closures.js';
import { searchJmespath } from './index.js';
import { installOwnKeySemantics } from './own-keys.js';
import { fcParams } from '../../../test/helpers/fc.js';

// The engine's interpreter reads own keys only (own-keys.ts); the closures must agree with that interpreter.
installOwnKeySemantics();

/** The interpreter's answer, or the message of what it threw. */
function viaInterpreter(expr: string, data: JSONValue): { value: unknown } | { error: string } {
  try {
    return { value: TreeInterpreter.search(compile(expr), data) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function viaClosures(expr: string, data: JSONValue): { value: unknown } | { error: string } {
  const run = compileToClosures(compile(expr));
  assert.ok(run, `${expr} compiles to closures`);
  try {
    return { value: run(data) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const pod: JSONValue = {
  request: {
    operation: 'CREATE',
    object: {
      spec: {
        initContainers: [{ name: 'i', securityContext: { capabilities: { drop: ['ALL'] } } }],
        containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }, { name: 'b' }],
        volumes: [{ name: 'v', configMap: { name: 'c' } }, { name: 'w', emptyDir: {} }],
      },
    },
  },
  element: { securityContext: { capabilities: { drop: ['ALL'] } } },
  n: 0,
  empty: {},
};

// The policies' own expressions, and the corners of the interpreter's semantics the closures repeat.
const expressions = [
  "request.operation || 'BACKGROUND'",
  'request.object.spec.[ephemeralContainers, initContainers, containers][]',
  'request.object.spec.[ephemeralContainers, initContainers, containers][].securityContext.capabilities.add[]',
  "request.object.spec.volumes[].keys(@)[] || ''",
  'element.securityContext.capabilities.drop[] || `[]`',
  'element.securityContext.capabilities.add[] || `[]`',
  'request.object.spec.containers[-1].name',
  'request.object.spec.containers[5]',
  'request.object.spec.containers[*].name',
  'request.object.spec.containers.name',
  'request.object.missing.deeper',
  'n.field',
  'n || empty || `"fallback"`',
  'empty && n',
  '!request.object.spec.containers',
  'request | object | spec | containers[0] | name',
  'request.constructor',
  'length(request.object.spec.containers)',
  'to_string(n)',
  '[n, missing]',
  '@',
  "request.object.spec.volumes[?contains(keys(@), 'emptyDir') && !contains(keys(emptyDir), 'sizeLimit')].name",
  "request.object.spec.volumes[?contains(keys(@), 'emptyDir')] || `[]` | length(@)",
  'request.object.spec.volumes[?configMap][]',
  'request.object.spec.containers[?securityContext.capabilities.add != securityContext.capabilities.drop] | length(@)',
  "request.object.spec.containers[?name == 'b'].name",
  'request.object.spec.containers[?n > `1`]',
  'request.object.spec.*.name',
  'request.object.spec.*[].name',
  'request.object.*',
  'n.*',
  'n < `1`',
  "n >= 'x'",
  'empty == `{}`',
  'element == element',
  'request.object.spec.containers[0] == request.object.spec.containers[1]',
];

for (const expr of expressions) {
  test(`closures give the interpreter's result for ${expr}`, () => {
    assert.deepEqual(viaClosures(expr, pod), viaInterpreter(expr, pod));
  });
}

test('function errors come out of the closures as they come out of the interpreter', () => {
  assert.deepEqual(viaClosures('length(n)', pod), viaInterpreter('length(n)', pod));
  assert.ok('error' in viaInterpreter('length(n)', pod));
});

test('a compiled call checks argument types on every call, arity errors every time', () => {
  // The first call passes the signature and arity checks; later calls still check the types.
  const run = compileToClosures(compile('length(n)'));
  assert.ok(run);
  const cases: JSONValue[] = [{ n: [1, 2] }, { n: 5 }, { n: 'abc' }, { n: null }, { n: true }, { n: { a: 1 } }];
  for (const data of cases) {
    let got: { value: unknown } | { error: string };
    try {
      got = { value: run(data) };
    } catch (e) {
      got = { error: (e as Error).message };
    }
    assert.deepEqual(got, viaInterpreter('length(n)', data), JSON.stringify(data));
  }
  for (const expr of ['length(n, n)', 'to_upper()', 'not_a_function(n)']) {
    for (let i = 0; i < 2; i++) assert.deepEqual(viaClosures(expr, pod), viaInterpreter(expr, pod), expr);
  }
});

test('later calls of a compiled function accept and reject argument types as the interpreter does', () => {
  // Plain types, `any`, variadic and typed-list (`array[string]`) positions, an object that reads as an
  // expression reference, a missing optional argument; each call after the first is checked anew.
  const exprs = ['abs(n)', 'join(`", "`, n)', 'contains(n, m)', 'not_null(n, m)', 'to_string(n)', 'starts_with(n, m)', 'pad_left(n, `3`)', 'sum(n)', 'keys(n)'];
  const values: JSONValue[] = [1, 'ab', ['a', 'b'], [1, 2], ['a', 1], [], null, true, { a: 1 }, { expref: 1 }, { expref: 0 }];
  for (const expr of exprs) {
    const run = compileToClosures(compile(expr));
    assert.ok(run, expr);
    for (const n of values) {
      for (const m of ['a', 1, null]) {
        const data: JSONValue = { n, m };
        let got: { value: unknown } | { error: string };
        try {
          got = { value: run(data) };
        } catch (e) {
          got = { error: (e as Error).message };
        }
        assert.deepEqual(got, viaInterpreter(expr, data), `${expr} on ${JSON.stringify(data)}`);
      }
    }
  }
});

test('slices, root, let, expression references and multiselect hashes stay with the interpreter', () => {
  for (const expr of ['a[1:2]', 'a[?b[1:2]]', '$.a', 'let $x = a in $x', 'sort_by(a, &b)', '{x: a}', 'a > b.{x: c}']) {
    assert.equal(compileToClosures(compile(expr)), undefined, expr);
  }
});

test('searchJmespath still answers expressions the closures do not take', () => {
  assert.deepEqual(searchJmespath("request.object.spec.containers[?name == 'b'].name", pod), ['b']);
});

test('closures agree with the interpreter on generated expressions and documents', () => {
  const name = fc.constantFrom('a', 'b', 'c', 'constructor', 'length');
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -2, max: 2 }),
      fc.constantFrom('', 'x'),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(name, tie('value'), { maxKeys: 3 }),
    ),
  })).value;
  const expr = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      name,
      fc.constant('@'),
      fc.constantFrom('`[]`', "'s'", '`1`', '`{}`'),
      fc.tuple(tie('e'), name).map(([l, r]) => `${l}.${r}`),
      fc.tuple(tie('e'), fc.integer({ min: -2, max: 2 })).map(([l, i]) => `${l}[${i}]`),
      tie('e').map((l) => `${l}[]`),
      fc.tuple(tie('e'), name).map(([l, r]) => `${l}[*].${r}`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `(${l} || ${r})`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `(${l} && ${r})`),
      tie('e').map((l) => `!(${l})`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `[${l}, ${r}]`),
      fc.tuple(tie('e'), tie('e')).map(([l, r]) => `(${l} | ${r})`),
      tie('e').map((l) => `not_null(${l})`),
      tie('e').map((l) => `length(${l})`),
      fc.tuple(tie('e'), tie('e'), name).map(([l, c, r]) => `${l}[?${c}].${r}`),
      fc.tuple(tie('e'), name).map(([l, r]) => `${l}.*.${r}`),
      fc.tuple(tie('e'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('e')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    ),
  })).e;
  fc.assert(
    fc.property(expr, json, (e, data) => {
      assert.deepEqual(viaClosures(e, data as JSONValue), viaInterpreter(e, data as JSONValue));
    }),
    fcParams(2000),
  );
});
