// Checks procMount (baseline: Default or unset; from 1.35 any value when hostUsers is false) and
// procMount_restricted (restricted, 1.35+: Default or unset always; overrides procMount).
// Mirrors kubernetes/pod-security-admission policy/check_procMount_baseline.go, check_procMount_restricted.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isUserNamespacePod, joinQuote, sortedSet, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const procMount1_0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const pm = c.securityContext?.procMount;
    if (pm === undefined || pm === null || pm === 'Default') continue;
    bad.push(c.name);
    types.add(String(pm));
    errors.push(forbidden(c.path.child('securityContext', 'procMount'), String(pm)));
  }
  if (bad.length === 0) return ALLOWED;
  return denied('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`, errors);
};

const allows1_0: AllowsPodFn = (_meta, spec) => {
  for (const c of visitContainers(spec)) {
    const pm = c.securityContext?.procMount;
    if (!(pm === undefined || pm === null || pm === 'Default')) return false;
  }
  return true;
};

const procMount1_35Baseline: CheckPodFn = (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : procMount1_0(meta, spec));
const allows1_35Baseline: AllowsPodFn = (meta, spec) => isUserNamespacePod(spec) || allows1_0(meta, spec);

/** The baseline procMount check. */
export const checkProcMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: procMount1_0, allows: allows1_0 },
    { minimumVersion: 35, checkPod: procMount1_35Baseline, allows: allows1_35Baseline },
  ],
};

/** The restricted procMount_restricted check. */
export const checkProcMountRestricted: Check = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: 35, checkPod: procMount1_0, allows: allows1_0, overrides: ['procMount'] }],
};
