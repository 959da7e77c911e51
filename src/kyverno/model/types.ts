// Kyverno policy types as plain JSON-shaped interfaces (kyverno.io/v1 and v2beta1).
// Mirrors kyverno@v1.10.7:api/kyverno/v1/{clusterpolicy_types,spec_types,rule_types,match_resources_types,
// resource_description_types,common_types}.go — only the fields the validate engine reads are typed;
// everything else is carried as JsonValue.
import type { JsonObject, JsonValue } from '../../util/index.js';

/** Enforce blocks the request on failure; Audit only reports it. */
export type ValidationFailureAction = 'Audit' | 'Enforce';
/** What happens when a rule errors in admission. */
export type FailurePolicy = 'Fail' | 'Ignore';

/** A Kubernetes LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** The resource part of a match/exclude filter (ResourceDescription). */
export interface ResourceDescription {
  kinds?: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
}

/** An RBAC subject (User, Group or ServiceAccount). */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** The user part of a filter (UserInfo). */
export interface UserInfoFilter {
  roles?: string[];
  clusterRoles?: string[];
  subjects?: Subject[];
}

/** One match/exclude filter: resources plus user info (ResourceFilter). */
export interface ResourceFilter extends UserInfoFilter {
  resources?: ResourceDescription;
}

/** match or exclude: any/all lists, or the legacy single block. */
export interface MatchResources extends UserInfoFilter {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
  resources?: ResourceDescription;
}

/** One condition of preconditions/deny. */
export interface Condition {
  key: JsonValue;
  operator: string;
  value?: JsonValue;
  message?: string;
}

/** Preconditions/deny conditions: any/all, or a legacy list meaning all. */
export interface AnyAllConditions {
  any?: Condition[];
  all?: Condition[];
}

/** A rule context entry; only the kind and name matter offline. */
export interface ContextEntry {
  name: string;
  variable?: { value?: JsonValue; jmesPath?: string; default?: JsonValue };
  configMap?: { name: string; namespace?: string };
  apiCall?: JsonObject;
  imageRegistry?: JsonObject;
}

/** A foreach declaration of a validate rule (ForEachValidation). */
export interface ForEachValidation {
  list: string;
  elementScope?: boolean;
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
  pattern?: JsonValue;
  anyPattern?: JsonValue[];
  deny?: { conditions?: AnyAllConditions };
  foreach?: ForEachValidation[];
}

/** The podSecurity subrule of validate. */
export interface PodSecurity {
  level: string;
  version?: string;
  exclude?: JsonValue[];
}

/** A validate rule body. */
export interface Validation {
  message?: string;
  pattern?: JsonValue;
  anyPattern?: JsonValue[];
  deny?: { conditions?: AnyAllConditions };
  foreach?: ForEachValidation[];
  podSecurity?: PodSecurity;
  manifests?: JsonValue;
}

/** One policy rule; mutate/generate/verifyImages are carried unevaluated. */
export interface Rule {
  name: string;
  match: MatchResources;
  exclude?: MatchResources;
  context?: ContextEntry[];
  preconditions?: AnyAllConditions;
  validate?: Validation;
  mutate?: JsonObject;
  generate?: JsonObject;
  verifyImages?: JsonValue[];
}

/** A validationFailureActionOverrides entry. */
export interface ActionOverride {
  action: ValidationFailureAction;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}

/** A normalised ClusterPolicy or Policy. */
export interface Policy {
  kind: 'ClusterPolicy' | 'Policy';
  apiVersion: string;
  name: string;
  /** Set only for a namespaced Policy. */
  namespace?: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  validationFailureAction: ValidationFailureAction;
  validationFailureActionOverrides: ActionOverride[];
  background: boolean;
  failurePolicy: FailurePolicy;
  applyRules: 'All' | 'One';
  rules: Rule[];
  /** The object as read, for autogen's text rewrites and reports. */
  raw: JsonObject;
}

/** The rule types a result can come from. */
export type RuleType = 'validate' | 'mutate' | 'generate' | 'verifyImages';

/** The type of a rule (validate wins when several are present, as Kyverno's HasValidate checks first). */
export function ruleType(rule: Rule): RuleType {
  if (rule.validate) return 'validate';
  if (rule.mutate) return 'mutate';
  if (rule.generate) return 'generate';
  return 'verifyImages';
}
