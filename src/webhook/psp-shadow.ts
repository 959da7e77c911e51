// Shadow-mode comparison of PodSecurityPolicy (still enforcing during the migration) with the
// Kyverno decision podgate would have sent: breakage (PSP admits, Kyverno would deny), regression
// (PSP denies or forces a safer value, Kyverno admits), same. Uses the classes of src/migrate's
// PSP↔Kyverno diff; evaluates the pod with kubernetes@1.24 plugin/pkg/admission/security/podsecuritypolicy.
import { type AdmissionRequest, buildSnapshot, type ClusterSnapshot, type KubeObject, type LoadedObject } from '../kube/index.js';
import { admitPod } from '../psp/index.js';
import type { AdmissionDecision } from './decision.js';
import type { PolicyVerdict } from './results.js';

/** PSP's decision on one pod request. */
export interface PspVerdict {
  allowed: boolean;
  /** The PSP that admitted the pod. */
  policy?: string;
  /** The API server's denial text. */
  message?: string;
  /** True when the admitting PSP defaulted fields (a protection Kyverno does not give). */
  mutated: boolean;
}

/** breakage: PSP admits, Kyverno would deny; regression: PSP denies or mutates, Kyverno admits as written. */
export type ShadowClass = 'breakage' | 'regression' | 'same';

/** Both decisions on one request, as the shadow log and report record them. */
export interface ShadowComparison {
  psp: PspVerdict;
  kyverno: { allowed: boolean; denials: { policy: string; rule: string; message: string }[] };
  class: ShadowClass;
}

/** Evaluates Pod CREATE/UPDATE requests against the PSPs and RBAC of a cluster dump. */
export type PspEvaluator = (request: AdmissionRequest) => PspVerdict | undefined;

/** A PSP evaluator over loaded cluster objects (PSPs, RBAC, namespaces). */
export function createPspEvaluator(objects: readonly LoadedObject[]): { evaluate: PspEvaluator; snapshot: ClusterSnapshot } {
  const snapshot = buildSnapshot(objects);
  const evaluate: PspEvaluator = (request) => {
    const k = request.kind;
    // The PSP plugin only looks at core/v1 Pods, created or updated.
    if (k.group !== '' || k.kind !== 'Pod' || (request.operation !== 'CREATE' && request.operation !== 'UPDATE') || !request.object) return undefined;
    const r = admitPod(request.object as KubeObject, {
      snapshot,
      user: request.userInfo.username ?? '',
      groups: request.userInfo.groups ?? [],
      ...(request.namespace ? { namespace: request.namespace } : {}),
      operation: request.operation,
      ...(request.oldObject ? { oldPod: request.oldObject as KubeObject } : {}),
      ...(request.subResource ? { subResource: request.subResource } : {}),
    });
    return { allowed: r.allowed, mutated: r.mutated, ...(r.policy !== undefined ? { policy: r.policy } : {}), ...(r.message !== undefined ? { message: r.message } : {}) };
  };
  return { evaluate, snapshot };
}

/** Compares PSP's verdict with the decision Kyverno would have sent (its would-be denial in shadow mode). */
export function comparePsp(psp: PspVerdict, decision: AdmissionDecision, results: readonly PolicyVerdict[]): ShadowComparison {
  const allowed = decision.allowed && decision.wouldDeny === undefined;
  const denials = allowed
    ? []
    : results.flatMap((v) => v.rules.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => ({ policy: v.policy.name, rule: r.rule, message: r.message })));
  const cls: ShadowClass = psp.allowed && !allowed ? 'breakage' : allowed && (!psp.allowed || psp.mutated) ? 'regression' : 'same';
  return { psp, kyverno: { allowed, denials }, class: cls };
}
