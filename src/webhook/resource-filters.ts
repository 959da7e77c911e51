// Requests Kyverno never shows its engine: config.resourceFilters `[Kind,Namespace,Name]` entries
// (wildcards allowed) and config.excludeGroups. Defaults are those of the kyverno chart 3.0.x.
// Mirrors kyverno@v1.10.7:pkg/config/filter.go (parseKinds, ToFilter) and config.go (excludeGroups).
import type { AdmissionRequest } from '../kube/index.js';
import { wildcardMatch } from '../util/index.js';

/** One `[Kind,Namespace,Name]` filter; Kind may be `Kind`, `Version/Kind` or `Group/Version/Kind`. */
export interface ResourceFilter {
  kind: string;
  namespace: string;
  name: string;
}

/** The filters the kyverno chart 3.0.x installs, minus the entries naming Kyverno's own objects. */
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
];

/** The groups whose requests Kyverno skips by default (config.excludeGroups). */
export const DEFAULT_EXCLUDE_GROUPS: readonly string[] = ['system:nodes'];

/** Parses `[Kind,Namespace,Name][Kind,...]` text; malformed entries are returned as problems. */
export function parseResourceFilters(entries: readonly string[]): { filters: ResourceFilter[]; problems: string[] } {
  const filters: ResourceFilter[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    for (const m of entry.matchAll(/\[([^\]]*)\]/g)) {
      const parts = (m[1] ?? '').split(',').map((s) => s.trim());
      if (parts.length < 1 || parts.length > 3 || parts[0] === '') {
        problems.push(`resource filter ${m[0]}: want [Kind,Namespace,Name]`);
        continue;
      }
      filters.push({ kind: parts[0]!, namespace: parts[1] ?? '*', name: parts[2] ?? '*' });
    }
  }
  return { filters, problems };
}

/** The kind string a request is filtered by: `Kind`, or `Kind/subresource` for subresources. */
function requestKinds(request: AdmissionRequest): { kind: string; gvk: string; gv: string } {
  const k = request.kind;
  const kind = request.subResource ? `${k.kind}/${request.subResource}` : k.kind;
  return { kind, gvk: `${k.group}/${k.version}/${kind}`, gv: `${k.version}/${kind}` };
}

/** True when a filter matches the request's kind, namespace and name. */
export function isFilteredResource(filters: readonly ResourceFilter[], request: AdmissionRequest): boolean {
  const { kind, gvk, gv } = requestKinds(request);
  const ns = request.namespace ?? '';
  const name = request.name ?? objectName(request);
  return filters.some((f) => {
    const slashes = f.kind.split('/').length - 1;
    // `*/*` in the chart is "any kind and subresource"; a bare `Kind` ignores group and version.
    const kindOk =
      f.kind === '*/*' || f.kind === '*'
        ? true
        : slashes === 2
          ? wildcardMatch(f.kind, gvk)
          : wildcardMatch(f.kind, kind) || (slashes === 1 && wildcardMatch(f.kind, gv));
    return kindOk && wildcardMatch(f.namespace, ns) && wildcardMatch(f.name, name);
  });
}

function objectName(request: AdmissionRequest): string {
  const o = request.object ?? request.oldObject;
  return typeof o?.metadata?.name === 'string' ? o.metadata.name : '';
}

/** True when the requesting user belongs to an excluded group. */
export function isExcludedGroup(excludeGroups: readonly string[], request: AdmissionRequest): boolean {
  const groups = request.userInfo?.groups ?? [];
  return groups.some((g) => excludeGroups.includes(g));
}
