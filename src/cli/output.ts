// Output helpers shared by commands: -o formats, tables, loading inputs with clear errors.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadObjects } from '../cluster/index.js';
import { formatInputError, type LoadedObject } from '../kube/index.js';
import { type CliIO, UsageError } from './io.js';

/** Output formats accepted by `-o`. */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'text' | 'html' | 'policyreport' | 'junit' | 'sarif';

/** Global options every command sees. */
export interface GlobalOptions {
  output?: OutputFormat;
  color: boolean;
  debug?: boolean;
}

/** The global options of a command (merged with the program's). */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Checks -o against the formats a command supports, defaulting to the first. */
export function outputFormat(cmd: Command, allowed: readonly OutputFormat[]): OutputFormat {
  const o = globals(cmd).output ?? allowed[0]!;
  if (!allowed.includes(o)) throw new UsageError(`${cmd.name()}: -o ${o} is not supported here; use one of: ${allowed.join(', ')}`);
  return o;
}

/** Prints a value as JSON (2-space, trailing newline). */
export function printJson(io: CliIO, v: unknown): void {
  io.stdout(`${JSON.stringify(v, null, 2)}\n`);
}

/** Prints a value as YAML. */
export function printYaml(io: CliIO, v: unknown): void {
  io.stdout(stringify(v, { lineWidth: 0 }));
}

/** Renders rows as an aligned text table with a header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** Loads objects from paths; any input error becomes a UsageError listing every problem (exit 2). */
export async function loadOrFail(io: CliIO, paths: readonly string[], requireName = true): Promise<LoadedObject[]> {
  const stdin = paths.includes('-') ? await io.readStdin() : undefined;
  const r = loadObjects(paths, { stdin, requireName });
  if (r.errors.length > 0) throw new UsageError(r.errors.map(formatInputError).join('\n'));
  return r.objects;
}
