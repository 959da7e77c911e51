// Progress on stderr for the long steps (reading a dump, auditing, diffing): counts and elapsed time,
// redrawn in place on a terminal. Only when stderr is a TTY, and never with -o json / -o yaml or --quiet,
// so pipes, CI logs and machine output stay clean. A step that ends before the first redraw prints
// nothing: small clusters see no progress at all.
import type { CliIO } from './io.js';

/** First redraw after this long; then at most one redraw per REDRAW_MS. */
const FIRST_MS = 500;
const REDRAW_MS = 200;

const enabled = new WeakMap<CliIO, boolean>();

/** Sets whether a command run through this IO shows progress (the program decides from -o, --quiet and isTTY). */
export function setProgress(io: CliIO, on: boolean): void {
  enabled.set(io, on);
}

/** One long step: `tick` as work is done, `end` once. */
export interface ProgressStep {
  tick(done: number, total?: number, detail?: string): void;
  end(detail?: string): void;
}

const silent: ProgressStep = { tick: () => {}, end: () => {} };

/** Starts a step labelled e.g. `reading`, counting `unit` (e.g. `workloads`). */
export function progress(io: CliIO, label: string, unit: string): ProgressStep {
  if (!enabled.get(io)) return silent;
  const now = io.now ?? (() => performance.now());
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  let count = 0;
  const secs = () => `${((now() - start) / 1000).toFixed(1)} s`;
  return {
    tick(done, total, detail) {
      count = done;
      const t = now();
      if (t - start < FIRST_MS || t - last < REDRAW_MS) return;
      last = t;
      shown = true;
      io.stderr(`\r${label}: ${done}${total !== undefined ? `/${total}` : ''} ${unit}${detail ? `, ${detail}` : ''}, ${secs()}\x1b[K`);
    },
    end(detail) {
      if (!shown) return;
      io.stderr(`\r${label}: ${count} ${unit}${detail ? `, ${detail}` : ''} in ${secs()}\x1b[K\n`);
    },
  };
}
