// Rule verdict counts for podgate_policy_results_total, kept where the verdicts are made. Each evaluation
// worker counts into a buffer it shares with the main thread: one slot per policy/rule pair, one counter
// per status. A review sends nothing per verdict across threads and the main thread does nothing per
// verdict; the counts are read when the metrics are scraped. A slot's labels travel once, with the
// answer of the review that first used it; a slot without labels yet is read at a later scrape. The
// counters are 32-bit and read as differences modulo 2^32 from the previous scrape, so they wrap safely.
import type { PolicyVerdict } from './results.js';

/** Rule statuses in counter order. */
export const VERDICT_STATUSES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
const STATUSES = VERDICT_STATUSES.length;

/** Policy/rule pairs one worker can count before it falls back to sending keys (`policy\0rule\0status`). */
export const TALLY_SLOTS = 4096;

function statusIndex(status: string): number {
  switch (status) {
    case 'pass':
      return 0;
    case 'fail':
      return 1;
    case 'warn':
      return 2;
    case 'error':
      return 3;
    case 'skip':
      return 4;
    default:
      return -1;
  }
}

/** A new buffer for one worker's counters. */
export function tallyBuffer(slots = TALLY_SLOTS): SharedArrayBuffer {
  return new SharedArrayBuffer(slots * STATUSES * Uint32Array.BYTES_PER_ELEMENT);
}

/** What a worker's count adds to its review's answer: labels of new slots, and keys that found no slot. */
export interface TallyUpdate {
  /** `[slot, policy, rule]` for the slots this review used first. */
  labels?: [number, string, string][];
  /** `policy\0rule\0status` keys counted the old way (no slot left, or an unknown status). */
  overflow?: string[];
}

/** The worker side: counts a review's rule verdicts into the shared buffer. */
export class VerdictCounter {
  readonly #counts: Uint32Array;
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #capacity: number;
  #next = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.#counts = new Uint32Array(buffer);
    this.#capacity = Math.floor(this.#counts.length / STATUSES);
  }

  count(results: readonly PolicyVerdict[]): TallyUpdate {
    let labels: [number, string, string][] | undefined;
    let overflow: string[] | undefined;
    for (const v of results) {
      const policy = v.policy.name;
      let rules = this.#slots.get(policy);
      if (rules === undefined) {
        rules = new Map();
        this.#slots.set(policy, rules);
      }
      for (const r of v.rules) {
        const s = statusIndex(r.status);
        let slot = rules.get(r.rule);
        if (slot === undefined && s >= 0 && this.#next < this.#capacity) {
          slot = this.#next++;
          rules.set(r.rule, slot);
          labels = labels ?? [];
          labels.push([slot, policy, r.rule]);
        }
        if (slot === undefined || s < 0) {
          overflow = overflow ?? [];
          overflow.push(`${policy}\u0000${r.rule}\u0000${r.status}`);
          continue;
        }
        Atomics.add(this.#counts, slot * STATUSES + s, 1);
      }
    }
    return { ...(labels ? { labels } : {}), ...(overflow ? { overflow } : {}) };
  }
}

/** One worker's buffer as the main thread reads it. */
export interface TallySource {
  readonly buffer: SharedArrayBuffer;
}

interface Source extends TallySource {
  counts: Uint32Array;
  last: Uint32Array;
  labels: ([string, string] | undefined)[];
  /** The worker is gone: read once more, then dropped. */
  retired: boolean;
}

/** The main-thread side: every worker's buffer, read at scrape time. */
export class VerdictTally {
  readonly #sources = new Set<Source>();

  /** A buffer for a new worker (hand `buffer` to it). */
  open(slots = TALLY_SLOTS): TallySource {
    const buffer = tallyBuffer(slots);
    const counts = new Uint32Array(buffer);
    const source: Source = { buffer, counts, last: new Uint32Array(counts.length), labels: [], retired: false };
    this.#sources.add(source);
    return source;
  }

  /** Records the labels a worker sent with an answer. */
  label(source: TallySource, labels: readonly [number, string, string][]): void {
    const s = source as Source;
    for (const [slot, policy, rule] of labels) {
      if (Number.isInteger(slot) && slot >= 0 && slot * STATUSES < s.counts.length) s.labels[slot] = [policy, rule];
    }
  }

  /** The worker exited or was replaced: its counts are read at the next scrape, then the buffer is dropped. */
  retire(source: TallySource): void {
    (source as Source).retired = true;
  }

  /** Adds every labelled counter's growth since the last call. */
  collect(add: (policy: string, rule: string, result: string, n: number) => void): void {
    for (const s of this.#sources) {
      for (let slot = 0; slot < s.labels.length; slot++) {
        const label = s.labels[slot];
        if (label === undefined) continue;
        for (let st = 0; st < STATUSES; st++) {
          const i = slot * STATUSES + st;
          const now = Atomics.load(s.counts, i);
          const n = (now - (s.last[i] ?? 0)) >>> 0;
          if (n === 0) continue;
          s.last[i] = now;
          add(label[0], label[1], VERDICT_STATUSES[st] ?? 'pass', n);
        }
      }
      if (s.retired) this.#sources.delete(s);
    }
  }
}
