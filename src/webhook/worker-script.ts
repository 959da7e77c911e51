// Where a worker thread's code comes from, in each way podgate runs: the single executable
// (dist/podgate-linux-x64) can load only built-in modules from disk, so there a worker entry
// `src/webhook/<name>.worker.ts` runs from the CommonJS text that `npm run build:binary` bundled and
// embedded as the SEA asset `workers/<name>.cjs`; from the tsc build or the sources it is the file.
import type { WorkerOptions } from 'node:worker_threads';

/** What `new Worker(script, options)` needs for worker `name`. */
export interface WorkerScript {
  script: string | URL;
  options: WorkerOptions;
}

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

function seaModule(): SeaModule | undefined {
  try {
    const sea = process.getBuiltinModule?.('node:sea') as SeaModule | undefined;
    return sea?.isSea() ? sea : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How to start worker `name` (its entry is `src/webhook/<name>.worker.ts`). `here` is the caller's
 * `import.meta.url`; it is not read inside the single executable, where `import.meta` is empty.
 */
export function workerScript(name: string, here: () => string): WorkerScript {
  const sea = seaModule();
  if (sea) return { script: sea.getAsset(`workers/${name}.cjs`, 'utf8'), options: { eval: true } };
  const url = here();
  if (!url) throw new Error(`worker ${name}: no module URL (a bundle run outside the single executable)`);
  if (url.endsWith('.ts')) {
    // Under tsx the sources run as .ts; Node 20 workers do not take `--import tsx` in execArgv, so a
    // two-line bootstrap registers tsx in the worker and then imports the entry.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL(`./${name}.worker.ts`, url).href;
    return { script: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, options: { eval: true } };
  }
  return { script: new URL(`./${name}.worker.js`, url), options: {} };
}
