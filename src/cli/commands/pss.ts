// CLI commands of the pss area: `pss check` (PSA verdicts for pods and pod templates at a level
// and version) and `pss suggest` (PSA namespace labels a cluster dump's workloads already satisfy).
import type { Command } from 'commander';
import { LIVE_KINDS } from '../../cluster/index.js';
import { buildSnapshot, type ClusterSnapshot, type KubeObject, podView } from '../../kube/index.js';
import { findUserNamespaces, usersInSnapshot } from '../../migrate/user-namespaces.js';
import { renderUser } from '../../permissions/index.js';
import { evaluatePod, isPssLevel, type NamespaceSuggestion, parsePssVersion, suggestNamespaceLabels } from '../../pss/index.js';
import { isObject, type JsonObject } from '../../util/index.js';
import { EXIT, UsageError } from '../io.js';
import { type ClusterOptions, clusterOptions, readCluster } from '../cluster-input.js';
import { isWide, loadOrFail, outputFormat, printJson, printYaml, table } from '../output.js';
import type { CliContext } from '../program.js';

/** One `pss check` verdict, as printed by `-o json`. */
interface CheckRow {
  file: string;
  kind: string;
  namespace: string | null;
  name: string | null;
  allowed: boolean;
  message: string | null;
}

function registerCheck(pss: Command, ctx: CliContext): void {
  pss
    .command('check')
    .description('evaluate each pod and pod template as Pod Security Admission would')
    .argument('<path...>', 'files or directories of manifests (- for stdin)')
    .requiredOption('--level <level>', 'Pod Security Standards level: baseline or restricted (privileged allows everything)')
    .option('--version <version>', 'policy version: latest or v1.N', 'latest')
    .action(async (paths: string[], opts: { level: string; version: string }, cmd: Command) => {
      const format = outputFormat(cmd, ['text', 'json', 'yaml', 'table']);
      if (!isPssLevel(opts.level)) throw new UsageError(`pss check: --level ${opts.level} is not a level; use baseline, restricted or privileged`);
      if (parsePssVersion(opts.version) === undefined) throw new UsageError(`pss check: --version ${opts.version} is not a policy version; use latest or v1.N (e.g. v1.24)`);
      const objects = await loadOrFail(ctx.io, paths, false);
      const rows: CheckRow[] = [];
      // Objects with a pod template PSA does not know (an Argo Rollout, an OpenKruise CloneSet): PSA
      // checks Pods and the built-in workload kinds only, so they are not checked, and the user is told.
      const unchecked: string[] = [];
      for (const lo of objects) {
        const view = podView(lo.object) ?? podTemplateView(lo.object);
        if (!view) {
          if (hasPodTemplate(lo.object)) unchecked.push(`${lo.object.kind}/${lo.object.metadata?.namespace ? `${lo.object.metadata.namespace}/` : ''}${lo.object.metadata?.name ?? ''} (${lo.source.file})`);
          continue;
        }
        const r = evaluatePod({ metadata: view.metadata, spec: view.spec }, opts.level, opts.version);
        const m = lo.object.metadata;
        rows.push({ file: lo.source.file, kind: lo.object.kind, namespace: m.namespace ?? null, name: m.name ?? m.generateName ?? null, allowed: r.allowed, message: r.message ?? null });
      }
      if (rows.some((r) => !r.allowed)) ctx.state.exitCode = EXIT.failures;
      if (unchecked.length > 0 && unchecked.length <= NAMED_UNCHECKED) {
        ctx.io.stderr(`note: not checked: ${unchecked.join(', ')}: a pod template in a kind Pod Security Admission does not check (it checks Pods and the built-in workload kinds); the pods it creates are checked when they are created\n`);
      } else if (unchecked.length > NAMED_UNCHECKED) {
        // A cluster dump can hold thousands (Argo Rollouts, operators' own kinds): one readable line, counted.
        ctx.io.stderr(
          `note: not checked: ${unchecked.length} pod templates in kinds Pod Security Admission does not check (${unchecked.slice(0, NAMED_UNCHECKED).join(', ')} and ${unchecked.length - NAMED_UNCHECKED} more): it checks Pods and the built-in workload kinds; the pods they create are checked when they are created\n`,
        );
      }
      if (rows.length === 0 && unchecked.length === 0) ctx.io.stderr('note: no Pod or pod template was found in the input: nothing was checked\n');
      if (format === 'json') return printJson(ctx.io, { results: rows });
      if (format === 'yaml') return printYaml(ctx.io, { results: rows });
      if (format === 'table') {
        const wide = isWide(cmd);
        return ctx.io.stdout(
          table(
            ['NAMESPACE', 'KIND', 'NAME', 'RESULT', ...(wide ? ['FILE'] : []), 'MESSAGE'],
            rows.map((r) => [r.namespace ?? '', r.kind, r.name ?? '', r.allowed ? 'allowed' : 'denied', ...(wide ? [r.file] : []), r.message ?? '']),
          ),
        );
      }
      for (const r of rows) {
        const id = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}`;
        ctx.io.stdout(`${r.file}: ${id}: ${r.allowed ? 'allowed' : `denied: ${r.message}`}\n`);
      }
      const denied = rows.filter((r) => !r.allowed).length;
      ctx.io.stdout(`${rows.length} checked at ${opts.level}:${opts.version}, ${rows.length - denied} allowed, ${denied} denied\n`);
    });
}

/**
 * A core PodTemplate's template (`template.metadata`, `template.spec`): Pod Security Admission checks
 * podtemplates as it checks the workload kinds (pod-security-admission DefaultPodSpecResources).
 */
function podTemplateView(o: KubeObject): { metadata: KubeObject['metadata']; spec: JsonObject } | undefined {
  if (o.kind !== 'PodTemplate') return undefined;
  const template: unknown = (o as { template?: unknown }).template;
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  return { metadata: (isObject(template.metadata) ? template.metadata : {}) as KubeObject['metadata'], spec: template.spec };
}

/** Whether an object of a kind podView does not know carries a pod template (spec.template.spec, or a CronJob-like jobTemplate). */
function hasPodTemplate(o: KubeObject): boolean {
  const spec: unknown = (o as { spec?: unknown }).spec;
  if (!isObject(spec)) return false;
  const template = isObject(spec.template) ? spec.template : isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec.template : undefined;
  return isObject(template) && isObject(template.spec) && Array.isArray(template.spec.containers);
}

/** What confines a user namespace when PSA cannot: the per-user policies, and why baseline is impossible. */
interface UserNote {
  user: string;
  /** Set when the namespace belongs to a group of people, not one user. */
  group?: true;
  evidence: string;
  /** The per-user Kyverno ClusterPolicies that confine the namespace. */
  confinedBy: string[];
  /** The home-directory hostPath grants the per-user policies allow. */
  hostPaths: string[];
  /** Why baseline cannot be enforced: each workload and the field PSA refuses. */
  baselineImpossible: string[];
  note: string;
}

type Suggestion = NamespaceSuggestion & { user?: UserNote };

function userNotes(snap: ClusterSnapshot, list: readonly NamespaceSuggestion[], pinned: string): Suggestion[] {
  const { users } = usersInSnapshot(snap);
  const owners = findUserNamespaces(snap, users);
  return list.map((s) => {
    const owner = owners.get(s.namespace);
    if (!owner) return s;
    if (owner.group) {
      // No per-user policies confine a group's namespace: PSA's level (or the chart's policies) is all there is.
      const note = `members of group ${owner.user} create pods here; podgate renders no per-user policies for a group, so nothing but PSA and the chart's policies (never exempted here) confines ${s.namespace}`;
      return { ...s, user: { user: owner.user, group: true, evidence: owner.evidence, confinedBy: [], hostPaths: [], baselineImpossible: [], note } };
    }
    const u = users.find((x) => x.name === owner.user);
    const confinedBy = u ? renderUser(u, { psp: false }).filter((o) => o.kind === 'ClusterPolicy').map((o) => o.metadata.name ?? '') : [];
    const hostPaths = u ? u.hostPaths.map((h) => h.pathPrefix) : [];
    const baselineImpossible = s.level === 'privileged' ? s.blockers.filter((b) => b.level === 'baseline').map((b) => `${b.kind}/${b.name}: ${b.message.replace(/^violates PodSecurity "[^"]*": /, '')}`) : [];
    const grants = hostPaths.length > 0 ? hostPaths.join(', ') : `/home/${owner.user}`;
    const note =
      s.level === 'privileged'
        ? `baseline is impossible here (${baselineImpossible.join('; ')}) and PSA has no way to say "hostPath only under ${grants}", so enforce stays privileged (pinned to ${pinned}); what confines ${s.namespace} is the per-user Kyverno policies${confinedBy.length > 0 ? ` ${confinedBy.join(', ')}` : ' (podgate users render)'}, which are not bypassable by the user`
        : `also confined by the per-user Kyverno policies${confinedBy.length > 0 ? ` ${confinedBy.join(', ')}` : ''}`;
    return { ...s, user: { user: owner.user, evidence: owner.evidence, confinedBy, hostPaths, baselineImpossible, note } };
  });
}

function printSuggestions(ctx: CliContext, list: readonly Suggestion[]): void {
  ctx.io.stdout(
    table(
      ['NAMESPACE', 'WORKLOADS', 'SATISFIES', 'CURRENT ENFORCE', 'HELD BACK BY'],
      list.map((s) => [
        s.namespace,
        String(s.workloads),
        `${s.level}:${s.version}`,
        s.current['pod-security.kubernetes.io/enforce'] ?? '-',
        s.blockers.length === 0 ? '-' : `${s.blockers.length} workload${s.blockers.length === 1 ? '' : 's'}`,
      ]),
    ),
  );
  for (const s of list) {
    const who = s.user ? ` (${s.user.group ? 'group' : 'user'} ${s.user.user}: ${s.user.evidence})` : '';
    ctx.io.stdout(`\nnamespace ${s.namespace}${who}: kubectl label --overwrite ns ${s.namespace} ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
    for (const b of s.blockers) ctx.io.stdout(`  held back from ${b.level}:${s.labels['pod-security.kubernetes.io/warn-version']} by ${b.kind}/${b.name} (${b.file}): ${b.message}\n`);
    if (s.user) ctx.io.stdout(`  ${s.user.note}\n`);
  }
}

function registerSuggest(pss: Command, ctx: CliContext): void {
  clusterOptions(pss.command('suggest').description('per namespace: the strictest PSS level its workloads satisfy and the PSA labels to set, pinned to the cluster version'))
    .option('--kubernetes <version>', 'the cluster’s Kubernetes version: every label is pinned to it (never latest)', '1.24')
    .action(async (opts: ClusterOptions & { kubernetes: string }, cmd: Command) => {
      const format = outputFormat(cmd, ['text', 'json', 'yaml', 'table']);
      const minor = /^v?1\.(\d+)(\.\d+)?$/.exec(opts.kubernetes)?.[1];
      if (minor === undefined) throw new UsageError(`pss suggest: --kubernetes ${JSON.stringify(opts.kubernetes)} is not a Kubernetes version like 1.24`);
      const snap = buildSnapshot((await readCluster(ctx.io, opts, 'pss suggest', { kinds: PSS_KINDS })).objects);
      const list = userNotes(snap, suggestNamespaceLabels(snap, { minor: Number(minor) }), `v1.${minor}`);
      if (format === 'json') return printJson(ctx.io, { namespaces: list });
      if (format === 'yaml') return printYaml(ctx.io, { namespaces: list });
      if (format === 'table') {
        return ctx.io.stdout(
          table(
            ['NAMESPACE', 'WORKLOADS', 'SATISFIES', 'CURRENT ENFORCE', 'LABELS'],
            list.map((s) => [s.namespace, String(s.workloads), `${s.level}:${s.version}`, s.current['pod-security.kubernetes.io/enforce'] ?? '-', Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',')]),
          ),
        );
      }
      printSuggestions(ctx, list);
    });
}

/** What `pss suggest` reads from a live cluster: namespaces, workloads and the RoleBindings that show user namespaces. */
const PSS_KINDS = LIVE_KINDS.filter((k) => k.kind === 'Namespace' || k.kind === 'RoleBinding' || (k.apiVersion !== 'rbac.authorization.k8s.io/v1' && !k.apiVersion.startsWith('kyverno.io') && k.kind !== 'PodSecurityPolicy' && k.kind !== 'ServiceAccount'));

/** Registers the pss commands. */
/** Unchecked pod templates named one by one in the note; more are counted. */
const NAMED_UNCHECKED = 10;

export function registerPss(program: Command, ctx: CliContext): void {
  const pss = program.command('pss').description('Pod Security Standards checks and PSA namespace labels');
  registerCheck(pss, ctx);
  registerSuggest(pss, ctx);
}
