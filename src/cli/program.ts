// Builds the podgate command tree. Each area registers its subcommands from its own file
// under commands/, so areas grow without touching each other.
import { Command, CommanderError } from 'commander';
import { DEFAULT_READ_LIMITS, formatSize, setReadLimits } from '../cluster/index.js';
import { parseQuantity, quantityToNumber } from '../kube/index.js';
import { setJmespathClock, setJmespathRandom } from '../kyverno/jmespath/index.js';
import { VERSION } from '../version.js';
import { registerAdmission } from './commands/admission.js';
import { registerChart } from './commands/chart.js';
import { registerInventory } from './commands/inventory.js';
import { registerKyverno } from './commands/kyverno.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPsp } from './commands/psp.js';
import { registerPss } from './commands/pss.js';
import { registerUsers } from './commands/users.js';
import { registerVersion } from './commands/version.js';
import { registerWebhook } from './commands/webhook.js';
import { completionScript } from './completion.js';
import { type CliIO, EXIT, UsageError } from './io.js';
import { setProgress } from './progress.js';
import { terminalSafe } from './terminal-safe.js';
import { colourEnabled, setColour } from './output.js';

/** Mutable state a command sets: its exit code. */
export interface RunState {
  exitCode: number;
}

/** Everything a command registration needs. */
export interface CliContext {
  io: CliIO;
  state: RunState;
}

/** Registers a placeholder for an area that has not landed yet. */
export function notYet(parent: Command, name: string, summary: string, ctx: CliContext): Command {
  return parent
    .command(name)
    .description(`${summary} (not yet available)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.io.stderr(`podgate ${name}: not yet available in podgate ${VERSION}\n`);
      ctx.state.exitCode = EXIT.usage;
    });
}

/** True when argv names a subcommand (a word that is not an option or the value of -o/--output). */
export function hasSubcommand(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--output') i++;
    else if (!a.startsWith('-')) return true;
  }
  return false;
}

/** A byte size as a Kubernetes quantity (`64Mi`, `1G`, `1048576`); a usage error otherwise. */
export function parseSize(flag: string, text: string): number {
  const q = parseQuantity(text.trim());
  const n = q === undefined ? Number.NaN : Math.floor(quantityToNumber(q));
  if (!(n > 0) || !Number.isSafeInteger(n)) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a size (use bytes or a quantity such as 64Mi, 1Gi)`);
  return n;
}

/** Creates the program with every area registered. */
export function buildProgram(ctx: CliContext, opts: { subcommandOwnsVersion?: boolean } = {}): Command {
  // Commander lets program options match anywhere, so `--version` is left to subcommands that
  // define it (e.g. `pss check --version v1.24`) whenever a subcommand is named.
  const name = ctx.io.programName ?? 'podgate';
  const program = new Command(name)
    .description('Pod admission for clusters leaving PodSecurityPolicy for Kyverno')
    .version(VERSION, opts.subcommandOwnsVersion ? '-V' : '-V, --version')
    .option('-o, --output <format>', 'output format: json, yaml, table, wide (every command that prints data), and per command text, html, policyreport, junit, sarif')
    .option('--no-color', 'disable coloured output')
    .option('--debug', 'print stack traces of internal errors')
    .option('-q, --quiet', 'no progress on stderr (progress shows only on a terminal, never with -o json or -o yaml)')
    .option('--max-file-size <size>', `largest policy/manifest/dump file read, e.g. 64Mi, 1Gi (default ${formatSize(DEFAULT_READ_LIMITS.maxFileSize)})`)
    .option('--max-total-size <size>', `most bytes read from all files of one --policy/--cluster/... input (default ${formatSize(DEFAULT_READ_LIMITS.maxTotalSize)})`)
    .showHelpAfterError(`(run ${name} --help for usage)`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
  program.addHelpText(
    'after',
    `
Start here:
  podgate migrate run --cluster DUMP_DIR      audit, exceptions, PSP-vs-Kyverno diff, plan and HTML report
  podgate migrate run --kubeconfig ~/.kube/config
  kubectl podgate ...                         the same commands as a kubectl plugin (bin/kubectl-podgate on PATH)

Exit codes: 0 ok, 1 policy failures found (denials, mismatches, breakages) or an internal error, 2 usage or input error, 141 output cut off (the reader of stdout went away, as with SIGPIPE).`,
  );
  // Read limits apply to every command that reads files or directories (cluster/files.ts).
  program.hook('preAction', () => {
    const o = program.opts<{ maxFileSize?: string; maxTotalSize?: string; quiet?: boolean; output?: string }>();
    setProgress(ctx.io, ctx.io.isTTY && !o.quiet && o.output !== 'json' && o.output !== 'yaml');
    setReadLimits({
      ...(o.maxFileSize !== undefined ? { maxFileSize: parseSize('--max-file-size', o.maxFileSize) } : {}),
      ...(o.maxTotalSize !== undefined ? { maxTotalSize: parseSize('--max-total-size', o.maxTotalSize) } : {}),
    });
  });
  program.enablePositionalOptions(false);
  registerInventory(program, ctx);
  registerKyverno(program, ctx);
  registerAdmission(program, ctx);
  registerPsp(program, ctx);
  registerPss(program, ctx);
  registerChart(program, ctx);
  registerUsers(program, ctx);
  registerMigrate(program, ctx);
  registerWebhook(program, ctx);
  registerVersion(program, ctx);
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish (e.g. source <(podgate completion bash))')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') throw new UsageError(`completion: ${JSON.stringify(shell)} is not supported; use bash, zsh or fish`);
      // kubectl completes its plugins itself; the script is for the podgate binary.
      ctx.io.stdout(completionScript(program, shell, 'podgate'));
    });
  // Every subcommand inherits the exit override and output routing.
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

// A file-system error about a path the user chose (an --out in a missing folder, a directory where a file
// is written, a read-only place) is the user's to fix: said plainly, exit 2, not an internal error.
const PATH_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
};

const SYSCALL_VERBS: Readonly<Record<string, string>> = { open: 'cannot open', mkdir: 'cannot create the folder', scandir: 'cannot list', rename: 'cannot move into', unlink: 'cannot remove', rmdir: 'cannot remove', stat: 'cannot read', lstat: 'cannot read', mkdtemp: 'cannot create a folder in', copyfile: 'cannot copy to' };

function pathProblem(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const what = PATH_ERRORS[e.code];
  if (what === undefined) return undefined;
  const verb = (e.syscall && SYSCALL_VERBS[e.syscall]) ?? 'cannot use';
  return `${verb} ${e.path}: ${what}`;
}

/** The io with terminalSafe applied to each stream that is a terminal. */
function terminalSafeIO(io: CliIO): CliIO {
  if (!io.stdoutIsTTY && !io.isTTY) return io;
  const { stdout, stderr } = io;
  return {
    ...io,
    stdout: io.stdoutIsTTY ? (s) => stdout(terminalSafe(s)) : stdout,
    stderr: io.isTTY ? (s) => stderr(terminalSafe(s)) : stderr,
  };
}

/**
 * `help <command...>` at any command level: the command path with --help (Commander's help command shows
 * one level only), or the first word that names no subcommand. Undefined when argv asks for no help.
 */
function helpRequest(program: Command, argv: readonly string[]): { argv: string[] } | { unknown: string } | undefined {
  let cmd = program;
  const find = (c: Command, word: string) => c.commands.find((x) => x.name() === word || x.aliases().includes(word));
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word.startsWith('-')) return undefined;
    if (word === 'help' && find(cmd, 'help') === undefined && cmd.commands.length > 0) {
      const topics = argv.slice(i + 1);
      if (topics.length === 0 || topics.some((t) => t.startsWith('-'))) return undefined;
      const path: string[] = [];
      for (const topic of topics) {
        // `help help` (as `git help help`): the help listed as a command is a topic too; it shows the help
        // of the command reached so far, as Commander's own help command did.
        if (topic === 'help' && find(cmd, 'help') === undefined) break;
        const sub = find(cmd, topic);
        if (sub === undefined) return { unknown: topic };
        cmd = sub;
        path.push(topic);
      }
      return { argv: [...argv.slice(0, i), ...path, '--help'] };
    }
    const sub = find(cmd, word);
    if (sub === undefined) return undefined;
    cmd = sub;
  }
  return undefined;
}

/** Runs podgate with argv (without node and script), returning the exit code. Never throws. */
export async function run(argv: readonly string[], terminalOrNot: CliIO): Promise<number> {
  const io = terminalSafeIO(terminalOrNot);
  const ctx: CliContext = { io, state: { exitCode: EXIT.ok } };
  // The engine never reads the clock or a random source itself: the CLI supplies them.
  setJmespathClock(() => new Date());
  setJmespathRandom(Math.random);
  setColour(colourEnabled(io, argv));
  setReadLimits();
  const program = buildProgram(ctx, { subcommandOwnsVersion: hasSubcommand(argv) });
  const debug = argv.includes('--debug');
  const help = helpRequest(program, argv);
  if (help !== undefined && 'unknown' in help) {
    // Commander prints the general help for `help <unknown>` and exits 0; kubectl says it is unknown.
    io.stderr(`error: unknown command '${help.unknown}'\n(run ${io.programName ?? 'podgate'} --help for usage)\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync(help !== undefined ? help.argv : [...argv], { from: 'user' });
    return ctx.state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return err.exitCode;
    }
    const path = pathProblem(err);
    if (path !== undefined) {
      io.stderr(`error: ${path}\n`);
      return EXIT.usage;
    }
    io.stderr(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    else io.stderr('(run again with --debug for the stack trace; please report this as a bug)\n');
    return EXIT.failures;
  }
}
