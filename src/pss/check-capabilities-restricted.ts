// Check capabilities_restricted (restricted, 1.22+; overrides capabilities_baseline): every container
// drops ALL and adds at most NET_BIND_SERVICE; Windows pods are exempt from 1.25.
// Mirrors kubernetes/pod-security-admission policy/check_capabilities_restricted.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isWindowsPod, joinQuote, list, obj, required, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const capabilitiesRestricted1_22: CheckPodFn = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCaps = new Set<string>();
  const dropErrors: FieldError[] = [];
  const addErrors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const capabilities = obj(c.securityContext?.capabilities);
    const dropPath = c.path.child('securityContext', 'capabilities', 'drop');
    if (!capabilities) {
      missingDropAll.push(c.name);
      dropErrors.push(required(dropPath));
      continue;
    }
    const drop = list(capabilities.drop).map(str);
    if (!drop.includes('ALL')) {
      missingDropAll.push(c.name);
      dropErrors.push(drop.length > 0 ? forbidden(dropPath, sortedSet(drop)) : required(dropPath));
    }
    const added = list(capabilities.add)
      .map(str)
      .filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      addingForbidden.push(c.name);
      for (const cap of added) forbiddenCaps.add(cap);
      addErrors.push(forbidden(c.path.child('securityContext', 'capabilities', 'add'), sortedSet(added)));
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCaps))} in securityContext.capabilities.add`);
  }
  return details.length > 0 ? denied('unrestricted capabilities', details.join('; '), [...dropErrors, ...addErrors]) : ALLOWED;
};

const allows1_22: AllowsPodFn = (_meta, spec) => {
  for (const c of visitContainers(spec)) {
    const capabilities = obj(c.securityContext?.capabilities);
    if (!capabilities) return false;
    const drop = capabilities.drop;
    if (!Array.isArray(drop) || !drop.includes('ALL')) return false;
    for (const cap of list(capabilities.add)) if (cap !== 'NET_BIND_SERVICE') return false;
  }
  return true;
};

// Windows pods cannot set capabilities (API validation), so they are admitted without drop ALL.
const capabilitiesRestricted1_25: CheckPodFn = (meta, spec) => (isWindowsPod(spec) ? ALLOWED : capabilitiesRestricted1_22(meta, spec));
const allows1_25: AllowsPodFn = (meta, spec) => isWindowsPod(spec) || allows1_22(meta, spec);

/** The capabilities_restricted check. */
export const checkCapabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 22, checkPod: capabilitiesRestricted1_22, allows: allows1_22, overrides: ['capabilities_baseline'] },
    { minimumVersion: 25, checkPod: capabilitiesRestricted1_25, allows: allows1_25, overrides: ['capabilities_baseline'] },
  ],
};
