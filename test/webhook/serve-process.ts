// Test helper: `podgate serve` as its own process (the sources through tsx), its JSON log lines,
// and waiting for lines or for its exit.
import { type ChildProcess, spawn } from 'node:child_process';

const bin = new URL('../../src/bin.ts', import.meta.url).pathname;

/** A running `podgate serve`. */
export interface ServeProcess {
  child: ChildProcess;
  lines(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line matching, or rejects after timeoutMs. */
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `podgate serve ...args`. */
export function startServe(args: readonly string[]): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    let nl = out.indexOf('\n');
    while (nl >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      nl = out.indexOf('\n');
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line.
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => parsed,
    stderr: () => err,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
    waitFor(pred, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = parsed.find(pred);
          if (hit) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${err}; lines: ${parsed.map((l) => l.msg).join(' | ')}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            check();
            if (waiters.has(check)) {
              clearTimeout(timer);
              waiters.delete(check);
              reject(new Error(`serve exited; stderr: ${err}`));
            }
          }
        });
        check();
      });
    },
  };
}
