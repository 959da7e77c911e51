// `--validate=strict|warn|ignore` (named and behaving like kubectl's) and `--kyverno-version`: how
// Kyverno policies given to a command are checked against the CRD schemas of the Kyverno version in use.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { KYVERNO_SCHEMA_VERSIONS, type KyvernoSchemaVersion, type PolicyValidation, type ValidationMode } from '../kyverno/index.js';
import type { CliIO } from './io.js';
import { UsageError } from './io.js';

/** The options as commander parses them. */
export interface ValidateOptions {
  validate?: string | boolean;
  kyvernoVersion?: KyvernoSchemaVersion;
}

/** Adds `--validate [mode]` (default `def`) and `--kyverno-version` to a command. */
export function validateOptions(cmd: Command, def: ValidationMode): Command {
  return cmd
    .addOption(
      new Option(
        '--validate [mode]',
        'check Kyverno policies against the CRD schema: strict (unknown fields and wrong types are errors), warn (print them, drop unknown fields as the API server prunes them), ignore; true=strict, false=ignore, as kubectl',
      ).default(def),
    )
    .addOption(new Option('--kyverno-version <version>', 'Kyverno version whose CRD schemas policies are checked against').choices(KYVERNO_SCHEMA_VERSIONS).default('1.10'));
}

/** The validation the options ask for; an unknown mode is a usage error. */
export function policyValidation(opts: ValidateOptions): Required<PolicyValidation> {
  const v = opts.validate === true || opts.validate === 'true' ? 'strict' : opts.validate === 'false' ? 'ignore' : (opts.validate ?? 'strict');
  if (v !== 'strict' && v !== 'warn' && v !== 'ignore') throw new UsageError(`--validate ${String(opts.validate)}: use one of strict, warn, ignore (or true, false)`);
  return { validate: v, kyvernoVersion: opts.kyvernoVersion ?? '1.10' };
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
  if (!/^v?\d+\.\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a Kubernetes version like 1.24 or v1.24.3`);
  return value;
}
