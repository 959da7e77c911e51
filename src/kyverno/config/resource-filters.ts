// Kyverno's global configuration that decides what the engine never sees: `resourceFilters`
// (`[Kind,Namespace,Name]` triples with wildcards) and `excludeGroups`, as the kyverno chart 3.0.x
// (Kyverno 1.10) renders them into the `kyverno` ConfigMap. Mirrors kyverno@v1.10.7 pkg/config/filter.go.
import { isObject, wildcardMatch } from '../../util/index.js';
import { checkSelector } from '../match/index.js';
import type { LabelSelector } from '../model/index.js';

/** One `[Kind,Namespace,Name]` filter; each part may use `*` and `?`. Kind may carry `/subresource`. */
export interface ResourceFilter {
  kind: string;
  namespace: string;
  name: string;
  /** The text as written, for reports. */
  text: string;
}

/** Kyverno's filter settings. */
export interface KyvernoConfig {
  resourceFilters: ResourceFilter[];
  excludeGroups: string[];
  excludeUsernames: string[];
  /**
   * The namespaceSelector the chart puts on every Kyverno webhook (`config.webhooks[0]`): requests from a
   * namespace it does not select never reach Kyverno. Absent: every namespace is sent.
   */
  webhookNamespaceSelector?: LabelSelector;
}

/** The kyverno chart's default `config.resourceFilters` (release `kyverno` in namespace `kyverno`). */
export const DEFAULT_RESOURCE_FILTERS: readonly string[] = [
  '[Event,*,*]',
  '[*/*,kube-system,*]',
  '[*/*,kube-public,*]',
  '[*/*,kube-node-lease,*]',
  '[Node,*,*]',
  '[Node/*,*,*]',
  '[APIService,*,*]',
  '[APIService/*,*,*]',
  '[TokenReview,*,*]',
  '[SubjectAccessReview,*,*]',
  '[SelfSubjectAccessReview,*,*]',
  '[Binding,*,*]',
  '[Pod/binding,*,*]',
  '[ReplicaSet,*,*]',
  '[ReplicaSet/*,*,*]',
  '[AdmissionReport,*,*]',
  '[AdmissionReport/*,*,*]',
  '[ClusterAdmissionReport,*,*]',
  '[ClusterAdmissionReport/*,*,*]',
  '[BackgroundScanReport,*,*]',
  '[BackgroundScanReport/*,*,*]',
  '[ClusterBackgroundScanReport,*,*]',
  '[ClusterBackgroundScanReport/*,*,*]',
  // the chart's own objects in the kyverno namespace
  '[ClusterRole,*,kyverno:*]',
  '[ClusterRoleBinding,*,kyverno:*]',
  '[ServiceAccount,kyverno,kyverno-*]',
  '[ConfigMap,kyverno,kyverno]',
  '[ConfigMap,kyverno,kyverno-metrics]',
  '[Deployment,kyverno,kyverno-*]',
  '[Job,kyverno,kyverno-*]',
  '[NetworkPolicy,kyverno,kyverno-*]',
  '[PodDisruptionBudget,kyverno,kyverno-*]',
  '[Role,kyverno,kyverno:*]',
  '[RoleBinding,kyverno,kyverno:*]',
  '[Secret,kyverno,kyverno-svc.kyverno.svc.*]',
  '[Service,kyverno,kyverno-svc]',
  '[Service,kyverno,kyverno-svc-metrics]',
  '[ServiceMonitor,kyverno,kyverno-svc-service-monitor]',
  '[Pod,kyverno,kyverno-admission-controller-*]',
  '[Pod,kyverno,kyverno-background-controller-*]',
  '[Pod,kyverno,kyverno-cleanup-controller-*]',
  '[Pod,kyverno,kyverno-reports-controller-*]',
  '[Pod,kyverno,kyverno-test]',
  '[CronJob,kyverno,kyverno-cleanup-*]',
];

/** The chart's default `config.excludeGroups`. */
export const DEFAULT_EXCLUDE_GROUPS: readonly string[] = ['system:nodes'];

/** Parses `[Kind,Namespace,Name][Kind,...]` or one entry per string. Bad entries are reported. */
export function parseResourceFilters(entries: readonly string[]): { filters: ResourceFilter[]; errors: string[] } {
  const filters: ResourceFilter[] = [];
  const errors: string[] = [];
  for (const e of entries) {
    for (const m of e.matchAll(/\[([^\]]*)\]/g)) {
      const parts = (m[1] ?? '').split(',').map((p) => p.trim());
      if (parts.length < 1 || parts.length > 3 || parts[0] === '') {
        errors.push(`resource filter "${m[0]}": expected [Kind,Namespace,Name]`);
        continue;
      }
      filters.push({ kind: parts[0]!, namespace: parts[1] || '*', name: parts[2] || '*', text: m[0] });
    }
    if (!/\[/.test(e)) errors.push(`resource filter "${e}": expected [Kind,Namespace,Name]`);
  }
  return { filters, errors };
}

/** The namespace podgate assumes the kyverno chart is installed in (the KB's `--namespace kyverno`). */
const KYVERNO_NAMESPACE = 'kyverno';

/** The default configuration of the kyverno chart 3.0.x. */
export function defaultKyvernoConfig(): KyvernoConfig {
  return kyvernoConfigFromValues({}).config;
}

/** The kyverno chart versions whose `config` keys podgate reads. */
export type KyvernoChartVersion = '3.0.9' | '3.2.6';

/**
 * Reads `config.resourceFilters`, `config.excludeGroups`, `config.excludeUsernames` from the kyverno chart's
 * values, with the filter list as the chart's helper renders it (templates/config/_helpers.tpl):
 * `excludeKyvernoNamespace` (default true) prepends `[*\/*,kyverno,*]`; chart 3.2.6 then drops the
 * `resourceFiltersExclude` entries; `resourceFiltersExcludeNamespaces` drops every entry naming one of its
 * namespaces (`,ns,`); 3.2.6 appends `resourceFiltersInclude` and `[*\/*,ns,*]` for each of
 * `resourceFiltersIncludeNamespaces`. Entries with templates (`{{ … }}`) are left out.
 */
export function kyvernoConfigFromValues(values: unknown, chart: KyvernoChartVersion = '3.0.9'): { config: KyvernoConfig; errors: string[] } {
  const config: KyvernoConfig = { resourceFilters: [], excludeGroups: [...DEFAULT_EXCLUDE_GROUPS], excludeUsernames: [] };
  const errors: string[] = [];
  const c = isObject(values) && isObject(values.config) ? values.config : {};
  const strings = (v: unknown, field: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      errors.push(`config.${field}: must be a list of strings`);
      return undefined;
    }
    return v as string[];
  };
  let entries = [...(strings(c.resourceFilters, 'resourceFilters') ?? DEFAULT_RESOURCE_FILTERS)];
  const excludeKyverno = c.excludeKyvernoNamespace;
  if (excludeKyverno !== undefined && excludeKyverno !== null && typeof excludeKyverno !== 'boolean') errors.push('config.excludeKyvernoNamespace: must be true or false');
  if (excludeKyverno !== false) entries.unshift(`[*/*,${KYVERNO_NAMESPACE},*]`);
  const v32 = chart === '3.2.6';
  if (v32) {
    const drop = new Set(strings(c.resourceFiltersExclude, 'resourceFiltersExclude') ?? []);
    entries = entries.filter((e) => !drop.has(e));
  }
  for (const ns of strings(c.resourceFiltersExcludeNamespaces, 'resourceFiltersExcludeNamespaces') ?? []) {
    entries = entries.filter((e) => !e.includes(`,${ns},`));
  }
  if (v32) {
    entries.push(...(strings(c.resourceFiltersInclude, 'resourceFiltersInclude') ?? []));
    for (const ns of strings(c.resourceFiltersIncludeNamespaces, 'resourceFiltersIncludeNamespaces') ?? []) entries.push(`[*/*,${ns},*]`);
  }
  const p = parseResourceFilters(entries.filter((x) => !x.includes('{{')));
  config.resourceFilters = p.filters;
  errors.push(...p.errors.map((e) => `config.resourceFilters: ${e}`));
  // config.webhooks: only the first element reaches the webhook configurations; with excludeKyvernoNamespace
  // the chart adds `kubernetes.io/metadata.name NotIn [kyverno]` to its namespaceSelector.
  const webhooks = c.webhooks;
  if (webhooks !== undefined && webhooks !== null && !Array.isArray(webhooks)) errors.push('config.webhooks: must be a list');
  else if (Array.isArray(webhooks) && webhooks.length > 0) {
    const first = webhooks[0];
    const sel = isObject(first) && isObject(first.namespaceSelector) ? first.namespaceSelector : {};
    const matchExpressions = [...(Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [])] as NonNullable<LabelSelector['matchExpressions']>;
    if (excludeKyverno !== false) matchExpressions.push({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [KYVERNO_NAMESPACE] });
    config.webhookNamespaceSelector = { ...(isObject(sel.matchLabels) ? { matchLabels: sel.matchLabels as Record<string, string> } : {}), matchExpressions };
  }
  const eg = strings(c.excludeGroups, 'excludeGroups');
  if (eg) config.excludeGroups = eg;
  const eu = strings(c.excludeUsernames, 'excludeUsernames');
  if (eu) config.excludeUsernames = eu;
  return { config, errors };
}

/** The filter that makes Kyverno skip this resource, if any. */
export function filteredBy(config: KyvernoConfig, kind: string, namespace: string, name: string, subresource = ''): ResourceFilter | undefined {
  const k = subresource ? `${kind}/${subresource}` : kind;
  return config.resourceFilters.find((f) => {
    const kindOk = f.kind === '*/*' ? true : wildcardMatch(f.kind, k);
    return kindOk && wildcardMatch(f.namespace, namespace) && wildcardMatch(f.name, name);
  });
}

/** What an admission request is filtered by. */
export interface FilterTarget {
  group: string;
  version: string;
  kind: string;
  subresource?: string;
  namespace: string;
  name: string;
}

/**
 * The filter that makes Kyverno's webhook skip an admission request, if any. Like filteredBy, and a
 * filter kind may also name the version (`v1/Pod`) or group and version (`apps/v1/DaemonSet`), as
 * the webhook sees the request's GroupVersionKind (kyverno@v1.10.7 pkg/webhooks/handlers/filter.go).
 */
export function filteredRequestBy(config: KyvernoConfig, t: FilterTarget): ResourceFilter | undefined {
  const k = t.subresource ? `${t.kind}/${t.subresource}` : t.kind;
  const gv = `${t.version}/${k}`;
  const gvk = `${t.group}/${gv}`;
  // Every admission request walks the whole list: cheap checks first, `*` without a scan.
  return config.resourceFilters.find((f) => {
    if (!quickMatch(f.namespace, t.namespace) || !quickMatch(f.name, t.name)) return false;
    if (f.kind === '*/*') return true;
    const first = f.kind.indexOf('/');
    const slashes = first < 0 ? 0 : f.kind.indexOf('/', first + 1) < 0 ? 1 : 2;
    return slashes === 2 ? quickMatch(f.kind, gvk) : quickMatch(f.kind, k) || (slashes === 1 && quickMatch(f.kind, gv));
  });
}

function quickMatch(pattern: string, text: string): boolean {
  return pattern === '*' || pattern === text || wildcardMatch(pattern, text);
}

/** Why a namespace's requests never reach Kyverno (the webhooks' namespaceSelector), or undefined. */
export function webhookSkipsNamespace(config: KyvernoConfig, namespaceLabels: Readonly<Record<string, string>>): string | undefined {
  const sel = config.webhookNamespaceSelector;
  if (!sel) return undefined;
  const r = checkSelector(sel, namespaceLabels);
  return r.ok && !r.matched ? 'Kyverno webhook namespaceSelector (config.webhooks): the API server never sends this namespace to Kyverno' : undefined;
}

/** True when the request comes from an excluded user or group. */
export function excludedRequester(config: KyvernoConfig, username: string, groups: readonly string[]): boolean {
  return config.excludeUsernames.some((u) => wildcardMatch(u, username)) || groups.some((g) => config.excludeGroups.some((e) => wildcardMatch(e, g)));
}
