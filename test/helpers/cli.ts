// Test helper: runs the CLI in-process with captured stdout/stderr and an in-memory stdin.
import { readFileSync, writeFileSync } from 'node:fs';
import { type CliIO, decodeOrFail } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podgate argv...` in-process. */
export async function runCli(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string>; isTTY?: boolean; now?: () => number; stdoutIsTTY?: boolean; programName?: string; writeFile?: (path: string, text: string) => void; readFile?: (path: string) => string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: async () => opts.stdin ?? '',
    isTTY: opts.isTTY ?? false,
    ...(opts.now ? { now: opts.now } : {}),
    stdoutIsTTY: opts.stdoutIsTTY ?? false,
    ...(opts.programName ? { programName: opts.programName } : {}),
    env: opts.env ?? {},
    cwd: process.cwd(),
    readFile: opts.readFile ?? ((p) => decodeOrFail(readFileSync(p), p)),
    writeFile: opts.writeFile ?? ((p, t) => writeFileSync(p, t)),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
