// What every migration command reads (cluster, values, users, policies, Kyverno's configuration) and
// the computations they share (audit, exceptions, diff, plan, report), read and run once per command.
import type { Command } from 'commander';
import { parse } from 'yaml';
import { ChartRenderError, type ChartVersion, isChartVersion, loadValuesFile, versionMatrix } from '../chart/index.js';
import { defaultKyvernoConfig, type KyvernoConfig, kyvernoConfigFromValues } from '../kyverno/config/index.js';
import { buildSnapshot, type ClusterSnapshot, type LoadedObject } from '../kube/index.js';
import { type AuditResult, runAudit } from '../migrate/audit.js';
import { BUILTIN_COMPONENTS, type ComponentDef, parseCatalog } from '../migrate/components.js';
import { findPspAdmitting, runDiff } from '../migrate/diff.js';
import type { DiffResult } from '../migrate/diff-types.js';
import { computeExceptions, type ExceptionPlan } from '../migrate/exceptions.js';
import { buildPlan, type PlanStep } from '../migrate/plan.js';
import { buildTargetPolicies, type TargetPolicies } from '../migrate/target.js';
import { findUserNamespaces, type UserNamespace, usersInSnapshot } from '../migrate/user-namespaces.js';
import { existingExcludes } from '../migrate/values-merge.js';
import type { PermissionUser } from '../permissions/index.js';
import type { MigrationReport } from '../report/index.js';
import { VERSION } from '../version.js';
import { type ClusterOptions, clusterOptions, readCluster } from './cluster-input.js';
import { type CliIO, UsageError } from './io.js';
import { loadOrFail } from './output.js';
import { policyValidation, printWarnings, type ValidateOptions, validateOptions } from './validate-input.js';

/** Options shared by the commands that evaluate the target policy set. */
export interface TargetOptions extends ClusterOptions, ValidateOptions {
  values?: string[];
  chartVersion?: string;
  policy?: string[];
  users?: string[];
  kyvernoValues?: string;
  catalog?: string;
}

/** Everything a migration command works on, read once. */
export interface MigrationInputs {
  source: string;
  snapshot: ClusterSnapshot;
  users: PermissionUser[];
  userNamespaces: Map<string, UserNamespace>;
  target: TargetPolicies;
  kyvernoConfig: KyvernoConfig;
  catalog: ComponentDef[];
  chartVersion: ChartVersion;
  valuesTexts: { file: string; text: string }[];
}

/** Adds the target-set options (cluster, values, chart version, policies, users, Kyverno config, catalog). */
export function targetOptions(cmd: Command): Command {
  return validateOptions(clusterOptions(cmd), 'strict')
    .option('--values <file...>', 'kyverno-policies values file(s), merged like helm -f')
    .option('--chart-version <version>', 'kyverno-policies chart version (3.0.7 or 3.2.5)', '3.0.7')
    .option('--policy <path...>', 'extra Kyverno policies to include')
    .option('--users <path...>', 'PermissionUser records (users found in the cluster are always included)')
    .option('--kyverno-values <file>', "the kyverno chart's values file (config.resourceFilters, config.excludeGroups)")
    .option('--catalog <file>', 'extra component catalog ({components: [{id, comment, namespaces, labelValues}]})');
}

/** Reads cluster, values, users and policies; every input problem becomes one UsageError (exit 2). */
export async function readMigrationInputs(io: CliIO, opts: TargetOptions, what: string): Promise<MigrationInputs> {
  const chartVersion = opts.chartVersion ?? '3.0.7';
  if (!isChartVersion(chartVersion)) throw new UsageError(`${what}: --chart-version ${chartVersion} is not supported; use 3.0.7 or 3.2.5`);
  const cluster = await readCluster(io, opts, what);
  const snapshot = buildSnapshot(cluster.objects);
  const valuesTexts: MigrationInputs['valuesTexts'] = [];
  const values = (opts.values ?? []).map((f) => {
    try {
      const v = loadValuesFile(f);
      valuesTexts.push({ file: f, text: io.readFile(f) });
      return v;
    } catch (err) {
      if (err instanceof ChartRenderError) throw new UsageError(`${what}: ${err.message}`);
      throw err;
    }
  });
  const extraUsers = opts.users ? (await loadOrFail(io, opts.users)).map((l) => l.object) : [];
  const { users, problems } = usersInSnapshot(snapshot, extraUsers);
  if (problems.length > 0) throw new UsageError(`${what}: permission users:\n  ${problems.join('\n  ')}`);
  const extra: LoadedObject[] = opts.policy ? await loadOrFail(io, opts.policy) : [];
  let target: TargetPolicies;
  try {
    target = buildTargetPolicies({ chartVersion, values, users, extra, validation: policyValidation(opts) });
  } catch (err) {
    if (err instanceof ChartRenderError) throw new UsageError(`${what}: ${err.message}`);
    throw err;
  }
  if (target.errors.length > 0) throw new UsageError(`${what}: invalid policies:\n  ${target.errors.join('\n  ')}`);
  for (const w of target.chartWarnings) io.stderr(`warning: ${w.message}\n`);
  printWarnings(io, target.warnings ?? []);
  let kyvernoConfig = defaultKyvernoConfig();
  if (opts.kyvernoValues) {
    let doc: unknown;
    try {
      doc = parse(io.readFile(opts.kyvernoValues));
    } catch (err) {
      throw new UsageError(`${what}: ${opts.kyvernoValues}: ${(err as Error).message.split('\n')[0]}`);
    }
    const r = kyvernoConfigFromValues(doc);
    if (r.errors.length > 0) throw new UsageError(`${what}: ${opts.kyvernoValues}: ${r.errors.join('; ')}`);
    kyvernoConfig = r.config;
  }
  let catalog = [...BUILTIN_COMPONENTS];
  if (opts.catalog) {
    try {
      catalog = [...parseCatalog(parse(io.readFile(opts.catalog)), opts.catalog), ...catalog];
    } catch (err) {
      throw new UsageError(`${what}: ${(err as Error).message}`);
    }
  }
  return { source: cluster.source, snapshot, users, userNamespaces: findUserNamespaces(snapshot, users), target, kyvernoConfig, catalog, chartVersion, valuesTexts };
}

/** Runs the audit over the inputs, with a progress bar on a terminal. */
export function auditInputs(io: CliIO, m: MigrationInputs): AuditResult {
  const total = m.snapshot.workloads.length;
  const bar = io.isTTY && total >= 200;
  const res = runAudit({
    snapshot: m.snapshot,
    policies: m.target.policies,
    kyvernoConfig: m.kyvernoConfig,
    userNamespaces: m.userNamespaces,
    catalog: m.catalog,
    onProgress: bar
      ? (done, all) => {
          if (done % 50 === 0 || done === all) {
            const w = 30;
            const f = Math.round((done / all) * w);
            io.stderr(`\raudit [${'#'.repeat(f)}${' '.repeat(w - f)}] ${done}/${all}${done === all ? '\n' : ''}`);
          }
        }
      : undefined,
  });
  return res;
}

/** The audit as JSON: the public contract plus additions. */
export function auditJson(a: AuditResult): unknown {
  return { violations: a.violations, summary: a.summary, skipped: a.skipped, defaulted: a.defaulted, mutated: a.mutated, coveredByOwner: a.coveredByOwner };
}

/** The exceptions the audit calls for, given the values files' existing excludes. */
export function computeFor(m: MigrationInputs, a: AuditResult): ExceptionPlan {
  const existing = new Map<string, Set<string>>();
  for (const v of m.valuesTexts) for (const [p, ns] of existingExcludes(v.text)) existing.set(p, new Set([...(existing.get(p) ?? []), ...ns]));
  return computeExceptions(a, {
    chartPolicies: m.target.chartPolicies,
    existing,
    userNamespaces: m.userNamespaces,
    namespaces: m.snapshot.namespaces.map((n) => n.name),
    catalog: m.catalog,
  });
}

/**
 * The plan for a Kubernetes version. The policies chart is the one the audit rendered (so what was
 * audited is what gets installed); the kyverno chart and the upgrade path come from the version matrix,
 * keeping only steps with exact chart versions (helm needs them) and dropping repeats.
 */
export function planFor(kubernetes: string, m: { policiesValues: string; clusterArg: string; policiesChart?: string; kyvernoPsp?: string }): PlanStep[] {
  const vm = versionMatrix(kubernetes);
  const exact = (v: string | undefined) => v !== undefined && /^\d+\.\d+\.\d+$/.test(v);
  const seen = new Set<string>();
  const upgradePath = vm.upgradePath
    .filter((u) => exact(u.newest?.kyvernoChart) && exact(u.newest?.kyvernoPoliciesChart))
    .map((u) => ({ kubernetes: u.kubernetes, kyvernoChart: u.newest!.kyvernoChart!, policiesChart: u.newest!.kyvernoPoliciesChart!, kyvernoApp: u.newest!.kyverno }))
    .filter((u) => {
      const k = `${u.kyvernoChart}/${u.policiesChart}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return buildPlan({
    kubernetes,
    kyvernoChart: vm.newestSafe?.kyvernoChart ?? '3.0.9',
    kyvernoApp: vm.newestSafe?.kyverno ?? '1.10',
    policiesChart: m.policiesChart ?? '3.0.7',
    policiesValues: m.policiesValues,
    kyvernoValues: 'kyverno-values.yaml',
    usersBackup: 'backup_users.yaml',
    clusterArg: m.clusterArg,
    ...(m.kyvernoPsp ? { kyvernoPsp: m.kyvernoPsp } : {}),
    upgradePath,
  });
}

/** Runs the PSP-versus-Kyverno diff over the inputs. */
export function diffInputs(m: MigrationInputs): DiffResult {
  return runDiff({ snapshot: m.snapshot, policies: m.target.policies, kyvernoConfig: m.kyvernoConfig, userNamespaces: m.userNamespaces, catalog: m.catalog });
}

/** Everything the HTML report shows, computed from the inputs. */
export function buildReport(io: CliIO, m: MigrationInputs, opts: { kubernetes: string; cluster?: string[] }): MigrationReport {
  const audit = auditInputs(io, m);
  const kyvernoPsp = findPspAdmitting(kyvernoWorkloads(m), m.snapshot);
  const plan = planFor(opts.kubernetes, { kyvernoPsp, policiesChart: m.chartVersion, policiesValues: 'kyverno-policies-values.yaml', clusterArg: opts.cluster ? `--cluster ${opts.cluster.join(' ')}` : '--kubeconfig ~/.kube/config' });
  return reportOf(m.source, audit, computeFor(m, audit), diffInputs(m), plan);
}

/** The report's data from results already computed (the audit, its exceptions, the diff and the plan). */
export function reportOf(source: string, audit: AuditResult, exceptions: ExceptionPlan, diff: DiffResult, plan: PlanStep[]): MigrationReport {
  return {
    source,
    generatedAt: new Date().toISOString(),
    podgateVersion: VERSION,
    audit: auditJson(audit) as MigrationReport['audit'],
    exceptions: { exceptions: exceptions.exceptions, userViolations: exceptions.userViolations, warnings: exceptions.warnings },
    diff,
    plan,
  };
}

/** Kyverno's own controllers in the snapshot (they need a PSP while PSP still enforces). */
export function kyvernoWorkloads(m: MigrationInputs) {
  return m.snapshot.workloads.map((w) => w.object).filter((o) => o.metadata.namespace === 'kyverno' && o.kind !== 'Pod' && o.kind !== 'ReplicaSet');
}

