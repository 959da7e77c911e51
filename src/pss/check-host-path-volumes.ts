// Check hostPathVolumes (baseline, 1.0+): no spec.volumes[*].hostPath.
// Mirrors kubernetes/pod-security-admission policy/check_hostPathVolumes.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, denied, forbidden, joinQuote, list, obj, pluralize, SPEC, str } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const hostPathVolumes1_0: CheckPodFn = (_meta, spec) => {
  const names: string[] = [];
  const errors: FieldError[] = [];
  list(spec.volumes).forEach((v, i) => {
    const volume = obj(v);
    if (volume?.hostPath === undefined || volume.hostPath === null) return;
    names.push(str(volume.name));
    errors.push(forbidden(SPEC.child('volumes').index(i).child('hostPath'), str(obj(volume.hostPath)?.path)));
  });
  if (names.length === 0) return ALLOWED;
  return denied('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, errors);
};

/** The hostPathVolumes check (overridden by restrictedVolumes at restricted). */
export const checkHostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostPathVolumes1_0 }],
};
