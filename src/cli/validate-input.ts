// `--validate=strict|warn|ignore` (named and behaving like kubectl's) and `--kyverno-version`: how
// Kyverno policies given to a command are checked against the CRD schemas of the Kyverno version in use.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { checkDepth, checkObjectTypes, type KubeObject, MAX_DEPTH, normaliseObject } from '../kube/index.js';
import { KYVERNO_SCHEMA_VERSIONS, type KyvernoSchemaVersion, type PolicyValidation, type ValidationMode } from '../kyverno/index.js';
import { formatValuesError, parseValuesText } from '../chart/index.js';
import { isObject, type JsonObject } from '../util/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './io.js';

/** The options as commander parses them. */
export interface ValidateOptions {
  validate?: string | boolean;
  /** `--kyverno-version` (commander checks its choices); absent: 1.10. */
  kyvernoVersion?: string;
}

/**
 * Adds `--validate [mode]` (default `def`) and, unless the command has it already (the engine profile's
 * option, kyverno-version.ts), `--kyverno-version`: one flag selects both the profile and the schema.
 */
export function validateOptions(cmd: Command, def: ValidationMode): Command {
  const hasVersion = cmd.options.some((o) => o.long === '--kyverno-version');
  cmd.addOption(
      new Option(
        '--validate [mode]',
        'check Kyverno policies against the CRD schema: strict (unknown fields and wrong types are errors), warn (print them, drop unknown fields as the API server prunes them), ignore; true=strict, false=ignore, as kubectl',
      ).default(def),
    );
  if (!hasVersion) cmd.addOption(new Option('--kyverno-version <version>', 'Kyverno version whose CRD schemas policies are checked against (default 1.10)').choices(KYVERNO_SCHEMA_VERSIONS));
  return cmd;
}

/** The validation the options ask for; an unknown mode is a usage error. */
export function policyValidation(opts: ValidateOptions): Required<PolicyValidation> {
  const v = opts.validate === true || opts.validate === 'true' ? 'strict' : opts.validate === 'false' ? 'ignore' : (opts.validate ?? 'strict');
  if (v !== 'strict' && v !== 'warn' && v !== 'ignore') throw new UsageError(`--validate ${String(opts.validate)}: use one of strict, warn, ignore (or true, false)`);
  const k = opts.kyvernoVersion ?? '1.10';
  if (!(KYVERNO_SCHEMA_VERSIONS as readonly string[]).includes(k)) throw new UsageError(`--kyverno-version ${k}: use one of ${KYVERNO_SCHEMA_VERSIONS.join(', ')}`);
  return { validate: v, kyvernoVersion: k as KyvernoSchemaVersion };
}

/** The Kyverno version whose schemas a kyverno-policies chart version is checked against. */
export function chartKyvernoVersion(chartVersion: string): KyvernoSchemaVersion {
  return chartVersion.startsWith('3.2.') ? '1.12' : '1.10';
}

/** Prints schema warnings (warn mode) to stderr. */
export function printWarnings(io: CliIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
}

/** A commander argument parser for `--kubernetes <version>`: a version like 1.24 (or v1.24.3), else a usage error. */
export function kubernetesVersion(value: string): string {
  // Kubernetes is 1.x: `2.0` read as a minor below every supported one, and a 19-digit minor as 1.1e18.
  const m = /^v?(\d+)\.(\d{1,3})(\.\d{1,4})?$/.exec(value);
  if (m?.[1] !== '1') throw new InvalidArgumentError(`${JSON.stringify(value)} is not a Kubernetes version like 1.24 or v1.24.3`);
  return value;
}

/**
 * Checks an AdmissionReview read from a file as podgate checks every Kubernetes object: something to
 * read, a nesting limit, nulls dropped, and the types of the fields podgate reads in request.object
 * and request.oldObject. Problems are a UsageError naming `where`.
 */
export function checkReview(body: unknown, where: string): void {
  if (body === null || body === undefined) throw new UsageError(`no objects found in ${where}`);
  if (!checkDepth(body)) throw new UsageError(`${where}: nesting deeper than ${MAX_DEPTH} levels: not an AdmissionReview (podgate's limit)`);
  if (!isObject(body) || !isObject(body.request)) return; // handleReview names what is missing
  const problems: string[] = [];
  for (const field of ['object', 'oldObject'] as const) {
    const o = body.request[field];
    if (!isObject(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
    if (!isObject(o.metadata)) o.metadata = {};
    normaliseObject(o as KubeObject);
    for (const p of checkObjectTypes(o as KubeObject)) problems.push(`${where}: request.${field}.${p.field}: ${p.message}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
}

/**
 * A Helm values file read (or its `text` given, e.g. from stdin) and parsed: an unreadable or malformed one
 * is a UsageError naming the file and line, after `prefix` (the flag, e.g. `--chart-values `).
 */
export function readValuesFile(io: CliIO, file: string, prefix = '', text?: string): { text: string; values: JsonObject } {
  let t = text;
  if (t === undefined) {
    try {
      t = io.readFile(file);
    } catch (err) {
      throw new UsageError(`${prefix}${file}: cannot read values file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const r = parseValuesText(t, file);
  if (r.errors.length > 0) throw new UsageError(`${prefix}${r.errors.map(formatValuesError).join('\n')}`);
  return { text: t, values: r.values };
}
