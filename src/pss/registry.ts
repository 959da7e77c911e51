// The check registry: which version step of which check runs at a level and version, with
// restricted steps overriding the baseline checks they name, in PSA's stable order.
// Mirrors kubernetes/pod-security-admission policy/registry.go (populate, inflateVersions, EvaluatePod).
import { checkAllowPrivilegeEscalation } from './check-allow-privilege-escalation.js';
import { checkAppArmorProfile } from './check-app-armor-profile.js';
import { checkCapabilitiesBaseline } from './check-capabilities-baseline.js';
import { checkCapabilitiesRestricted } from './check-capabilities-restricted.js';
import { checkHostNamespaces } from './check-host-namespaces.js';
import { checkHostPathVolumes } from './check-host-path-volumes.js';
import { checkHostPorts } from './check-host-ports.js';
import { checkHostProbesAndHostLifecycle } from './check-host-probes-and-host-lifecycle.js';
import { checkPrivileged } from './check-privileged.js';
import { checkProcMount, checkProcMountRestricted } from './check-proc-mount.js';
import { checkRestrictedVolumes } from './check-restricted-volumes.js';
import { checkRunAsNonRoot } from './check-run-as-non-root.js';
import { checkRunAsUser } from './check-run-as-user.js';
import { checkSeccompProfileBaseline, checkSeccompProfileRestricted } from './check-seccomp-profile.js';
import { checkSeLinuxOptions } from './check-se-linux-options.js';
import { checkSysctls } from './check-sysctls.js';
import { checkWindowsHostProcess } from './check-windows-host-process.js';
import type { AllowsPodFn, Check, CheckPodFn, PssLevel, VersionedCheck } from './types.js';
import type { PssVersion } from './version.js';

/** Every registered check (the default checks of PSA). */
export const CHECKS: readonly Check[] = [
  checkAllowPrivilegeEscalation,
  checkAppArmorProfile,
  checkCapabilitiesBaseline,
  checkCapabilitiesRestricted,
  checkHostNamespaces,
  checkHostPathVolumes,
  checkHostPorts,
  checkHostProbesAndHostLifecycle,
  checkPrivileged,
  checkProcMount,
  checkProcMountRestricted,
  checkRestrictedVolumes,
  checkRunAsNonRoot,
  checkRunAsUser,
  checkSeLinuxOptions,
  checkSeccompProfileBaseline,
  checkSeccompProfileRestricted,
  checkSysctls,
  checkWindowsHostProcess,
];

/** The newest minor any check registers a step for: what `latest` resolves to. */
export const MAX_VERSION: number = Math.max(...CHECKS.flatMap((c) => c.versions.map((v) => v.minimumVersion)));

/** A check bound to the step that applies at one version. */
export interface ActiveCheck {
  id: string;
  checkPod: CheckPodFn;
  /** The step's quick test, when it has one (VersionedCheck.allows). */
  allows?: AllowsPodFn;
}

/** The step of a check that applies at minor v, if any. */
export function stepAt(check: Check, v: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const step of check.versions) if (step.minimumVersion <= v) found = step;
  return found;
}

// Go sorts check IDs byte-wise, so uppercase sorts before lowercase (`seLinuxOptions` < `seccompProfile_baseline`).
const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const BASELINE = CHECKS.filter((c) => c.level === 'baseline').sort(byId);
const RESTRICTED = CHECKS.filter((c) => c.level === 'restricted').sort(byId);
const cache = new Map<string, ActiveCheck[]>();

/** Resolves a version to the minor PSA evaluates at: latest and newer-than-known clamp to MAX_VERSION. */
export function resolveVersion(version: PssVersion): number {
  return version === 'latest' || version > MAX_VERSION ? MAX_VERSION : version;
}

function active(id: string, step: VersionedCheck): ActiveCheck {
  return step.allows ? { id, checkPod: step.checkPod, allows: step.allows } : { id, checkPod: step.checkPod };
}

/** The checks that run at a level and version, baseline first, each group ordered by ID. */
export function activeChecks(level: PssLevel, version: PssVersion): ActiveCheck[] {
  if (level === 'privileged') return [];
  const v = resolveVersion(version);
  const key = `${level}:${v}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out: ActiveCheck[] = [];
  const restrictedSteps = level === 'restricted' ? RESTRICTED.map((c) => ({ c, step: stepAt(c, v) })) : [];
  const overridden = new Set(restrictedSteps.flatMap(({ step }) => step?.overrides ?? []));
  for (const c of BASELINE) {
    const step = stepAt(c, v);
    if (step && !overridden.has(c.id)) out.push(active(c.id, step));
  }
  for (const { c, step } of restrictedSteps) if (step) out.push(active(c.id, step));
  cache.set(key, out);
  return out;
}
