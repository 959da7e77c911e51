// What every migration command reads (cluster, values, users, policies, Kyverno's configuration) and
// the computations they share (audit, exceptions, diff, plan, report), read and run once per command.
import type { EngineProfile } from '../kyverno/index.js';
import { kyvernoVersionOption, profileFor } from './kyverno-version.js';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { ChartRenderError, type ChartVersion, isChartVersion, kubeMinor, kubernetesHopsFor, loadValuesFile, mergeValueMaps, PLAN_KUBERNETES_MIN, planRange, verifiedFor, versionMatrix } from '../chart/index.js';
import { type ClusterContext, defaultKyvernoConfig, filteredBy, type KyvernoConfig, kyvernoConfigFromValues, webhookSkipsNamespace } from '../kyverno/config/index.js';
import { buildSnapshot, type ClusterSnapshot, type LoadedObject, namespaceLabels, toYamlText } from '../kube/index.js';
import { type AuditResult, runAudit } from '../migrate/audit.js';
import { BUILTIN_COMPONENTS, type ComponentDef, parseCatalog, recognizeComponent } from '../migrate/components.js';
import { danglingBindings, findPspAdmitting, pspAdmittedPods, pspDeniesToday, runDiff } from '../migrate/diff.js';
import type { DiffResult } from '../migrate/diff-types.js';
import { computeExceptions, type ExceptionPlan, makesIndexedJobs } from '../migrate/exceptions.js';
import { buildPlan, type PlanStep } from '../migrate/plan.js';
import { findUnneeded, type UnneededExclude } from '../migrate/least-privilege.js';
import { judgeReadiness, type Readiness } from '../migrate/readiness.js';
import { buildTargetPolicies, type TargetPolicies } from '../migrate/target.js';
import { findUserNamespaces, type UserNamespace, usersInSnapshot } from '../migrate/user-namespaces.js';
import { existingExcludes, mergeExceptions, requesterExcludes } from '../migrate/values-merge.js';
import type { PermissionUser } from '../permissions/index.js';
import { type JsonObject, shellQuote } from '../util/index.js';
import type { MigrationReport } from '../report/index.js';
import { VERSION } from '../version.js';
import { contextFromObjects, kyvernoValuesOf, readExceptionFeatures, readExceptionFiles } from './cluster-context-input.js';
import { type ClusterOptions, type ClusterRead, clusterOptions, type ReadOptions, readCluster } from './cluster-input.js';
import { describeProblem } from '../cluster/index.js';
import { type CliIO, UsageError } from './io.js';
import { progress } from './progress.js';
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
  exception?: string[];
  kyvernoVersion?: string;
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
  /** Namespaces, ConfigMaps (dumps only) and the PolicyExceptions Kyverno would apply. */
  context: ClusterContext;
  /** The PolicyExceptions of the `--exception` files, as read (the cluster's are in `cluster`). */
  exceptions: LoadedObject[];
  /** The values as loaded, in -f order, and the extra policies (for audits with other values). */
  values: JsonObject[];
  extra: LoadedObject[];
  /** The cluster as read (reused by a re-audit, so a live cluster is listed once). */
  cluster: ClusterRead;
  /** Kinds that could not be listed, worded (only with `partial`; otherwise reading fails). */
  readProblems: string[];
  /** The Kyverno version the evaluation follows (--kyverno-version, or the chart's). */
  profile: EngineProfile;
}

/** Adds the target-set options (cluster, values, chart version, policies, users, Kyverno config, catalog). */
export function targetOptions(cmd: Command): Command {
  // The engine profile's --kyverno-version first: validateOptions then reuses it for the schema.
  return validateOptions(clusterOptions(cmd).addOption(kyvernoVersionOption()), 'strict')
    .option('--values <file...>', 'kyverno-policies values file(s), merged like helm -f')
    .option('--chart-version <version>', 'kyverno-policies chart version (3.0.7 or 3.2.5)', '3.0.7')
    .option('--policy <path...>', 'extra Kyverno policies to include')
    .option('--users <path...>', 'PermissionUser records (users found in the cluster are always included)')
    .option('--kyverno-values <file>', "the kyverno chart's values file (config.resourceFilters, config.excludeGroups, features.policyExceptions)")
    .option('--exception <file...>', 'Kyverno PolicyException files (kyverno.io/v2alpha1) added to those in the cluster; they count only when --kyverno-values enables features.policyExceptions')
    .option('--catalog <file>', 'extra component catalog ({components: [{id, comment, namespaces, labelValues}]})');
}

/** Reads cluster, values, users and policies; every input problem becomes one UsageError (exit 2). */
export async function readMigrationInputs(io: CliIO, opts: TargetOptions, what: string, read: ReadOptions & { cluster?: ClusterRead } = {}): Promise<MigrationInputs> {
  const chartVersion = opts.chartVersion ?? '3.0.7';
  if (!isChartVersion(chartVersion)) throw new UsageError(`${what}: --chart-version ${chartVersion} is not supported; use 3.0.7 or 3.2.5`);
  const cluster = read.cluster ?? (await readCluster(io, opts, what, read));
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
  const extraUsers = opts.users ? await loadOrFail(io, opts.users) : [];
  const { users, problems } = usersInSnapshot(snapshot, extraUsers);
  if (problems.length > 0) throw new UsageError(`${what}: permission users:\n  ${problems.join('\n  ')}`);
  const extra: LoadedObject[] = opts.policy ? await loadOrFail(io, opts.policy) : [];
  let target: TargetPolicies;
  try {
    target = buildTargetPolicies({ chartVersion, values, users, extra, validation: policyValidation(opts) });
  } catch (err) {
    // A template error names a values key; say which values files it came from.
    const from = (opts.values ?? []).length > 0 ? ` (values from ${(opts.values ?? []).join(', ')})` : '';
    if (err instanceof ChartRenderError) throw new UsageError(`${what}: ${err.message}${from}`);
    throw err;
  }
  if (target.errors.length > 0) throw new UsageError(`${what}: invalid policies:\n  ${target.errors.join('\n  ')}`);
  for (const w of target.chartWarnings) io.stderr(`warning: ${w.message}\n`);
  printWarnings(io, target.warnings ?? []);
  let kyvernoConfig = defaultKyvernoConfig();
  if (opts.kyvernoValues) {
    const doc = kyvernoValuesOf(io.readFile(opts.kyvernoValues), opts.kyvernoValues, what);
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
  const features = readExceptionFeatures(io, opts.kyvernoValues, what);
  const exceptionObjects = await readExceptionFiles(io, opts.exception, what);
  const context = contextFromObjects(io, [...cluster.objects, ...exceptionObjects], features, what, opts.cluster !== undefined);
  return {
    context,
    exceptions: exceptionObjects,
    values,
    extra,
    cluster,
    readProblems: cluster.problems.map(describeProblem),
    source: cluster.source,
    snapshot,
    users,
    userNamespaces: findUserNamespaces(snapshot, users),
    target,
    kyvernoConfig,
    catalog,
    chartVersion,
    valuesTexts,
    profile: profileFor(opts.kyvernoVersion, chartVersion),
  };
}

/** Runs the audit over the inputs, with progress on a terminal. */
export function auditInputs(io: CliIO, m: MigrationInputs, label = 'auditing'): AuditResult {
  const step = progress(io, label, 'workloads');
  const res = runAudit({
    snapshot: m.snapshot,
    policies: m.target.policies,
    kyvernoConfig: m.kyvernoConfig,
    userNamespaces: m.userNamespaces,
    catalog: m.catalog,
    context: m.context,
    profile: m.profile,
    onProgress: (done, all) => step.tick(done, all),
  });
  step.end(`${res.summary.violations} violations`);
  return res;
}

/** The audit as JSON: the public contract plus additions. */
export function auditJson(a: AuditResult): unknown {
  return { violations: a.violations, summary: a.summary, skipped: a.skipped, defaulted: a.defaulted, mutated: a.mutated, coveredByOwner: a.coveredByOwner };
}

/**
 * The values text the exceptions are merged into: the one values file as written (comments kept), or, for
 * several (`--values a.yaml b.yaml`, merged like helm -f: later files win, lists are replaced), their merged
 * values written out, so no file's settings are lost (its comments are).
 */
export function baseValuesText(m: MigrationInputs): string {
  if (m.valuesTexts.length <= 1) return m.valuesTexts[0]?.text ?? '';
  return toYamlText(m.values.reduce((a, b) => mergeValueMaps(a, b), {}), { aliasDuplicateObjects: false });
}

/** The exceptions the audit calls for, given the values files' existing excludes. */
export function computeFor(m: MigrationInputs, a: AuditResult): ExceptionPlan {
  const existing = new Map<string, Set<string>>();
  // The excludes of the values as Helm merges them (a later file's list replaces an earlier one's).
  for (const [p, ns] of existingExcludes(baseValuesText(m))) existing.set(p, new Set([...(existing.get(p) ?? []), ...ns]));
  // Only the workloads that would get an exclusion need PSP's decision of today.
  const violating = new Set(a.violations.filter((v) => !v.userViolation).map((v) => `${v.kind}/${v.namespace}/${v.name}`));
  const plan = computeExceptions(a, {
    chartPolicies: m.target.chartPolicies,
    existing,
    userNamespaces: m.userNamespaces,
    namespaces: m.snapshot.namespaces.map((n) => n.name),
    catalog: m.catalog,
    pspDenied: pspDeniesToday(m.snapshot, m.userNamespaces, violating),
    laterNeeds: laterNeedsOf(m),
    terminating: terminatingNamespaces(m),
  });
  for (const v of m.valuesTexts) {
    for (const r of requesterExcludes(v.text)) {
      plan.warnings.push(`policyExclude.${r.policy} excludes by requester (${r.who}) in ${v.file}: the audit cannot tell which pods that covers (it has no requester), and a group like system:serviceaccounts covers every pod a controller creates`);
    }
  }
  return plan;
}

/** The namespaces of the input being deleted, with why. */
export function terminatingNamespaces(m: MigrationInputs): Map<string, string> {
  return new Map(m.snapshot.namespaces.flatMap((n) => (n.terminating ? [[n.name, n.terminating] as const] : [])));
}

/** Jobs and CronJobs (`Kind/namespace/name`) whose Jobs are Indexed: their pods carry the index in their names. */
export function indexedJobs(m: MigrationInputs): Set<string> {
  return new Set(m.snapshot.workloads.flatMap(({ object: o }) => (makesIndexedJobs(o) ? [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`] : [])));
}

/** A Kubernetes version podgate can plan for, with the verified Kyverno and charts the plan installs. */
export interface PlanTarget {
  /** `1.24`. */
  kubernetes: string;
  minor: number;
  kyverno: string;
  kyvernoChart: string;
  policiesChart: ChartVersion;
  /** Set when the Kyverno version is outside Kyverno's tested range for this Kubernetes (1.21-1.23). */
  note?: string;
}

/**
 * Reads `--kubernetes`: 1.21-1.24 (PSP present) and newer minors up to the newest one a verified Kyverno
 * is tested on. Anything else (older, newer, unreadable) is a usage error naming the supported range.
 */
export function planTarget(kubernetes: string, what: string): PlanTarget {
  const range = planRange();
  const minor = kubeMinor(kubernetes);
  const bad = (why: string) => new UsageError(`${what}: --kubernetes ${JSON.stringify(kubernetes)} ${why}; podgate plans migrations for Kubernetes ${range.min} to ${range.max}`);
  if (!minor) throw bad('is not a Kubernetes version like 1.24');
  const [major, m] = minor.split('.').map(Number) as [number, number];
  if (major !== 1) throw bad('is not a Kubernetes 1.x version');
  if (m < PLAN_KUBERNETES_MIN) throw bad('is older than any version with a supported Kyverno');
  let choice = verifiedFor(m);
  let note: string | undefined;
  if (!choice && m < 24) {
    // Kyverno 1.10 is the oldest release podgate verifies; its charts install on 1.16+ but Kyverno tests it on 1.24-1.26.
    choice = verifiedFor(24);
    note = `Kyverno ${choice?.kyverno} is outside Kyverno's tested range for Kubernetes ${minor} (its chart installs there); consider upgrading Kubernetes to 1.24 first.`;
  }
  if (!choice?.kyvernoChart || !choice.kyvernoPoliciesChart || !isChartVersion(choice.kyvernoPoliciesChart)) throw bad('is newer than any Kyverno podgate verified');
  const out: PlanTarget = { kubernetes: minor, minor: m, kyverno: choice.kyverno, kyvernoChart: choice.kyvernoChart, policiesChart: choice.kyvernoPoliciesChart };
  if (note) out.note = note;
  return out;
}

/**
 * The kyverno-policies chart to audit with: the one given, else the one the plan installs for this
 * Kubernetes. A given chart that the plan would not install is a usage error (what is audited is what
 * gets installed).
 */
export function auditChartFor(target: PlanTarget, given: string | undefined, what: string): ChartVersion {
  if (given === undefined || given === target.policiesChart) return target.policiesChart;
  throw new UsageError(
    `${what}: --chart-version ${given} is not what the plan installs on Kubernetes ${target.kubernetes} (Kyverno ${target.kyverno}: kyverno ${target.kyvernoChart}, kyverno-policies ${target.policiesChart}); omit --chart-version or pass ${target.policiesChart}`,
  );
}

/**
 * The plan for a Kubernetes version. The policies chart is the one the audit rendered (so what was
 * audited is what gets installed); the kyverno chart and the upgrade path come from the version matrix,
 * verified versions only, dropping steps that would "upgrade" to what is already installed and repeats.
 */
export function planFor(target: PlanTarget, m: { policiesValues: string; clusterArg: string; kyvernoPsp?: string }): PlanStep[] {
  const vm = versionMatrix(target.kubernetes);
  const seen = new Set<string>([`${target.kyvernoChart}/${target.policiesChart}`]);
  const upgradePath = vm.upgradePath
    .filter((u) => u.newest?.kyvernoChart !== undefined && u.newest.kyvernoPoliciesChart !== undefined)
    .map((u) => ({ kubernetes: u.kubernetes, kyvernoChart: u.newest!.kyvernoChart!, policiesChart: u.newest!.kyvernoPoliciesChart!, kyvernoApp: u.newest!.kyverno }))
    .filter((u) => {
      const k = `${u.kyvernoChart}/${u.policiesChart}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    // The post-migration phase: the Kubernetes minors to pass first, each with the Kyverno that runs through it (versions.ts).
    .map((u, i, all) => {
      const fromMinor = Number((i === 0 ? target.kubernetes : all[i - 1]!.kubernetes).split('.')[1]);
      const hops = kubernetesHopsFor(u.kyvernoApp, fromMinor).map((h) => ({ from: h.from, to: h.to, ...(h.kyverno ? { kyverno: h.kyverno.kyverno } : {}) }));
      return { ...u, hops };
    });
  return buildPlan({
    kubernetes: target.kubernetes,
    kyvernoChart: target.kyvernoChart,
    kyvernoApp: target.kyverno,
    policiesChart: target.policiesChart,
    policiesValues: m.policiesValues,
    kyvernoValues: 'kyverno-values.yaml',
    usersBackup: 'backup_users.yaml',
    clusterArg: m.clusterArg,
    ...(m.kyvernoPsp ? { kyvernoPsp: m.kyvernoPsp } : {}),
    ...(target.note ? { kyvernoNote: target.note } : {}),
    upgradePath,
  });
}

/** The user namespaces whose pods Kyverno never checks, each with why (config.webhooks namespaceSelector, resourceFilters). */
export function unsentUserNamespaces(m: MigrationInputs): string[] {
  const out: string[] = [];
  for (const ns of [...m.userNamespaces.keys()].sort()) {
    if (webhookSkipsNamespace(m.kyvernoConfig, namespaceLabels(m.snapshot, ns)) !== undefined) out.push(`${ns} (config.webhooks namespaceSelector)`);
    else {
      const f = filteredBy(m.kyvernoConfig, 'Pod', ns, 'podgate-canary');
      if (f) out.push(`${ns} (resourceFilters ${f.text})`);
    }
  }
  return out;
}

/** `policy\u0000namespace` → component id, for the pods components of the snapshot create later (catalog laterPodsNeed). */
function laterNeedsOf(m: MigrationInputs): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of m.snapshot.workloads) {
    const c = recognizeComponent(w.object, m.catalog);
    const ns = w.object.metadata.namespace ?? '';
    // Pods Kyverno never sees (the webhooks' namespaceSelector, resourceFilters) need nothing.
    if (!c?.laterPodsNeed || webhookSkipsNamespace(m.kyvernoConfig, namespaceLabels(m.snapshot, ns)) || filteredBy(m.kyvernoConfig, 'Pod', ns, '')) continue;
    for (const p of c.laterPodsNeed) out.set(`${p}\u0000${w.object.metadata.namespace ?? ''}`, c!.id);
  }
  return out;
}

/**
 * The existing policyExclude entries of the values that no workload needs: the cluster is audited against
 * the same chart rendered with no policyExclude at all, and every entry no violation calls for is listed.
 */
export function unneededFor(io: CliIO, m: MigrationInputs): UnneededExclude[] {
  if (m.valuesTexts.length === 0) return [];
  const bare = buildTargetPolicies({ chartVersion: m.chartVersion, values: m.values.map(({ policyExclude: _drop, ...rest }) => rest), users: m.users, extra: m.extra });
  const bareAudit = auditInputs(io, { ...m, target: bare }, 'auditing without policyExclude');
  const namespaces = m.snapshot.namespaces.map((n) => n.name);
  // Pods some components create later (provisioner helper pods) are in no snapshot: their needs count too.
  const laterNeeds = new Set(laterNeedsOf(m).keys());
  return m.valuesTexts.flatMap((v) => findUnneeded({ valuesText: v.text, bareAudit, chartPolicies: bare.chartPolicies, namespaces, userNamespaces: m.userNamespaces, laterNeeds }));
}

/** Runs the PSP-versus-Kyverno diff over the inputs. */
export function diffInputs(m: MigrationInputs, io?: CliIO): DiffResult {
  const step = io ? progress(io, 'diffing', 'workloads') : undefined;
  const d = runDiff({ snapshot: m.snapshot, policies: m.target.policies, kyvernoConfig: m.kyvernoConfig, userNamespaces: m.userNamespaces, catalog: m.catalog, context: m.context, profile: m.profile, ...(step ? { onProgress: (done: number, all: number) => step.tick(done, all) } : {}) });
  step?.end();
  return d;
}

/** Everything the HTML report shows, computed from the inputs. */
export function buildReport(io: CliIO, m: MigrationInputs, target: PlanTarget, opts: { cluster?: string[] }): MigrationReport {
  const audit = auditInputs(io, m);
  // Whether any PSP admits them at all (after its defaults): the plan cannot be carried out otherwise.
  const kyvernoAdmitting = kyvernoPspOf(m);
  const plan = planFor(target, { kyvernoPsp: kyvernoAdmitting, policiesValues: 'kyverno-policies-values.yaml', clusterArg: opts.cluster ? `--cluster ${opts.cluster.map(shellQuote).join(' ')}` : '--kubeconfig ~/.kube/config' });
  const exceptions = computeFor(m, audit);
  const diff = diffInputs(m, io);
  const readiness = judgeReadiness({
    source: m.source,
    kubernetes: target.kubernetes,
    chartVersion: m.chartVersion,
    readProblems: m.readProblems,
    audit,
    diff,
    chartPolicies: chartPoliciesOf(m),
    chartWarnings: m.target.chartWarnings.map((w) => w.message),
    profile: m.profile,
    exceptions: m.context.exceptions,
    pspAdmitted: pspAdmittedPods(m.snapshot),
    danglingBindings: danglingBindings(m.snapshot),
    terminatingNamespaces: terminatingNamespaces(m),
    kyvernoConfig: m.kyvernoConfig,
    kyvernoPods: { workloads: kyvernoWorkloads(m).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ...(kyvernoAdmitting ? { psp: kyvernoAdmitting } : {}) },
    unsentUserNamespaces: unsentUserNamespaces(m),
    auditOnly: false,
    exclusionsAdded: 0,
    extraWarnings: exceptions.warnings,
  });
  const first = m.valuesTexts[0];
  const values = first ? { file: m.valuesTexts.map((v) => v.file).join(', '), text: mergeExceptions(baseValuesText(m), exceptions.additions).text } : undefined;
  return reportOf(m.source, audit, exceptions, diff, plan, readiness, values);
}

/** The compiled chart policies of the target set (not the per-user or extra ones). */
export function chartPoliciesOf(m: MigrationInputs) {
  return m.target.policies.filter((p) => m.target.origin.get(p.policy.name) === 'chart');
}

/** The report's data from results already computed (the audit, its exceptions, the diff and the plan). */
export function reportOf(source: string, audit: AuditResult, exceptions: ExceptionPlan, diff: DiffResult, plan: PlanStep[], readiness: Readiness, values?: MigrationReport['values']): MigrationReport {
  return {
    readiness,
    ...(values ? { values } : {}),
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
export function kyvernoWorkloads(m: { snapshot: ClusterSnapshot }) {
  return m.snapshot.workloads.map((w) => w.object).filter((o) => o.metadata.namespace === 'kyverno' && o.kind !== 'Pod' && o.kind !== 'ReplicaSet');
}

/**
 * The PSP the plan grants Kyverno's own pods: the least privileged one admitting them unchanged, else one
 * admitting them after its defaults (undefined: none does). The same for `migrate run`, `report` and `plan`.
 */
export function kyvernoPspOf(m: { snapshot: ClusterSnapshot }): string | undefined {
  const workloads = kyvernoWorkloads(m);
  return findPspAdmitting(workloads, m.snapshot) ?? findPspAdmitting(workloads, m.snapshot, true);
}

