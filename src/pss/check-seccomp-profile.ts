// Checks seccompProfile_baseline (annotations before 1.19, the fields from 1.19: never Unconfined)
// and seccompProfile_restricted (1.19+: RuntimeDefault or Localhost on the pod or every container;
// Windows pods exempt from 1.25; overrides the baseline check).
// Mirrors kubernetes/pod-security-admission policy/check_seccompProfile_baseline.go, check_seccompProfile_restricted.go.
import { FieldPath, type FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, isWindowsPod, joinQuote, obj, pluralize, podSecurityContext, required, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const POD_TYPE_PATH = FieldPath.of('spec', 'securityContext', 'seccompProfile', 'type');

function validAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function validType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

const seccompBaseline1_0: CheckPodFn = (meta, spec) => {
  const annotations = meta.annotations ?? {};
  const bad = new Set<string>();
  const errors: FieldError[] = [];
  const check = (key: string) => {
    if (!Object.hasOwn(annotations, key)) return;
    const v = String(annotations[key]);
    if (validAnnotation(v)) return;
    bad.add(`${key}=${JSON.stringify(v)}`);
    errors.push(forbidden(FieldPath.of('metadata', 'annotations').key(key), v));
  };
  check(POD_ANNOTATION);
  for (const c of visitContainers(spec)) check(CONTAINER_ANNOTATION_PREFIX + c.name);
  if (bad.size === 0) return ALLOWED;
  return denied('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', bad.size)} ${sortedSet(bad).join(', ')}`, errors);
};

/** Explicitly bad settings (pod and containers) and, when restricted, containers left unset. */
function seccompFields(spec: Parameters<CheckPodFn>[1], restricted: boolean): ReturnType<CheckPodFn> {
  const setters: string[] = [];
  const badValues = new Set<string>();
  const errors: FieldError[] = [];
  let podSet = false;
  const podProfile = obj(podSecurityContext(spec)?.seccompProfile);
  if (podProfile) {
    if (!validType(str(podProfile.type))) {
      setters.push('pod');
      badValues.add(str(podProfile.type));
      errors.push(forbidden(POD_TYPE_PATH, str(podProfile.type)));
    } else {
      podSet = true;
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitErrors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const profile = obj(c.securityContext?.seccompProfile);
    if (profile) {
      if (!validType(str(profile.type))) {
        explicit.push(c.name);
        badValues.add(str(profile.type));
        errors.push(forbidden(c.path.child('securityContext', 'seccompProfile', 'type'), str(profile.type)));
      }
    } else if (restricted && !podSet) {
      implicit.push(c.name);
      implicitErrors.push(required(c.path.child('securityContext', 'seccompProfile', 'type')));
    }
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) {
    return denied('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`, errors);
  }
  if (implicit.length > 0) {
    return denied(
      'seccompProfile',
      `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      implicitErrors,
    );
  }
  return ALLOWED;
}

/** True exactly when seccompFields allows the pod: no bad type set and, when restricted, every container covered. */
function seccompFieldsAllow(spec: Parameters<CheckPodFn>[1], restricted: boolean): boolean {
  const podProfile = obj(podSecurityContext(spec)?.seccompProfile);
  if (podProfile && !validType(str(podProfile.type))) return false;
  for (const c of visitContainers(spec)) {
    const profile = obj(c.securityContext?.seccompProfile);
    if (profile ? !validType(str(profile.type)) : restricted && !podProfile) return false;
  }
  return true;
}

const allowsBaseline1_19: AllowsPodFn = (_meta, spec) => seccompFieldsAllow(spec, false);
const allowsRestricted1_19: AllowsPodFn = (_meta, spec) => seccompFieldsAllow(spec, true);
const allowsRestricted1_25: AllowsPodFn = (_meta, spec) => isWindowsPod(spec) || seccompFieldsAllow(spec, true);

const seccompBaseline1_19: CheckPodFn = (_meta, spec) => seccompFields(spec, false);
const seccompRestricted1_19: CheckPodFn = (_meta, spec) => seccompFields(spec, true);
// Windows pods cannot set seccomp (API validation), so restricted exempts them from 1.25.
const seccompRestricted1_25: CheckPodFn = (meta, spec) => (isWindowsPod(spec) ? ALLOWED : seccompRestricted1_19(meta, spec));

/** The seccompProfile_baseline check. */
export const checkSeccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: seccompBaseline1_0 },
    { minimumVersion: 19, checkPod: seccompBaseline1_19, allows: allowsBaseline1_19 },
  ],
};

/** The seccompProfile_restricted check. */
export const checkSeccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 19, checkPod: seccompRestricted1_19, allows: allowsRestricted1_19, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: 25, checkPod: seccompRestricted1_25, allows: allowsRestricted1_25, overrides: ['seccompProfile_baseline'] },
  ],
};
