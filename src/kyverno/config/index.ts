// Public surface of kyverno/config/: Kyverno's global configuration (resourceFilters, excludeGroups,
// excludeUsernames) as the kyverno chart renders it — what the engine never sees.
export type { FilterTarget, KyvernoChartVersion, KyvernoConfig, ResourceFilter } from './resource-filters.js';
export {
  DEFAULT_EXCLUDE_GROUPS,
  DEFAULT_RESOURCE_FILTERS,
  defaultKyvernoConfig,
  excludedRequester,
  filteredBy,
  filteredRequestBy,
  kyvernoConfigFromValues,
  parseResourceFilters,
  webhookSkipsNamespace,
} from './resource-filters.js';
export type { ClusterContext, ClusterContextBuild, ConfigMapRef, ExceptionFeatures, RoleBindingData } from './cluster-context.js';
export { buildClusterContext, configMapRefs, DEFAULT_EXCEPTION_FEATURES, exceptionFeaturesFromValues, policiesUseRoles, requesterRoles } from './cluster-context.js';
