// Rule verdict counts for podgate_policy_results_total without a message per verdict. Each evaluation
// worker numbers the policy/rule pairs it meets (slots) and answers a review with one small array of
// codes (slot × 5 + status) instead of a `policy/rule/status` key per verdict; a slot's labels travel once,
// with the answer of the first review that used it. The main thread adds the codes of the answers it
// accepts (an answer that arrives after its budget is dropped with its counts, as before) into counters
// of its own, so nothing is lost when a worker is replaced, and reads them when the metrics are scraped.
import type { PolicyVerdict } from './results.js';

/** Rule statuses in code order. */
export const VERDICT_STATUSES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
const STATUSES = VERDICT_STATUSES.length;

/** Policy/rule pairs one worker numbers before it falls back to sending keys (`policy\0rule\0status`). */
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

/** What a worker's count adds to its review's answer. */
export interface TallyUpdate {
  /** slot × 5 + status, one per rule verdict with a slot. */
  codes: Uint32Array;
  /** `[slot, policy, rule]` for the slots this review used first. */
  labels?: [number, string, string][];
  /** `policy\0rule\0status` keys counted the old way (no slot left, or an unknown status). */
  overflow?: string[];
}

/** The worker side: turns a review's rule verdicts into codes. */
export class VerdictCounter {
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #capacity: number;
  #next = 0;

  constructor(capacity = TALLY_SLOTS) {
    this.#capacity = capacity;
  }

  count(results: readonly PolicyVerdict[]): TallyUpdate {
    let n = 0;
    for (const v of results) n += v.rules.length;
    const codes = new Uint32Array(n);
    let used = 0;
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
        codes[used++] = slot * STATUSES + s;
      }
    }
    return { codes: used === n ? codes : codes.slice(0, used), ...(labels ? { labels } : {}), ...(overflow ? { overflow } : {}) };
  }
}

/** One worker's slots as the main thread counts them (opaque outside this module). */
export type TallySource = object;

interface Source {
  counts: number[];
  last: number[];
  labels: ([string, string] | undefined)[];
  /** The worker is gone: read once more, then dropped. */
  retired: boolean;
}

/** The main-thread side: every worker's counts, read at scrape time. */
export class VerdictTally {
  readonly #sources = new Set<Source>();

  /** The counts of a new worker. */
  open(): TallySource {
    const source: Source = { counts: [], last: [], labels: [], retired: false };
    this.#sources.add(source);
    return source;
  }

  /** Records the labels a worker sent with an answer (whether or not the answer is used). */
  label(source: TallySource, labels: readonly [number, string, string][]): void {
    const s = source as Source;
    for (const [slot, policy, rule] of labels) {
      if (Number.isInteger(slot) && slot >= 0 && slot < TALLY_SLOTS) s.labels[slot] = [policy, rule];
    }
  }

  /** Counts the verdict codes of an answer that was used. */
  add(source: TallySource, codes: ArrayLike<number>): void {
    const counts = (source as Source).counts;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] as number;
      if (c < TALLY_SLOTS * STATUSES) counts[c] = (counts[c] ?? 0) + 1;
    }
  }

  /** The worker exited or was replaced: its counts are read at the next scrape, then dropped. */
  retire(source: TallySource): void {
    (source as Source).retired = true;
  }

  /** Adds every labelled counter's growth since the last call. */
  collect(add: (policy: string, rule: string, result: string, n: number) => void): void {
    for (const s of this.#sources) {
      for (let c = 0; c < s.counts.length; c++) {
        const now = s.counts[c];
        if (now === undefined) continue;
        const n = now - (s.last[c] ?? 0);
        if (n === 0) continue;
        const label = s.labels[Math.floor(c / STATUSES)];
        if (label === undefined) continue;
        s.last[c] = now;
        add(label[0], label[1], VERDICT_STATUSES[c % STATUSES] ?? 'pass', n);
      }
      if (s.retired) this.#sources.delete(s);
    }
  }
}
