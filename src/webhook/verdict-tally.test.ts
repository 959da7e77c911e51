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

// Each review: its verdicts, and whether the main thread used its answer (a late answer is dropped).
const cases: { name: string; reviews: { results: PolicyVerdict[]; used?: boolean }[]; slots?: number; want: string[]; overflow?: string[] }[] = [
  {
    name: 'counts per policy, rule and status across reviews',
    reviews: [{ results: [verdict('a', [['r1', 'pass'], ['r2', 'fail']]), verdict('b', [['r', 'skip']])] }, { results: [verdict('a', [['r1', 'pass'], ['r2', 'pass']])] }],
    want: ['a/r1/pass=2', 'a/r2/fail=1', 'a/r2/pass=1', 'b/r/skip=1'],
  },
  {
    name: 'an answer that was not used is not counted, but its labels serve the next ones',
    reviews: [{ results: [verdict('a', [['r1', 'fail']])], used: false }, { results: [verdict('a', [['r1', 'pass']])] }],
    want: ['a/r1/pass=1'],
  },
  {
    name: 'pairs beyond the slots are sent as keys',
    reviews: [{ results: [verdict('a', [['r1', 'pass'], ['r2', 'warn']])] }],
    slots: 1,
    want: ['a/r1/pass=1'],
    overflow: ['a\u0000r2\u0000warn'],
  },
  {
    name: 'an unknown status is sent as a key',
    reviews: [{ results: [verdict('a', [['r1', 'odd']])] }],
    want: [],
    overflow: ['a\u0000r1\u0000odd'],
  },
];
for (const c of cases) {
  test(`verdict tally: ${c.name}`, () => {
    const tally = new VerdictTally();
    const source = tally.open();
    const counter = new VerdictCounter(c.slots);
    const overflow: string[] = [];
    for (const r of c.reviews) {
      const u = counter.count(r.results);
      if (u.labels) tally.label(source, u.labels);
      if (r.used === false) continue;
      tally.add(source, u.codes);
      overflow.push(...(u.overflow ?? []));
    }
    assert.deepEqual(scrape(tally), c.want);
    assert.deepEqual(overflow, c.overflow ?? []);
    // A second scrape adds nothing new.
    assert.deepEqual(scrape(tally), []);
  });
}

test('verdict tally: labels travel once per slot, with the first review that used it', () => {
  const counter = new VerdictCounter();
  assert.deepEqual(counter.count([verdict('a', [['r', 'pass']])]).labels, [[0, 'a', 'r']]);
  assert.equal(counter.count([verdict('a', [['r', 'fail']])]).labels, undefined);
  assert.deepEqual(counter.count([verdict('b', [['r', 'fail']])]).labels, [[1, 'b', 'r']]);
  assert.deepEqual([...counter.count([verdict('a', [['r', 'fail']]), verdict('b', [['r', 'skip']])]).codes], [1, 9]);
});

test('verdict tally: a retired worker’s counts are read once more, then dropped; a new worker starts its own', () => {
  const tally = new VerdictTally();
  const first = tally.open();
  const counter = new VerdictCounter();
  const u = counter.count([verdict('a', [['r', 'pass']])]);
  tally.label(first, u.labels ?? []);
  tally.add(first, u.codes);
  tally.retire(first);
  const second = tally.open();
  const v = new VerdictCounter().count([verdict('a', [['r', 'pass']])]);
  tally.label(second, v.labels ?? []);
  tally.add(second, v.codes);
  // Both workers' counts, under the same labels (prom-client adds them up).
  assert.deepEqual(scrape(tally), ['a/r/pass=1', 'a/r/pass=1']);
  tally.add(first, u.codes);
  assert.deepEqual(scrape(tally), []);
});
