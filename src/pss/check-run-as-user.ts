// Check runAsUser (restricted, 1.23+): runAsUser must not be 0 at pod or container level; from
// 1.35 pods with hostUsers=false (user namespaces) are exempt.
// Mirrors kubernetes/pod-security-admission policy/check_runAsUser.go.
import { FieldPath, type FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isUserNamespacePod, podSecurityContext, visitContainers } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const runAsUser1_23: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const errors: FieldError[] = [];
  if (podSecurityContext(spec)?.runAsUser === 0) {
    setters.push('pod');
    errors.push(forbidden(FieldPath.of('spec', 'securityContext', 'runAsUser'), 0));
  }
  const bad: string[] = [];
  for (const c of visitContainers(spec)) {
    if (c.securityContext?.runAsUser === 0) {
      bad.push(c.name);
      errors.push(forbidden(c.path.child('securityContext', 'runAsUser'), 0));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length > 0 ? denied('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, errors) : ALLOWED;
};

const runAsUser1_35: CheckPodFn = (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : runAsUser1_23(meta, spec));

/** The runAsUser check. */
export const checkRunAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: 23, checkPod: runAsUser1_23 },
    { minimumVersion: 35, checkPod: runAsUser1_35 },
  ],
};
