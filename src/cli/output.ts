// Output helpers shared by commands: -o formats, tables, loading inputs with clear errors.
// The output contract: every command that prints data accepts -o json|yaml|table (plus its own extras);
// tables are kubectl-style (upper-case headers, aligned columns, -o wide for more columns); colour only
// on a terminal, never with NO_COLOR or --no-color.
import { styleText } from 'node:util';
import type { Command } from 'commander';
import { loadObjects } from '../cluster/index.js';
import { editDistance } from '../chart/suggest.js';
import { formatInputError, formatSource, type LoadedObject, namespaceDifferences, namespaceInfo, POD_CONTROLLER_KINDS, POD_GROUPS, splitApiVersion, toYamlText } from '../kube/index.js';
import { type CliIO, UsageError } from './io.js';
import { progress } from './progress.js';

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

/** Checks -o against the formats a command supports, defaulting to the first; `wide` is a table with more columns. */
export function outputFormat(cmd: Command, allowed: readonly OutputFormat[]): OutputFormat {
  const o = globals(cmd).output ?? allowed[0]!;
  if (o === 'wide' && allowed.includes('table')) return 'table';
  if (!allowed.includes(o)) throw new UsageError(`${commandPath(cmd)}: -o ${o} is not supported here; use one of: ${[...allowed, ...(allowed.includes('table') ? ['wide'] : [])].join(', ')}`);
  return o;
}

/** The command as typed after the program name: `migrate upgrade`, not `upgrade`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ') || cmd.name();
}

/** True for `-o wide`: tables add their extra columns. */
export function isWide(cmd: Command): boolean {
  return globals(cmd).output === 'wide';
}

/** Prints `data` as JSON or YAML, or the table `render` builds: the common case of the output contract. */
export function printData(io: CliIO, format: OutputFormat, data: unknown, render: () => string): void {
  if (format === 'json') printJson(io, data);
  else if (format === 'yaml') printYaml(io, data);
  else io.stdout(render());
}

let colour = false;

/** Whether output is coloured: stdout is a terminal, NO_COLOR is unset and --no-color was not given. */
export function colourEnabled(io: CliIO, argv: readonly string[]): boolean {
  return Boolean(io.stdoutIsTTY) && !io.env.NO_COLOR && !argv.includes('--no-color') && io.env.TERM !== 'dumb';
}

/** Turns colour on or off for this run (the CLI decides once, before any command prints). */
export function setColour(on: boolean): void {
  colour = on;
}

const CELL_STYLE: Record<string, Parameters<typeof styleText>[0]> = {
  fail: 'red',
  error: 'red',
  denied: 'red',
  deny: 'red',
  no: 'red',
  pass: 'green',
  allowed: 'green',
  yes: 'green',
  warn: 'yellow',
  skip: 'gray',
};

/** Styles text when colour is on (bold, red, ...); plain otherwise. */
export function paint(style: Parameters<typeof styleText>[0], text: string): string {
  // podgate decides (stdout TTY, NO_COLOR, --no-color); the stream check is skipped so io can be injected.
  return colour ? styleText(style, text, { validateStream: false }) : text;
}

/** Prints a value as JSON (2-space, trailing newline). */
export function printJson(io: CliIO, v: unknown): void {
  io.stdout(`${JSON.stringify(v, null, 2)}\n`);
}

/** Prints a value as YAML. */
export function printYaml(io: CliIO, v: unknown): void {
  io.stdout(toYamlText(v));
}

/** Renders rows as an aligned text table with a header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Colour is applied after padding, so escape codes never shift the columns.
  const cell = (c: string, i: number, last: boolean) => {
    const padded = last ? c : c.padEnd(widths[i] ?? 0);
    const style = colour ? CELL_STYLE[c.toLowerCase()] : undefined;
    return style ? padded.replace(c, paint(style, c)) : padded;
  };
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => cell(c, i, i === r.length - 1))
      .join('  ')
      .trimEnd();
  const head = header
    .map((h, i) => (i === header.length - 1 ? h : h.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
  return `${[paint('bold', head), ...rows.map(line)].join('\n')}\n`;
}

/** Loads objects from paths; any input error becomes a UsageError listing every problem (exit 2). */
export async function loadOrFail(io: CliIO, paths: readonly string[], requireName = true, opts: { fast?: boolean; dropNulls?: boolean; detectCut?: boolean } = {}): Promise<LoadedObject[]> {
  const stdin = paths.includes('-') ? await io.readStdin() : undefined;
  const step = progress(io, 'reading', 'objects');
  // The CLI reads what a user gives it as the API server would: a pod needs its spec.
  const r = loadObjects(paths, { stdin, requireName, requirePodSpec: true, ...opts, progress: (n) => step.tick(n) });
  step.end(`${paths.length} path${paths.length === 1 ? '' : 's'}`);
  if (r.errors.length > 0) throw new UsageError(r.errors.map(formatInputError).join('\n'));
  for (const w of [...misspeltKinds(r.objects), ...duplicates(r.objects)]) io.stderr(`warning: ${w}\n`);
  return r.objects;
}

// What happens to a second copy: a Namespace's first copy is the one kept (buildSnapshot), so its labels
// alone decide; any other object is read twice.
function secondCopy(first: LoadedObject, second: LoadedObject): string {
  if (second.object.kind !== 'Namespace' || second.object.apiVersion !== 'v1') return 'both copies are read and counted';
  const differs = namespaceDifferences(namespaceInfo(first), namespaceInfo(second));
  if (differs.length === 0) return 'the copies are alike and the first is used';
  return `only the first copy is used (its labels decide namespaceSelector matches and Pod Security Admission), and the copies differ: ${differs.join('; ')}; keep the copy the cluster has now`;
}

/** Warnings for an object given twice (two dumps concatenated): each copy is read and counted, but a Namespace's first copy alone is used. */
export function duplicates(objects: readonly LoadedObject[]): string[] {
  const seen = new Map<string, LoadedObject>();
  const out: string[] = [];
  for (const l of objects) {
    const o = l.object;
    if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    const group = splitApiVersion(typeof o.apiVersion === 'string' ? o.apiVersion : '').group;
    const key = `${group}\u0000${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, l);
    else out.push(`${formatSource(l.source)}: ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} is given a second time (first at ${formatSource(first.source)}); ${secondCopy(first, l)}`);
  }
  return out;
}

// Kinds podgate checks, and the built-in groups they come from: an object of a built-in group whose kind
// is one letter off (`Pood`) or differs in case (`Daemonset`) is skipped like any unknown kind, so it is
// named instead of silently leaving a workload unchecked. Custom resources (other groups) are not.
const WORKLOAD_KINDS: readonly string[] = ['Pod', ...POD_CONTROLLER_KINDS];

/** Whether b is a with two neighbouring letters swapped (`Deploymnet`). */
function swapsTwo(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const i = [...a].findIndex((c, j) => c !== b[j]);
  return i >= 0 && i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Warnings for objects whose kind looks like a misspelt workload kind. */
export function misspeltKinds(objects: readonly LoadedObject[]): string[] {
  const out: string[] = [];
  for (const { object, source } of objects) {
    const kind = object.kind;
    if (typeof kind !== 'string' || WORKLOAD_KINDS.includes(kind)) continue;
    if (!POD_GROUPS.has(splitApiVersion(typeof object.apiVersion === 'string' ? object.apiVersion : '').group)) continue;
    const near = WORKLOAD_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase() || editDistance(k, kind) === 1 || swapsTwo(k, kind));
    if (near) out.push(`${formatSource(source)}: kind "${kind}" is not a Kubernetes kind, so ${object.metadata?.name ?? 'the object'} is skipped (did you mean "${near}"?)`);
  }
  return out;
}
