import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { ConnectionSlots, type SlotState } from './connection-slots.js';

class FakeSocket extends EventEmitter {
  destroyed = false;
  readonly remoteAddress: string;
  readonly remotePort: number;
  constructor(remoteAddress: string, remotePort: number) {
    super();
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
  }
  destroy(): this {
    this.destroyed = true;
    this.emit('close');
    return this;
  }
}

// Each row: the states of the connections held (oldest first, with the time they entered it), then one
// newcomer; which connection is closed (index, 'new' for the newcomer).
const cases: { name: string; held: [SlotState, number][]; closed: number | 'new' }[] = [
  { name: 'the longest-idle of the idle ones', held: [['idle', 5], ['idle', 1], ['idle', 3]], closed: 1 },
  { name: 'an idle one before any reading one, however old', held: [['reading', 0], ['idle', 9], ['reading', 1]], closed: 1 },
  { name: 'the longest-reading when none is idle', held: [['reading', 4], ['busy', 0], ['reading', 2]], closed: 2 },
  { name: 'never a busy one: the newcomer is refused', held: [['busy', 0], ['busy', 1], ['busy', 2]], closed: 'new' },
];

for (const c of cases) {
  test(`at the cap a newcomer closes ${c.name}`, () => {
    let clock = 0;
    const events: string[] = [];
    const slots = new ConnectionSlots(c.held.length, (e, s) => events.push(s ? `${e}:${s}` : e), () => clock);
    const socks = c.held.map((_, i) => new FakeSocket('10.0.0.1', 1000 + i));
    for (const s of socks) slots.accept(s as unknown as Socket);
    for (const [i, [state, at]] of c.held.entries()) {
      clock = at;
      slots.mark(socks[i] as unknown as Socket, state);
    }
    const newcomer = new FakeSocket('10.0.0.2', 2000);
    slots.accept(newcomer as unknown as Socket);
    const closed = c.closed === 'new' ? newcomer : socks[c.closed];
    assert.deepEqual(
      [...socks, newcomer].map((s) => s.destroyed),
      [...socks, newcomer].map((s) => s === closed),
    );
    assert.equal(slots.size, c.held.length);
    assert.deepEqual(events, [c.closed === 'new' ? 'refused' : `evicted:${c.held[c.closed]?.[0]}`]);
  });
}

test('a closed connection frees its slot', () => {
  const slots = new ConnectionSlots(1);
  const a = new FakeSocket('10.0.0.1', 1);
  slots.accept(a as unknown as Socket);
  slots.mark(a as unknown as Socket, 'busy');
  a.emit('close');
  const b = new FakeSocket('10.0.0.1', 2);
  slots.accept(b as unknown as Socket);
  assert.equal(b.destroyed, false);
  assert.equal(slots.size, 1);
});
