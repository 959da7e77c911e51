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

/** Exit codes: 0 ok, 1 policy failures found, 2 usage or input error (141: see EXIT_READER_GONE). */
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

/** Exit code when the reader of stdout or stderr went away: what a shell reports for a program stopped by SIGPIPE. */
export const EXIT_READER_GONE = 141;

// What went wrong writing the process's own output (the first error of each stream), set by processIO's
// guards. A write error is an event after the write: without a listener Node prints a stack and exits.
const outputErrors: { stdout?: NodeJS.ErrnoException; stderr?: NodeJS.ErrnoException } = {};

const guarded = { stdout: false, stderr: false };

function guardOutput(name: 'stdout' | 'stderr'): void {
  if (guarded[name]) return;
  guarded[name] = true;
  process[name].on('error', (err: NodeJS.ErrnoException) => {
    if (outputErrors[name]) return;
    outputErrors[name] = err;
    // A reader that went away (`podgate … | head`) needs no word; another failure (a full disk behind
    // `> file`) is said once on the other stream, if that one still works.
    const other = name === 'stdout' ? 'stderr' : 'stdout';
    if (err.code !== 'EPIPE' && !outputErrors[other]) process[other].write(`podgate: cannot write to ${name}: ${err.message}\n`);
  });
}

/**
 * The exit code once the command returned `code`: EXIT_READER_GONE when a reader went away (EPIPE), the
 * internal-error code when output could not be written otherwise (unless the command failed already).
 */
export function exitCodeAfterOutput(code: number): number {
  const errors = [outputErrors.stdout, outputErrors.stderr].filter((e) => e !== undefined);
  if (errors.length === 0) return code;
  if (errors.some((e) => e.code === 'EPIPE')) return EXIT_READER_GONE;
  return code === EXIT.ok ? EXIT.failures : code;
}

/**
 * The process's real IO. Output to a stream whose writes failed is dropped: the command still runs to
 * its end (the files it writes are complete) and the failure decides the exit code (exitCodeAfterOutput).
 */
export function processIO(): CliIO {
  guardOutput('stdout');
  guardOutput('stderr');
  return {
    stdout: (s) => {
      if (!outputErrors.stdout) process.stdout.write(s);
    },
    stderr: (s) => {
      if (!outputErrors.stderr) process.stderr.write(s);
    },
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
