// Result and input types of the Kyverno engine. Mirrors kyverno@v1.10.7:pkg/engine/api/rulestatus.go
// (statuses), ruleresponse.go and engineresponse.go, kept small as STYLE.md §3 asks.
import type { KubeObject } from '../../kube/index.js';
import type { JsonValue } from '../../util/index.js';
import type { GroupVersionKind, RequestInfo } from '../match/index.js';
import type { PolicyException } from '../model/exception.js';
import type { EngineProfile } from './profile.js';
import type { ContextEntry, FailurePolicy, RuleType, ValidationFailureAction } from '../model/index.js';

/**
 * A rule's outcome, in the words reports and kyverno-test use:
 * - pass: the resource satisfied the rule.
 * - fail: the resource violated the rule (blocks when the effective action is Enforce).
 * - warn: a fail reported as a warning (policy annotated `policies.kyverno.io/scored: "false"`); reports only.
 * - error: the rule could not be evaluated (variables, context, invalid pattern, ...).
 * - skip: the rule matched but did not apply (preconditions, conditional/global anchors, no foreach element).
 */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** One rule's verdict on one resource (shared between requests when its text is the same: never changed). */
export interface RuleResult {
  readonly policy: string;
  readonly rule: string;
  readonly ruleType: RuleType;
  readonly status: RuleStatus;
  readonly message: string;
  /** Kyverno-style path of a pattern failure, e.g. `/spec/volumes/0/hostPath/`. */
  readonly path?: string;
}

/** The resource a result is about. */
export interface ResourceRef {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * Every verdict of one policy on one resource. Rules that did not match produce no RuleResult. `policy` is
 * shared by the policy's results and `resource` by the request's (never changed).
 */
export interface PolicyResult {
  policy: { readonly name: string; readonly namespace?: string };
  resource: ResourceRef;
  rules: RuleResult[];
  /** The effective validationFailureAction for this resource (overrides applied). */
  action: ValidationFailureAction;
  failurePolicy: FailurePolicy;
  /** Matching rules evaluatePolicy leaves alone: mutate (see kyverno/mutate: mutatePolicy, admitResource), generate, verifyImages. */
  unevaluated: readonly { readonly rule: string; readonly ruleType: RuleType }[];
}

/** Values standing in for context entries and variables (a kyverno-test values file, or a snapshot). */
export interface EvaluationValues {
  /** Dotted variables added to the context before any rule (`globalValues`, per-resource values). */
  global?: Readonly<Record<string, JsonValue>>;
  /** Per rule name: dotted variables added when the rule's context loads. */
  rules?: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
  /** Per rule name: per-variable lists indexed by foreach element index. */
  foreach?: Readonly<Record<string, Readonly<Record<string, readonly JsonValue[]>>>>;
}

/**
 * Resolves a configMap/apiCall/imageRegistry context entry offline (a configMap entry arrives with its name
 * and namespace already substituted); undefined leaves it unloaded, an Error makes the rule an error.
 */
export type ContextResolver = (entry: ContextEntry) => JsonValue | undefined | Error;

/** The request around a resource. Everything is optional; defaults match `kyverno apply`/`kyverno test`. */
export interface EvaluationContext {
  /** CREATE by default. With DELETE the resource is treated as the old object. */
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  oldObject?: KubeObject;
  /** The request's kind, when it differs from the object's (e.g. a subresource request). */
  gvk?: GroupVersionKind;
  subresource?: string;
  namespaceLabels?: Readonly<Record<string, string>>;
  requestInfo?: RequestInfo;
  values?: EvaluationValues;
  resolveContext?: ContextResolver;
  /**
   * A mutate foreach that changes nothing is skipped, as from Kyverno 1.11 (`podgate test` sets it for
   * suites in the 1.11+ `cli.kyverno.io/v1alpha1` format); by default it passes, as in 1.10.7.
   */
  skipUnchangedForeach?: boolean;
  /** Injected clock (reports and time functions); never Date.now() inside the engine. */
  clock?: () => Date;
  /** Which Kyverno version's behaviour to follow where versions differ (default: 1.10). */
  profile?: EngineProfile;
  /**
   * The admission request as Kyverno's context holds it under `request` (the whole AdmissionRequest: uid,
   * kind, resource, subResource, name, dryRun, options, …); object, oldObject, operation, namespace and
   * userInfo still come from the fields above. Absent outside admission (`podgate test`, `apply`).
   */
  admissionRequest?: Readonly<Record<string, JsonValue>>;
  /** PolicyExceptions in effect (plain data; the caller applies Kyverno's feature flag and namespace restriction). */
  exceptions?: readonly PolicyException[];
  /**
   * The cluster's ConfigMaps for `context.configMap` entries, keyed `namespace/name` (plain data). When
   * given, a ConfigMap missing from it is a rule error as in Kyverno; when absent, such entries are left
   * to resolveContext (or unloaded).
   */
  configMaps?: Readonly<Record<string, ConfigMapData>>;
}

/** What a `context.configMap` entry loads: the ConfigMap's data and metadata. */
export interface ConfigMapData {
  data: Readonly<Record<string, string>>;
  metadata: Readonly<Record<string, JsonValue>>;
}
