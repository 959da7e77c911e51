// The admission context a command evaluates in: namespace labels, ConfigMaps and PolicyExceptions from a
// cluster dump (`--cluster`) and exception files (`--exception`), with the kyverno chart's
// `features.policyExceptions` from `--kyverno-values` (chart 3.0.9 defaults when absent). Shared by
// admit, apply and the migration commands so every one says the same thing about the same input.
import type { Command } from 'commander';
import { formatValuesError, parseValuesText } from '../chart/index.js';
import { clusterDumpPath } from '../cluster/index.js';
import type { KubeObject, LoadedObject } from '../kube/index.js';
import { buildClusterContext, type ClusterContext, DEFAULT_EXCEPTION_FEATURES, type ExceptionFeatures, exceptionFeaturesFromValues } from '../kyverno/config/index.js';
import { type CliIO, UsageError } from './io.js';
import { loadOrFail } from './output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The options as commander parses them. */
export interface ContextOptions {
  cluster?: string[];
  exception?: string[];
  kyvernoValues?: string;
}

/** Adds `--exception` (and, unless the command has them, `--cluster` and `--kyverno-values`). */
export function contextOptions(cmd: Command, opts: { cluster?: boolean; kyvernoValues?: boolean } = {}): Command {
  if (opts.cluster !== false) cmd.option('--cluster <path...>', 'cluster dump (files or folders; a folder with cluster/ inside reads that): Namespaces (labels), ConfigMaps, PolicyExceptions, RoleBindings and ClusterRoleBindings (requesters\' roles)');
  cmd.option('--exception <file>', 'Kyverno PolicyException file or folder (kyverno.io/v2alpha1), in effect only when --kyverno-values enables them (repeatable)', collect);
  if (opts.kyvernoValues !== false) cmd.option('--kyverno-values <file>', "the kyverno chart's values file (features.policyExceptions; chart 3.0.9 defaults when absent)");
  return cmd;
}

/**
 * A kyverno chart values text as Helm reads it (YAML 1.1: `<<` merge keys, yes/no booleans): a plain YAML
 * 1.2 parse dropped merged keys (`config: {<<: *filters}` read as no resourceFilters). Errors are usage errors.
 */
export function kyvernoValuesOf(text: string, file: string, what: string): unknown {
  const r = parseValuesText(text, file);
  const e = r.errors[0];
  if (e) throw new UsageError(`${what}: --kyverno-values ${formatValuesError(e)}`);
  return r.values;
}

/** `features.policyExceptions` of a kyverno values file (defaults without one); bad values are usage errors. */
export function readExceptionFeatures(io: CliIO, file: string | undefined, what: string): ExceptionFeatures {
  if (!file) return { ...DEFAULT_EXCEPTION_FEATURES };
  const doc = kyvernoValuesOf(io.readFile(file), file, what);
  const r = exceptionFeaturesFromValues(doc);
  if (r.errors.length > 0) throw new UsageError(`${what}: --kyverno-values ${file}: ${r.errors.join('; ')}`);
  return r.features;
}

/** PolicyException objects from `--exception` files; anything else in them is an error naming the file. */
export async function readExceptionFiles(io: CliIO, files: readonly string[] | undefined, what: string): Promise<LoadedObject[]> {
  if (!files || files.length === 0) return [];
  const objs = await loadOrFail(io, files);
  const other = objs.filter((l) => l.object.kind !== 'PolicyException');
  if (other.length > 0) {
    throw new UsageError(other.map((l) => `${what}: --exception ${l.source.file}: document ${l.source.document + 1}: kind ${l.object.kind} is not a PolicyException`).join('\n'));
  }
  if (objs.length === 0) throw new UsageError(`${what}: --exception ${files.join(', ')}: no PolicyException found`);
  return objs;
}

/**
 * Builds the context from already-read cluster objects plus exception objects; invalid exceptions are
 * usage errors, exceptions that protect nothing are warnings on stderr. `cluster: false` means no cluster
 * was given: namespaces and ConfigMaps are unknown rather than absent. `as` evaluates for another Kyverno
 * than 1.10: the PolicyException versions it serves, and the words that start its messages.
 */
export function contextFromObjects(
  io: CliIO,
  objects: readonly LoadedObject[],
  features: ExceptionFeatures,
  what: string,
  cluster: boolean,
  as?: { apiVersions: readonly string[]; label: string },
): ClusterContext {
  const list: KubeObject[] = objects.map((l) => l.object);
  const built = buildClusterContext(list, features, (i) => `${objects[i]!.source.file}: document ${objects[i]!.source.document + 1}`, as?.apiVersions);
  const label = as ? `${as.label}: ` : '';
  if (built.problems.length > 0) throw new UsageError(`${what}: ${label}invalid PolicyException:\n  ${built.problems.join('\n  ')}`);
  for (const w of built.warnings) io.stderr(`warning: ${label}${w}\n`);
  if (!cluster) {
    const { configMaps: _unknown, bindings: _none, ...rest } = built.context;
    return rest;
  }
  return built.context;
}

/** Reads `--cluster`, `--exception` and `--kyverno-values`; undefined when none of the first two is given. */
export async function readClusterContext(io: CliIO, o: ContextOptions, what: string): Promise<ClusterContext | undefined> {
  const features = readExceptionFeatures(io, o.kyvernoValues, what);
  if (!o.cluster && !o.exception) return undefined;
  const dump = o.cluster ? await loadOrFail(io, o.cluster.map(clusterDumpPath)) : [];
  const exceptions = await readExceptionFiles(io, o.exception, what);
  return contextFromObjects(io, [...dump, ...exceptions], features, what, o.cluster !== undefined);
}
