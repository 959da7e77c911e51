// CLI commands of the chart area: `chart render` (what `helm template kyverno/kyverno-policies` would
// print, plus warnings for the chart's traps) and `versions` (Kyverno/Kubernetes/chart compatibility).
import { type Command, Option } from 'commander';
import {
  CHART_VERSIONS,
  type ChartVersion,
  ChartRenderError,
  type ChartWarning,
  type KyvernoChoice,
  kubeMinor,
  renderChart,
  versionMatrix,
} from '../../chart/index.js';
import type { JsonObject } from '../../util/index.js';
import { UsageError } from '../io.js';
import { isWide, outputFormat, printJson, printYaml, table } from '../output.js';
import type { CliContext } from '../program.js';
import { kubernetesVersion, readValuesFile } from '../validate-input.js';
import { toYamlText } from '../../kube/index.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** Formats one warning for stderr. */
export function formatChartWarning(w: ChartWarning): string {
  return `warning: ${w.message} [${w.code}]`;
}

interface RenderFlags {
  chartVersion: ChartVersion;
  values: string[];
  set: string[];
  release: string;
  namespace: string;
  kubeVersion?: string;
}

async function readValues(ctx: CliContext, files: readonly string[]): Promise<JsonObject[]> {
  const stdin = files.includes('-') ? await ctx.io.readStdin() : '';
  return files.map((f) => readValuesFile(ctx.io, f, '', f === '-' ? stdin : undefined).values);
}

function choice(c: KyvernoChoice | undefined): string {
  if (!c) return '-';
  const charts = [c.kyvernoChart && `kyverno ${c.kyvernoChart}`, c.kyvernoPoliciesChart && `kyverno-policies ${c.kyvernoPoliciesChart}`].filter(Boolean);
  return `Kyverno ${c.kyverno}${charts.length > 0 ? ` (${charts.join(', ')})` : ''}`;
}

/** Registers `chart render` and `versions`. */
export function registerChart(program: Command, ctx: CliContext): void {
  const chart = program.command('chart').description('the kyverno-policies Helm chart, rendered without Helm');
  chart
    .command('render')
    .description('print the ClusterPolicies `helm template kyverno/kyverno-policies` renders for these values')
    .addOption(new Option('--chart-version <version>', 'kyverno-policies chart version').choices(CHART_VERSIONS).default('3.0.7'))
    .option('-f, --values <file>', 'values file, `-` for stdin (repeatable; later files win)', collect, [])
    .option('--set <key=value>', 'set values like helm --set (repeatable)', collect, [])
    .option('--release <name>', 'release name', 'kyverno-policies')
    .option('--namespace <ns>', 'release namespace', 'kyverno')
    .option('--kube-version <version>', "check the chart's kubeVersion against this Kubernetes version (like helm --kube-version)")
    .action(async (opts: RenderFlags, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json', 'table']);
      const values = await readValues(ctx, opts.values);
      let result: ReturnType<typeof renderChart>;
      try {
        result = renderChart({
          version: opts.chartVersion,
          values,
          set: opts.set,
          release: opts.release,
          namespace: opts.namespace,
          ...(opts.kubeVersion !== undefined ? { kubernetes: opts.kubeVersion } : {}),
        });
      } catch (err) {
        if (err instanceof ChartRenderError) throw new UsageError(`chart render: ${err.message}`);
        throw err;
      }
      for (const w of result.warnings) ctx.io.stderr(`${formatChartWarning(w)}\n`);
      if (fmt === 'json') return printJson(ctx.io, { policies: result.policies, warnings: result.warnings });
      if (fmt === 'table') {
        const spec = (p: (typeof result.policies)[number]) => (p.spec ?? {}) as { validationFailureAction?: string; background?: boolean; rules?: unknown[] };
        const wide = isWide(cmd);
        const rows = result.policies.map((p, i) => [
          String(p.metadata.name ?? ''),
          String(spec(p).validationFailureAction ?? 'Audit'),
          String(spec(p).background ?? true),
          String(spec(p).rules?.length ?? 0),
          ...(wide ? [result.sources[i] ?? ''] : []),
        ]);
        return ctx.io.stdout(table(['NAME', 'ACTION', 'BACKGROUND', 'RULES', ...(wide ? ['SOURCE'] : [])], rows));
      }
      ctx.io.stdout(result.policies.map((p, i) => `---\n# Source: ${result.sources[i] ?? ''}\n${toYamlText(p)}`).join(''));
    });

  program
    .command('versions')
    .description('which Kyverno and chart versions support a Kubernetes version, and the upgrade path')
    .option('--kubernetes <version>', 'Kubernetes version', kubernetesVersion, '1.24')
    .action(async (opts: { kubernetes: string }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      if (!kubeMinor(opts.kubernetes)) throw new UsageError(`versions: --kubernetes ${JSON.stringify(opts.kubernetes)} is not a version like 1.24`);
      const m = versionMatrix(opts.kubernetes);
      if (fmt === 'json') return printJson(ctx.io, m);
      if (fmt === 'yaml') return printYaml(ctx.io, m);
      const yes = (b: boolean) => (b ? 'yes' : 'no');
      const out = [
        `Kubernetes ${m.kubernetes}\n\n`,
        table(
          ['KYVERNO', 'KUBERNETES', 'TESTED'],
          m.kyverno.map((r) => [r.kyverno, `${r.kubernetesMin}-${r.kubernetesMax}`, yes(r.supported)]),
        ),
        '\n',
        table(
          ['CHART', 'LINE', 'KYVERNO', 'LATEST', 'KUBEVERSION', 'INSTALLS', 'TESTED'],
          m.charts.map((c) => [c.chart, c.line, c.kyverno, `${c.latest ? `${c.latest.chart} (${c.latest.app})` : '-'}${c.upstreamNewer ? ` [upstream ${c.upstreamNewer}: not verified]` : ''}`, c.kubeVersion, yes(c.installable), yes(c.tested)]),
        ),
        `\nNewest safe choice: ${m.newestSafe ? choice(m.newestSafe) : `none verified by podgate for Kubernetes ${m.kubernetes}`}\n`,
        `Chart versions: ${m.note}.\n`,
      ];
      if (m.upgradePath.length > 0) {
        out.push('\nUpgrade path (run the first column while upgrading Kubernetes, then move to the second):\n');
        out.push(table(['KUBERNETES', 'WHILE UPGRADING', 'NEWEST AFTER'], m.upgradePath.map((s) => [s.kubernetes, choice(s.before), choice(s.newest)])));
        for (const s of m.upgradePath) if (s.note) out.push(`\n${s.kubernetes}: ${s.note}.\n`);
      }
      ctx.io.stdout(out.join(''));
    });
}
