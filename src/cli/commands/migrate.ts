// CLI commands of the migration: audit, exceptions, diff, convert, plan, report, and `run` (the main
// job: all of them on one cluster, outputs written to a folder).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { ChartRenderError, type ChartVersion, isChartVersion, loadValuesFile, versionMatrix } from '../../chart/index.js';
import { defaultKyvernoConfig, type KyvernoConfig, kyvernoConfigFromValues } from '../../kyverno/config/resource-filters.js';
import { buildSnapshot, type ClusterSnapshot, type LoadedObject } from '../../kube/index.js';
import { type AuditResult, runAudit } from '../../migrate/audit.js';
import { BUILTIN_COMPONENTS, type ComponentDef, parseCatalog } from '../../migrate/components.js';
import { convertPsps } from '../../migrate/convert.js';
import { findPspAdmitting, runDiff } from '../../migrate/diff.js';
import type { DiffResult } from '../../migrate/diff-types.js';
import { computeExceptions, type ExceptionPlan, policyExceptions } from '../../migrate/exceptions.js';
import { buildPlan, formatPlan, type PlanStep } from '../../migrate/plan.js';
import { buildTargetPolicies, type TargetPolicies } from '../../migrate/target.js';
import { findUserNamespaces, type UserNamespace, usersInSnapshot } from '../../migrate/user-namespaces.js';
import { existingExcludes, mergeExceptions } from '../../migrate/values-merge.js';
import type { PermissionUser } from '../../permissions/index.js';
import { type MigrationReport, renderHtmlReport } from '../../report/index.js';
import { VERSION } from '../../version.js';
import { type ClusterOptions, clusterOptions, readCluster } from '../cluster-input.js';
import { type CliIO, EXIT, UsageError } from '../io.js';
import { loadOrFail, outputFormat, printJson, printYaml } from '../output.js';
import type { CliContext } from '../program.js';
import { yamlStream } from './users.js';

/** Options shared by the commands that evaluate the target policy set. */
export interface TargetOptions extends ClusterOptions {
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

function targetOptions(cmd: Command): Command {
  return clusterOptions(cmd)
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
    target = buildTargetPolicies({ chartVersion, values, users, extra });
  } catch (err) {
    if (err instanceof ChartRenderError) throw new UsageError(`${what}: ${err.message}`);
    throw err;
  }
  if (target.errors.length > 0) throw new UsageError(`${what}: invalid policies:\n  ${target.errors.join('\n  ')}`);
  for (const w of target.chartWarnings) io.stderr(`warning: ${w.message}\n`);
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

/** Renders the audit grouped by namespace and component. */
export function formatAudit(a: AuditResult, m: MigrationInputs): string {
  const out: string[] = [];
  const byNs = new Map<string, typeof a.violations>();
  for (const v of a.violations) byNs.set(v.namespace, [...(byNs.get(v.namespace) ?? []), v]);
  for (const [ns, vs] of [...byNs].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const user = m.userNamespaces.get(ns);
    out.push(`namespace ${ns}${user ? ` (user ${user.user}: ${user.evidence}; never exempted)` : ''}`);
    const byComp = new Map<string, typeof vs>();
    for (const v of vs) byComp.set(v.component, [...(byComp.get(v.component) ?? []), v]);
    for (const [comp, cvs] of byComp) {
      const def = m.catalog.find((c) => c.id === comp);
      out.push(`  component ${comp}${def ? ` (${def.comment})` : ''}`);
      let last = '';
      for (const v of cvs) {
        const w = `${v.kind}/${v.name}`;
        if (w !== last) out.push(`    ${w}${v.file ? `  [${v.file}:${v.line ?? 1}]` : ''}`);
        last = w;
        out.push(`      ${v.action === 'Enforce' ? 'DENY ' : 'AUDIT'} ${v.policy}/${v.rule}: ${v.message}`);
      }
    }
  }
  if (a.skipped.length > 0) {
    out.push('', `skipped by Kyverno's configuration (never evaluated by Kyverno): ${a.skipped.length}`);
    for (const s of a.skipped) out.push(`  ${s.kind}/${s.namespace}/${s.name}: ${s.reason}`);
  }
  if (a.defaulted.length > 0) {
    out.push('', `raw manifests defaulted as the API server would before evaluation: ${a.defaulted.length}`);
    for (const d of a.defaulted) out.push(`  ${d.kind}/${d.namespace}/${d.name}: ${d.changes.join('; ')}`);
  }
  const s = a.summary;
  out.push(
    '',
    `${s.workloads} workloads, ${s.evaluated} evaluated against ${m.target.policies.length} policies, ${s.skipped} skipped, ${a.coveredByOwner.length} pods covered by their controller; ` +
      `${s.violations} violations (${s.denials} would be denied) in ${s.workloadsWithViolations} workloads, ${s.userViolations} in user namespaces`,
  );
  return `${out.join('\n')}\n`;
}

function computeFor(m: MigrationInputs, a: AuditResult): ExceptionPlan {
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

/** Renders the diff: breakages, then regressions (with the PSP fields lost), then (with all) the rest. */
export function formatDiff(d: DiffResult, all: boolean): string {
  const out: string[] = [];
  for (const cls of ['breakage', 'regression', 'same'] as const) {
    if (cls === 'same' && !all) continue;
    const rows = d.entries.filter((e) => e.class === cls);
    if (rows.length === 0) continue;
    out.push(cls === 'breakage' ? 'BREAKAGES (PSP admits, Kyverno denies):' : cls === 'regression' ? 'REGRESSIONS (PSP denies or forces a safer value, Kyverno admits as written):' : 'SAME:');
    for (const e of rows) {
      out.push(`  ${e.kind}/${e.namespace}/${e.name} [${e.component}] created by ${e.creator.via}`);
      out.push(`    PSP: ${e.psp.allowed ? `admitted by ${e.psp.policy}${e.psp.mutated ? ` (defaulted ${e.psp.defaulted.join(', ')})` : ''}` : `denied: ${e.psp.message}`}`);
      out.push(`    Kyverno: ${e.kyverno.allowed ? 'admitted' : `denied: ${e.kyverno.denials.map((x) => `${x.policy}/${x.rule}: ${x.message}`).join(' | ')}`}`);
      if (e.lostFields.length > 0) out.push(`    lost PSP protection: ${e.lostFields.join(', ')}`);
    }
    out.push('');
  }
  out.push(`${d.summary.total} workloads: ${d.summary.breakage} breakages, ${d.summary.regression} regressions, ${d.summary.same} same`);
  return `${out.join('\n')}\n`;
}

/** The kyverno chart values of the seed (step 6): one replica per controller, tolerating control-plane taints. */
export function defaultKyvernoChartValues(): Record<string, unknown> {
  const tolerations = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'].map((key) => ({ effect: 'NoSchedule', key, operator: 'Exists' }));
  const ctl = { replicas: 1, tolerations };
  return {
    admissionController: ctl,
    backgroundController: ctl,
    cleanupController: ctl,
    cleanupJobs: { admissionReports: { tolerations }, clusterAdmissionReports: { tolerations } },
    policyReportsCleanup: { tolerations },
    reportsController: ctl,
    webhooksCleanup: { tolerations },
  };
}

/** Compares the exclusions of two values files, for the namespaces that exist in the cluster. */
export function compareValues(generated: string, reference: string, namespaces: readonly string[]): { same: boolean; lines: string[]; text: string } {
  const g = existingExcludes(generated);
  const r = existingExcludes(reference);
  const lines: string[] = [];
  const present = new Set(namespaces);
  for (const policy of [...new Set([...g.keys(), ...r.keys()])].sort()) {
    const gs = g.get(policy) ?? new Set<string>();
    const rs = r.get(policy) ?? new Set<string>();
    const onlyRef = [...rs].filter((n) => !gs.has(n) && (present.has(n) || /[*?]/.test(n)));
    const onlyGen = [...gs].filter((n) => !rs.has(n));
    const absent = [...rs].filter((n) => !gs.has(n) && !present.has(n) && !/[*?]/.test(n));
    if (onlyRef.length) lines.push(`${policy}: in the reference but not needed by any workload here: ${onlyRef.join(', ')}`);
    if (onlyGen.length) lines.push(`${policy}: needed here but missing from the reference: ${onlyGen.join(', ')}`);
    if (absent.length) lines.push(`${policy}: reference namespaces not in this cluster (ignored): ${absent.join(', ')}`);
  }
  const same = lines.every((l) => l.includes('(ignored)'));
  return { same, lines, text: `${lines.join('\n')}\n` };
}

/** Everything the HTML report shows, computed from the inputs. */
export function buildReport(io: CliIO, m: MigrationInputs, opts: { kubernetes: string; cluster?: string[] }): MigrationReport {
  const audit = auditInputs(io, m);
  const plan = computeFor(m, audit);
  const kyvernoPsp = findPspAdmitting(kyvernoWorkloads(m), m.snapshot);
  return {
    source: m.source,
    generatedAt: new Date().toISOString(),
    podgateVersion: VERSION,
    audit: auditJson(audit) as MigrationReport['audit'],
    exceptions: { exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: plan.warnings },
    diff: diffInputs(m),
    plan: planFor(opts.kubernetes, { kyvernoPsp, policiesChart: m.chartVersion, policiesValues: 'kyverno-policies-values.yaml', clusterArg: opts.cluster ? `--cluster ${opts.cluster.join(' ')}` : '--kubeconfig ~/.kube/config' }),
  };
}

/** Kyverno's own controllers in the snapshot (they need a PSP while PSP still enforces). */
function kyvernoWorkloads(m: MigrationInputs) {
  return m.snapshot.workloads.map((w) => w.object).filter((o) => o.metadata.namespace === 'kyverno' && o.kind !== 'Pod' && o.kind !== 'ReplicaSet');
}

/** Registers `migrate`. */
export function registerMigrate(program: Command, ctx: CliContext): void {
  const migrate = program.command('migrate').description('audit, minimal exceptions, PSP-vs-Kyverno diff, conversion and a zero-window plan');

  targetOptions(migrate.command('audit').description('evaluate every workload against the target policy set and list each would-be denial')).action(
    async (opts: TargetOptions, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      const m = await readMigrationInputs(ctx.io, opts, 'migrate audit');
      const a = auditInputs(ctx.io, m);
      if (fmt === 'json') printJson(ctx.io, auditJson(a));
      else if (fmt === 'yaml') printYaml(ctx.io, auditJson(a));
      else ctx.io.stdout(formatAudit(a, m));
      if (a.summary.denials > 0) ctx.state.exitCode = EXIT.failures;
    },
  );

  targetOptions(migrate.command('exceptions').description("the minimal policyExclude additions so that no existing system workload is refused, merged into the values file"))
    .option('--out <file>', 'write the merged values file here (stdout when absent)')
    .option('--style <style>', 'namespace (policyExclude in the values) or policyexception (Kyverno PolicyException objects)', 'namespace')
    .option('--force', 'overwrite --out when it exists')
    .action(async (opts: TargetOptions & { out?: string; style: string; force?: boolean }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json']);
      if (opts.style !== 'namespace' && opts.style !== 'policyexception') throw new UsageError(`migrate exceptions: --style ${opts.style}: use namespace or policyexception`);
      if ((opts.values?.length ?? 0) > 1 && opts.style === 'namespace' && fmt !== 'json') throw new UsageError('migrate exceptions: give one --values file to merge into');
      const m = await readMigrationInputs(ctx.io, opts, 'migrate exceptions');
      const a = auditInputs(ctx.io, m);
      const plan = computeFor(m, a);
      for (const w of plan.warnings) ctx.io.stderr(`warning: ${w}\n`);
      if (plan.userViolations.length > 0) ctx.io.stderr(`note: ${plan.userViolations.length} violations in user namespaces are not exempted (see migrate audit)\n`);
      if (fmt === 'json') {
        printJson(ctx.io, { exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: plan.warnings });
        return;
      }
      let text: string;
      if (opts.style === 'policyexception') {
        text = yamlStream(policyExceptions(a));
        ctx.io.stderr('note: PolicyException objects need Kyverno >= 1.9 (kyverno.io/v2alpha1) with policy exceptions enabled (kyverno chart 3.0.x: --set features.policyExceptions.enabled=true); kyverno.io/v2beta1 from Kyverno 1.11\n');
      } else {
        const base = m.valuesTexts[0]?.text ?? '';
        try {
          text = mergeExceptions(base, plan.additions).text;
        } catch (err) {
          throw new UsageError(`migrate exceptions: ${m.valuesTexts[0]?.file ?? 'values'}: ${(err as Error).message}`);
        }
      }
      if (!opts.out) return ctx.io.stdout(text);
      if (existsSync(opts.out) && !opts.force && ctx.io.readFile(opts.out) !== text) {
        throw new UsageError(`migrate exceptions: ${opts.out} exists; pass --force to overwrite it (or choose another --out)`);
      }
      ctx.io.writeFile(opts.out, text);
      ctx.io.stderr(`wrote ${opts.out}\n`);
    });

  targetOptions(migrate.command('diff').description('PSP decision (with defaulting) against the Kyverno decision for every pod and pod template: breakages and regressions'))
    .option('--all', 'also list the workloads where both agree')
    .action(async (opts: TargetOptions & { all?: boolean }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      const m = await readMigrationInputs(ctx.io, opts, 'migrate diff');
      const d = diffInputs(m);
      if (fmt === 'json') printJson(ctx.io, d);
      else if (fmt === 'yaml') printYaml(ctx.io, d);
      else ctx.io.stdout(formatDiff(d, Boolean(opts.all)));
      if (d.summary.breakage > 0 || d.summary.regression > 0) ctx.state.exitCode = EXIT.failures;
    });

  targetOptions(migrate.command('run').description('the main job: audit, exceptions, re-audit, diff, plan and report for one cluster, written to a folder'))
    .option('--out-dir <dir>', 'folder for the outputs', 'podgate-out')
    .option('--compare-values <file>', 'a values file to compare the generated one with (e.g. the seed\'s full values)')
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version', '1.24')
    .option('--force', 'write into --out-dir even if it holds files podgate did not write')
    .action(async (opts: TargetOptions & { outDir: string; compareValues?: string; kubernetes: string; force?: boolean }, cmd: Command) => {
      outputFormat(cmd, ['text']);
      // The output folder is podgate's: refuse to write into a folder of the user's without asking.
      const marker = join(opts.outDir, '.podgate-run');
      if (existsSync(opts.outDir) && !existsSync(marker) && readdirSync(opts.outDir).length > 0 && !opts.force) {
        throw new UsageError(`migrate run: ${opts.outDir} exists and was not written by podgate; choose another --out-dir or pass --force`);
      }
      const inputs = opts.cluster?.[0] ? join(opts.cluster[0], 'inputs') : undefined;
      const pick = (f: string) => (inputs && existsSync(join(inputs, f)) ? join(inputs, f) : undefined);
      const values = opts.values ?? [pick('kyverno-policies-values.minimal.yaml')].filter((x): x is string => x !== undefined);
      const compare = opts.compareValues ?? pick('kyverno-policies-values.full.yaml');
      const kyvernoValues = opts.kyvernoValues ?? pick('kyverno-values.yaml');
      const m = await readMigrationInputs(ctx.io, { ...opts, values, kyvernoValues }, 'migrate run');
      mkdirSync(opts.outDir, { recursive: true });
      ctx.io.writeFile(marker, 'written by podgate migrate run; safe to delete with the folder\n');
      const write = (name: string, text: string) => ctx.io.writeFile(join(opts.outDir, name), text);
      const say = (line: string) => ctx.io.stdout(`${line}\n`);
      say(`podgate migrate run: ${m.source}, kyverno-policies ${m.chartVersion}${values.length ? ` with ${values.join(', ')}` : ' with the chart defaults'}`);

      const audit = auditInputs(ctx.io, m);
      write('audit.txt', formatAudit(audit, m));
      write('audit.json', `${JSON.stringify(auditJson(audit), null, 2)}\n`);
      say(`1. audit: ${audit.summary.violations} violations (${audit.summary.denials} would be denied) in ${audit.summary.workloadsWithViolations} of ${audit.summary.evaluated} workloads; ${audit.summary.userViolations} in user namespaces; ${audit.summary.skipped} never seen by Kyverno  → audit.txt, audit.json`);

      const plan = computeFor(m, audit);
      for (const w of plan.warnings) ctx.io.stderr(`warning: ${w}\n`);
      const merged = mergeExceptions(m.valuesTexts[0]?.text ?? '', plan.additions);
      write('kyverno-policies-values.yaml', merged.text);
      write('exceptions.json', `${JSON.stringify({ exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: plan.warnings }, null, 2)}\n`);
      say(`2. exceptions: ${merged.added.length} namespace exclusions added to ${Object.keys(plan.exceptions).length} policies  → kyverno-policies-values.yaml, exceptions.json`);
      for (const [p, nss] of Object.entries(plan.exceptions)) say(`     ${p}: + ${nss.join(', ')}`);

      const m2 = await readMigrationInputs(ctx.io, { ...opts, values: [join(opts.outDir, 'kyverno-policies-values.yaml')], kyvernoValues }, 'migrate run (re-audit)');
      const audit2 = auditInputs(ctx.io, m2);
      const system = audit2.violations.filter((v) => !v.userViolation).length;
      write('audit-after.txt', formatAudit(audit2, m2));
      say(`3. re-audit with the generated values: ${system} system violations, ${audit2.summary.userViolations} user violations (kept: users stay confined)  → audit-after.txt`);

      if (compare) {
        const cmp = compareValues(ctx.io.readFile(join(opts.outDir, 'kyverno-policies-values.yaml')), ctx.io.readFile(compare), m.snapshot.namespaces.map((n) => n.name));
        write('values-comparison.txt', cmp.text);
        say(`4. compared with ${compare}: ${cmp.same ? 'same exclusions for the namespaces present' : 'differences listed'}  → values-comparison.txt`);
        for (const line of cmp.lines) say(`     ${line}`);
      }

      const diff = diffInputs(m2);
      write('diff.txt', formatDiff(diff, true));
      write('diff.json', `${JSON.stringify(diff, null, 2)}\n`);
      say(`5. PSP vs Kyverno (generated values): ${diff.summary.breakage} breakages, ${diff.summary.regression} regressions, ${diff.summary.same} same  → diff.txt, diff.json`);

      const kyvernoPsp = findPspAdmitting(kyvernoWorkloads(m), m.snapshot);
      const steps = planFor(opts.kubernetes, { kyvernoPsp, policiesChart: m.chartVersion, policiesValues: 'kyverno-policies-values.yaml', clusterArg: opts.cluster ? `--cluster ${opts.cluster.join(' ')}` : '--kubeconfig ~/.kube/config' });
      write('plan.txt', formatPlan(steps));
      write('plan.json', `${JSON.stringify({ kubernetes: opts.kubernetes, steps }, null, 2)}\n`);
      write('kyverno-values.yaml', kyvernoValues ? ctx.io.readFile(kyvernoValues) : stringify(defaultKyvernoChartValues()));
      say(`6. plan: ${steps.length} steps, PSP enforcing until Kyverno enforces  → plan.txt, plan.json, kyverno-values.yaml`);
      const report = renderHtmlReport({
        source: m2.source,
        generatedAt: new Date().toISOString(),
        podgateVersion: VERSION,
        audit: auditJson(audit) as MigrationReport['audit'],
        exceptions: { exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: plan.warnings },
        diff,
        plan: steps,
      });
      write('report.html', report);
      say('7. report: one self-contained page  → report.html');
      say(`outputs in ${opts.outDir}/`);
    });

  migrate
    .command('convert')
    .description('PodSecurityPolicies to Kyverno ClusterPolicies (validate + mutate), scoped by RBAC to who could use each PSP')
    .requiredOption('--psp <path...>', 'files or folders with PodSecurityPolicy objects (other objects are ignored)')
    .option('--rbac <path...>', 'files or folders with ClusterRole/Role/bindings/ServiceAccounts (scope each policy to who could use the PSP)')
    .option('--action <action>', 'validationFailureAction of the generated policies: Audit (default, for the zero-window plan) or Enforce', 'Audit')
    .action(async (opts: { psp: string[]; rbac?: string[]; action: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json']);
      if (opts.action !== 'Audit' && opts.action !== 'Enforce') throw new UsageError(`migrate convert: --action ${opts.action}: use Audit or Enforce`);
      const psps = (await loadOrFail(ctx.io, opts.psp)).map((l) => l.object).filter((o) => o.kind === 'PodSecurityPolicy');
      if (psps.length === 0) throw new UsageError(`migrate convert: no PodSecurityPolicy objects in ${opts.psp.join(', ')}`);
      const rbac = opts.rbac ? (await loadOrFail(ctx.io, opts.rbac)).map((l) => l.object) : [];
      const r = convertPsps(psps, rbac, { validationFailureAction: opts.action });
      if (fmt === 'json') return printJson(ctx.io, r);
      for (const u of r.unexpressible) ctx.io.stderr(`not expressible: ${u.psp}: ${u.field}: ${u.reason}\n`);
      for (const sc of r.scopes) ctx.io.stderr(`scope: ${sc.psp}: ${sc.subjects.length ? sc.subjects.join(', ') : '(no subjects)'}${sc.namespaces.length ? ` in ${sc.namespaces.join(', ')}` : ''}${sc.note ? ` — ${sc.note}` : ''}\n`);
      ctx.io.stdout(yamlStream(r.policies));
    });

  targetOptions(migrate.command('report').description('one self-contained HTML file: summary, per-policy and per-namespace tables, charts, the diff and the plan'))
    .option('--out <file>', 'write the report here (stdout when absent)')
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version (for the plan)', '1.24')
    .action(async (opts: TargetOptions & { out?: string; kubernetes: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['html', 'json']);
      const m = await readMigrationInputs(ctx.io, opts, 'migrate report');
      const report = buildReport(ctx.io, m, opts);
      const text = fmt === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderHtmlReport(report);
      if (!opts.out) return ctx.io.stdout(text);
      ctx.io.writeFile(opts.out, text);
      ctx.io.stderr(`wrote ${opts.out}\n`);
    });

  migrate
    .command('plan')
    .description('the switch from PSP to Kyverno with no unenforced window: commands, checks and rollback for each step')
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version', '1.24')
    .option('--values <file>', 'the kyverno-policies values file the plan installs', 'kyverno-policies-values.yaml')
    .option('--chart-version <version>', 'the kyverno-policies chart version the audit used', '3.0.7')
    .option('--cluster <path>', 'cluster dump path to use in the podgate commands of the plan')
    .action(async (opts: { kubernetes: string; values: string; cluster?: string; chartVersion: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['text', 'json', 'yaml']);
      const steps = planFor(opts.kubernetes, { policiesChart: opts.chartVersion, policiesValues: opts.values, clusterArg: opts.cluster ? `--cluster ${opts.cluster}` : '--kubeconfig ~/.kube/config' });
      if (fmt === 'json') printJson(ctx.io, { kubernetes: opts.kubernetes, steps });
      else if (fmt === 'yaml') printYaml(ctx.io, { kubernetes: opts.kubernetes, steps });
      else ctx.io.stdout(formatPlan(steps));
    });
}
