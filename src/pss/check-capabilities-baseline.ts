// Check capabilities_baseline (baseline, 1.0+): capabilities.add only from the default set.
// Mirrors kubernetes/pod-security-admission policy/check_capabilities_baseline.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, joinQuote, list, obj, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

/** Capabilities a baseline container may add. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const capabilitiesBaseline1_0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const caps = new Set<string>();
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const capabilities = obj(c.securityContext?.capabilities);
    if (!capabilities) continue;
    const forbiddenHere = list(capabilities.add)
      .map(str)
      .filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (forbiddenHere.length === 0) continue;
    bad.push(c.name);
    for (const cap of forbiddenHere) caps.add(cap);
    errors.push(forbidden(c.path.child('securityContext', 'capabilities', 'add'), sortedSet(forbiddenHere)));
  }
  if (bad.length === 0) return ALLOWED;
  return denied(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    errors,
  );
};

const allows1_0: AllowsPodFn = (_meta, spec) => {
  for (const c of visitContainers(spec)) {
    const capabilities = obj(c.securityContext?.capabilities);
    if (!capabilities) continue;
    for (const cap of list(capabilities.add)) if (!BASELINE_CAPABILITIES.has(str(cap))) return false;
  }
  return true;
};

/** The capabilities_baseline check (overridden by capabilities_restricted at restricted 1.22+). */
export const checkCapabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: capabilitiesBaseline1_0, allows: allows1_0 }],
};
