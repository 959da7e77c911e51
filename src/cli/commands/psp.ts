// CLI commands of the psp area: `psp check` runs Kubernetes 1.24 PodSecurityPolicy admission for one
// pod offline; `psp who-can-use` lists, for every PSP, who may use it and through which binding.
import { type Command, Option } from 'commander';
import { buildSnapshot, type ClusterSnapshot, formatFieldError, formatSource, type KubeObject, toYamlText } from '../../kube/index.js';
import { admitPod, admitServiceAccount, nonRootByImageUser, type PspResult, whoCanUsePsp } from '../../psp/index.js';
import { EXIT, UsageError } from '../io.js';
import { clusterDumpPath } from '../../cluster/index.js';
import { applyDecodeDefaults, isServerObject, writtenOut } from '../../migrate/defaulting.js';
import { loadOrFail, outputFormat, printJson, printYaml, table } from '../output.js';
import type { CliContext } from '../program.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface CheckOptions {
  pod: string;
  cluster?: string;
  psp?: string[];
  rbac?: string[];
  user: string;
  group?: string[];
  namespace?: string;
  operation: string;
}

async function loadSnapshot(ctx: CliContext, paths: readonly string[]): Promise<ClusterSnapshot> {
  return buildSnapshot(await loadOrFail(ctx.io, paths));
}

async function loadPod(ctx: CliContext, path: string): Promise<KubeObject> {
  const objs = await loadOrFail(ctx.io, [path], false);
  const pods = objs.filter((o) => o.object.kind === 'Pod');
  if (pods.length !== 1 || objs.length !== 1) {
    throw new UsageError(`--pod ${path}: expected exactly one Pod object, found ${objs.length} object(s) of which ${pods.length} Pod(s)`);
  }
  return pods[0]!.object;
}

/** The `-o json` shape of a check: exactly these five fields. */
function checkJson(r: PspResult, pod: KubeObject): { allowed: boolean; policy: string | null; message: string | null; mutated: boolean; pod: KubeObject } {
  return { allowed: r.allowed, policy: r.policy ?? null, message: r.message ?? null, mutated: r.mutated, pod: r.mutatedPod ?? pod };
}

/** Registers the psp commands. */
export function registerPsp(program: Command, ctx: CliContext): void {
  const psp = program.command('psp').description('PodSecurityPolicy admission, exact to Kubernetes 1.24');

  psp
    .command('check')
    .description('admit one pod through the PSPs of a cluster (a raw manifest gets the API-server defaults first): prints the admitting PSP and the defaulted pod, or the exact denial (exit 1)')
    .requiredOption('--pod <path>', 'the pod (YAML or JSON file, - for stdin)')
    .option('--cluster <path>', 'cluster objects (file or directory): PSPs, Roles, ClusterRoles, bindings')
    .option('--psp <path>', 'PodSecurityPolicy objects (repeatable)', collect)
    .option('--rbac <path>', 'RBAC objects (repeatable)', collect)
    .requiredOption('--user <name>', 'the requesting user')
    .option('--group <group>', "the requesting user's groups (repeatable; system:authenticated is added as the API server does)", collect)
    .option('--namespace <ns>', "the request namespace (default: the pod's, then default)")
    .addOption(new Option('--operation <op>', 'admission operation').choices(['CREATE', 'UPDATE']).default('CREATE'))
    .action(async (opts: CheckOptions, cmd: Command) => {
      const format = outputFormat(cmd, ['text', 'json', 'yaml', 'table']);
      if (!opts.cluster && !opts.psp?.length) throw new UsageError('psp check: give --cluster PATH, or --psp PATH (and --rbac PATH)');
      const given = await loadPod(ctx, opts.pod);
      const snapshot = await loadSnapshot(ctx, [...(opts.cluster ? [clusterDumpPath(opts.cluster)] : []), ...(opts.psp ?? []), ...(opts.rbac ?? [])]);
      // A manifest not read back from an API server is admitted as the API server would see it: decoded
      // and defaulted (hostPort under hostNetwork, …), then on CREATE changed by the ServiceAccount plugin
      // (the token volume); the seccomp sync of PrepareForCreate comes after admission.
      const pod = isServerObject(given) ? given : applyDecodeDefaults(given).object;
      if (!isServerObject(given) && opts.operation !== 'UPDATE') {
        const serviceAccounts = snapshot.rbac.filter((o) => o.object.kind === 'ServiceAccount').map((o) => o.object);
        admitServiceAccount(pod, opts.namespace ?? pod.metadata.namespace ?? 'default', serviceAccounts);
      }
      // --cluster and --psp together: the cluster's RBAC stays; a PSP given twice with other content is ambiguous.
      const byName = new Map<string, string>();
      for (const p of snapshot.podSecurityPolicies) {
        const name = String(p.object.metadata.name);
        const text = JSON.stringify(p.object.spec ?? null);
        if (byName.has(name) && byName.get(name) !== text) throw new UsageError(`psp check: PodSecurityPolicy ${JSON.stringify(name)} is given twice with different specs (${formatSource(p.source)}); give it once`);
        byName.set(name, text);
      }
      if (snapshot.podSecurityPolicies.length === 0) throw new UsageError(`psp check: no PodSecurityPolicy found in ${[opts.cluster, ...(opts.psp ?? [])].filter(Boolean).join(', ')}`);
      if (!snapshot.rbac.some((o) => o.object.kind.endsWith('Binding')))
        ctx.io.stderr('note: no RoleBinding or ClusterRoleBinding was given, so no PodSecurityPolicy is authorized for anyone but system:masters; give --rbac PATH or --cluster PATH\n');
      const groups = [...(opts.group ?? [])];
      if (opts.user !== 'system:anonymous' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
      const admitOpts: Parameters<typeof admitPod>[1] = { snapshot, user: opts.user, groups, operation: opts.operation === 'UPDATE' ? 'UPDATE' : 'CREATE' };
      if (opts.namespace !== undefined) admitOpts.namespace = opts.namespace;
      const r = admitPod(pod, admitOpts);
      // The pod as stored: omitempty drops what admission still saw (supplementalGroups: []).
      if (r.mutatedPod && !isServerObject(given)) writtenOut(r.mutatedPod);
      for (const d of r.diagnostics) {
        for (const e of d.errors) ctx.io.stderr(`warning: PodSecurityPolicy ${JSON.stringify(d.psp)} is left out (${e.code}): ${formatFieldError(e)}\n`);
      }
      const byImage = r.allowed && r.mutatedPod ? nonRootByImageUser(r.mutatedPod) : [];
      if (byImage.length > 0) {
        const names = byImage.map((n) => JSON.stringify(n)).join(', ');
        ctx.io.stderr(
          `note: ${byImage.length === 1 ? 'container' : 'containers'} ${names} must not run as root (runAsNonRoot: true) and set no runAsUser: the kubelet refuses to start one whose image runs as root (UID 0, also when the image sets no user) or names its user instead of a UID, which cannot be checked offline; set runAsUser to a non-zero UID to be sure\n`,
        );
      }
      if (format === 'json') printJson(ctx.io, checkJson(r, pod));
      else if (format === 'yaml') printYaml(ctx.io, checkJson(r, pod));
      else if (format === 'table') {
        const name = `${pod.metadata.namespace ?? opts.namespace ?? 'default'}/${pod.metadata.name ?? pod.metadata.generateName ?? ''}`;
        ctx.io.stdout(table(['POD', 'RESULT', 'PSP', 'MUTATED', 'MESSAGE'], [[name, r.allowed ? 'allowed' : 'denied', r.policy ?? '-', String(r.mutated), r.ignored ? `ignored: ${r.ignored}` : (r.message ?? '')]]));
      }
      else if (r.allowed) {
        const how = r.ignored ? `ignored: ${r.ignored}` : `admitted by PodSecurityPolicy ${JSON.stringify(r.policy ?? '')}${r.mutated ? ' (pod defaulted)' : ' (unchanged)'}`;
        ctx.io.stdout(`${how}\n---\n${toYamlText(r.mutatedPod ?? pod)}`);
      } else ctx.io.stdout(`${r.message ?? 'denied'}\n`);
      if (!r.allowed) ctx.state.exitCode = EXIT.failures;
    });

  psp
    .command('who-can-use')
    .description('for every PSP: the users, groups and service accounts that may use it, where, and through which binding')
    .requiredOption('--cluster <path>', 'cluster objects (file or directory)')
    .action(async (opts: { cluster: string }, cmd: Command) => {
      const format = outputFormat(cmd, ['table', 'json', 'yaml']);
      const snapshot = await loadSnapshot(ctx, [clusterDumpPath(opts.cluster)]);
      const who = whoCanUsePsp(snapshot);
      if (format === 'json' || format === 'yaml') {
        (format === 'json' ? printJson : printYaml)(ctx.io, Object.fromEntries(who));
        return;
      }
      const rows: string[][] = [];
      for (const [name, grants] of who) {
        if (grants.length === 0) rows.push([name, '-', '-', '-', '(no RBAC grant: only system:masters)', '-']);
        for (const g of grants) {
          const subject = g.subjectKind === 'ServiceAccount' ? `${g.serviceAccountNamespace ?? ''}/${g.subject}` : g.subject;
          rows.push([name, g.subjectKind, subject, g.clusterWide ? '*' : (g.namespace ?? ''), g.binding, g.role]);
        }
      }
      ctx.io.stdout(table(['PSP', 'KIND', 'SUBJECT', 'NAMESPACES', 'BINDING', 'ROLE'], rows));
    });
}
