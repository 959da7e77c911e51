// The CLI's view of the outside world, injected so commands are testable without a process.
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeText } from '../cluster/index.js';
import { formatInputError } from '../kube/index.js';

/** Streams and environment a command may use. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Reads all of stdin (only called when a command is given `-`). */
  readStdin: () => Promise<string>;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  /** Whether stdout is a terminal (colours). */
  stdoutIsTTY?: boolean;
  /** How the program was invoked (`podgate`, `kubectl podgate`), for usage texts. */
  programName?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
  /** A clock in milliseconds for progress timing (default performance.now; tests inject one). */
  now?: () => number;
}

/** Exit codes: 0 ok, 1 policy failures found, 2 usage or input error. */
export const EXIT = { ok: 0, failures: 1, usage: 2 } as const;

/** An error the user can fix: printed without a stack, exits 2. */
export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

/** UTF-8 text of `bytes`, or a UsageError naming where they came from. */
export function decodeOrFail(bytes: Uint8Array, file: string): string {
  const r = decodeText(bytes, file);
  if ('error' in r) throw new UsageError(formatInputError(r.error));
  return r.text;
}

/** `kubectl podgate` when run as the kubectl plugin (kubectl-podgate), else `podgate`. */
export function programNameOf(script: string): string {
  const base = script.split(/[\\/]/).pop() ?? '';
  return /^kubectl-podgate(\.js)?$/.test(base) ? 'kubectl podgate' : 'podgate';
}

/** The process's real IO. */
export function processIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return decodeOrFail(Buffer.concat(chunks), '<stdin>');
    },
    isTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    programName: programNameOf(process.argv[1] ?? ''),
    env: process.env,
    cwd: process.cwd(),
    readFile: (p) => decodeOrFail(readFileSync(p), p),
    writeFile: (p, t) => writeFileSync(p, t),
  };
}
