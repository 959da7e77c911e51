// CLI commands of the kyverno area: `podgate test` (like `kyverno test`) and `podgate apply`
// (like `kyverno apply`: each policy mutates, then validates its mutated output). Mirrors the output shapes of
// kyverno@v1.10.7:cmd/cli/kubectl-kyverno/test and apply (utils/common: processMutateEngineResponse).
import { type Command, Option } from 'commander';
import { parse } from 'yaml';
import { CHART_VERSIONS, ChartRenderError, type ChartVersion, renderChart } from '../../chart/index.js';
import type { KubeObject } from '../../kube/index.js';
import {
  compilePolicy,
  effectiveAction,
  type EngineProfile,
  type EvaluationContext,
  evaluatePolicy,
  loadPolicyList,
  loadPolicyObjects,
  mutatePolicy,
  type Policy,
  type PolicyResult,
} from '../../kyverno/index.js';
import { buildPolicyReports, findSuites, parseValues, type ReportInput, requestSubject, runSuiteFile, type SuiteRun, type SuiteValues, type TestRow, updateFromValues, valueKeyErrors, valuesContext, valuesShapeErrors } from '../../kyverno-test/index.js';
import type { ClusterContext } from '../../kyverno/config/index.js';
import { kyvernoVersionOption, profileFor } from '../kyverno-version.js';
import { getOwn, isObject, setOwn } from '../../util/index.js';
import { type ContextOptions, contextOptions, readClusterContext } from '../cluster-context-input.js';
import { EXIT, UsageError } from '../io.js';
import { junitXml } from '../formats/junit.js';
import { loadOrFail, outputFormat, printJson, printYaml, table } from '../output.js';
import type { CliContext } from '../program.js';
import { chartKyvernoVersion, policyValidation, printWarnings, readValuesFile, type ValidateOptions, validateOptions } from '../validate-input.js';
import { toYamlText } from '../../kube/index.js';

/** Renders a box-drawn table the way `kyverno test` 1.10 does (│ and ─). */
export function boxTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = `│${widths.map((w) => '─'.repeat(w + 2)).join('│')}│`;
  const line = (r: readonly string[]) => `│${widths.map((w, i) => ` ${(r[i] ?? '').padEnd(w)} `).join('│')}│`;
  return `${[rule, line(header), rule, ...rows.map(line), rule].join('\n')}\n`;
}

/** `[namespace/]Kind/name`, as the tables name resources. */
function resourcePath(r: { namespace?: string | undefined; kind: string; name: string }): string {
  return `${r.namespace ? `${r.namespace}/` : ''}${r.kind}/${r.name}`;
}

function resourceLabel(r: TestRow): string {
  return resourcePath({ namespace: r.namespace, kind: r.kind, name: r.resource });
}

function resultWord(r: TestRow): string {
  if (r.ok) return 'Pass';
  if (r.actual === 'not found') return 'Not found';
  if (r.actual === 'not evaluated') return 'Not evaluated';
  return `Fail (want ${r.expected}, got ${r.actual})`;
}

// Says where each mismatching mutated resource differs from its expected patched resource (numbered as in the table).
function printDiffs(ctx: CliContext, shown: readonly TestRow[]): void {
  shown.forEach((r, i) => {
    if (!r.diff || r.ok) return;
    ctx.io.stdout(`\n${i + 1}. ${resourceLabel(r)} (${r.policy}/${r.rule}): ${r.message}\n${r.diff.map((d) => `   ${d}\n`).join('')}`);
  });
}

function runTest(ctx: CliContext, paths: string[], opts: { fileName: string; failOnly?: boolean; detailedResults?: boolean; kyvernoVersion?: string } & ValidateOptions, cmd: Command): void {
  const format = outputFormat(cmd, ['table', 'json', 'yaml', 'junit']);
  const validation = policyValidation(opts);
  const roots = paths.length > 0 ? paths : ['.'];
  const files = findSuites(roots, opts.fileName);
  if (files.length === 0) throw new UsageError(`test: no ${opts.fileName} found under ${roots.join(', ')}`);
  const profile = profileFor(opts.kyvernoVersion, undefined);
  const runs: SuiteRun[] = files.map((f) => runSuiteFile(f, profile, validation));
  printWarnings(ctx.io, runs.flatMap((r) => r.warnings ?? []));
  const errors = runs.flatMap((r) => r.errors);
  const rows = runs.flatMap((r) => r.rows);
  const skipped = rows.filter((r) => r.actual === 'not evaluated').length;
  const failed = rows.filter((r) => !r.ok && r.actual !== 'not evaluated').length;
  const passed = rows.filter((r) => r.ok).length;
  if (format === 'junit') ctx.io.stdout(junitXml(runs));
  else if (format === 'json' || format === 'yaml') {
    (format === 'json' ? printJson : printYaml)(ctx.io, {
      summary: { passed, failed, skipped },
      results: rows.map((r) => ({
        suite: r.suite,
        policy: r.policy,
        rule: r.rule,
        kind: r.kind,
        resource: r.resource,
        expected: r.expected,
        actual: r.actual,
        ok: r.ok,
        message: r.message,
        ...(r.diff ? { diff: r.diff } : {}),
      })),
    });
  } else {
    for (const run of runs) {
      ctx.io.stdout(`\nExecuting ${run.name || run.file}...\n`);
      ctx.io.stdout(`applying ${run.policyCount} ${run.policyCount === 1 ? 'policy' : 'policies'} to ${run.resourceCount} ${run.resourceCount === 1 ? 'resource' : 'resources'}... \n`);
      const shown = opts.failOnly ? run.rows.filter((r) => !r.ok) : run.rows;
      // --detailed-results adds the engine's message, as the kyverno CLI's REASON column does.
      const header = ['#', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', ...(opts.detailedResults ? ['REASON'] : [])];
      const row = (r: TestRow, i: number) => [String(i + 1), r.policy, r.rule, resourceLabel(r), resultWord(r), ...(opts.detailedResults ? [r.message || (r.ok ? 'Ok' : '')] : [])];
      if (shown.length > 0) ctx.io.stdout(`\n${boxTable(header, shown.map(row))}`);
      printDiffs(ctx, shown);
    }
    ctx.io.stdout(`\nTest Summary: ${passed} tests passed and ${failed} tests failed${skipped > 0 ? ` (${skipped} not evaluated: not supported by podgate)` : ''}\n`);
  }
  // What Kyverno prints and carries on from (an unreadable patchedResource file fails its rows' comparison).
  for (const run of runs) for (const e of run.reported) ctx.io.stderr(`error: ${run.file}: ${e}\n`);
  for (const e of errors) ctx.io.stderr(`error: ${e}\n`);
  if (errors.length > 0) ctx.state.exitCode = EXIT.usage;
  else if (failed > 0) ctx.state.exitCode = EXIT.failures;
}

/**
 * Renders the kyverno-policies chart from values files (Helm -f order) into policies; a values or
 * render problem is a UsageError naming the file, chart warnings go to stderr.
 */
function loadChartPolicies(ctx: CliContext, files: readonly string[], version: ChartVersion, validate: ValidateOptions): Policy[] {
  const values = files.map((f) => readValuesFile(ctx.io, f, '--chart-values ').values);
  let rendered: ReturnType<typeof renderChart>;
  try {
    rendered = renderChart({ version, values, set: [] });
  } catch (err) {
    if (err instanceof ChartRenderError) throw new UsageError(`--chart-values ${files.join(', ')}: kyverno-policies ${version}: ${err.message}`);
    throw err;
  }
  for (const w of rendered.warnings) ctx.io.stderr(`warning: ${w.message} [${w.code}]\n`);
  const { policies, problems, warnings } = loadPolicyList(rendered.policies, (i) => rendered.sources[i] ?? files.join(', '), {
    ...policyValidation(validate),
    kyvernoVersion: chartKyvernoVersion(version),
  });
  printWarnings(ctx.io, warnings);
  if (problems.length > 0) throw new UsageError(`chart policies rendered from ${files.join(', ')} are invalid:\n  ${problems.join('\n  ')}`);
  return policies;
}

/** Loads policies from paths; any problem (file, document, field path) is a UsageError. */
async function loadPolicies(ctx: CliContext, paths: readonly string[], validate: ValidateOptions): Promise<Policy[]> {
  const { policies, problems, warnings } = loadPolicyObjects(await loadOrFail(ctx.io, paths), policyValidation(validate));
  printWarnings(ctx.io, warnings);
  if (problems.length > 0) throw new UsageError(`invalid policy:\n  ${problems.join('\n  ')}`);
  if (policies.length === 0) throw new UsageError(`apply: no Kyverno ClusterPolicy or Policy found in ${paths.join(', ')}`);
  return policies;
}

function readYamlFile(ctx: CliContext, path: string, what: string): unknown {
  let text: string;
  try {
    text = ctx.io.readFile(path);
  } catch (err) {
    throw new UsageError(`${what} ${path}: cannot read: ${(err as Error).message}`);
  }
  try {
    return parse(text, { uniqueKeys: false });
  } catch (err) {
    throw new UsageError(`${what} ${path}: YAML syntax error: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Namespace labels from a file: Namespace objects, or a `{namespace: {label: value}}` mapping. */
function readNamespaceLabels(ctx: CliContext, path: string): Record<string, Record<string, string>> {
  const text = ctx.io.readFile(path);
  const out: Record<string, Record<string, string>> = {};
  const doc: unknown = parse(text.split(/^---\s*$/m)[0] ?? '', { uniqueKeys: false });
  if (isObject(doc) && doc.kind === undefined) {
    for (const [ns, labels] of Object.entries(doc)) {
      if (!isObject(labels)) throw new UsageError(`--namespace-labels ${path}: ${ns}: expected a mapping of labels`);
      setOwn(out, ns, Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])));
    }
    return out;
  }
  for (const d of text.split(/^---\s*$/m)) {
    const o: unknown = parse(d, { uniqueKeys: false });
    const items = isObject(o) && Array.isArray(o.items) ? o.items : [o];
    for (const it of items) {
      if (isObject(it) && it.kind === 'Namespace' && isObject(it.metadata) && typeof it.metadata.name === 'string') {
        const labels = isObject(it.metadata.labels) ? it.metadata.labels : {};
        setOwn(out, it.metadata.name, { 'kubernetes.io/metadata.name': it.metadata.name, ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) });
      }
    }
  }
  return out;
}

interface ApplyOptions extends ContextOptions, ValidateOptions {
  auditWarn?: boolean;
  resource: string[];
  values?: string;
  namespaceLabels?: string;
  chartValues: string[];
  chartVersion: ChartVersion;
  kyvernoVersion?: string;
}

function applyContext(p: Policy, r: KubeObject, values: SuiteValues | undefined, nsLabels: Record<string, Record<string, string>>, cluster: ClusterContext | undefined, profile: EngineProfile): EvaluationContext {
  const ns = r.metadata?.namespace ?? '';
  const ctx = valuesContext(p.name, r, values, profile);
  // 1.12: `request.operation: UPDATE` goes through the processor `kyverno test` shares; v1.10.7 applies a CREATE.
  if (profile.applyUpdateFromValues) updateFromValues(ctx, r, profile);
  ctx.namespaceLabels = getOwn(nsLabels, ns) ?? ctx.namespaceLabels ?? (ns ? ((cluster && Object.hasOwn(cluster.namespaces, ns) ? cluster.namespaces[ns] : undefined) ?? { 'kubernetes.io/metadata.name': ns }) : {});
  if (cluster?.configMaps) ctx.configMaps = cluster.configMaps;
  if (cluster && cluster.exceptions.length > 0) ctx.exceptions = cluster.exceptions;
  return ctx;
}

/** One policy applied to one resource as `kyverno apply` does: mutation, then validation of the mutated resource. */
interface ApplyResult extends ReportInput {
  /** The policy's mutated resource, when a mutate rule changed it. */
  mutated?: KubeObject;
}

async function runApply(ctx: CliContext, policyPaths: string[], opts: ApplyOptions, cmd: Command): Promise<void> {
  const format = outputFormat(cmd, ['table', 'json', 'yaml', 'policyreport']);
  if (policyPaths.length === 0 && opts.chartValues.length === 0) throw new UsageError('apply: give one or more policy files or directories, or --chart-values');
  if (opts.resource.length === 0) throw new UsageError('apply: give one or more --resource files');
  // Chart policies first (as `helm template` prints them), then the given policy files.
  const policies = [
    ...(opts.chartValues.length > 0 ? loadChartPolicies(ctx, opts.chartValues, opts.chartVersion, opts) : []),
    ...(policyPaths.length > 0 ? await loadPolicies(ctx, policyPaths, opts) : []),
  ];
  const resources = (await loadOrFail(ctx.io, opts.resource)).map((l) => l.object);
  const valuesDoc = opts.values ? readYamlFile(ctx, opts.values, '--values') : undefined;
  const shapeErrors = valuesShapeErrors(valuesDoc);
  if (shapeErrors.length > 0) throw new UsageError(`--values ${opts.values}:\n  ${shapeErrors.join('\n  ')}`);
  const values = opts.values ? parseValues(valuesDoc) : undefined;
  const nsLabels = opts.namespaceLabels ? readNamespaceLabels(ctx, opts.namespaceLabels) : {};
  const cluster = await readClusterContext(ctx.io, opts, 'apply');
  const applied: ApplyResult[] = [];
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  let ruleCount = 0;
  const profile = profileFor(opts.kyvernoVersion, opts.chartVersion);
  const keyErrors = values ? valueKeyErrors(values, profile) : [];
  if (keyErrors.length > 0) throw new UsageError(`--values ${opts.values}:\n  ${keyErrors.join('\n  ')}`);
  // 1.12 (profile.testChainsMutations): each policy starts from the previous policy's output for the resource.
  const current = [...resources];
  for (const policy of policies) {
    const compiled = compilePolicy(policy);
    const evaluated = compiled.rules.filter((r) => r.validate || r.mutate).length;
    ruleCount += evaluated;
    for (const [ri, given] of resources.entries()) {
      // Like `kyverno apply`, each policy starts from the given resource (1.10) or the chain's output so far
      // (1.12), and validates its own mutated output.
      const start = profile.testChainsMutations ? current[ri]! : given;
      const ectx = applyContext(policy, start, values, nsLabels, cluster, profile);
      ectx.profile = profile;
      const resource = requestSubject(start, ectx, profile);
      const mutation = mutatePolicy(compiled, resource, ectx);
      current[ri] = mutation.patched;
      const validation = evaluatePolicy(compiled, mutation.patched, ectx);
      let result: PolicyResult = { ...validation, rules: [...mutation.rules, ...validation.rules] };
      // --audit-warn (kyverno apply): failures of a policy whose action here is Audit are warnings.
      if (opts.auditWarn && effectiveAction(policy, resource.metadata?.namespace ?? '', ectx.namespaceLabels ?? {}) === 'Audit') {
        result = { ...result, rules: result.rules.map((r) => (r.status === 'fail' && r.ruleType === 'validate' ? { ...r, status: 'warn' } : r)) };
      }
      applied.push({ policy, resource, result, ...(mutation.patched !== resource ? { mutated: mutation.patched } : {}) });
      for (const r of result.rules) summary[r.status]++;
      // A rule with no response (not matched) counts as skip, as in `kyverno apply`.
      summary.skip += Math.max(0, evaluated - result.rules.length);
    }
  }
  const results: PolicyResult[] = applied.map((i) => i.result);
  if (format === 'json') printJson(ctx.io, { summary, results, mutated: applied.flatMap((a) => (a.mutated ? [{ policy: a.policy.name, resource: a.mutated }] : [])) });
  else if (format === 'yaml') {
    // The mutated resources only, one YAML document per (policy, resource), as `kyverno apply` prints them.
    const docs = applied.flatMap((a) => (a.mutated ? [`# mutate policy ${a.policy.name} applied to ${resourcePath(a.result.resource)}\n${toYamlText(a.mutated)}`] : []));
    ctx.io.stdout(docs.join('---\n'));
  } else if (format === 'policyreport') {
    // Reports carry validation results, as Kyverno's policy reports do.
    const reports = buildPolicyReports(
      applied.map((a) => ({ ...a, result: { ...a.result, rules: a.result.rules.filter((r) => r.ruleType !== 'mutate') } })),
      new Date(),
    );
    ctx.io.stdout(reports.map((r) => toYamlText(r)).join('---\n'));
  } else {
    ctx.io.stdout(`\nApplying ${ruleCount} policy ${ruleCount === 1 ? 'rule' : 'rules'} to ${resources.length} ${resources.length === 1 ? 'resource' : 'resources'}...\n`);
    for (const { result } of applied) {
      const failed = result.rules.filter((r) => r.status === 'fail' || r.status === 'error');
      if (failed.length === 0) continue;
      ctx.io.stdout(`\npolicy ${result.policy.name} -> resource ${result.resource.namespace ?? ''}/${result.resource.kind}/${result.resource.name} failed: \n`);
      result.rules.forEach((r, i) => {
        if (r.status === 'fail' || r.status === 'error') ctx.io.stdout(`${i + 1}. ${r.rule}: ${r.message} \n`);
      });
    }
    const rows = results.flatMap((res) => res.rules.map((r) => [res.policy.name, r.rule, r.ruleType, resourcePath(res.resource), r.status, r.message]));
    if (rows.length > 0) ctx.io.stdout(`\n${table(['POLICY', 'RULE', 'TYPE', 'RESOURCE', 'RESULT', 'MESSAGE'], rows)}`);
    ctx.io.stdout(`\npass: ${summary.pass}, fail: ${summary.fail}, warn: ${summary.warn}, error: ${summary.error}, skip: ${summary.skip} \n`);
  }
  if (summary.fail > 0 || summary.error > 0) ctx.state.exitCode = EXIT.failures;
}

/** Registers `test` and `apply`. */
export function registerKyverno(program: Command, ctx: CliContext): void {
  const test = program
    .command('test')
    .description('run kyverno-test.yaml suites (like kyverno test); -o table|json|yaml|junit')
    .argument('[path...]', 'directories or test files (default: .)')
    .option('-f, --file-name <name>', 'test file name to look for', 'kyverno-test.yaml')
    .option('--fail-only', 'show only failed rows in the table')
    .addOption(kyvernoVersionOption())
    .option('--detailed-results', 'add a REASON column (the engine message) to the table')
    .action((paths: string[], opts: { fileName: string; failOnly?: boolean; detailedResults?: boolean; kyvernoVersion?: string }, cmd: Command) => runTest(ctx, paths, opts, cmd));
  // The kyverno CLI decodes suites leniently (unknown fields are dropped), so test warns by default.
  validateOptions(test, 'warn');
  const apply = program
    .command('apply')
    .description('apply Kyverno policies to resources: every verdict (mutate and validate); -o yaml prints the mutated resources; -o table|json|yaml|policyreport')
    .argument('[policy...]', 'policy files or directories')
    .option('-r, --resource <path>', 'resource file or directory (repeatable; - for stdin)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--values <file>', 'a Kyverno values file (globalValues, per-rule and per-resource values, namespaceSelector)')
    .option('--namespace-labels <file>', 'namespace labels: Namespace objects or a {namespace: {label: value}} mapping')
    .option('--chart-values <file>', 'also apply the kyverno-policies chart rendered with this values file (repeatable, later files win)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option('--chart-version <version>', 'kyverno-policies chart version for --chart-values').choices(CHART_VERSIONS).default('3.0.7'))
    .addOption(kyvernoVersionOption())
    .option('--audit-warn', 'report failures of Audit policies as warnings (exit 0 unless an Enforce policy fails), as kyverno apply --audit-warn');
  contextOptions(apply).action((policies: string[], opts: ApplyOptions, cmd: Command) => runApply(ctx, policies, opts, cmd));
  validateOptions(apply, 'strict');
}
