// Check privileged (baseline, 1.0+): no container may set securityContext.privileged=true.
// Mirrors kubernetes/pod-security-admission policy/check_privileged.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isTrue, visitContainers } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const privileged1_0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    if (isTrue(c.securityContext?.privileged)) {
      bad.push(c.name);
      errors.push(forbidden(c.path.child('securityContext', 'privileged'), true));
    }
  }
  return bad.length > 0 ? denied('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`, errors) : ALLOWED;
};

/** The privileged check. */
export const checkPrivileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: privileged1_0 }],
};
