// Types shared by the Pod Security Standards checks: a check, its version steps, and one result.
// Mirrors kubernetes/pod-security-admission policy/checks.go (Check, VersionedCheck, CheckResult).
import type { FieldError, ObjectMeta } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';

/** The three Pod Security Standards levels. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** The pod a check looks at: its metadata and spec (of a Pod or of a controller's template). */
export interface PssPod {
  metadata?: ObjectMeta;
  spec: JsonObject;
}

/** The outcome of one check on one pod. */
export interface CheckResult {
  /** Check ID, e.g. `hostNamespaces`. */
  id: string;
  allowed: boolean;
  /** Succinct reason, always printed when denied (`host namespaces`). */
  forbiddenReason?: string;
  /** Specific values, printed in parentheses after the reason (`hostNetwork=true`). */
  forbiddenDetail?: string;
  /** Field errors as Kyverno's fork of PSA reports them (`WithFieldErrors`), used by `validate.podSecurity`. */
  errors?: FieldError[];
}

/** A check function: one version step of one check. */
export type CheckPodFn = (metadata: ObjectMeta, spec: JsonObject) => Omit<CheckResult, 'id'>;

/** A check step's quick test: does checkPod allow the pod? */
export type AllowsPodFn = (metadata: ObjectMeta, spec: JsonObject) => boolean;

/** One version step of a check. */
export interface VersionedCheck {
  /** First minor version (of 1.x) this step applies to. */
  minimumVersion: number;
  checkPod: CheckPodFn;
  /**
   * Optional quick test, true exactly when checkPod allows the pod (checks.test.ts holds the two together on
   * random pods). The runners call it first, so a passing pod costs no result, message or field path.
   */
  allows?: AllowsPodFn;
  /** Baseline check IDs this restricted step replaces at its versions. */
  overrides?: readonly string[];
}

/** A Pod Security Standards check with its version steps (strictly increasing). */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  versions: readonly VersionedCheck[];
}
