// CLI commands of the migration: audit, exceptions, diff, convert, plan, report, and `run` (the main
// job: all of them on one cluster, outputs written to a folder).
import { clusterDumpPath } from '../../cluster/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { convertPsps } from '../../migrate/convert.js';
import { danglingBindings, pspAdmittedPods } from '../../migrate/diff.js';
import { enablePolicyExceptions, keepPolicyExceptionsOff } from '../../migrate/exception-values.js';
import { policyExceptions } from '../../migrate/exceptions.js';
import { pruneExcludes } from '../../migrate/least-privilege.js';
import { compareValues, formatAudit, formatDiff } from '../../migrate/format.js';
import { defaultKyvernoChartValues, formatPlan, pspRemoved } from '../../migrate/plan.js';
import { formatReadiness, judgeReadiness, kyvernoPodsBlocker } from '../../migrate/readiness.js';
import { enforceValues, mergeExceptions } from '../../migrate/values-merge.js';
import { customPodTemplates, unreadPodSpecs } from '../../migrate/audit.js';
import { renderHtmlReport } from '../../report/index.js';
import { shellQuote } from '../../util/index.js';
import { readExceptionFeatures } from '../cluster-context-input.js';
import { EXIT, UsageError } from '../io.js';
import { RunOutDir, type RunOutput } from '../out-dir.js';
import { readValuesFile } from '../validate-input.js';
import { isWide, loadOrFail, misspeltKinds, outputFormat, printJson, printYaml, table } from '../output.js';
import { auditPolicyReports, auditSarif, auditTable } from '../formats/audit-formats.js';
import type { CliContext } from '../program.js';
import { auditChartFor, auditInputs, auditJson, baseValuesText, buildReport, unsentUserNamespaces, chartPoliciesOf, computeFor, diffInputs, kyvernoPspOf, kyvernoWorkloads, planFor, planTarget, readMigrationInputs, reportOf, type TargetOptions, targetOptions, terminatingNamespaces, indexedJobs, unneededFor } from '../migrate-inputs.js';
import { registerUpgrade } from './upgrade.js';
import { yamlStream } from './users.js';
import { buildSnapshot, formatSource, toYamlText } from '../../kube/index.js';
import { readCluster } from '../cluster-input.js';

/** Registers `migrate`. */
/** A values file read and parsed before anything is written: a missing or malformed one is a usage error naming file and line. */
function readValuesOrFail(ctx: CliContext, file: string, flag: string): string {
  const { text, values } = readValuesFile(ctx.io, file, `${flag} `);
  // The comparison reads policyExclude: one of another type would read as "no exclusions".
  const pe = values.policyExclude;
  if (pe !== undefined && pe !== null && (typeof pe !== 'object' || Array.isArray(pe))) throw new UsageError(`${flag} ${file}: policyExclude must be a map of policy names to match blocks, found ${JSON.stringify(pe)}`);
  return text;
}

export function registerMigrate(program: Command, ctx: CliContext): void {
  const migrate = program.command('migrate').description('audit, minimal exceptions, PSP-vs-Kyverno diff, conversion and a zero-window plan');
  registerUpgrade(migrate, ctx);

  targetOptions(migrate.command('audit').description('evaluate every workload against the target policy set and list each would-be denial')).action(
    async (opts: TargetOptions, cmd: Command) => {
      // text (the default) is the tree grouped by namespace; table is one kubectl-style row per violation.
      const fmt = outputFormat(cmd, ['text', 'table', 'json', 'yaml', 'sarif', 'policyreport']);
      const m = await readMigrationInputs(ctx.io, opts, 'migrate audit');
      const a = auditInputs(ctx.io, m);
      if (fmt === 'sarif') printJson(ctx.io, auditSarif(a));
      else if (fmt === 'policyreport') ctx.io.stdout(auditPolicyReports(a, new Date()).map((r) => toYamlText(r)).join('---\n'));
      else if (fmt === 'json') printJson(ctx.io, auditJson(a));
      else if (fmt === 'yaml') printYaml(ctx.io, auditJson(a));
      else if (fmt === 'table') ctx.io.stdout(auditTable(a, isWide(cmd)));
      else ctx.io.stdout(formatAudit(a, { ...m, policyCount: m.target.policies.length }));
      if (a.summary.denials > 0) ctx.state.exitCode = EXIT.failures;
    },
  );

  targetOptions(migrate.command('exceptions').description("the minimal policyExclude additions so that no existing system workload is refused, merged into the values file"))
    .option('--out <file>', 'write the merged values file here (stdout when absent)')
    .option('--style <style>', 'namespace (policyExclude in the values) or policyexception (Kyverno PolicyException objects)', 'namespace')
    .option('--force', 'overwrite --out (and --kyverno-values-out) when it exists')
    .option('--prune', 'also remove existing policyExclude namespaces no workload needs (never user namespaces or patterns you wrote)')
    .option('--kyverno-values-out <file>', 'policyexception style: write the kyverno chart values with features.policyExceptions.enabled (merged into --kyverno-values) here')
    .action(async (opts: TargetOptions & { out?: string; style: string; force?: boolean; prune?: boolean; kyvernoValuesOut?: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json', 'table']);
      if (opts.style !== 'namespace' && opts.style !== 'policyexception') throw new UsageError(`migrate exceptions: --style ${opts.style}: use namespace or policyexception`);
      if ((opts.values?.length ?? 0) > 1 && opts.style === 'namespace' && fmt !== 'json') throw new UsageError('migrate exceptions: give one --values file to merge into');
      const m = await readMigrationInputs(ctx.io, opts, 'migrate exceptions');
      const a = auditInputs(ctx.io, m);
      const plan = computeFor(m, a);
      for (const w of [...plan.deniedTodayWarnings, ...plan.warnings]) ctx.io.stderr(`warning: ${w}\n`);
      if (plan.userViolations.length > 0) ctx.io.stderr(`note: ${plan.userViolations.length} violations in user namespaces are not exempted (see migrate audit)\n`);
      // Least privilege: existing exclusions no workload needs are reported (and removed with --prune).
      const unneeded = opts.style === 'namespace' || fmt === 'json' ? unneededFor(ctx.io, m) : [];
      if (fmt === 'json') {
        printJson(ctx.io, { exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: [...plan.deniedTodayWarnings, ...plan.warnings], unneeded });
        return;
      }
      for (const u of unneeded) ctx.io.stderr(`${opts.prune && u.prunable ? 'pruned' : 'unneeded'}: policyExclude.${u.policy}: ${u.namespace}: ${u.reason}\n`);
      if (unneeded.length > 0) {
        ctx.io.stderr(
          `note: "unneeded" is judged on the workloads in the cluster now; pods created later (provisioner helper pods, Jobs of CronJobs, operators' DaemonSets) are not in it${opts.prune ? '' : '; pass --prune to remove the literal, non-user namespaces'}\n`,
        );
      }
      if (fmt === 'table') {
        ctx.io.stdout(table(['POLICY', 'EXCLUDE NAMESPACES'], Object.entries(plan.exceptions).map(([p, ns]) => [p, ns.join(',')])));
        return;
      }
      let text: string;
      if (opts.style === 'policyexception') {
        const features = readExceptionFeatures(ctx.io, opts.kyvernoValues, 'migrate exceptions');
        // The PolicyException version the profile's Kyverno serves (1.12.5's CRD no longer serves v2alpha1).
        const apiVersion = m.profile.exceptionApiVersions[0]!;
        text = yamlStream(policyExceptions(a, features.namespace || 'kyverno', apiVersion, terminatingNamespaces(m), indexedJobs(m)));
        writePolicyExceptionValues(ctx, opts, features.enabled);
      } else {
        const base = m.valuesTexts[0]?.text ?? '';
        try {
          // Merge first, then prune: a pruned namespace is never one the additions need.
          text = mergeExceptions(base, plan.additions).text;
          if (opts.prune) text = pruneExcludes(text, unneeded).text;
          // Generated values enforce; a setting of the user's that does not is kept and said.
          const enforced = enforceValues(text);
          text = enforced.text;
          if (enforced.userAskedAudit) ctx.io.stderr(`warning: your values keep policies from Enforce (${enforced.userAskedAudit}): once PSP is disabled nothing refuses what they find\n`);
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

  /** The kyverno values change the PolicyExceptions need, written or printed, and the note that says why. */
  function writePolicyExceptionValues(ctx: CliContext, opts: TargetOptions & { force?: boolean; kyvernoValuesOut?: string }, enabled: boolean): void {
    ctx.io.stderr(
      'note: these PolicyExceptions (kyverno.io/v2alpha1, Kyverno 1.10; v2beta1 from 1.11) protect nothing unless Kyverno runs with policy exceptions enabled: the kyverno chart 3.0.9 ships features.policyExceptions.enabled=false\n',
    );
    if (enabled) {
      ctx.io.stderr(`note: ${opts.kyvernoValues} already enables them\n`);
      return;
    }
    let values: string;
    try {
      values = enablePolicyExceptions(opts.kyvernoValues ? ctx.io.readFile(opts.kyvernoValues) : '');
    } catch (err) {
      throw new UsageError(`migrate exceptions: --kyverno-values ${opts.kyvernoValues}: ${(err as Error).message}`);
    }
    if (!opts.kyvernoValuesOut) {
      ctx.io.stderr(`note: apply this kyverno values change with them (helm upgrade kyverno ... --set features.policyExceptions.enabled=true), or pass --kyverno-values-out FILE:\n${'features:\n  policyExceptions:\n    enabled: true\n'}`);
      return;
    }
    const out = opts.kyvernoValuesOut;
    if (existsSync(out) && !opts.force && ctx.io.readFile(out) !== values) throw new UsageError(`migrate exceptions: ${out} exists; pass --force to overwrite it (or choose another --kyverno-values-out)`);
    ctx.io.writeFile(out, values);
    ctx.io.stderr(`wrote ${out} (features.policyExceptions.enabled: true); install it with the exceptions\n`);
  }

  targetOptions(migrate.command('diff').description('PSP decision (with defaulting) against the Kyverno decision for every pod and pod template: breakages and regressions'))
    .option('--all', 'also list the workloads where both agree')
    .action(async (opts: TargetOptions & { all?: boolean }, cmd: Command) => {
      // text (the default) is the sections by class; table is one kubectl-style row per workload.
      const fmt = outputFormat(cmd, ['text', 'table', 'json', 'yaml']);
      const m = await readMigrationInputs(ctx.io, opts, 'migrate diff');
      const d = diffInputs(m, ctx.io);
      if (fmt === 'json') printJson(ctx.io, d);
      else if (fmt === 'yaml') printYaml(ctx.io, d);
      else if (fmt === 'table') {
        const wide = isWide(cmd);
        const shown = d.entries.filter((e) => opts.all || e.class !== 'same');
        ctx.io.stdout(
          table(
            ['NAMESPACE', 'KIND', 'NAME', 'CLASS', 'PSP', 'KYVERNO', ...(wide ? ['COMPONENT', 'LOST FIELDS'] : [])],
            shown.map((e) => [e.namespace || '-', e.kind, e.name, e.class, e.psp.allowed ? `allowed (${e.psp.policy ?? '-'})` : 'denied', e.kyverno.allowed ? 'allowed' : 'denied', ...(wide ? [e.component, e.lostFields.join(',') || '-'] : [])]),
          ),
        );
      } else ctx.io.stdout(formatDiff(d, Boolean(opts.all)));
      // A comparison the input cannot support (PSPs without RBAC) is no green result either.
      if (d.summary.breakage > 0 || d.summary.regression > 0 || d.summary.undecidable) ctx.state.exitCode = EXIT.failures;
    });

  targetOptions(migrate.command('run').description('the main job: audit, exceptions, re-audit, diff, plan and report for one cluster, written to a folder; summary.json says whether the cluster is ready'))
    .option('--out-dir <dir>', 'folder for the outputs', 'podgate-out')
    .option('--compare-values <file>', 'a values file to compare the generated one with (e.g. the seed\'s full values)')
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version', '1.24')
    .option('--audit-only', 'leave the generated values in Audit on purpose (reported as a warning, not a blocker)')
    .option('--force', 'write into --out-dir even if it holds files podgate did not write')
    .action(async (opts: TargetOptions & { outDir: string; compareValues?: string; kubernetes: string; auditOnly?: boolean; force?: boolean }, cmd: Command) => {
      outputFormat(cmd, ['text']);
      const target = planTarget(opts.kubernetes, 'migrate run');
      const chartVersion = auditChartFor(target, cmd.getOptionValueSource('chartVersion') === 'default' ? undefined : opts.chartVersion, 'migrate run');
      const inputs = opts.cluster?.[0] ? join(opts.cluster[0], 'inputs') : undefined;
      const pick = (f: string) => (inputs && existsSync(join(inputs, f)) ? join(inputs, f) : undefined);
      const values = opts.values ?? [pick('kyverno-policies-values.minimal.yaml')].filter((x): x is string => x !== undefined);
      const compare = opts.compareValues ?? pick('kyverno-policies-values.full.yaml');
      const kyvernoValues = opts.kyvernoValues ?? pick('kyverno-values.yaml');
      // Every input is read before anything is written: a bad one is a usage error, not a half-written run.
      const compareText = compare ? readValuesOrFail(ctx, compare, '--compare-values') : undefined;
      // A live cluster is read once; kinds that cannot be listed become blockers in summary.json.
      const m = await readMigrationInputs(ctx.io, { ...opts, chartVersion, values, kyvernoValues }, 'migrate run', { partial: true, ...(compare ? { alsoRead: [compare] } : {}) });
      // The output folder is podgate's: never a folder of the user's, nor a hand-edited output, without
      // --force; the run's files replace the previous run's only once every step succeeded (out-dir.ts).
      const out = RunOutDir.open(opts.outDir, Boolean(opts.force), 'migrate run');
      try {
        const write = (name: RunOutput, text: string) => out.write(name, text, ctx.io.writeFile);
        const say = (line: string) => ctx.io.stdout(`${line}\n`);
        let n = 0;
        const step = (line: string) => say(`${++n}. ${line}`);
        say(`podgate migrate run: ${m.source}, Kubernetes ${target.kubernetes}, kyverno-policies ${m.chartVersion}${values.length ? ` with ${values.join(', ')}` : ' with the chart defaults'}`);
        for (const p of m.readProblems) ctx.io.stderr(`error: ${p}\n`);

        const audit = auditInputs(ctx.io, m);
        write('audit.txt', formatAudit(audit, { ...m, policyCount: m.target.policies.length }));
        write('audit.json', `${JSON.stringify(auditJson(audit), null, 2)}\n`);
        step(`audit: ${audit.summary.violations} violations (${audit.summary.denials} would be denied) in ${audit.summary.workloadsWithViolations} of ${audit.summary.evaluated} workloads; ${audit.summary.userViolations} in user namespaces; ${audit.summary.skipped} never seen by Kyverno  → audit.txt, audit.json`);

        const plan = computeFor(m, audit);
        for (const w of [...plan.deniedTodayWarnings, ...plan.warnings]) ctx.io.stderr(`warning: ${w}\n`);
        if (m.valuesTexts.length > 1) ctx.io.stderr(`note: the ${m.valuesTexts.length} values files are merged as helm -f merges them into one kyverno-policies-values.yaml (their comments are not kept)\n`);
        const merged = mergeExceptions(baseValuesText(m), plan.additions);
        const enforced = enforceValues(merged.text, Boolean(opts.auditOnly));
        write('kyverno-policies-values.yaml', enforced.text);
        const unneeded = unneededFor(ctx.io, m);
        write('exceptions.json', `${JSON.stringify({ exceptions: plan.exceptions, userViolations: plan.userViolations, warnings: [...plan.deniedTodayWarnings, ...plan.warnings], unneeded }, null, 2)}\n`);
        step(`exceptions: ${merged.added.length} namespace exclusions added to ${Object.keys(plan.exceptions).length} policies${enforced.added ? `; validationFailureAction: ${opts.auditOnly ? 'Audit (--audit-only)' : 'Enforce'} set` : ''}  → kyverno-policies-values.yaml, exceptions.json`);
        for (const [p, nss] of Object.entries(plan.exceptions)) say(`     ${p}: + ${nss.join(', ')}`);

        const m2 = await readMigrationInputs(ctx.io, { ...opts, chartVersion, values: [out.path('kyverno-policies-values.yaml')], kyvernoValues }, 'migrate run (re-audit)', { cluster: m.cluster });
        const audit2 = auditInputs(ctx.io, m2, 're-auditing');
        const system = audit2.violations.filter((v) => !v.userViolation).length;
        write('audit-after.txt', formatAudit(audit2, { ...m2, policyCount: m2.target.policies.length }));
        step(`re-audit with the generated values: ${system} system violations, ${audit2.summary.userViolations} user violations (kept: users stay confined)  → audit-after.txt`);

        if (compare && compareText !== undefined) {
          const cmp = compareValues(enforced.text, compareText, m.snapshot.namespaces.map((ns) => ns.name));
          write('values-comparison.txt', cmp.text);
          step(`compared with ${compare}: ${cmp.same ? 'same exclusions for the namespaces present' : 'differences listed'}  → values-comparison.txt`);
          for (const line of cmp.lines) say(`     ${line}`);
        }

        const diff = diffInputs(m2, ctx.io);
        write('diff.txt', formatDiff(diff, true));
        write('diff.json', `${JSON.stringify(diff, null, 2)}\n`);
        if (diff.summary.skipped) step('PSP vs Kyverno: skipped, the reason is in the summary below  → diff.json');
        else step(`PSP vs Kyverno (generated values): ${diff.summary.breakage} breakages, ${diff.summary.regression} regressions, ${diff.summary.same} same  → diff.txt, diff.json`);

        // Whether any PSP admits them at all (after its defaults): the plan cannot be carried out otherwise.
        const kyvernoAdmitting = kyvernoPspOf(m);
        const steps = planFor(target, { kyvernoPsp: kyvernoAdmitting, policiesValues: 'kyverno-policies-values.yaml', clusterArg: opts.cluster ? `--cluster ${opts.cluster.map(shellQuote).join(' ')}` : '--kubeconfig ~/.kube/config' });
        write('plan.txt', formatPlan(steps));
        write('plan.json', `${JSON.stringify({ kubernetes: target.kubernetes, steps }, null, 2)}\n`);
        const kyvernoValuesText = kyvernoValues ? ctx.io.readFile(kyvernoValues) : toYamlText(defaultKyvernoChartValues(), { aliasDuplicateObjects: false });
        write('kyverno-values.yaml', target.kyvernoChart.startsWith('3.0.') ? kyvernoValuesText : keepPolicyExceptionsOff(kyvernoValuesText));
        step(`plan: ${steps.length} steps, ${pspRemoved(target.kubernetes) ? `Kubernetes ${target.kubernetes} has no PSP: Kyverno ${target.kyverno} in Audit, then Enforce` : 'PSP enforcing until Kyverno enforces'}  → plan.txt, plan.json, kyverno-values.yaml`);

        const readiness = judgeReadiness({
          source: m.source,
          kubernetes: target.kubernetes,
          chartVersion: m.chartVersion,
          readProblems: m.readProblems,
          notEvaluated: misspeltKinds(m.cluster.objects),
          audit: audit2,
          diff,
          chartPolicies: chartPoliciesOf(m2),
          chartWarnings: m2.target.chartWarnings.map((w) => w.message),
          profile: m2.profile,
          podSecurityPolicies: m.snapshot.podSecurityPolicies.length,
          ...(m.cluster.serverVersion ? { serverVersion: m.cluster.serverVersion } : {}),
          exceptions: m2.context.exceptions,
          pspAdmitted: pspAdmittedPods(m.snapshot),
          danglingBindings: danglingBindings(m.snapshot),
          terminatingNamespaces: terminatingNamespaces(m),
          namespaceConflicts: m.snapshot.namespaceConflicts.map((c) => ({
            name: c.name,
            first: c.first.source ? formatSource(c.first.source) : 'first copy',
            second: c.second.source ? formatSource(c.second.source) : 'second copy',
            differs: c.differs,
          })),
          kyvernoConfig: m2.kyvernoConfig,
          kyvernoPods: { workloads: kyvernoWorkloads(m).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ...(kyvernoAdmitting ? { psp: kyvernoAdmitting } : {}) },
          unsentUserNamespaces: unsentUserNamespaces(m2),
          auditOnly: Boolean(opts.auditOnly),
          ...(enforced.userAskedAudit ? { userAskedAudit: enforced.userAskedAudit } : {}),
          exclusionsAdded: merged.added.length,
          extraWarnings: [
            ...(m.cluster.notRead ?? []).map((f) => `file not read: ${f}: objects in it were not audited or compared`),
            ...plan.warnings,
            ...customPodTemplates(m.snapshot).map(
              ({ source: { object: o } }) => `custom controller: ${o.kind}/${o.metadata.namespace}/${o.metadata.name} (${o.apiVersion}) carries a pod template: audited as the Pods it creates, but not compared with PSP (who creates them is its controller's service account, unknown here), so an exclusion made for it may admit what PSP refuses today`,
            ),
            ...unreadPodSpecs(m.snapshot).map(
              ({ object: o, paths }) => `custom resource ${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''} (${o.apiVersion}) holds pod specs podgate does not read (${paths.join(', ')}): the pods its controller creates from them are audited only when they are in the input, as Pods; check them after the switch (kubectl get events for refusals) or add them`,
            ),
            ...unneeded.map((u) => `least privilege: policyExclude.${u.policy}: ${u.namespace} is not needed: ${u.reason}${u.prunable ? ' (migrate exceptions --prune removes it)' : ''}`),
          ],
        });
        write('summary.json', `${JSON.stringify(readiness, null, 2)}\n`);
        write('report.html', renderHtmlReport(reportOf(m2.source, audit, plan, diff, steps, readiness, { file: 'kyverno-policies-values.yaml', text: enforced.text })));
        step('report: one self-contained page  → report.html');
        step(`summary  → summary.json\n${formatReadiness(readiness).trimEnd()}`);
        out.commit();
        say(`outputs in ${opts.outDir}/`);
        if (!readiness.ready) ctx.state.exitCode = EXIT.failures;
      } catch (err) {
        out.abandon();
        throw err;
      }
    });

  migrate
    .command('convert')
    .description('PodSecurityPolicies to Kyverno ClusterPolicies (validate + mutate), scoped by RBAC to who could use each PSP')
    .requiredOption('--psp <path...>', 'files or folders with PodSecurityPolicy objects (other objects are ignored; a dump folder holding cluster/ is read from cluster/, as --cluster reads it)')
    .option('--rbac <path...>', 'files or folders with ClusterRole/Role/bindings/ServiceAccounts (scope each policy to who could use the PSP; a dump folder as for --psp)')
    .option('--action <action>', 'validationFailureAction of the generated policies: Audit (default, for the zero-window plan) or Enforce', 'Audit')
    .action(async (opts: { psp: string[]; rbac?: string[]; action: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json', 'table']);
      if (opts.action !== 'Audit' && opts.action !== 'Enforce') throw new UsageError(`migrate convert: --action ${opts.action}: use Audit or Enforce`);
      // A dump folder (cluster/ beside inputs/ with values files) is read from cluster/, as --cluster reads it.
      const psps = (await loadOrFail(ctx.io, opts.psp.map(clusterDumpPath))).map((l) => l.object).filter((o) => o.kind === 'PodSecurityPolicy');
      if (psps.length === 0) throw new UsageError(`migrate convert: no PodSecurityPolicy objects in ${opts.psp.join(', ')}`);
      const rbac = opts.rbac ? (await loadOrFail(ctx.io, opts.rbac.map(clusterDumpPath))).map((l) => l.object) : [];
      const r = convertPsps(psps, rbac, { validationFailureAction: opts.action });
      if (fmt === 'json') return printJson(ctx.io, r);
      if (fmt === 'table') {
        const spec = (p: (typeof r.policies)[number]) => (p.spec ?? {}) as { validationFailureAction?: string; rules?: unknown[] };
        return ctx.io.stdout(table(['NAME', 'KIND', 'ACTION', 'RULES'], r.policies.map((p) => [p.metadata.name ?? '', p.kind, String(spec(p).validationFailureAction ?? 'Audit'), String(spec(p).rules?.length ?? 0)])));
      }
      for (const u of r.unexpressible) ctx.io.stderr(`not expressible: ${u.psp}: ${u.field}: ${u.reason}\n`);
      for (const n of r.notes) ctx.io.stderr(`note: ${n}\n`);
      for (const rs of r.requesterSets) ctx.io.stderr(`requester set: [${rs.psps.join(', ')}] → decided by [${rs.decisive.join(', ')}] → ${rs.policy || '(no rule needed)'}\n`);
      for (const sc of r.scopes) ctx.io.stderr(`scope: ${sc.psp}: ${sc.subjects.length ? sc.subjects.join(', ') : '(no subjects)'}${sc.namespaces.length ? ` in ${sc.namespaces.join(', ')}` : ''}${sc.note ? ` — ${sc.note}` : ''}\n`);
      ctx.io.stdout(yamlStream(r.policies));
    });

  targetOptions(migrate.command('report').description('one self-contained HTML file: summary, per-policy and per-namespace tables, charts, the diff and the plan'))
    .option('--out <file>', 'write the report here (stdout when absent)')
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version (for the plan)', '1.24')
    .option('--force', 'overwrite --out when it exists')
    .action(async (opts: TargetOptions & { out?: string; kubernetes: string; force?: boolean }, cmd: Command) => {
      if (opts.out && existsSync(opts.out) && !opts.force) throw new UsageError(`migrate report: ${opts.out} exists; pass --force to overwrite it (or choose another --out)`);
      const fmt = outputFormat(cmd, ['html', 'json', 'yaml', 'table']);
      const target = planTarget(opts.kubernetes, 'migrate report');
      const chartVersion = auditChartFor(target, cmd.getOptionValueSource('chartVersion') === 'default' ? undefined : opts.chartVersion, 'migrate report');
      const m = await readMigrationInputs(ctx.io, { ...opts, chartVersion }, 'migrate report');
      const report = buildReport(ctx.io, m, target, opts);
      const s = report.audit.summary;
      const text =
        fmt === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : fmt === 'yaml'
            ? toYamlText(report)
            : fmt === 'table'
              ? table(
                  ['WORKLOADS', 'EVALUATED', 'SKIPPED', 'VIOLATIONS', 'DENIALS', 'USER VIOLATIONS', 'BREAKAGES', 'REGRESSIONS'],
                  [[s.workloads, s.evaluated, s.skipped, s.violations, s.denials, s.userViolations, report.diff?.summary.breakage ?? '-', report.diff?.summary.regression ?? '-'].map(String)],
                )
              : renderHtmlReport(report);
      if (!opts.out) return ctx.io.stdout(text);
      ctx.io.writeFile(opts.out, text);
      ctx.io.stderr(`wrote ${opts.out}\n`);
    });

  migrate
    .command('plan')
    .description(
      "the switch from PSP to Kyverno with no unenforced window: commands, checks and rollback for each step; exit 1 when no PSP admits Kyverno's own pods in the --cluster dump (migrate run's blocker)",
    )
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version', '1.24')
    .option('--values <file>', 'the kyverno-policies values file the plan installs', 'kyverno-policies-values.yaml')
    .option('--chart-version <version>', 'the kyverno-policies chart version the audit used (default: the one podgate verified for --kubernetes)')
    .option('--cluster <path>', "cluster dump: read for the PSP that admits Kyverno's own pods (as migrate run finds it), and used in the podgate commands of the plan")
    .action(async (opts: { kubernetes: string; values: string; cluster?: string; chartVersion?: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['text', 'json', 'yaml', 'table']);
      const target = planTarget(opts.kubernetes, 'migrate plan');
      auditChartFor(target, opts.chartVersion, 'migrate plan');
      // The PSP that admits Kyverno's own pods, found in the dump as migrate run finds it (a path that is
      // not here, e.g. one on the head node the plan is for, leaves the grant to the admin, and says so).
      let kyvernoPsp: string | undefined;
      if (opts.cluster && existsSync(opts.cluster)) {
        const snapshot = buildSnapshot((await readCluster(ctx.io, { cluster: [opts.cluster] }, 'migrate plan', { alsoRead: [opts.values] })).objects);
        kyvernoPsp = kyvernoPspOf({ snapshot });
        const workloads = kyvernoWorkloads({ snapshot }).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
        const blocker = kyvernoPodsBlocker(target.kubernetes, snapshot.podSecurityPolicies.length, { workloads, ...(kyvernoPsp ? { psp: kyvernoPsp } : {}) });
        if (blocker) {
          ctx.io.stderr(`blocker: ${blocker}\n`);
          ctx.state.exitCode = EXIT.failures;
        }
      } else if (!pspRemoved(target.kubernetes)) {
        ctx.io.stderr(`note: ${opts.cluster ? `--cluster ${opts.cluster} cannot be read here, so` : 'without --cluster'} the plan does not know which PSP admits Kyverno's own pods: its grant names none (<psp that admits the kyverno pods>); pass --cluster with a dump, as migrate run reads it\n`);
      }
      const steps = planFor(target, { ...(kyvernoPsp ? { kyvernoPsp } : {}), policiesValues: shellQuote(opts.values), clusterArg: opts.cluster ? `--cluster ${shellQuote(opts.cluster)}` : '--kubeconfig ~/.kube/config' });
      if (fmt === 'json') printJson(ctx.io, { kubernetes: target.kubernetes, steps });
      else if (fmt === 'yaml') printYaml(ctx.io, { kubernetes: target.kubernetes, steps });
      else if (fmt === 'table') {
        const wide = isWide(cmd);
        ctx.io.stdout(table(['STEP', 'TITLE', 'ENFORCEMENT', ...(wide ? ['COMMANDS', 'CHECKS'] : [])], steps.map((st) => [st.id, st.title, st.enforcement, ...(wide ? [String(st.commands.length), String(st.checks.length)] : [])])));
      } else ctx.io.stdout(formatPlan(steps));
    });
}
