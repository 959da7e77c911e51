// Check appArmorProfile (baseline, 1.0+): the AppArmor profile fields (pod and containers) must be
// RuntimeDefault or Localhost, and the beta annotations runtime/default, localhost/* or empty.
// Mirrors kubernetes/pod-security-admission policy/check_appArmorProfile.go (both channels, one step).
import type { FieldError } from '../kube/index.js';
import { FieldPath } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, joinQuote, obj, pluralize, podSecurityContext, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(v: string): boolean {
  return v === '' || v === 'runtime/default' || v.startsWith('localhost/');
}

function allowedProfileType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

const appArmorProfile1_0: CheckPodFn = (meta, spec) => {
  const setters: string[] = [];
  const badValues = new Set<string>();
  const errors: FieldError[] = [];
  const podProfile = obj(podSecurityContext(spec)?.appArmorProfile);
  if (podProfile && !allowedProfileType(str(podProfile.type))) {
    setters.push('pod');
    badValues.add(str(podProfile.type));
    errors.push(forbidden(FieldPath.of('spec', 'securityContext', 'appArmorProfile', 'type'), str(podProfile.type)));
  }
  const badContainers: string[] = [];
  for (const c of visitContainers(spec)) {
    const profile = obj(c.securityContext?.appArmorProfile);
    if (profile && !allowedProfileType(str(profile.type))) {
      badContainers.push(c.name);
      badValues.add(str(profile.type));
      errors.push(forbidden(c.path.child('securityContext', 'appArmorProfile', 'type'), str(profile.type)));
    }
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  const annotations: string[] = [];
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(String(v))) {
      annotations.push(`${k}=${JSON.stringify(String(v))}`);
      errors.push(forbidden(FieldPath.of('metadata', 'annotations').key(k), String(v)));
    }
  }
  const valueList = sortedSet(badValues);
  if (annotations.length > 0) {
    valueList.push(...annotations.sort());
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) return ALLOWED;
  return denied(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`,
    errors,
  );
};

const allows1_0: AllowsPodFn = (meta, spec) => {
  const podProfile = obj(podSecurityContext(spec)?.appArmorProfile);
  if (podProfile && !allowedProfileType(str(podProfile.type))) return false;
  for (const c of visitContainers(spec)) {
    const profile = obj(c.securityContext?.appArmorProfile);
    if (profile && !allowedProfileType(str(profile.type))) return false;
  }
  // The own enumerable keys appArmorProfile1_0 reads with Object.entries, without making the entries.
  const annotations: Record<string, unknown> | undefined = meta.annotations;
  if (annotations === undefined || annotations === null) return true;
  for (const k in annotations) {
    if (Object.hasOwn(annotations, k) && k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(String(annotations[k]))) return false;
  }
  return true;
};

/** The appArmorProfile check. */
export const checkAppArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: appArmorProfile1_0, allows: allows1_0 }],
};
