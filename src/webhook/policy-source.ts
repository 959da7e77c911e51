// The active policy set behind the webhook: built once at start, rebuilt when a watched file
// changes (debounced), swapped in one assignment so every request sees one whole set. A set that
// fails to build keeps the last good one serving and is reported in logs, metrics and /readyz.
import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import type { EngineRecipe } from './engine-recipe.js';
import type { AdmissionEngine } from './handle-review.js';
import type { WebhookLogger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';

/** A built policy set. */
export interface BuiltPolicySet {
  /** The engine, compiled in this thread (the CLI's `admit`, tests). */
  engine: AdmissionEngine;
  /** How evaluation workers build the same engine. */
  recipe: EngineRecipe;
  /** Number of policies in the set. */
  policies: number;
  /** Non-fatal findings while building (chart value traps), logged once per load. */
  warnings?: readonly string[];
  /** The policies' keys (`name` or `namespace/name`): a reload logs those added and removed. */
  names?: readonly string[];
}

const POLICY_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Builds a policy set from the configured paths; rejects with a readable message when any file is bad. */
export type PolicySetBuilder = () => Promise<BuiltPolicySet>;

/** What /readyz reports. */
export interface PolicySourceStatus {
  ready: boolean;
  policies: number;
  generation: number;
  /** The newest build's error while the last good set is served. */
  lastError?: string;
}

/** Holds the active set and reloads it. */
export class PolicySource {
  #current: BuiltPolicySet | undefined;
  #generation = 0;
  #currentGeneration = 0;
  #lastError: string | undefined;
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #building: Promise<boolean> | undefined;
  #again = false;
  readonly #listeners = new Set<() => void>();
  readonly #build: PolicySetBuilder;
  readonly #log: WebhookLogger | undefined;
  readonly #metrics: WebhookMetrics | undefined;

  constructor(build: PolicySetBuilder, opts: { log?: WebhookLogger; metrics?: WebhookMetrics } = {}) {
    this.#build = build;
    this.#log = opts.log;
    this.#metrics = opts.metrics;
  }

  /** The engine of the active set, or undefined before the first successful build. */
  current(): AdmissionEngine | undefined {
    return this.#current?.engine;
  }

  /** The active set's recipe and generation (what evaluation workers load), or undefined before the first build. */
  active(): { generation: number; recipe: EngineRecipe } | undefined {
    return this.#current ? { generation: this.#currentGeneration, recipe: this.#current.recipe } : undefined;
  }

  /** Calls `listener` after each successful load; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Readiness and the last load problem. */
  status(): PolicySourceStatus {
    return {
      ready: this.#current !== undefined,
      policies: this.#current?.policies ?? 0,
      generation: this.#generation,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  /** Builds and swaps in a new set; resolves false (keeping the old set) when the build fails. */
  reload(): Promise<boolean> {
    if (this.#building) {
      // A change during a build triggers one more build afterwards, never two at once.
      this.#again = true;
      return this.#building;
    }
    this.#building = this.#doReload().finally(() => {
      this.#building = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#building;
  }

  async #doReload(): Promise<boolean> {
    const started = performance.now();
    try {
      const built = await this.#build();
      const before = this.#current?.names;
      this.#current = built;
      this.#generation++;
      this.#currentGeneration = this.#generation;
      this.#lastError = undefined;
      this.#metrics?.policiesLoaded.set(built.policies);
      this.#metrics?.policyLoadFailing.set(0);
      this.#metrics?.ready.set(1);
      // A policy gone from the sources (a file deleted, a document dropped) is named: it no longer decides anything.
      const changes: { added?: string[]; removed?: string[] } = {};
      if (before && built.names) {
        const now = new Set(built.names);
        const had = new Set(before);
        const removed = before.filter((n) => !now.has(n));
        const added = built.names.filter((n) => !had.has(n));
        if (removed.length > 0) changes.removed = removed;
        if (added.length > 0) changes.added = added;
        if (removed.length > 0) this.#log?.warn({ removed, generation: this.#generation }, 'policies removed from the served set');
      }
      this.#log?.info({ policies: built.policies, generation: this.#generation, ms: Math.round(performance.now() - started), ...changes }, 'policy set loaded');
      for (const w of built.warnings ?? []) this.#log?.warn({ generation: this.#generation }, w);
      for (const l of this.#listeners) l();
      return true;
    } catch (err) {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#metrics?.policyLoadErrors.inc();
      this.#metrics?.policyLoadFailing.set(1);
      this.#log?.error({ err: this.#lastError, servingGeneration: this.#generation }, 'policy set failed to load; keeping the last good set');
      return false;
    }
  }

  /**
   * Watches the named policy files, and the policy files (.yaml, .yml, .json) under named
   * directories, debounced. A file is watched through its directory (editors replace files on save)
   * but only its own name counts; Kubernetes' ConfigMap/Secret volumes swap a `..data` symlink, which
   * counts too. Anything else written there (a log file) causes no reload.
   */
  watch(paths: readonly string[], debounceMs = 250): void {
    const isPolicyFile = (name: string) => POLICY_EXTENSIONS.has(extname(name).toLowerCase());
    const isAtomicSwap = (name: string) => name.split(sep).some((part) => part === '..data' || part === '..data_tmp');
    for (const p of paths) {
      const abs = resolve(p);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        // Not there (yet): watch for it to appear in its directory.
      }
      const dir = isDir ? abs : dirname(abs);
      const own = basename(abs);
      const relevant = isDir ? (name: string) => isPolicyFile(name) || isAtomicSwap(name) : (name: string) => name === own || isAtomicSwap(name);
      try {
        const w = watch(dir, { persistent: false, recursive: isDir }, (_event, name) => {
          if (name === null || relevant(String(name))) this.#schedule(debounceMs);
        });
        w.on('error', (err) => this.#log?.warn({ err: String(err), path: dir }, 'policy watch error'));
        this.#watchers.push(w);
      } catch (err) {
        this.#log?.warn({ err: String(err), path: dir }, 'cannot watch policy path');
      }
    }
  }

  #schedule(debounceMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.reload();
    }, debounceMs);
  }

  /** Stops watching. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }
}
