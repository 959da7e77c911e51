import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/helpers/fc.js';
import { RecentMap } from './recent.js';

test('RecentMap behaves as a map of its most recently used keys (model: an LRU list)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.integer()), { maxLength: 120 }), (size, ops) => {
      const keys = Array.from({ length: 6 }, (_, i) => ({ i }));
      const cache = new RecentMap<{ i: number }, number>(size);
      // The model: [key index, value] pairs, most recent first.
      let model: [number, number][] = [];
      for (const [isSet, k, v] of ops) {
        const at = model.findIndex(([mk]) => mk === k);
        if (isSet) {
          if (at >= 0) model.splice(at, 1);
          model.unshift([k, v]);
          model = model.slice(0, size);
          cache.set(keys[k]!, v);
        } else {
          const want = at >= 0 ? model[at]![1] : undefined;
          if (at >= 0) model.unshift(...model.splice(at, 1));
          assert.equal(cache.get(keys[k]!), want);
        }
        assert.equal(cache.size, model.length);
      }
    }),
    fcParams(300),
  );
});

test('RecentMap evicts the least recently used entry, reads included', () => {
  const [a, b, c, d] = [{}, {}, {}, {}];
  const m = new RecentMap<object, string>(3);
  m.set(a, 'a');
  m.set(b, 'b');
  m.set(c, 'c');
  assert.equal(m.get(a), 'a');
  assert.equal(m.get(b), 'b');
  m.set(d, 'd');
  // c was used least recently: a and b were read after it was stored.
  assert.deepEqual([m.get(a), m.get(b), m.get(c), m.get(d)], ['a', 'b', undefined, 'd']);
});

test('RecentMap refuses a size that is not a positive integer', () => {
  for (const size of [0, -1, 1.5, Number.NaN]) assert.throws(() => new RecentMap(size), /positive integer/);
});
