// `migrate run --out-dir`: the folder holds one run's outputs, never a mix. A run writes into a staging
// folder inside it and moves its files in only once every step succeeded; summary.json (the file that says
// "ready") goes last, after the previous one is removed, and outputs of the previous run that this run did
// not write are removed. A failed or interrupted run leaves the previous run's outputs as they were.
// Hand-edited outputs are not overwritten without --force: the marker file records what podgate wrote.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './io.js';

const MARKER = '.podgate-run';
const STAGING_PREFIX = '.podgate-staging-';
const MARKER_HEAD = 'written by podgate migrate run; safe to delete with the folder';
/** The file that says whether the cluster is ready: removed first, moved in last. */
const VERDICT = 'summary.json';

/** Every output name a run can write (the ones a run did not write this time are removed). */
export const RUN_OUTPUTS = [
  'audit.txt',
  'audit.json',
  'kyverno-policies-values.yaml',
  'exceptions.json',
  'audit-after.txt',
  'values-comparison.txt',
  'diff.txt',
  'diff.json',
  'plan.txt',
  'plan.json',
  'kyverno-values.yaml',
  'report.html',
  VERDICT,
] as const;

/** The name of an output a run writes. */
export type RunOutput = (typeof RUN_OUTPUTS)[number];

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The outputs the marker says podgate wrote, with their hashes (an old marker without hashes: none). */
function recorded(dir: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let text = '';
  try {
    text = readFileSync(join(dir, MARKER), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^sha256 ([0-9a-f]{64}) (.+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[2], (out.get(m[2]) ?? new Set()).add(m[1]));
  }
  return out;
}

/** A run's output folder: stage files, then commit them all at once. */
export class RunOutDir {
  readonly dir: string;
  readonly staging: string;
  readonly #written = new Map<string, string>();

  private constructor(dir: string, staging: string) {
    this.dir = dir;
    this.staging = staging;
  }

  /**
   * Checks the folder (podgate's, or --force) and that no output podgate wrote was edited since (else
   * --force), removes staging folders left by interrupted runs, and opens a new staging folder.
   */
  static open(dir: string, force: boolean, what: string): RunOutDir {
    if (existsSync(dir)) {
      const entries = readdirSync(dir);
      if (!entries.includes(MARKER) && entries.length > 0 && !force) {
        throw new UsageError(`${what}: ${dir} exists and was not written by podgate; choose another --out-dir or pass --force`);
      }
      const edited = [...recorded(dir)].filter(([name, hashes]) => {
        try {
          return !hashes.has(sha256(readFileSync(join(dir, name))));
        } catch {
          return false;
        }
      });
      if (edited.length > 0 && !force) {
        const names = edited.map(([n]) => n).join(', ');
        throw new UsageError(`${what}: ${names} in ${dir} changed since podgate wrote ${edited.length === 1 ? 'it' : 'them'}; move ${edited.length === 1 ? 'it' : 'them'} away or pass --force to overwrite`);
      }
      // Something other than a file where an output goes would fail the commit half-way: refuse now.
      const blocked = [...RUN_OUTPUTS, MARKER].filter((name) => entries.includes(name) && !lstatSync(join(dir, name)).isFile());
      if (blocked.length > 0) throw new UsageError(`${what}: ${blocked.map((n) => join(dir, n)).join(', ')} ${blocked.length === 1 ? 'is' : 'are'} not a file where podgate writes its output; move ${blocked.length === 1 ? 'it' : 'them'} away`);
      for (const e of entries) if (e.startsWith(STAGING_PREFIX)) rmSync(join(dir, e), { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
    return new RunOutDir(dir, mkdtempSync(join(dir, STAGING_PREFIX)));
  }

  /** The staged path of an output (what later steps read back). */
  path(name: string): string {
    return join(this.staging, name);
  }

  /** Stages an output (one of RUN_OUTPUTS: the list stale outputs and obstacles are judged by). */
  write(name: RunOutput, text: string, writeFile: (path: string, text: string) => void): void {
    writeFile(this.path(name), text);
    this.#written.set(name, sha256(text));
  }

  /** Moves every staged output into the folder (the verdict last) and removes the previous run's others. */
  commit(): void {
    // While files move, the marker accepts the previous and the new version of each: an interrupt between
    // two moves leaves outputs podgate wrote, not ones the next run must refuse as hand-edited.
    const previous = recorded(this.dir);
    const marker = (both: boolean) => {
      const lines = [MARKER_HEAD];
      for (const [name, hash] of this.#written) {
        lines.push(`sha256 ${hash} ${name}`);
        if (both) for (const old of previous.get(name) ?? []) if (old !== hash) lines.push(`sha256 ${old} ${name}`);
      }
      writeFileSync(join(this.dir, MARKER), `${lines.join('\n')}\n`);
    };
    marker(true);
    rmSync(join(this.dir, VERDICT), { force: true });
    for (const name of RUN_OUTPUTS) if (!this.#written.has(name)) rmSync(join(this.dir, name), { force: true });
    const names = [...this.#written.keys()].sort((a, b) => Number(a === VERDICT) - Number(b === VERDICT));
    for (const name of names) renameSync(this.path(name), join(this.dir, name));
    marker(false);
    rmSync(this.staging, { recursive: true, force: true });
  }

  /** Drops the staged outputs (a run that failed): the folder keeps the previous run's. */
  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
