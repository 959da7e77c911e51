// Public surface of kyverno/model: policy types and the YAML → Policy loader with diagnostics.
export type { PolicyLoadResult } from './load.js';
export type { PolicyListResult, PolicyValidation } from './load-objects.js';
export { loadPolicyList, loadPolicyObjects } from './load-objects.js';
export type { KyvernoSchemaVersion, SchemaIssue, ValidationMode } from './schema.js';
export { checkPolicySchema, KYVERNO_SCHEMA_VERSIONS, pruneUnknownFields, VALIDATION_MODES } from './schema.js';
export { isKyvernoPolicy, loadPolicy } from './load.js';
export type {
  ActionOverride,
  AnyAllConditions,
  Condition,
  ContextEntry,
  FailurePolicy,
  ForEachValidation,
  LabelSelector,
  MatchResources,
  PodSecurity,
  Policy,
  ResourceDescription,
  ResourceFilter,
  Rule,
  RuleType,
  Subject,
  UserInfoFilter,
  Validation,
  ValidationFailureAction,
} from './types.js';
export { ruleType } from './types.js';
