// A stand-in engine that spends `ms` of CPU on every review before allowing it (evaluation workers
// build it from a module recipe): for queue, budget and latency tests.
import { existsSync } from 'node:fs';
import type { AdmissionEngine, EngineRecipe } from '../../src/webhook/index.js';

/** The engine: busy for `ms`, then allowed. */
export function slowEngine(ms: unknown): AdmissionEngine {
  return {
    validate() {
      const until = performance.now() + Number(ms);
      while (performance.now() < until) {
        // Synchronous work the event loop cannot interrupt.
      }
      return { results: [], overrides: new Map() };
    },
  };
}

/** How a worker builds slowEngine(ms). */
export function slowRecipe(ms: number): EngineRecipe {
  return { kind: 'module', url: new URL('./slow-engine.ts', import.meta.url).href, export: 'slowEngine', arg: ms };
}

/** An engine whose build waits (blocking its worker, as compiling a large set does) until the file `arg` exists. */
export function gatedEngine(arg: unknown): AdmissionEngine {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(String(arg))) Atomics.wait(gate, 0, 0, 10);
  return slowEngine(0);
}

/** How a worker builds gatedEngine(file). */
export function gatedRecipe(file: string): EngineRecipe {
  return { kind: 'module', url: new URL('./slow-engine.ts', import.meta.url).href, export: 'gatedEngine', arg: file };
}
