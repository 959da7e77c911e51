// Check hostNamespaces (baseline, 1.0+): spec.hostNetwork, hostPID, hostIPC must be unset or false.
// Mirrors kubernetes/pod-security-admission policy/check_hostNamespaces.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, denied, forbidden, isTrue, SPEC } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const hostNamespaces1_0: CheckPodFn = (_meta, spec) => {
  const found: string[] = [];
  const errors: FieldError[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (isTrue(spec[f])) {
      found.push(`${f}=true`);
      errors.push(forbidden(SPEC.child(f), true));
    }
  }
  return found.length > 0 ? denied('host namespaces', found.join(', '), errors) : ALLOWED;
};

/** The hostNamespaces check. */
export const checkHostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostNamespaces1_0 }],
};
