// Issue 13 observation 3 (engine level): expressions that read one top-level context key are evaluated once per
// key object, so a foreach over 20,000 elements does not rebuild `request.object.spec.volumes[].name` each time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '@jmespath-community/jmespath';
import { compileJmespath } from './index.js';
import { forgetRootMemos, memoizeByRoot, soleRootKey } from './root-memo.js';

const roots: { expr: string; want: string | undefined }[] = [
  { expr: 'request.object.spec.volumes[].name', want: 'request' },
  { expr: "request.object.spec.containers[?name == 'a'].image | [0]", want: 'request' },
  { expr: 'length(request.object.spec.containers[].ports[]) > `1`', want: 'request' },
  { expr: 'sort_by(request.object.spec.containers, &name)[].name', want: 'request' },
  { expr: 'element.name', want: 'element' },
  { expr: 'element.name == request.object.metadata.name', want: undefined },
  { expr: '@', want: undefined },
  { expr: 'to_string(@)', want: undefined },
  { expr: 'request.object.spec.containers[].name | contains(@, $.element.name)', want: undefined },
  { expr: "time_since('', request.object.metadata.creationTimestamp, '')", want: undefined },
  { expr: "random('[a-z]{4}')", want: undefined },
  { expr: 'let $x = request in $x.object', want: undefined },
];
for (const c of roots) {
  test(`the context keys read by ${c.expr}: ${c.want ?? 'not memoized'}`, () => {
    assert.equal(soleRootKey(compile(c.expr)), c.want);
  });
}

test('a request-only expression is evaluated once for every context sharing the request (issue 13 obs. 3)', () => {
  const request = { object: { spec: { volumes: [{ name: 'a' }, { name: 'b' }] } } };
  const run = compileJmespath('request.object.spec.volumes[].name');
  const first = run({ request, element: { name: 'x' } });
  assert.deepEqual(first, ['a', 'b']);
  // Another foreach element: same request object, so the very same result.
  assert.equal(run({ request, element: { name: 'y' } }), first);
  // Another request: evaluated anew.
  assert.deepEqual(run({ request: { object: { spec: { volumes: [{ name: 'c' }] } } } }), ['c']);
});

test('an expression that reads the element is evaluated per element', () => {
  const request = { object: { metadata: { name: 'p' } } };
  const run = compileJmespath('element.name == request.object.metadata.name');
  assert.equal(run({ request, element: { name: 'p' } }), true);
  assert.equal(run({ request, element: { name: 'q' } }), false);
});

test('forgetRootMemos drops the memos of earlier roots: the next evaluation on them runs again', () => {
  let runs = 0;
  const run = memoizeByRoot(compile('request.object.metadata.name'), (data) => {
    runs++;
    return (data as { request: { object: { metadata: { name: string } } } }).request.object.metadata.name;
  });
  const request = { object: { metadata: { name: 'p' } } };
  assert.equal(run({ request }), 'p');
  assert.equal(run({ request }), 'p');
  assert.equal(runs, 1);
  forgetRootMemos();
  assert.equal(run({ request }), 'p');
  assert.equal(runs, 2);
});

// A counting evaluator of `element.name` behind the memo.
function countedElementName(): { run: (data: unknown) => unknown; runs: () => number } {
  let runs = 0;
  const run = memoizeByRoot(compile('element.name'), (data) => {
    runs++;
    return (data as { element: { name: string } }).element.name;
  });
  return { run, runs: () => runs };
}

test('an expression that only ever misses (a new root each time) gives the same results once it stops using the memo', () => {
  const { run, runs } = countedElementName();
  for (let i = 0; i < 500; i++) assert.equal(run({ element: { name: `e${i}` } }), `e${i}`);
  assert.equal(runs(), 500);
});

test('an expression that stopped using the memo finds it again when it starts repeating on one root (linear, not quadratic)', () => {
  const { run, runs } = countedElementName();
  for (let i = 0; i < 200; i++) run({ element: { name: `e${i}` } });
  const before = runs();
  // Now 10,000 evaluations on one root, as a nested foreach over a long list would make.
  const element = { name: 'same' };
  for (let i = 0; i < 10_000; i++) assert.equal(run({ element }), 'same');
  const extra = runs() - before;
  assert.ok(extra <= 40, `evaluated ${extra} times for one root: the memo was not taken up again`);
});

test('an expression that hit once keeps the memo even after many misses', () => {
  const { run, runs } = countedElementName();
  const element = { name: 'x' };
  run({ element });
  run({ element });
  assert.equal(runs(), 1);
  for (let i = 0; i < 200; i++) run({ element: { name: `e${i}` } });
  // Each of the next elements read twice: the second read of each is a hit (no probing interval).
  const before = runs();
  for (let i = 0; i < 5; i++) {
    const e = { name: `again${i}` };
    run({ element: e });
    run({ element: e });
  }
  assert.equal(runs() - before, 5);
});
