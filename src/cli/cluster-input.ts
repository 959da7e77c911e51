// `--cluster PATH` (an offline dump) or `--kubeconfig/--context` (a live cluster): one reader for every
// command that looks at a cluster, with the same errors everywhere.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { clusterDumpPath, describeProblem, dumpFilesNotRead, LiveClusterError, type ListedKind, type LiveProblem, loadLiveObjects } from '../cluster/index.js';
import type { LoadedObject } from '../kube/index.js';
import { type CliIO, UsageError } from './io.js';
import { loadOrFail } from './output.js';

/** The cluster options as commander parses them. */
export interface ClusterOptions {
  cluster?: string[];
  kubeconfig?: string;
  context?: string;
}

/** Adds `--cluster`, `--kubeconfig`, `--context` to a command. */
export function clusterOptions(cmd: Command): Command {
  return cmd
    .option('--cluster <path...>', 'cluster dump: files or folders of YAML/JSON (a folder with cluster/ inside reads that)')
    .option('--kubeconfig <file>', 'read a live cluster through this kubeconfig')
    .option('--context <name>', 'kubeconfig context (default: current-context)');
}

/** What was read, from where, and the kinds that could not be listed. */
export interface ClusterRead {
  objects: LoadedObject[];
  source: string;
  problems: LiveProblem[];
  /** Optional kinds the live server does not serve (404). */
  notServed: string[];
  /** The live API server's URL (absent for a dump). */
  server?: string;
  /** The live API server's Kubernetes version (GET /version), when it said. */
  serverVersion?: string;
  /** Files of a dump folder that were not read, each with why (dumpFilesNotRead). */
  notRead?: string[];
}

/** How a command reads a live cluster. */
export interface ReadOptions {
  /** The kinds the command needs (default: every kind podgate lists). */
  kinds?: readonly ListedKind[];
  /**
   * Return what could be read together with the problems, for a caller that turns them into blockers
   * (`migrate run`). Without it any kind that cannot be listed is an error: a partial snapshot is
   * never treated as the cluster.
   */
  partial?: boolean;
  /** Files the command reads through options of its own (besides those of INPUT_FILE_OPTIONS in its options). */
  alsoRead?: readonly string[];
}

/**
 * The options (commander's names) through which commands read files of their own. A file kept beside a
 * dump's cluster/ and given through one of them is read, so it is not named as a dump file not read.
 */
const INPUT_FILE_OPTIONS = ['values', 'kyvernoValues', 'users', 'policy', 'exception', 'catalog', 'compareValues', 'chartValues', 'namespaceLabels', 'psp', 'rbac'] as const;

/** The resolved paths of the files given through INPUT_FILE_OPTIONS and `alsoRead`. */
function filesReadOtherwise(opts: ClusterOptions, alsoRead: readonly string[] = []): Set<string> {
  const all = opts as ClusterOptions & Record<string, unknown>;
  const out = new Set<string>();
  for (const v of [...INPUT_FILE_OPTIONS.map((k) => all[k]), alsoRead]) {
    for (const f of Array.isArray(v) ? v : [v]) if (typeof f === 'string' && f !== '') out.add(resolve(f));
  }
  return out;
}

/** Reads the cluster named by the options; `what` prefixes errors (the command name). */
export async function readCluster(io: CliIO, opts: ClusterOptions, what: string, read: ReadOptions = {}): Promise<ClusterRead> {
  if (opts.cluster && opts.kubeconfig) throw new UsageError(`${what}: give either --cluster or --kubeconfig, not both`);
  if (opts.cluster) {
    const paths = opts.cluster.map(clusterDumpPath);
    // Dumps take the fast YAML path whatever their size (a folder of many small files too). Nulls are
    // kept: the migration's normaliser drops them itself and reports each drop. A file cut short is an
    // error, never a partial object audited as complete.
    const objects = await loadOrFail(io, paths, true, { fast: true, dropNulls: false, detectCut: true });
    // A dump saved as pods.txt, or put beside cluster/, would be passed over without a word.
    const readOtherwise = filesReadOtherwise(opts, read.alsoRead);
    const notRead = opts.cluster.flatMap((p) => dumpFilesNotRead(p, readOtherwise));
    for (const f of notRead) io.stderr(`warning: ${f}: not read\n`);
    return { objects, source: paths.join(', '), problems: [], notServed: [], ...(notRead.length > 0 ? { notRead } : {}) };
  }
  if (opts.kubeconfig || opts.context || io.env.KUBECONFIG) {
    try {
      const live = await loadLiveObjects({ kubeconfig: opts.kubeconfig, context: opts.context, env: io.env, ...(read.kinds ? { kinds: read.kinds } : {}) });
      if (live.problems.length > 0 && !read.partial) {
        throw new UsageError(
          `${what}: cannot read the cluster at ${live.server} completely (a partial snapshot is never treated as the cluster):\n  ${live.problems.map(describeProblem).join('\n  ')}`,
        );
      }
      return { objects: live.objects, source: `${live.server} (context ${live.context})`, problems: live.problems, notServed: live.notServed, server: live.server, ...(live.serverVersion ? { serverVersion: live.serverVersion } : {}) };
    } catch (err) {
      if (err instanceof LiveClusterError) throw new UsageError(`${what}: ${err.message}`);
      throw err;
    }
  }
  throw new UsageError(`${what}: give --cluster PATH (a dump) or --kubeconfig FILE (a live cluster)`);
}
