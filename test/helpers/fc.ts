// fast-check parameters for every property test: a FIXED seed under `npm test` (a property test that can go
// red or green by chance is a bug), random seeds and more runs under `npm run fuzz`. fast-check prints the
// seed and path of a failing case, so a fuzz finding replays with FC_SEED=<seed>.
//   FC_SEED       integer seed for every property, or `random` (a fresh seed per property); default fixed
//   FC_RUNS_SCALE multiplies each property's own numRuns (fuzz uses it); default 1
//   FC_NUM_RUNS   overrides numRuns of every property (replaying one case: FC_NUM_RUNS=1 with the seed)
//   FC_REPORT     file to append one JSON line per property run ({ seed, numRuns }); `npm run fuzz` sums it
import { appendFileSync } from 'node:fs';
import type fc from 'fast-check';

/** The seed every property test uses under `npm test`. */
export const DEFAULT_SEED = 1_306_202;

function seedFromEnv(): number {
  const s = process.env.FC_SEED;
  if (s === undefined || s === '') return DEFAULT_SEED;
  if (s === 'random') return (Math.random() * 0x7fffffff) | 0;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`FC_SEED must be an integer or "random", got ${s}`);
  return n;
}

function positiveFromEnv(name: string): number | undefined {
  const s = process.env[name];
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${s}`);
  return n;
}

/** Parameters for fc.assert: the property's own `numRuns`, a fixed seed, both adjustable by environment. */
export function fcParams<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = seedFromEnv();
  const runs = Math.max(1, Math.round(positiveFromEnv('FC_NUM_RUNS') ?? numRuns * (positiveFromEnv('FC_RUNS_SCALE') ?? 1)));
  const report = process.env.FC_REPORT;
  if (report) appendFileSync(report, `${JSON.stringify({ seed, numRuns: runs })}\n`);
  return { ...extra, seed, numRuns: runs };
}
