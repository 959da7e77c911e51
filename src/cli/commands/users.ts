// CLI commands of the permissions area: `users list|render|backup|restore` and `lint`.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { formatSource, type KubeObject } from '../../kube/index.js';
import { loadPolicyObjects } from '../../kyverno/index.js';
import {
  BACKUP_KIND,
  backupCountMismatches,
  collectUserRecordsFrom,
  generateReleaseId,
  isUserDocument,
  lintPolicies,
  PERMISSION_USER_API,
  makeBackup,
  type PermissionUser,
  planRestore,
  renderUser,
  type UserChange,
  validateRecords,
} from '../../permissions/index.js';
import { deepEqual, isObject } from '../../util/index.js';
import { type ClusterOptions, readCluster } from '../cluster-input.js';
import { EXIT, UsageError } from '../io.js';
import { globals, isWide, loadOrFail, outputFormat, printJson, printYaml, table } from '../output.js';
import type { CliContext } from '../program.js';
import { policyValidation, printWarnings, type ValidateOptions, validateOptions } from '../validate-input.js';
import { toYamlText } from '../../kube/index.js';

/** Renders objects as one multi-document YAML stream. */
export function yamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => toYamlText(o)).join('---\n');
}

/**
 * The release id restore gives a user whose record has none: derived from the name, so the dry run shows
 * the id `--apply` writes and a second restore finds the user unchanged (a random one renamed its policies).
 */
export function stableReleaseId(name: string): string {
  const digest = createHash('sha256').update(`podgate.io/v1 PermissionUser ${name}`).digest();
  let i = 0;
  return generateReleaseId(() => digest[i++ % digest.length]! / 256);
}

async function loadUsers(
  ctx: CliContext,
  paths: string[],
  what: string,
  cluster: ClusterOptions = {},
  opts: { warnUnfixed?: boolean; releaseIdFor?: (name: string) => string } = {},
): Promise<PermissionUser[]> {
  const fromCluster = cluster.cluster || cluster.kubeconfig || cluster.context;
  if (paths.length === 0 && !fromCluster) throw new UsageError(`${what}: give one or more files of PermissionUser records (or --cluster PATH / --kubeconfig FILE)`);
  // A backup's count and digest are read again from its text: stdin's is kept for that.
  let stdinText: string | undefined;
  const io = { ...ctx.io, readStdin: async () => (stdinText = await ctx.io.readStdin()) };
  const readAgain = (file: string) => (file === '<stdin>' ? (stdinText ?? '') : ctx.io.readFile(file));
  const objects = [...(fromCluster ? (await readCluster(ctx.io, cluster, what, { alsoRead: paths })).objects : []), ...(paths.length > 0 ? await loadOrFail(io, paths) : [])];
  // Problems name the file, line and document of the record (and items[j] in a backup list).
  const { records, where, problems: unread, warnings } = collectUserRecordsFrom(
    objects.map((l) => l.object),
    objects.map((l) => formatSource(l.source)),
  );
  const unfixed = new Set(records.filter((r) => isObject(r.spec) && r.spec.releaseId === undefined).map((r) => r.metadata?.name ?? ''));
  if (opts.releaseIdFor) {
    for (const r of records) {
      if (isObject(r) && isObject(r.spec) && r.spec.releaseId === undefined && typeof r.metadata?.name === 'string') r.spec.releaseId = opts.releaseIdFor(r.metadata.name);
    }
  }
  for (const w of warnings) ctx.io.stderr(`warning: ${what}: ${w}\n`);
  const checked = validateRecords(records, undefined, where);
  const users = checked.users;
  // A record's own problems first; then a list that is not as it was written (cut short, changed).
  const problems = [...unread, ...checked.problems, ...backupCountMismatches(objects, readAgain)];
  if (problems.length > 0) {
    const inputs = [...(cluster.cluster ?? []), ...(cluster.kubeconfig ? [`--kubeconfig ${cluster.kubeconfig}`] : []), ...paths];
    throw new UsageError(`${what}: invalid permission users in ${inputs.join(', ')}:\n  ${problems.join('\n  ')}`);
  }
  // A generated release id names the user's policies, and differs on every run: rendering twice would
  // leave two sets of policies. `users backup` writes records with the id fixed.
  if (opts.warnUnfixed) {
    for (const u of users) {
      if (unfixed.has(u.name)) ctx.io.stderr(`warning: ${what}: user ${u.name} has no spec.releaseId; the one generated for this run (${u.releaseId}) changes on every run, so its policies are renamed each time: \`podgate users backup\` writes records with a fixed one\n`);
    }
  }
  return users;
}

/**
 * Replaces `path` with `text` all at once: written beside it, then renamed over it (keeping its mode, owner and
 * a symlink's target), so a failure (a full disk, a kill) leaves the old content and never half a file.
 */
function replaceFile(ctx: CliContext, what: string, path: string, text: string): void {
  const target = existsSync(path) ? realpathSync(path) : path;
  const tmp = join(dirname(target), `.${basename(target)}.podgate-${process.pid}.tmp`);
  try {
    ctx.io.writeFile(tmp, text);
    if (existsSync(target)) {
      const st = statSync(target);
      chmodSync(tmp, st.mode & 0o7777);
      // The file keeps its owner, as a write in place did: root restoring a user's 0600 file must not take
      // it from them. Only root (or the owner, to its own uid) may chown; otherwise the file is the writer's.
      try {
        const written = statSync(tmp);
        if (written.uid !== st.uid || written.gid !== st.gid) chownSync(tmp, st.uid, st.gid);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      }
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    // Node says `ENOSPC: no space left on device, open '<tmp>'`: the reason, without the file beside it.
    const why = e.code && e.message.startsWith(`${e.code}: `) ? `${e.message.slice(e.code.length + 2).replace(/, \w+( '.*')?$/, '')} (${e.code})` : e.message;
    throw new UsageError(`${what}: cannot write ${path}: ${why}; ${existsSync(path) ? `${path} is unchanged` : 'nothing was written'}`);
  }
}

/** `path`, else `path.1`, `path.2`, …: the first name not taken. */
function freeName(path: string): string {
  if (!existsSync(path)) return path;
  let i = 1;
  while (existsSync(`${path}.${i}`)) i++;
  return `${path}.${i}`;
}

/** The fields an update changes: `spec.<key>`, `metadata.<key>`, and other top-level keys (`source`). */
function changedFields(c: UserChange): { path: string; before: unknown; after: unknown }[] {
  const out: { path: string; before: unknown; after: unknown }[] = [];
  const walk = (before: Record<string, unknown>, after: Record<string, unknown>, prefix: string, nested: readonly string[]) => {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (deepEqual(before[k], after[k])) continue;
      const b = before[k];
      const a = after[k];
      if (nested.includes(k) && (b === undefined || isObject(b)) && (a === undefined || isObject(a))) walk(isObject(b) ? b : {}, isObject(a) ? a : {}, `${prefix}${k}.`, []);
      else out.push({ path: `${prefix}${k}`, before: b, after: a });
    }
  };
  walk(c.before ?? {}, c.after, '', ['spec', 'metadata']);
  return out;
}

/** A value in a diff line: JSON, or for a long object (the BCM `source`) its kind and name. */
function diffValue(v: unknown): string {
  if (v === undefined) return 'null';
  const json = JSON.stringify(v);
  if (json.length <= 200 || !isObject(v)) return json;
  const meta = isObject(v.metadata) ? v.metadata : {};
  return typeof v.kind === 'string' ? `${v.kind}/${String(meta.name ?? '')} {…}` : '{…}';
}

function describeChange(c: UserChange): string {
  if (c.action === 'add') return `+ add ${c.name}\n${indent(toYamlText(c.after.spec), '    + ')}`;
  if (c.action === 'unchanged') return `= unchanged ${c.name}`;
  const lines: string[] = [`~ update ${c.name}`];
  for (const f of changedFields(c)) lines.push(`    ${f.path}: ${diffValue(f.before)} → ${diffValue(f.after)}`);
  return lines.join('\n');
}

function indent(s: string, prefix: string): string {
  return s
    .trimEnd()
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** Registers `users` and `lint`. */
export function registerUsers(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('BCM-style permission users: restricted namespaces, per-user policies, backup and restore');

  users
    .command('list')
    .description('list permission users from record files, backups or a cluster dump')
    .argument('[files...]', 'files or directories with PermissionUser records, backups or BCM CmKubernetesPermissionUser objects')
    .option('--cluster <path...>', 'a cluster dump to read users from (BCM CmKubernetesPermissionUser objects, PermissionUser records)')
    .option('--kubeconfig <file>', 'read users from a live cluster')
    .option('--context <name>', 'kubeconfig context')
    .action(async (files: string[], opts: ClusterOptions, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      const list = await loadUsers(ctx, files, 'users list', opts, { warnUnfixed: true });
      if (fmt === 'json') return printJson(ctx.io, list.map((u) => ({ name: u.name, uid: u.uid, gid: u.gid, home: u.home, releaseId: u.releaseId, namespaces: u.namespaces, hostPaths: u.hostPaths })));
      if (fmt === 'yaml') return ctx.io.stdout(yamlStream(list.flatMap((u) => makeBackup([u]).items as unknown[])));
      ctx.io.stdout(
        table(
          ['NAME', 'UID', 'GID', 'HOME', 'RELEASE', 'NAMESPACES', 'HOSTPATHS'],
          list.map((u) => [u.name, String(u.uid), String(u.gid), u.home, `${u.name}-${u.releaseId}`, u.namespaces.join(','), u.hostPaths.map((h) => h.pathPrefix + (h.readOnly ? ' (ro)' : '')).join(',')]),
        ),
      );
    });

  users
    .command('render')
    .description('print every Kubernetes object rendered for the users (namespaces, RBAC, Kyverno policies, legacy PSPs)')
    .argument('[files...]', 'PermissionUser record files')
    .option('--no-psp', 'leave out the legacy PodSecurityPolicy and its RBAC')
    .action(async (files: string[], opts: { psp: boolean }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['yaml', 'json', 'table']);
      const list = await loadUsers(ctx, files, 'users render', {}, { warnUnfixed: true });
      const objects = list.flatMap((u) => renderUser(u, { psp: opts.psp }));
      if (fmt === 'json') printJson(ctx.io, { apiVersion: 'v1', kind: 'List', items: objects });
      else if (fmt === 'table') ctx.io.stdout(table(['KIND', 'NAMESPACE', 'NAME'], objects.map((o) => [o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''])));
      else ctx.io.stdout(yamlStream(objects));
    });

  users
    .command('backup')
    .description('write every permission user (with the BCM object it came from) to one backup file')
    .argument('[files...]', 'record files, or use --cluster')
    .option('--cluster <path...>', 'a cluster dump (CmKubernetesPermissionUser objects and PermissionUser records)')
    .option('--kubeconfig <file>', 'read users from a live cluster')
    .option('--context <name>', 'kubeconfig context')
    .option('--out <file>', 'the backup file to write (also accepted as -o FILE); stdout when absent')
    .option('--force', 'overwrite an existing backup file')
    .action(async (files: string[], opts: ClusterOptions & { out?: string; force?: boolean }, cmd: Command) => {
      const o = globals(cmd).output as string | undefined;
      const isFormat = (x: string) => ['yaml', 'json', 'table', 'wide', 'text'].includes(x);
      // -o is the output format everywhere; a path given to -o still works here, with a warning.
      if (o && !isFormat(o) && !opts.out) ctx.io.stderr(`warning: users backup -o FILE is deprecated (-o selects the output format); use --out ${o}\n`);
      const out = opts.out ?? (o && !isFormat(o) ? o : undefined);
      // A record without releaseId gets the id restore would give it, the same on every run: a random one
      // made every backup of the same input differ (and `--out` refuse its own earlier backup).
      const list = await loadUsers(ctx, files, 'users backup', opts, { releaseIdFor: stableReleaseId });
      if (o === 'table' || o === 'wide') {
        return ctx.io.stdout(table(['NAME', 'UID', 'GID', 'HOME', 'NAMESPACES'], list.map((u) => [u.name, String(u.uid), String(u.gid), u.home, u.namespaces.join(',')])));
      }
      const text = o === 'json' ? `${JSON.stringify(makeBackup(list), null, 2)}\n` : toYamlText(makeBackup(list));
      if (!out) return ctx.io.stdout(text);
      if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`users backup: --out ${out} is a directory; give the backup file to write`);
      if (existsSync(out) && !opts.force) {
        const old = ctx.io.readFile(out);
        if (old === text) return ctx.io.stderr(`${out}: already up to date (${list.length} users)\n`);
        throw new UsageError(`users backup: ${out} exists and differs; pass --force to overwrite it`);
      }
      replaceFile(ctx, 'users backup', out, text);
      ctx.io.stderr(`wrote ${list.length} users to ${out}\n`);
    });

  users
    .command('restore')
    .description('restore users from a backup into a users file: a dry-run diff unless --apply')
    .argument('<backup>', 'backup file written by `podgate users backup`')
    .requiredOption('--into <file>', 'the users file to restore into (created when absent)')
    .option('--apply', 'write the changes (default: only show them)')
    .action(async (backup: string, opts: { into: string; apply?: boolean }, cmd: Command) => {
      const fmt = outputFormat(cmd, ['text', 'json', 'yaml', 'table']);
      // One users file: a folder would be read as users (every file in it) and then fail to be written.
      if (existsSync(opts.into) && statSync(opts.into).isDirectory()) throw new UsageError(`users restore: --into ${opts.into} is a directory; give the users file to restore into (created when absent)`);
      // The users file is rewritten as a list of users: anything else in it would be lost.
      if (existsSync(opts.into)) {
        const others = (await loadOrFail(ctx.io, [opts.into])).filter((l) => !isUserDocument(l.object)).map((l) => `${l.object.kind ?? '?'}/${l.object.metadata?.name ?? '?'}`);
        if (others.length > 0) throw new UsageError(`users restore: ${opts.into} holds objects that are not users (${others.join(', ')}); restore rewrites it as a list of users and would drop them: choose a file of users only`);
      }
      // A record without releaseId gets one that does not change between runs: what the dry run shows is
      // what --apply writes, and restoring the same backup again changes nothing.
      const idsFixed: string[] = [];
      const fixId = (name: string) => {
        idsFixed.push(name);
        return stableReleaseId(name);
      };
      const current = existsSync(opts.into) ? await loadUsers(ctx, [opts.into], 'users restore (current users file)', {}, { releaseIdFor: fixId }) : [];
      const currentIds = new Map(current.map((u) => [u.name, u.releaseId]));
      const incoming = await loadUsers(ctx, [backup], 'users restore', {}, { releaseIdFor: (name) => currentIds.get(name) ?? stableReleaseId(name) });
      if (incoming.length === 0) throw new UsageError(`users restore: ${backup} holds no user records (a ${BACKUP_KIND}, or ${PERMISSION_USER_API.kind} objects of ${PERMISSION_USER_API.apiVersion}); nothing to restore`);
      const { changes, result } = planRestore(current, incoming);
      // The diff compares with the file as it is: a user of the file without an id had none.
      for (const c of changes) {
        if (c.before && idsFixed.includes(c.name) && isObject(c.before.spec)) {
          const { releaseId: _fixed, ...spec } = c.before.spec;
          c.before = { ...c.before, spec };
        }
      }
      // The users file after the restore must itself be valid: a restored user may claim a namespace a
      // user kept from the file already owns, which every later command would refuse.
      const after = validateRecords(makeBackup(result).items as KubeObject[]);
      if (after.problems.length > 0) throw new UsageError(`users restore: restoring ${backup} into ${opts.into} would leave conflicting users (nothing written):\n  ${after.problems.join('\n  ')}`);
      const changed = changes.filter((c) => c.action !== 'unchanged').length;
      // Written before anything is printed: `applied: true` (or a diff without "dry run") is only said of a
      // users file that was written.
      let bak: string | undefined;
      if (opts.apply && changed > 0) {
        // The previous content (comments included) is kept, never over an earlier backup of it.
        bak = existsSync(opts.into) ? freeName(`${opts.into}.bak`) : undefined;
        if (bak) {
          try {
            ctx.io.writeFile(bak, ctx.io.readFile(opts.into));
            // The copy is as private as the file it keeps (users files name uids and home paths).
            chmodSync(bak, statSync(opts.into).mode & 0o777);
          } catch (err) {
            rmSync(bak, { force: true });
            throw new UsageError(`users restore: cannot keep the previous content of ${opts.into} in ${bak}: ${(err as Error).message}; nothing was written`);
          }
        }
        replaceFile(ctx, 'users restore', opts.into, toYamlText(makeBackup(result, { count: false })));
      }
      const summary = { applied: Boolean(opts.apply) && changed > 0, changes: changes.map((c) => ({ action: c.action, name: c.name, ...(c.action === 'update' ? { fields: changedFields(c).map((f) => f.path) } : {}) })) };
      if (fmt === 'json') printJson(ctx.io, summary);
      else if (fmt === 'yaml') printYaml(ctx.io, summary);
      else if (fmt === 'table') ctx.io.stdout(table(['NAME', 'ACTION'], changes.map((c) => [c.name, c.action])));
      else ctx.io.stdout(`${changes.map(describeChange).join('\n')}\n${changed} change(s)${opts.apply ? '' : ' (dry run; pass --apply to write them)'}\n`);
      if (changed > 0) {
        // An updated user's new id is in the diff already; these are the file's users written unchanged.
        const updated = new Set(changes.filter((c) => c.action === 'update').map((c) => c.name));
        const ids = new Map(result.map((u) => [u.name, u.releaseId]));
        for (const n of idsFixed.filter((x) => !updated.has(x))) ctx.io.stderr(`note: users restore: user ${n} in ${opts.into} has no spec.releaseId; restore ${opts.apply ? 'writes' : 'would write'} it with releaseId ${ids.get(n)} (a stable one: its policies are named after it)\n`);
      }
      if (summary.applied) ctx.io.stderr(`restored ${changed} user(s) into ${opts.into}${bak ? ` (previous content, comments included, kept in ${bak})` : ''}\n`);
    });

  const lint = program
    .command('lint')
    .description('flag Kyverno policies that look like confinement but can be bypassed')
    .argument('<policies...>', 'policy files or directories')
    .action(async (paths: string[], opts: ValidateOptions, cmd: Command) => {
      const fmt = outputFormat(cmd, ['table', 'json', 'yaml']);
      const loaded = await loadOrFail(ctx.io, paths);
      const objects = loaded.map((l) => l.object);
      // Schema and load problems first: linting a policy the API server would reject says nothing.
      const checked = loadPolicyObjects(loaded, policyValidation(opts));
      printWarnings(ctx.io, checked.warnings);
      if (checked.problems.length > 0) throw new UsageError(`lint: invalid policy:\n  ${checked.problems.join('\n  ')}`);
      const policies = objects.filter((o: KubeObject) => o.apiVersion.startsWith('kyverno.io/') && (o.kind === 'ClusterPolicy' || o.kind === 'Policy'));
      if (policies.length === 0) throw new UsageError(`lint: no Kyverno ClusterPolicy or Policy found in ${paths.join(', ')}`);
      // Where each policy was read (file:line), so a finding in a library of policies can be found.
      const sourceOf = new Map<string, string>();
      for (const l of loaded) if (typeof l.object.metadata?.name === 'string' && !sourceOf.has(l.object.metadata.name)) sourceOf.set(l.object.metadata.name, `${l.source.file}:${l.source.line}`);
      const findings = lintPolicies(policies).map((f) => ({ ...f, source: sourceOf.get(f.policy) ?? '' }));
      if (fmt === 'json') printJson(ctx.io, { findings });
      else if (fmt === 'yaml') printYaml(ctx.io, { findings });
      else if (findings.length === 0 && globals(cmd).output !== 'table' && globals(cmd).output !== 'wide') ctx.io.stdout(`no bypassable confinement found in ${policies.length} policies\n`);
      else if (isWide(cmd)) ctx.io.stdout(table(['POLICY', 'RULE', 'CODE', 'FIELD', 'PROBLEM', 'BYPASS', 'SOURCE'], findings.map((f) => [f.policy, f.rule, f.code, f.field, f.message, f.bypass, f.source])));
      else ctx.io.stdout(table(['POLICY', 'RULE', 'CODE', 'FIELD', 'PROBLEM', 'BYPASS'], findings.map((f) => [f.policy, f.rule, f.code, f.field, f.message, f.bypass])));
      if (findings.length > 0) ctx.state.exitCode = EXIT.failures;
    });
  validateOptions(lint, 'strict');
}
