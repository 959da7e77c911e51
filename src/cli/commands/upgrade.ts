// `podgate migrate upgrade`: the Kyverno upgrade the KB ends with (kyverno 3.0.9 → 3.2.6, kyverno-policies
// 3.0.7 → 3.2.5, Kyverno 1.10 → 1.12), judged on the cluster before it is run, with the values files
// translated for the new charts.
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { ChartRenderError, kyvernoChartDefaults, parseValuesText } from '../../chart/index.js';
import type { KubeObject, LoadedObject } from '../../kube/index.js';
import { type ClusterContext, defaultKyvernoConfig, exceptionFeaturesFromValues, kyvernoConfigFromValues } from '../../kyverno/config/index.js';
import { PROFILE_1_12 } from '../../kyverno/index.js';
import { isPolicyExceptionObject } from '../../kyverno/model/exception.js';
import { buildTargetPolicies, type TargetPolicies } from '../../migrate/target.js';
import { compareUpgrade, exceptionFor112, kubernetesGate, policyContentChanges, translateExceptions, UPGRADE, type UpdateAdmitted, type UpgradeComparison, updatesAdmittedWithoutFix } from '../../migrate/upgrade.js';
import { type TranslatedValues, translateKyvernoValues, translatePoliciesValues } from '../../migrate/values-upgrade.js';
import { contextFromObjects, kyvernoValuesOf } from '../cluster-context-input.js';
import { EXIT, UsageError } from '../io.js';
import { auditInputs, type MigrationInputs, readMigrationInputs, type TargetOptions, targetOptions } from '../migrate-inputs.js';
import { outputFormat, printJson, printYaml } from '../output.js';
import { policyValidation } from '../validate-input.js';
import type { CliContext } from '../program.js';
import { yamlStream } from './users.js';

interface UpgradeOptions extends TargetOptions {
  kubernetes: string;
  outDir: string;
  force?: boolean;
}

/** One translated values file and where it was written. */
interface WrittenValues extends TranslatedValues {
  file: string;
  out: string;
}

const WHAT = 'migrate upgrade';

/** Keys (`namespace/name`) of the PolicyExceptions a context applies. */
const inEffect = (c: ClusterContext) => new Set(c.exceptions.map((e) => `${e.namespace}/${e.name}`));

function translate(ctx: CliContext, file: string, fn: (text: string, file: string) => TranslatedValues): TranslatedValues {
  try {
    return fn(ctx.io.readFile(file), file);
  } catch (err) {
    throw new UsageError(`${WHAT}: ${file}: ${(err as Error).message}`);
  }
}

function formatComparison(c: UpgradeComparison): string {
  const out: string[] = [];
  const { from, to } = UPGRADE;
  out.push(`chart policies: ${c.policyChanges.length === 0 ? 'no content change' : c.policyChanges.map((p) => `${p.policy} (${p.change})`).join(', ')} (kyverno-policies ${from.policiesChart} → ${to.policiesChart})`);
  out.push(
    `decisions: ${c.workloads} workloads evaluated under both; ${c.summary.changed === 0 ? 'none changes' : `${c.summary.changed} change (newly denied: ${c.summary.newlyDenied}, no longer denied: ${c.summary.noLongerDenied}; by the policies: ${c.summary.byCause.policies}, by the engine: ${c.summary.byCause.engine})`}`,
  );
  for (const ch of c.changes) {
    const why = ch.causes.map((x) => (x === 'policies' ? `policy content or kyverno values (kyverno-policies ${from.policiesChart} → ${to.policiesChart}, kyverno ${from.kyvernoChart} → ${to.kyvernoChart})` : `engine (Kyverno ${from.kyverno} → ${to.kyverno})`)).join(' and ');
    out.push(`  ${ch.kind} ${ch.namespace}/${ch.name}: ${ch.before} → ${ch.after}, because of the ${why}`);
    for (const f of ch.added) out.push(`    + ${f}`);
    for (const f of ch.removed) out.push(`    - ${f}`);
  }
  return `${out.join('\n')}\n`;
}

/** At most this many workloads are listed in the table (JSON and YAML list them all). */
const UPDATES_LISTED = 20;

function formatUpdatesAdmitted(list: readonly UpdateAdmitted[]): string {
  const { from, to } = UPGRADE;
  const head = `updates: Kyverno ${to.kyverno} admits an UPDATE that leaves a pattern rule's failure unchanged (${from.kyverno} denies it)`;
  if (list.length === 0) return `${head}: no workload denied today by such a rule\n`;
  const n = list.length;
  const out = [`${head}: ${n} workload${n === 1 ? '' : 's'} denied today could be updated without fixing ${n === 1 ? 'it' : 'them'}:`];
  for (const w of list.slice(0, UPDATES_LISTED)) out.push(`  ${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}: ${w.rules.join(', ')}`);
  if (n > UPDATES_LISTED) out.push(`  ... and ${n - UPDATES_LISTED} more (-o json lists them all)`);
  out.push('  fix them before the upgrade, or accept that their UPDATEs are no longer refused (deny and podSecurity rules still refuse them)');
  return `${out.join('\n')}\n`;
}

const policyKey = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;

/**
 * The Kyverno policies of the cluster input that are neither the chart's nor a permission user's nor given
 * with --policy (same kind, namespace and name): converted PSPs, the admin's own. They keep running after
 * the upgrade, so both engines must judge them. The status and server fields are dropped: the API server
 * writes them, the CRD schema check would call status unknown.
 */
function clusterPolicies(m: MigrationInputs): LoadedObject[] {
  const given = new Set(m.extra.map((l) => policyKey(l.object)));
  return m.snapshot.kyvernoPolicies
    .filter((l) => !given.has(policyKey(l.object)) && !(l.object.kind === 'ClusterPolicy' && m.target.origin.has(l.object.metadata.name ?? '') && m.target.origin.get(l.object.metadata.name ?? '') !== 'extra'))
    .map((l) => {
      const { status: _status, ...object } = l.object as KubeObject & { status?: unknown };
      const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _g, managedFields: _mf, ...metadata } = object.metadata as KubeObject['metadata'] & Record<string, unknown>;
      return { ...l, object: { ...object, metadata } as KubeObject };
    });
}

/** Registers `migrate upgrade` on the `migrate` command. */
export function registerUpgrade(migrate: Command, ctx: CliContext): void {
  targetOptions(
    migrate
      .command('upgrade')
      .description(
        `judge the Kyverno upgrade after Kubernetes 1.26 (kyverno ${UPGRADE.from.kyvernoChart} → ${UPGRADE.to.kyvernoChart}, kyverno-policies ${UPGRADE.from.policiesChart} → ${UPGRADE.to.policiesChart}, Kyverno ${UPGRADE.from.kyverno} → ${UPGRADE.to.kyverno}): every workload's decision under both, and the values files translated; exit 1 when a workload would be newly denied or a workload denied today would be allowed (a loosening to review), exit 2 below Kubernetes 1.26, above 1.29 or for bad input`,
      ),
  )
    .requiredOption('--kubernetes <version>', 'the cluster’s Kubernetes version when Kyverno is upgraded (Kyverno 1.12 needs 1.26 or newer)')
    .option('--out-dir <dir>', 'where the translated values files are written', 'podgate-upgrade')
    .option('--force', 'overwrite translated values files that exist')
    .action(async (opts: UpgradeOptions, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      const gate = kubernetesGate(opts.kubernetes);
      if (gate) throw new UsageError(`${WHAT}: ${gate.message}`);
      if ((opts.chartVersion ?? UPGRADE.from.policiesChart) !== UPGRADE.from.policiesChart) {
        throw new UsageError(`${WHAT}: --chart-version is the chart installed now; podgate judges the upgrade from ${UPGRADE.from.policiesChart} to ${UPGRADE.to.policiesChart}`);
      }
      if (opts.kyvernoVersion !== undefined && opts.kyvernoVersion !== UPGRADE.from.kyverno) {
        throw new UsageError(`${WHAT}: --kyverno-version is the Kyverno installed now; podgate judges the upgrade from ${UPGRADE.from.kyverno} to ${UPGRADE.to.kyverno}`);
      }
      const read = await readMigrationInputs(ctx.io, { ...opts, chartVersion: UPGRADE.from.policiesChart }, WHAT);
      // The cluster's own Kyverno policies join both sides as extra policies.
      const fromCluster = clusterPolicies(read);
      const extra = [...read.extra, ...fromCluster];
      let m = read;
      if (fromCluster.length > 0) {
        const current = buildTargetPolicies({ chartVersion: UPGRADE.from.policiesChart, values: read.values, users: read.users, extra, validation: policyValidation(opts) });
        if (current.errors.length > 0) throw new UsageError(`${WHAT}: invalid policies in the cluster:\n  ${current.errors.join('\n  ')}`);
        m = { ...read, extra, target: current };
      }

      // The values, translated for the new charts (read before any audit: bad input fails fast).
      const policiesValues = (opts.values ?? []).map((f) => ({ file: f, t: translate(ctx, f, translatePoliciesValues) }));
      const kyvernoValues = opts.kyvernoValues ? { file: opts.kyvernoValues, t: translate(ctx, opts.kyvernoValues, translateKyvernoValues) } : undefined;
      let targetConfig = defaultKyvernoConfig();
      // features.policyExceptions after the upgrade: the translated values (3.0.9's "off" kept unless the
      // user set it), or chart 3.2.6's defaults when no kyverno values are given (on).
      const targetValues: unknown = kyvernoValues ? kyvernoValuesOf(kyvernoValues.t.text, `${kyvernoValues.file} (translated)`, WHAT) : kyvernoChartDefaults(UPGRADE.to.kyvernoChart);
      if (kyvernoValues) {
        const r = kyvernoConfigFromValues(targetValues, '3.2.6');
        if (r.errors.length > 0) throw new UsageError(`${WHAT}: ${kyvernoValues.file} (translated): ${r.errors.join('; ')}`);
        targetConfig = r.config;
      }
      const targetFeatures = exceptionFeaturesFromValues(targetValues);
      if (targetFeatures.errors.length > 0) throw new UsageError(`${WHAT}: ${kyvernoValues?.file ?? `kyverno chart ${UPGRADE.to.kyvernoChart}`} (translated): ${targetFeatures.errors.join('; ')}`);
      // The cluster as Kyverno 1.12 reads it: the same namespaces and ConfigMaps, the PolicyExceptions (the
      // cluster's and the --exception files') as v2beta1, in effect as the target's features say.
      const inputObjects: LoadedObject[] = [...m.cluster.objects, ...m.exceptions];
      const targetContext = contextFromObjects(
        ctx.io,
        inputObjects.map((l) => (isPolicyExceptionObject(l.object) ? { ...l, object: exceptionFor112(l.object) } : l)),
        targetFeatures.features,
        WHAT,
        opts.cluster !== undefined,
        { apiVersions: PROFILE_1_12.exceptionApiVersions, label: `after the upgrade (Kyverno ${UPGRADE.to.kyverno})` },
      );
      const nowInEffect = inEffect(m.context);
      const newlyInEffect = [...inEffect(targetContext)].filter((k) => !nowInEffect.has(k));
      if (newlyInEffect.length > 0) {
        const why = kyvernoValues
          ? `${kyvernoValues.file} (translated)`
          : `chart ${UPGRADE.to.kyvernoChart} enables PolicyExceptions by default (pass the kyverno values you install with --kyverno-values: their translation keeps them off unless you set them)`;
        const n = newlyInEffect.length;
        ctx.io.stderr(`warning: ${why}: ${n} PolicyException${n === 1 ? '' : 's'} Kyverno ${UPGRADE.from.kyverno} ignores take${n === 1 ? 's' : ''} effect after the upgrade: ${newlyInEffect.join(', ')}\n`);
      }
      let target: TargetPolicies;
      try {
        target = buildTargetPolicies({ chartVersion: UPGRADE.to.policiesChart, values: policiesValues.map((v) => parseValuesText(v.t.text, v.file).values), users: m.users, extra: m.extra, validation: policyValidation(opts) });
      } catch (err) {
        if (err instanceof ChartRenderError) throw new UsageError(`${WHAT}: chart ${UPGRADE.to.policiesChart}: ${err.message}`);
        throw err;
      }
      if (target.errors.length > 0) throw new UsageError(`${WHAT}: invalid policies with chart ${UPGRADE.to.policiesChart}:\n  ${target.errors.join('\n  ')}`);
      for (const w of target.chartWarnings) ctx.io.stderr(`warning: chart ${UPGRADE.to.policiesChart}: ${w.message}\n`);

      // Three audits: now (what migrate audit says with the same inputs); the new policies and values under
      // the old engine (to tell causes apart); the target.
      const before = auditInputs(ctx.io, m, `auditing with Kyverno ${UPGRADE.from.kyverno}`);
      const middle = auditInputs(ctx.io, { ...m, target, kyvernoConfig: targetConfig, context: targetContext }, `auditing the new policies with Kyverno ${UPGRADE.from.kyverno}`);
      const after = auditInputs(ctx.io, { ...m, target, kyvernoConfig: targetConfig, context: targetContext, profile: PROFILE_1_12 }, `auditing with Kyverno ${UPGRADE.to.kyverno}`);
      const comparison: UpgradeComparison = {
        ...compareUpgrade(before, middle, after),
        policyChanges: policyContentChanges(m.target.policies, target.policies, (name) => m.target.chartPolicies.has(name) || target.chartPolicies.has(name)),
      };

      // Not a decision change (CREATE is decided alike), but a loosening all the same: 1.12 admits UPDATEs that
      // leave a pattern rule's failure unchanged.
      const updatesAdmitted = updatesAdmittedWithoutFix(after, target.policies);

      // Translated values files, never overwriting without --force.
      const written: WrittenValues[] = [];
      const outputs = [...(kyvernoValues ? [{ ...kyvernoValues, name: 'kyverno-values.yaml' }] : []), ...policiesValues.map((v) => ({ ...v, name: basename(v.file) }))];
      const names = new Set<string>();
      for (const o of outputs) {
        let name = o.name;
        if (names.has(name) || (kyvernoValues && o !== outputs[0] && name === 'kyverno-values.yaml')) name = `kyverno-policies-${name}`;
        names.add(name);
        const out = join(opts.outDir, name);
        if (existsSync(out) && !opts.force && ctx.io.readFile(out) !== o.t.text) throw new UsageError(`${WHAT}: ${out} exists; pass --force to overwrite it or choose another --out-dir`);
        written.push({ ...o.t, file: o.file, out });
      }
      // PolicyExceptions in the input, as Kyverno 1.12.5 serves them (v2alpha1 is no longer served).
      const ex = translateExceptions(inputObjects.map((o) => o.object));
      const exInEffect = { before: nowInEffect.size, after: inEffect(targetContext).size };
      const exOut = join(opts.outDir, 'policyexceptions.yaml');
      if (ex.exceptions.length > 0 && existsSync(exOut) && !opts.force) throw new UsageError(`${WHAT}: ${exOut} exists; pass --force to overwrite it or choose another --out-dir`);
      mkdirSync(opts.outDir, { recursive: true });
      for (const w of written) ctx.io.writeFile(w.out, w.text);
      if (ex.exceptions.length > 0) ctx.io.writeFile(exOut, yamlStream(ex.exceptions));
      for (const w of written) for (const warning of w.warnings) ctx.io.stderr(`warning: ${w.file}: ${warning}\n`);

      if (fmt === 'json' || fmt === 'yaml') {
        (fmt === 'json' ? printJson : printYaml)(ctx.io, {
          kubernetes: opts.kubernetes,
          from: UPGRADE.from,
          clusterPolicies: fromCluster.map((l) => policyKey(l.object)),
          to: UPGRADE.to,
          ...comparison,
          updatesAdmittedWithoutFix: updatesAdmitted,
          values: written.map((w) => ({ file: w.file, out: w.out, chart: w.chart, from: w.from, to: w.to, changes: w.changes, warnings: w.warnings })),
          policyExceptions: { found: ex.exceptions.length, translated: ex.translated, ...(ex.exceptions.length > 0 ? { out: exOut } : {}), inEffect: exInEffect },
          audits: { before: before.summary, after: after.summary },
        });
      } else {
        const { from, to } = UPGRADE;
        ctx.io.stdout(
          `podgate migrate upgrade: ${m.source}, Kubernetes ${opts.kubernetes}: kyverno ${from.kyvernoChart} → ${to.kyvernoChart}, kyverno-policies ${from.policiesChart} → ${to.policiesChart}, Kyverno ${from.kyverno} → ${to.kyverno}\n`,
        );
        if (fromCluster.length > 0) ctx.io.stdout(`policies of the cluster: judged under both: ${fromCluster.map((l) => policyKey(l.object)).join(', ')}\n`);
        ctx.io.stdout(formatComparison(comparison));
        ctx.io.stdout(formatUpdatesAdmitted(updatesAdmitted));
        for (const w of written) {
          ctx.io.stdout(`values: ${w.file} → ${w.out} (${w.chart} ${w.from} → ${w.to})\n`);
          for (const c of w.changes) if (c.kind !== 'no-effect') ctx.io.stdout(`  ${c.kind}: ${c.message}\n`);
        }
        if (ex.exceptions.length > 0) {
          ctx.io.stdout(
            `policy exceptions: ${ex.exceptions.length} found, ${ex.translated} translated from kyverno.io/v2alpha1 to v2beta1 → ${exOut}; in effect: ${exInEffect.before} with Kyverno ${from.kyverno}, ${exInEffect.after} with Kyverno ${to.kyverno}\n`,
          );
        }
        if (written.length === 0) ctx.io.stdout('values: none given (--values, --kyverno-values); the charts’ defaults were compared\n');
      }
      // The gate: the upgrade must not deny anything the current state admits, nor stop refusing what it
      // refuses (a security change to be reviewed, as migrate diff fails on regressions).
      const loosened = comparison.summary.noLongerDenied;
      if (loosened > 0) {
        // How each cause is cleared: podgate has no option to accept a loosening.
        const causes = new Set(comparison.changes.filter((c) => c.before === 'denied' && c.after !== 'denied').flatMap((c) => c.causes));
        const clear: string[] = [];
        if (causes.has('policies')) {
          clear.push(
            newlyInEffect.length > 0
              ? `PolicyExceptions that take effect after the upgrade (${newlyInEffect.join(', ')}): pass the kyverno values you install with --kyverno-values (their translation keeps PolicyExceptions off unless you set them), or delete the exceptions you do not want`
              : `the new chart's policies or the translated values refuse less: set the values so that they refuse what they refuse today`,
          );
        }
        if (causes.has('engine')) clear.push(`Kyverno ${UPGRADE.to.kyverno} decides the rules of the "-" lines differently (a rule that errs or fails under ${UPGRADE.from.kyverno}): change those policies so that both versions decide alike`);
        ctx.io.stderr(
          `error: ${loosened} workload${loosened === 1 ? '' : 's'} denied today would be allowed after the upgrade (the "denied → allowed" changes above); to clear the gate: ${clear.join('; ')}; there is no option to accept a loosening, so the gate fails until none is left\n`,
        );
      }
      if (comparison.summary.newlyDenied > 0 || loosened > 0) ctx.state.exitCode = EXIT.failures;
    });
}
