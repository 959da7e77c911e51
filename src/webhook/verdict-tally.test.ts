import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyVerdict } from './results.js';
import { VerdictCounter, VerdictTally } from './verdict-tally.js';

function verdict(policy: string, rules: [string, string][]): PolicyVerdict {
  return {
    policy: { name: policy },
    resource: { kind: 'Pod', apiVersion: 'v1', name: 'p' },
    rules: rules.map(([rule, status]) => ({ policy, rule, status })),
    action: 'Enforce',
  } as unknown as PolicyVerdict;
}

function scrape(tally: VerdictTally): string[] {
  const out: string[] = [];
  tally.collect((policy, rule, result, n) => out.push(`${policy}/${rule}/${result}=${n}`));
  return out.sort();
}

const cases: { name: string; reviews: PolicyVerdict[][]; slots?: number; labelled?: number; want: string[]; overflow?: string[] }[] = [
  {
    name: 'counts per policy, rule and status across reviews',
    reviews: [
      [verdict('a', [['r1', 'pass'], ['r2', 'fail']]), verdict('b', [['r', 'skip']])],
      [verdict('a', [['r1', 'pass'], ['r2', 'pass']])],
    ],
    want: ['a/r1/pass=2', 'a/r2/fail=1', 'a/r2/pass=1', 'b/r/skip=1'],
  },
  {
    name: 'a slot whose labels have not arrived is not read yet',
    reviews: [[verdict('a', [['r1', 'pass']])], [verdict('b', [['r', 'error']])]],
    labelled: 1,
    want: ['a/r1/pass=1'],
  },
  {
    name: 'pairs beyond the buffer are sent as keys',
    reviews: [[verdict('a', [['r1', 'pass'], ['r2', 'warn']])]],
    slots: 1,
    want: ['a/r1/pass=1'],
    overflow: ['a\u0000r2\u0000warn'],
  },
  {
    name: 'an unknown status is sent as a key',
    reviews: [[verdict('a', [['r1', 'odd']])]],
    want: [],
    overflow: ['a\u0000r1\u0000odd'],
  },
];
for (const c of cases) {
  test(`verdict tally: ${c.name}`, () => {
    const tally = new VerdictTally();
    const source = tally.open(c.slots);
    const counter = new VerdictCounter(source.buffer);
    const overflow: string[] = [];
    c.reviews.forEach((results, i) => {
      const u = counter.count(results);
      overflow.push(...(u.overflow ?? []));
      if (u.labels && i < (c.labelled ?? Infinity)) tally.label(source, u.labels);
    });
    assert.deepEqual(scrape(tally), c.want);
    assert.deepEqual(overflow, c.overflow ?? []);
    // A second scrape adds nothing new.
    assert.deepEqual(scrape(tally), []);
  });
}

test('verdict tally: labels travel once per slot, with the first review that used it', () => {
  const counter = new VerdictCounter(new VerdictTally().open().buffer);
  assert.deepEqual(counter.count([verdict('a', [['r', 'pass']])]).labels, [[0, 'a', 'r']]);
  assert.equal(counter.count([verdict('a', [['r', 'fail']])]).labels, undefined);
  assert.deepEqual(counter.count([verdict('b', [['r', 'fail']])]).labels, [[1, 'b', 'r']]);
});

test('verdict tally: counters read as differences wrap past 2^32', () => {
  const tally = new VerdictTally();
  const source = tally.open(1);
  const counts = new Uint32Array(source.buffer);
  const counter = new VerdictCounter(source.buffer);
  const u = counter.count([verdict('a', [['r', 'pass']])]);
  tally.label(source, u.labels ?? []);
  assert.deepEqual(scrape(tally), ['a/r/pass=1']);
  counts[0] = 0xffff_fffe;
  scrape(tally);
  for (let i = 0; i < 5; i++) counter.count([verdict('a', [['r', 'pass']])]);
  assert.equal(counts[0], 3);
  assert.deepEqual(scrape(tally), ['a/r/pass=5']);
});

test('verdict tally: a retired worker’s counts are read once more, then its buffer is dropped', () => {
  const tally = new VerdictTally();
  const source = tally.open();
  const counter = new VerdictCounter(source.buffer);
  tally.label(source, counter.count([verdict('a', [['r', 'pass']])]).labels ?? []);
  tally.retire(source);
  assert.deepEqual(scrape(tally), ['a/r/pass=1']);
  counter.count([verdict('a', [['r', 'pass']])]);
  assert.deepEqual(scrape(tally), []);
});
