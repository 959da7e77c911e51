// Entry of an evaluation worker thread (see eval-pool.ts). Messages from the pool, handled in order:
// `load` (a new policy generation: build its engine once) and `review` (raw request bytes: parse,
// evaluate, answer with a ReviewOutcome). The pool terminates a worker that overruns its budget.
import { constants, setPriority } from 'node:os';
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { KyvernoConfig } from '../kyverno/config/index.js';
import type { WebhookMode } from './decision.js';
import { type EngineRecipe, engineFromRecipe } from './engine-recipe.js';
import { evaluateReview } from './evaluate.js';
import type { AdmissionEngine, ReviewEndpoint } from './handle-review.js';
import { VerdictCounter } from './verdict-tally.js';

/** What a worker is started with. */
export interface WorkerSetup {
  mode: WebhookMode;
  config?: KyvernoConfig;
  /** Send the verdicts back (PolicyReports need them); otherwise only their tally and the shadow comparison. */
  keepResults?: boolean;
}

/** Pool → worker. */
export type ToWorker = { type: 'load'; generation: number; recipe: EngineRecipe } | { type: 'review'; id: number; endpoint: ReviewEndpoint; body: Uint8Array };

/** Worker → pool. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded'; generation: number; error?: string }
  | { type: 'done'; id: number; outcome: import('./evaluate.js').ReviewOutcome };

function serve(port: MessagePort, setup: WorkerSetup): void {
  // Verdicts travel as slot codes rather than as one key per verdict.
  const counter = new VerdictCounter();
  // Evaluation yields the CPU to the HTTP thread (health probes, answers, budgets) when cores are
  // scarce. Linux nice values are per thread, so this lowers this worker only.
  try {
    setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not permitted or not supported: evaluate at normal priority.
  }
  port.postMessage({ type: 'ready' } satisfies FromWorker);
  let engine: AdmissionEngine | undefined;
  let loadError: string | undefined;
  // Loads are asynchronous (a module recipe is imported); reviews wait for the load sent before them.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    chain = chain.then(async () => {
      if (m.type === 'load') {
        try {
          engine = await engineFromRecipe(m.recipe);
          loadError = undefined;
          port.postMessage({ type: 'loaded', generation: m.generation } satisfies FromWorker);
        } catch (err) {
          engine = undefined;
          loadError = err instanceof Error ? err.message : String(err);
          port.postMessage({ type: 'loaded', generation: m.generation, error: loadError } satisfies FromWorker);
        }
        return;
      }
      const outcome = evaluateReview(m.body, engine, {
        mode: setup.mode,
        endpoint: m.endpoint,
        keepResults: setup.keepResults === true,
        ...(setup.config ? { config: setup.config } : {}),
        counter,
      });
      if (loadError && !engine) outcome.error ??= `podgate: policy set failed to build in the evaluation worker: ${loadError}`;
      port.postMessage({ type: 'done', id: m.id, outcome } satisfies FromWorker);
    });
  });
}

if (!isMainThread && parentPort && (workerData as { podgateReviewWorker?: WorkerSetup } | undefined)?.podgateReviewWorker) {
  serve(parentPort, (workerData as { podgateReviewWorker: WorkerSetup }).podgateReviewWorker);
}
