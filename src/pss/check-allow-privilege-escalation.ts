// Check allowPrivilegeEscalation (restricted, 1.8+): every container must set
// securityContext.allowPrivilegeEscalation=false; Windows pods are exempt from 1.25.
// Mirrors kubernetes/pod-security-admission policy/check_allowPrivilegeEscalation.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isWindowsPod, required, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const allowPrivilegeEscalation1_8: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const ape = c.securityContext?.allowPrivilegeEscalation;
    if (ape === false) continue;
    bad.push(c.name);
    const path = c.path.child('securityContext', 'allowPrivilegeEscalation');
    errors.push(ape === true ? forbidden(path, true) : required(path));
  }
  if (bad.length === 0) return ALLOWED;
  return denied('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`, errors);
};

const allows1_8: AllowsPodFn = (_meta, spec) => {
  for (const c of visitContainers(spec)) if (c.securityContext?.allowPrivilegeEscalation !== false) return false;
  return true;
};

// Windows does not support privilege escalation; API validation rejects the field there.
const allowPrivilegeEscalation1_25: CheckPodFn = (meta, spec) => (isWindowsPod(spec) ? ALLOWED : allowPrivilegeEscalation1_8(meta, spec));
const allows1_25: AllowsPodFn = (meta, spec) => isWindowsPod(spec) || allows1_8(meta, spec);

/** The allowPrivilegeEscalation check. */
export const checkAllowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: 8, checkPod: allowPrivilegeEscalation1_8, allows: allows1_8 },
    { minimumVersion: 25, checkPod: allowPrivilegeEscalation1_25, allows: allows1_25 },
  ],
};
