// CLI commands of the admission area: `admit` answers one AdmissionReview as the webhook would
// (Kyverno 1.10's decision and denial text) and prints the AdmissionReview response JSON.
import { type Command, Option } from 'commander';
import { parse } from 'yaml';
import {
  createKyvernoEngine,
  DEFAULT_EXCLUDE_GROUPS,
  DEFAULT_RESOURCE_FILTERS,
  handleReview,
  loadPolicyFiles,
  parseResourceFilters,
  type WebhookMode,
} from '../../webhook/index.js';
import { EXIT, UsageError } from '../io.js';
import { printJson } from '../output.js';
import type { CliContext } from '../program.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Registers the admission commands. */
export function registerAdmission(program: Command, ctx: CliContext): void {
  program
    .command('admit')
    .description('answer an AdmissionReview (JSON or YAML, - for stdin) as the podgate/Kyverno webhook would; prints the response review')
    .requiredOption('--policy <path>', 'Kyverno policy file or directory (repeatable)', collect)
    .requiredOption('--request <file>', 'admission.k8s.io/v1 or v1beta1 AdmissionReview; - for stdin')
    .addOption(new Option('--mode <mode>', 'enforce: as Kyverno; audit: never deny, warn instead').choices(['enforce', 'audit']).default('enforce'))
    .option('--no-default-filters', "evaluate even what Kyverno's default resourceFilters never show the engine (kube-system, ReplicaSets, ...)")
    .action(async (o: { policy: string[]; request: string; mode: WebhookMode; defaultFilters: boolean }) => {
      const stdin = o.request === '-' || o.policy.includes('-') ? await ctx.io.readStdin() : undefined;
      if (o.request === '-' && o.policy.includes('-')) throw new UsageError('admit: only one of --policy and --request can read stdin');
      const loaded = loadPolicyFiles(o.policy, stdin);
      if (!loaded.ok) throw new UsageError(loaded.problems.join('\n'));
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
        throw new UsageError(`--request ${o.request}: ${(err as Error).message}`);
      }
      const handled = handleReview(body, createKyvernoEngine(loaded.policies), {
        mode: o.mode,
        resourceFilters: o.defaultFilters ? parseResourceFilters(DEFAULT_RESOURCE_FILTERS).filters : [],
        excludeGroups: o.defaultFilters ? DEFAULT_EXCLUDE_GROUPS : [],
      });
      if (handled.kind === 'invalid') throw new UsageError(`--request ${o.request}: ${handled.reason}`);
      printJson(ctx.io, handled.review);
      if (handled.skipped) ctx.io.stderr(`note: request not evaluated (${handled.skipped}); Kyverno's resourceFilters/excludeGroups skip it\n`);
      if (handled.decision.webhook) ctx.io.stderr(`denied by webhook "${handled.decision.webhook}"\n`);
      if (!handled.decision.allowed) ctx.state.exitCode = EXIT.failures;
    });
}
