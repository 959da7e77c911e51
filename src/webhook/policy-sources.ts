// Where the webhook's policy set comes from: Kyverno policy files, the kyverno-policies chart
// rendered from a values file (`--chart-values`), the per-user ClusterPolicies of permission-manager
// users (`--users`), and a cluster dump whose PSPs shadow mode compares against (`--psp-cluster`).
// Every problem is collected with its file; a set with any problem is not built.
import { readFileSync } from 'node:fs';
import type { EngineProfile } from '../kyverno/index.js';
import { ChartRenderError, type ChartVersion, loadValuesFile, renderChart } from '../chart/index.js';
import { clusterDumpPath, loadObjects } from '../cluster/index.js';
import { formatInputError, formatSource, type LoadedObject } from '../kube/index.js';
import type { Policy, PolicyValidation } from '../kyverno/index.js';
import { backupCountMismatches, collectUserRecordsFrom, renderUser, validateRecords } from '../permissions/index.js';
import { isObject } from '../util/index.js';
import { type ClusterContextProvider, collectPolicies, loadPolicyFiles } from './engine-adapter.js';
import { type EngineData, kyvernoEngineFromData } from './engine-recipe.js';
import type { BuiltPolicySet } from './policy-source.js';
import { policyKey } from './results.js';
import { unsentRuleWarnings } from './webhook-config.js';

/** The configured policy sources. */
export interface PolicySources {
  /** Kyverno policy files or directories. */
  policies?: readonly string[];
  /** kyverno-policies chart values file. */
  chartValues?: string;
  /** Chart version for chartValues (default 3.0.7, the last for Kubernetes 1.24). */
  chartVersion?: ChartVersion;
  /** Files or directories of PermissionUser records, backups or BCM user objects. */
  users?: readonly string[];
  /** Cluster dump (PSPs, RBAC, namespaces) for shadow-mode PSP comparison and namespace labels. */
  pspCluster?: string;
  /** Kyverno version to follow (default 1.10). */
  profile?: EngineProfile;
  /** How policy files are checked against the Kyverno CRD schema (default strict, Kyverno 1.10). */
  validation?: PolicyValidation;
}

/** What the sources hold, or every problem found. */
export type LoadedSources =
  | { ok: true; policies: Policy[]; warnings: string[]; cluster?: LoadedObject[] }
  | { ok: false; problems: string[] };

/** Every file the sources read (for watching). */
export function sourcePaths(s: PolicySources): string[] {
  return [...(s.policies ?? []), ...(s.chartValues ? [s.chartValues] : []), ...(s.users ?? []), ...(s.pspCluster ? [s.pspCluster] : [])];
}

/** The chart's ClusterPolicies for a values file. */
function chartPolicies(file: string, version: ChartVersion, problems: string[], warnings: string[], validation: PolicyValidation = {}): Policy[] {
  try {
    const r = renderChart({ version, values: [loadValuesFile(file)], set: [] });
    for (const w of r.warnings) warnings.push(`--chart-values ${file}: ${w.message} [${w.code}]`);
    // The chart's policies are checked against the CRDs of the Kyverno version the chart targets.
    const v: PolicyValidation = { ...validation, kyvernoVersion: version.startsWith('3.2.') ? '1.12' : '1.10' };
    return collectPolicies(r.policies, (i) => `--chart-values ${file}: ${r.sources[i] ?? ''}`, problems, v, warnings);
  } catch (err) {
    if (!(err instanceof ChartRenderError)) throw err;
    problems.push(`--chart-values ${file}: ${err.message}`);
    return [];
  }
}

/** The per-user ClusterPolicies (hostPath confinement, dropped privileges) of every user record. */
function userPolicies(paths: readonly string[], problems: string[]): Policy[] {
  const r = loadObjects(paths, { requireName: true, emptyFileError: true });
  problems.push(...r.errors.map((e) => `--users: ${formatInputError(e)}`));
  // Records podgate cannot read (another podgate.io version) are problems: skipped, the webhook would run
  // without that user's confinement.
  const collected = collectUserRecordsFrom(
    r.objects.map((l) => l.object),
    r.objects.map((l) => formatSource(l.source)),
  );
  problems.push(...collected.problems.map((p) => `--users: ${p}`));
  // A backup cut short after a complete item (written in place, copied half-way) reads as a smaller backup:
  // the users it lost would be served unconfined.
  problems.push(...backupCountMismatches(r.objects, (file) => readFileSync(file, 'utf8')).map((p) => `--users: ${p}`));
  const records = collected.records;
  if (records.length === 0 && collected.problems.length === 0) {
    problems.push(`--users ${paths.join(', ')}: no PermissionUser records found`);
    return [];
  }
  // A generated release id would rename the user's policies on every reload.
  records.forEach((rec, i) => {
    if (isObject(rec.spec) && rec.spec.releaseId === undefined) problems.push(`--users: ${collected.where[i] ?? `items[${i}]`} (${rec.metadata?.name ?? ''}): spec.releaseId: Required value: the webhook needs a fixed release id`);
  });
  const { users, problems: bad } = validateRecords(records, undefined, collected.where);
  problems.push(...bad.map((p) => `--users: ${p}`));
  return users.flatMap((u) => collectPolicies(renderUser(u, { psp: false }), () => `--users: user ${u.name}`, problems));
}

/** Loads every source. */
export function loadPolicySources(s: PolicySources, stdin?: string): LoadedSources {
  const problems: string[] = [];
  const warnings: string[] = [];
  const policies: Policy[] = [];
  if ((s.policies ?? []).length > 0) {
    // Without an explicit validation, policy files are checked against the schema of the profile's Kyverno.
    const validation: PolicyValidation = s.validation ?? (s.profile ? { kyvernoVersion: s.profile.kyverno } : {});
    const files = loadPolicyFiles(s.policies ?? [], stdin, validation);
    if (files.ok) {
      policies.push(...files.policies);
      warnings.push(...(files.warnings ?? []));
    }
    else problems.push(...files.problems);
  }
  if (s.chartValues) policies.push(...chartPolicies(s.chartValues, s.chartVersion ?? '3.0.7', problems, warnings, s.validation));
  if (s.users && s.users.length > 0) policies.push(...userPolicies(s.users, problems));
  let cluster: LoadedObject[] | undefined;
  if (s.pspCluster) {
    const r = loadObjects([clusterDumpPath(s.pspCluster)]);
    problems.push(...r.errors.map((e) => `--psp-cluster: ${formatInputError(e)}`));
    cluster = r.objects;
  }
  const seen = new Map<string, number>();
  for (const p of policies) {
    const key = policyKey(p);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, n] of seen) if (n > 1) problems.push(`policy ${key} is defined ${n} times across the sources`);
  if (problems.length === 0 && policies.length === 0) problems.push('no policies: give --policy, --chart-values or --users');
  if (problems.length > 0) return { ok: false, problems };
  warnings.push(...unsentRuleWarnings(policies));
  return { ok: true, policies, warnings, ...(cluster ? { cluster } : {}) };
}

/** Options of buildPolicySet: the cluster context, and a hook that sees each loaded policy list. */
export interface BuildOptions {
  context?: ClusterContextProvider;
  /** Called with the policies of every successful load (e.g. to watch the ConfigMaps they read). */
  onPolicies?: (policies: readonly Policy[]) => void;
}

/** Loads and compiles the sources into a policy set; rejects with every problem found. */
export async function buildPolicySet(s: PolicySources | readonly string[], opts: BuildOptions = {}): Promise<BuiltPolicySet> {
  const sources: PolicySources = Array.isArray(s) ? { policies: s as readonly string[] } : (s as PolicySources);
  const loaded = loadPolicySources(sources);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const data: EngineData = { policies: loaded.policies, ...(loaded.cluster ? { cluster: loaded.cluster } : {}), ...(sources.profile ? { kyverno: sources.profile.kyverno } : {}) };
  opts.onPolicies?.(loaded.policies);
  // Compiled here too: a set that does not compile is refused before any worker sees it. Workers get the
  // cluster context as data in their recipe (see withClusterContext); this engine reads the live provider.
  const engine = kyvernoEngineFromData(data, opts.context);
  return { engine, recipe: { kind: 'kyverno', data }, policies: loaded.policies.length, warnings: loaded.warnings, names: loaded.policies.map(policyKey) };
}
