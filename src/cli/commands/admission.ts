// CLI commands of the admission area: `admit` answers one AdmissionReview as the webhook would
// (Kyverno 1.10's decision and denial text, the mutating webhook's JSONPatch) and prints the
// AdmissionReview response (JSON, or YAML with -o yaml), in the context of a cluster dump when given.
import { kyvernoVersionOption, profileFor } from '../kyverno-version.js';
import { type Command, Option } from 'commander';
import { parse } from 'yaml';
import { CHART_VERSIONS, type ChartVersion } from '../../chart/index.js';
import { defaultKyvernoConfig } from '../../kyverno/config/index.js';
import { admitReview, createKyvernoEngine, loadPolicySources, type WebhookMode } from '../../webhook/index.js';
import { type ContextOptions, contextOptions, readClusterContext } from '../cluster-context-input.js';
import { EXIT, UsageError } from '../io.js';
import { outputFormat, printData, table } from '../output.js';
import type { CliContext } from '../program.js';
import { checkReview, policyValidation, type ValidateOptions, validateOptions } from '../validate-input.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface AdmitOptions extends ContextOptions, ValidateOptions {
  policy?: string[];
  chartValues?: string;
  chartVersion: ChartVersion;
  kyvernoVersion?: string;
  users?: string[];
  request: string;
  mode: WebhookMode;
  defaultFilters: boolean;
}

/** Registers the admission commands. */
export function registerAdmission(program: Command, ctx: CliContext): void {
  const admit = program
    .command('admit')
    .description('answer an AdmissionReview (JSON or YAML, - for stdin) as the podgate/Kyverno webhook would; prints the response review (mutation as a base64 JSONPatch); -o json|yaml')
    .option('--policy <path>', 'Kyverno policy file or directory (repeatable)', collect)
    .option('--chart-values <file>', 'kyverno-policies chart values to render policies from')
    .addOption(new Option('--chart-version <v>', 'kyverno-policies chart version for --chart-values').choices(CHART_VERSIONS).default('3.0.7'))
    .addOption(kyvernoVersionOption())
    .option('--users <path>', 'PermissionUser records (or backups, BCM user objects) whose per-user policies apply (repeatable)', collect)
    .requiredOption('--request <file>', 'admission.k8s.io/v1 or v1beta1 AdmissionReview; - for stdin')
    .addOption(new Option('--mode <mode>', 'enforce: as Kyverno; audit: never deny, warn instead').choices(['enforce', 'audit']).default('enforce'))
    .option('--no-default-filters', "evaluate even what Kyverno's default resourceFilters never show the engine (kube-system, ReplicaSets, ...)");
  contextOptions(admit).action(async (o: AdmitOptions, cmd: Command) => {
      const fmt = outputFormat(cmd, ['json', 'yaml', 'table']);
      const policy = o.policy ?? [];
      if (policy.length === 0 && !o.chartValues && !o.users) throw new UsageError('admit: give --policy PATH, --chart-values FILE or --users PATH');
      const stdin = o.request === '-' || policy.includes('-') ? await ctx.io.readStdin() : undefined;
      if (o.request === '-' && policy.includes('-')) throw new UsageError('admit: only one of --policy and --request can read stdin');
      const loaded = loadPolicySources({ policies: policy, validation: policyValidation(o), ...(o.chartValues ? { chartValues: o.chartValues, chartVersion: o.chartVersion } : {}), ...(o.users ? { users: o.users } : {}) }, stdin);
      if (!loaded.ok) throw new UsageError(loaded.problems.join('\n'));
      for (const w of loaded.warnings) ctx.io.stderr(`warning: ${w}\n`);
      let text: string;
      try {
        text = o.request === '-' ? (stdin ?? '') : ctx.io.readFile(o.request);
      } catch (err) {
        throw new UsageError(`--request ${o.request}: ${(err as Error).message}`);
      }
      let body: unknown;
      try {
        // YAML is a superset of JSON; keep duplicate keys an error as the API server's decoder would not see them.
        body = parse(text, { uniqueKeys: true, maxAliasCount: 100 });
      } catch (err) {
        if (err instanceof RangeError || /call stack/i.test((err as Error).message)) throw new UsageError(`--request ${o.request}: nesting too deep to read (podgate's limit is 1000 levels)`);
        throw new UsageError(`--request ${o.request}: ${(err as Error).message}`);
      }
      checkReview(body, o.request === '-' ? 'stdin' : o.request);
      const cluster = await readClusterContext(ctx.io, o, 'admit');
      const profile = profileFor(o.kyvernoVersion, o.chartVersion);
      const engine = createKyvernoEngine(loaded.policies, cluster ? { context: { snapshot: () => cluster }, profile } : { profile });
      const handled = admitReview(body, engine, {
        mode: o.mode,
        ...(o.defaultFilters ? { config: defaultKyvernoConfig() } : {}),
      });
      if (handled.kind === 'invalid') throw new UsageError(`--request ${o.request}: ${handled.reason}`);
      const res = (handled.review as { response?: { uid?: string; allowed?: boolean; status?: { message?: string }; warnings?: string[]; patch?: string } }).response ?? {};
      printData(ctx.io, fmt, handled.review, () =>
        table(['UID', 'ALLOWED', 'PATCHED', 'MESSAGE'], [[res.uid ?? '', res.allowed ? 'yes' : 'no', res.patch ? 'yes' : 'no', (res.status?.message ?? res.warnings?.join('; ') ?? '').trim().replace(/\s*\n\s*/g, ' ')]]),
      );
      if (handled.skipped) ctx.io.stderr(`note: request not evaluated (${handled.skipped}); Kyverno's resourceFilters/excludeGroups/excludeUsernames skip it\n`);
      if (handled.decision.webhook) ctx.io.stderr(`denied by webhook "${handled.decision.webhook}"\n`);
      if (!handled.decision.allowed) ctx.state.exitCode = EXIT.failures;
    });
  validateOptions(admit, 'strict');
}
