// Evaluates a pod against a PSS level and version and assembles PSA's denial message.
// Mirrors kubernetes/pod-security-admission policy/checks.go (AggregateCheckResults, ForbiddenDetail)
// and admission/admission.go (`violates PodSecurity "<level>:<version>": ...`).
import type { ObjectMeta } from '../kube/index.js';
import { activeChecks } from './registry.js';
import type { CheckResult, PssLevel, PssPod } from './types.js';
import { formatPssVersion, parsePssVersion } from './version.js';

/** The verdict for one pod: allowed, every check's result, and PSA's message when denied. */
export interface PodEvaluation {
  allowed: boolean;
  results: CheckResult[];
  message?: string;
}

/** Reason text for a failed check, with its detail in parentheses: `host namespaces (hostNetwork=true)`. */
export function formatCheckResult(r: CheckResult): string {
  const reason = r.forbiddenReason || 'unknown forbidden reason';
  return r.forbiddenDetail ? `${reason} (${r.forbiddenDetail})` : reason;
}

/** PSA's aggregated message for the failed results at a level and version. */
export function formatViolation(level: PssLevel, version: string, failed: readonly CheckResult[]): string {
  return `violates PodSecurity "${level}:${version}": ${failed.map(formatCheckResult).join(', ')}`;
}

/** Evaluates a pod's metadata+spec as PSA does at level and version ('v1.0'..'v1.NN' or 'latest'). */
export function evaluatePod(pod: PssPod, level: PssLevel, version: string): PodEvaluation {
  const parsed = parsePssVersion(version);
  if (parsed === undefined) throw new RangeError(`invalid Pod Security Standards version ${JSON.stringify(version)}: use latest or v1.N`);
  const meta: ObjectMeta = pod.metadata ?? {};
  const results: CheckResult[] = activeChecks(level, parsed).map(({ id, checkPod, allows }) => (allows?.(meta, pod.spec) ? { id, allowed: true } : { id, ...checkPod(meta, pod.spec) }));
  const failed = results.filter((r) => !r.allowed);
  if (failed.length === 0) return { allowed: true, results };
  return { allowed: false, results, message: formatViolation(level, formatPssVersion(parsed), failed) };
}
