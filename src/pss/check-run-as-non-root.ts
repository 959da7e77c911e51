// Check runAsNonRoot (restricted): runAsNonRoot=true at pod level or on every container, never
// false; from 1.35 pods with hostUsers=false (user namespaces) are exempt.
// Mirrors kubernetes/pod-security-admission policy/check_runAsNonRoot.go.
import { FieldPath, type FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isUserNamespacePod, podSecurityContext, required, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const runAsNonRoot1_0: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const errors: FieldError[] = [];
  let podNonRoot = false;
  const podValue = podSecurityContext(spec)?.runAsNonRoot;
  if (podValue === false) {
    setters.push('pod');
    errors.push(forbidden(FieldPath.of('spec', 'securityContext', 'runAsNonRoot'), false));
  } else if (podValue === true) {
    podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitErrors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    const path = c.path.child('securityContext', 'runAsNonRoot');
    if (typeof v === 'boolean') {
      if (!v) {
        explicit.push(c.name);
        errors.push(forbidden(path, false));
      }
    } else if (!podNonRoot) {
      implicit.push(c.name);
      implicitErrors.push(required(path));
    }
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) return denied('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, errors);
  if (implicit.length > 0) return denied('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`, implicitErrors);
  return ALLOWED;
};

// Allowed when the pod does not set false and every container sets true, or inherits the pod's true.
const allows1_0: AllowsPodFn = (_meta, spec) => {
  const podValue = podSecurityContext(spec)?.runAsNonRoot;
  if (podValue === false) return false;
  for (const c of visitContainers(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    if (typeof v === 'boolean' ? !v : podValue !== true) return false;
  }
  return true;
};

const runAsNonRoot1_35: CheckPodFn = (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : runAsNonRoot1_0(meta, spec));
const allows1_35: AllowsPodFn = (meta, spec) => isUserNamespacePod(spec) || allows1_0(meta, spec);

/** The runAsNonRoot check. */
export const checkRunAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: 0, checkPod: runAsNonRoot1_0, allows: allows1_0 },
    { minimumVersion: 35, checkPod: runAsNonRoot1_35, allows: allows1_35 },
  ],
};
