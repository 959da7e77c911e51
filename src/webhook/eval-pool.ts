// A pool of evaluation worker threads: the main thread does TLS, HTTP and health only; reviews are
// parsed and evaluated here. Each worker loads the compiled policy set once per generation (at start
// and on reload), not per request. Each job has a deadline counted from the request's arrival: a
// job still queued at its deadline is dropped, a job still running gets its worker terminated and
// replaced. Either way the caller answers by the endpoint's failurePolicy.
//
// Worker entry: from sources (tsx), an eval bootstrap registers tsx in the worker and imports
// review-worker.ts; from dist/, review-worker.js next to this file (computed from import.meta.url).
// A bundler that inlines everything into one file (a single executable) builds review-worker.ts as
// its own script and registers it with setReviewWorkerEntry({ source }) before serve starts.
import { Worker } from 'node:worker_threads';
import type { EngineRecipe } from './engine-recipe.js';
import type { ReviewOutcome } from './evaluate.js';
import type { ReviewEndpoint } from './handle-review.js';
import type { WebhookLogger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';
import type { FromWorker, ToWorker, WorkerSetup } from './review-worker.js';
import { type TallySource, VerdictTally } from './verdict-tally.js';

/** Where workers come from: a module URL, or the worker's whole source as a script (bundled builds). */
export type ReviewWorkerEntry = { url: URL } | { source: string };

let entryOverride: ReviewWorkerEntry | undefined;

/** Overrides the worker entry (bundled builds, where no review-worker.js file sits next to this module). */
export function setReviewWorkerEntry(entry: ReviewWorkerEntry | undefined): void {
  entryOverride = entry;
}

/** Each worker's V8 heap limits, MiB (see EvalPoolOptions); the deployment's memory limit must cover them. */
export const WORKER_MEMORY = { heapLimitMb: 160, youngGenerationMb: 16 } as const;

/** The active policy set, as workers load it. */
export interface RecipeSource {
  active(): { generation: number; recipe: EngineRecipe } | undefined;
  onChange?(listener: () => void): () => void;
}

/** Pool configuration. */
export interface EvalPoolOptions {
  /** Worker threads (default 2). */
  workers?: number;
  /** Reviews waiting for a worker before new ones are refused (default 64). */
  maxQueue?: number;
  setup: WorkerSetup;
  engine: RecipeSource;
  log: WebhookLogger;
  metrics: WebhookMetrics;
  /** V8 old-generation limit of each worker, MiB (default 160): a review that needs more fails alone. */
  heapLimitMb?: number;
  /**
   * V8 young-generation size of each worker, MiB (default 16). A review of the 141 corpus policies
   * allocates about 200 KiB: with 8 MiB the worker collected every 13 reviews and spent about 65 µs a review
   * in GC; with 16 MiB, every 26 and about 40 µs, for about 15 MiB more RSS (32 MiB: as Node's default, but 50 MiB more).
   */
  youngGenerationMb?: number;
}

/** How a job ended. */
export type PoolAnswer =
  | { kind: 'done'; outcome: ReviewOutcome }
  | { kind: 'overrun'; phase: 'queued' | 'running' }
  | { kind: 'failed'; reason: string };

interface Job {
  id: number;
  endpoint: ReviewEndpoint;
  body: Uint8Array;
  timer: NodeJS.Timeout;
  slot?: Slot;
  resolve(a: PoolAnswer): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  /** The generation sent to the worker, and the one it reported loaded. */
  generation: number;
  loaded: number;
  /** The worker's modules are loaded: it can take jobs. */
  online: boolean;
  retired: boolean;
  answered: boolean;
  /** The worker's verdict slots. */
  tally: TallySource;
}

function spawn(setup: WorkerSetup, limits: { heapLimitMb: number; youngGenerationMb: number }): Worker {
  const options = {
    workerData: { podgateReviewWorker: setup },
    resourceLimits: { maxOldGenerationSizeMb: limits.heapLimitMb, maxYoungGenerationSizeMb: limits.youngGenerationMb },
    stdout: false,
    stderr: false,
  };
  if (entryOverride) return 'source' in entryOverride ? new Worker(entryOverride.source, { ...options, eval: true }) : new Worker(entryOverride.url, options);
  const here: unknown = import.meta.url;
  if (typeof here !== 'string') throw new Error('the evaluation worker entry is unknown in this build (no import.meta.url): register it with setReviewWorkerEntry()');
  if (here.endsWith('.ts')) {
    // Sources run through tsx, whose loader a worker does not inherit: register it first.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./review-worker.ts', here).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { ...options, eval: true });
  }
  return new Worker(new URL('./review-worker.js', here), options);
}

/** The evaluation pool. */
export class EvalPool {
  readonly #o: Required<Pick<EvalPoolOptions, 'workers' | 'maxQueue' | 'heapLimitMb' | 'youngGenerationMb'>> & EvalPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #onlineWaiters: (() => void)[] = [];
  #closed = false;
  #crashes = 0;
  #respawnTimer: NodeJS.Timeout | undefined;
  readonly #unsubscribe: (() => void) | undefined;
  readonly #tally = new VerdictTally();

  constructor(o: EvalPoolOptions) {
    this.#o = { workers: 2, maxQueue: 64, ...WORKER_MEMORY, ...o };
    o.metrics.addVerdictSource((add) => this.#tally.collect(add));
    for (let i = 0; i < this.#o.workers; i++) this.#addWorker();
    this.#unsubscribe = o.engine.onChange?.(() => {
      for (const s of this.#slots) this.#sync(s);
    });
  }

  /**
   * True when a worker can evaluate reviews (readiness): one is online with a policy generation loaded. Not
   * necessarily the newest: each review waits for its worker to load that first, and asking for the newest
   * turned /readyz 503 during every worker rebuild — after each reload and each change of the cluster
   * context (a namespace relabelled), on every replica at once.
   */
  ready(): boolean {
    const active = this.#o.engine.active();
    return this.#slots.some((s) => s.online && !s.retired && (active === undefined || s.loaded >= 0));
  }

  /** Resolves when a first worker is up (or after `timeoutMs`). */
  whenOnline(timeoutMs: number): Promise<void> {
    if (this.#slots.some((s) => s.online)) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.#onlineWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Reviews waiting for a worker. */
  queued(): number {
    return this.#queue.length;
  }

  /** True when a new job would be refused. */
  full(): boolean {
    return this.#queue.length >= this.#o.maxQueue && !this.#slots.some((s) => !s.job && !s.retired && s.online);
  }

  /** Queues a review; `budgetMs` is what is left of its budget. Undefined when the queue is full. */
  submit(endpoint: ReviewEndpoint, body: Uint8Array, budgetMs: number): Promise<PoolAnswer> | undefined {
    if (this.#closed || this.full()) return undefined;
    return new Promise<PoolAnswer>((resolve) => {
      const job: Job = {
        id: this.#nextId++,
        endpoint,
        body,
        resolve,
        timer: setTimeout(() => this.#overrun(job), Math.max(0, budgetMs)),
      };
      this.#queue.push(job);
      this.#o.metrics.queueLength.set(this.#queue.length);
      this.#pump();
    });
  }

  /** Terminates every worker; queued jobs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    if (this.#respawnTimer) clearTimeout(this.#respawnTimer);
    for (const j of this.#queue.splice(0)) this.#finish(j, { kind: 'failed', reason: 'shutting down' });
    await Promise.all(
      this.#slots.splice(0).map((s) => {
        s.retired = true;
        if (s.job) this.#finish(s.job, { kind: 'failed', reason: 'shutting down' });
        return s.worker.terminate();
      }),
    );
  }

  #addWorker(): void {
    if (this.#closed) return;
    let worker: Worker;
    const tally = this.#tally.open();
    try {
      worker = spawn(this.#o.setup, this.#o);
    } catch (err) {
      this.#tally.retire(tally);
      this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'cannot start an evaluation worker');
      this.#scheduleRespawn();
      return;
    }
    const slot: Slot = { worker, generation: -1, loaded: -1, online: false, retired: false, answered: false, tally };
    this.#slots.push(slot);
    worker.on('message', (m: FromWorker) => this.#onMessage(slot, m));
    worker.on('error', (err) => {
      // Uncaught in the worker (out of memory included): it exits next.
      this.#o.log.error({ err: err.message }, 'evaluation worker failed');
    });
    worker.on('exit', (code) => {
      this.#tally.retire(tally);
      if (slot.retired) return;
      slot.retired = true;
      this.#remove(slot);
      this.#o.metrics.workerRestarts.inc({ reason: 'crash' });
      if (slot.job) this.#finish(slot.job, { kind: 'failed', reason: `evaluation worker exited (code ${code})` });
      // A worker that dies before answering anything (a broken entry) is restarted with a backoff.
      if (!slot.answered) this.#crashes++;
      else this.#crashes = 0;
      this.#scheduleRespawn();
      this.#pump();
    });
    this.#sync(slot);
    this.#pump();
  }

  #scheduleRespawn(): void {
    if (this.#closed) return;
    const delay = this.#crashes === 0 ? 0 : Math.min(30_000, 100 * 2 ** Math.min(this.#crashes, 9));
    if (delay === 0) {
      this.#addWorker();
      return;
    }
    this.#respawnTimer ??= setTimeout(() => {
      this.#respawnTimer = undefined;
      while (this.#slots.length < this.#o.workers && !this.#closed) {
        const before = this.#slots.length;
        this.#addWorker();
        if (this.#slots.length === before) break;
      }
    }, delay);
  }

  #remove(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
  }

  /** Sends the active policy generation to a worker that does not have it. */
  #sync(slot: Slot): void {
    const active = this.#o.engine.active();
    if (!active || slot.generation === active.generation || slot.retired) return;
    slot.generation = active.generation;
    slot.worker.postMessage({ type: 'load', generation: active.generation, recipe: active.recipe } satisfies ToWorker);
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => !s.job && !s.retired && s.online);
      if (!slot) return;
      const job = this.#queue.shift()!;
      this.#o.metrics.queueLength.set(this.#queue.length);
      slot.job = job;
      job.slot = slot;
      this.#sync(slot);
      const body = job.body;
      // The bytes move to the worker (no copy); they are not read here again.
      slot.worker.postMessage({ type: 'review', id: job.id, endpoint: job.endpoint, body } satisfies ToWorker, [body.buffer as ArrayBuffer]);
    }
  }

  #onMessage(slot: Slot, m: FromWorker): void {
    slot.answered = true;
    this.#crashes = 0;
    if (m.type === 'ready') {
      slot.online = true;
      for (const w of this.#onlineWaiters.splice(0)) w();
      this.#pump();
      return;
    }
    if (m.type === 'loaded') {
      slot.loaded = m.generation;
      if (m.error) this.#o.log.error({ generation: m.generation, err: m.error }, 'evaluation worker could not build the policy set');
      return;
    }
    // The slots' labels are the worker's state, kept whatever became of the job; its counts only when the
    // answer is used.
    if (m.outcome.tallyLabels) this.#tally.label(slot.tally, m.outcome.tallyLabels);
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    slot.job = undefined;
    if (m.outcome.tallyCodes) this.#tally.add(slot.tally, m.outcome.tallyCodes);
    this.#finish(job, { kind: 'done', outcome: m.outcome });
    this.#pump();
  }

  #overrun(job: Job): void {
    const slot = job.slot;
    if (!slot) {
      const i = this.#queue.indexOf(job);
      if (i >= 0) this.#queue.splice(i, 1);
      this.#o.metrics.queueLength.set(this.#queue.length);
      this.#finish(job, { kind: 'overrun', phase: 'queued' });
      return;
    }
    // Still evaluating: the only way to stop synchronous code is to stop its thread.
    slot.retired = true;
    slot.job = undefined;
    this.#remove(slot);
    void slot.worker.terminate();
    this.#o.metrics.workerRestarts.inc({ reason: 'budget' });
    this.#finish(job, { kind: 'overrun', phase: 'running' });
    this.#addWorker();
  }

  #finish(job: Job, a: PoolAnswer): void {
    clearTimeout(job.timer);
    job.slot = undefined;
    job.resolve(a);
  }
}
