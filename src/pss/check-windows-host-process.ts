// Check windowsHostProcess (baseline, 1.0+): windowsOptions.hostProcess must not be true on the
// pod or any container.
// Mirrors kubernetes/pod-security-admission policy/check_windowsHostProcess.go.
import { FieldPath, type FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isTrue, obj, podSecurityContext, visitContainers } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const windowsHostProcess1_0: CheckPodFn = (_meta, spec) => {
  const errors: FieldError[] = [];
  const bad: string[] = [];
  for (const c of visitContainers(spec)) {
    if (isTrue(obj(c.securityContext?.windowsOptions)?.hostProcess)) {
      bad.push(c.name);
      errors.push(forbidden(c.path.child('securityContext', 'windowsOptions', 'hostProcess'), true));
    }
  }
  const setters: string[] = [];
  if (isTrue(obj(podSecurityContext(spec)?.windowsOptions)?.hostProcess)) {
    setters.push('pod');
    errors.unshift(forbidden(FieldPath.of('spec', 'securityContext', 'windowsOptions', 'hostProcess'), true));
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return denied('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, errors);
};

/** The windowsHostProcess check. */
export const checkWindowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: windowsHostProcess1_0 }],
};
