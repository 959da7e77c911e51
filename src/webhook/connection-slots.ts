// The HTTPS listener's connection cap, without letting idle connections hold it. Node's maxConnections
// closes newcomers at accept: 256 connections that finish the TLS handshake and never send a request (or
// send headers and trickle a body) then refuse every review and every kubelet probe for as long as the
// client keeps them open. Here a newcomer at the cap takes the slot of the longest-idle connection: one
// with no request yet or between requests, else the one whose request body has been arriving longest. A
// connection whose request is being evaluated or answered is never closed for a newcomer; when every slot
// holds one, the newcomer is closed, as before.
import type { Socket } from 'node:net';

/** What a connection is doing: nothing (before or between requests), reading a body, or evaluating/answering. */
export type SlotState = 'idle' | 'reading' | 'busy';

interface Slot {
  socket: Socket;
  state: SlotState;
  /** When the connection entered its state (ms, the injected clock). */
  since: number;
}

/** Why a connection was closed at accept or to make room. */
export type SlotEvent = 'refused' | 'evicted';

/** Connection slots of one listener, keyed by the peer's address and port (the TLS socket has the raw one's). */
export class ConnectionSlots {
  readonly #cap: number;
  readonly #now: () => number;
  readonly #onEvent: (e: SlotEvent, state?: SlotState) => void;
  readonly #slots = new Map<string, Slot>();

  constructor(cap: number, onEvent: (e: SlotEvent, state?: SlotState) => void = () => {}, now: () => number = () => performance.now()) {
    this.#cap = cap;
    this.#onEvent = onEvent;
    this.#now = now;
  }

  /** Connections held. */
  get size(): number {
    return this.#slots.size;
  }

  /** Takes a slot for a newly accepted (raw) socket, closing the longest-idle one at the cap, or the newcomer. */
  accept(socket: Socket): void {
    const key = keyOf(socket);
    if (key === undefined) return;
    if (this.#slots.size >= this.#cap) {
      const victim = this.#evictable();
      if (victim === undefined) {
        this.#onEvent('refused');
        socket.destroy();
        return;
      }
      this.#slots.delete(keyOf(victim.socket) ?? '');
      this.#onEvent('evicted', victim.state);
      victim.socket.destroy();
    }
    const slot: Slot = { socket, state: 'idle', since: this.#now() };
    this.#slots.set(key, slot);
    socket.once('close', () => {
      if (this.#slots.get(key) === slot) this.#slots.delete(key);
    });
  }

  /** Records what the connection carrying `socket` (the raw or the TLS socket) is doing now. */
  mark(socket: Socket, state: SlotState): void {
    const key = keyOf(socket);
    const slot = key === undefined ? undefined : this.#slots.get(key);
    if (!slot) return;
    slot.state = state;
    slot.since = this.#now();
  }

  /** The idle connection idle longest, else the connection reading longest; never a busy one. */
  #evictable(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.#slots.values()) {
      if (s.state === 'busy') continue;
      if (best === undefined || rank(s) < rank(best) || (rank(s) === rank(best) && s.since < best.since)) best = s;
    }
    return best;
  }
}

const rank = (s: Slot) => (s.state === 'idle' ? 0 : 1);

function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `${remoteAddress}|${remotePort}`;
}
