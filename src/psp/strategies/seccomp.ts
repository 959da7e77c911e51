// The seccomp strategy, driven by PSP annotations `seccomp.security.alpha.kubernetes.io/
// {allowedProfileNames,defaultProfileName}`; profiles come from the pod/container annotations or,
// when absent, from the seccompProfile fields. Mirrors kubernetes@release-1.24
// pkg/security/podsecuritypolicy/seccomp/strategy.go and pkg/api/pod/util.go (SeccompAnnotationForField).
import { FieldPath, type FieldError } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { forbidden } from '../errors.js';
import { containerField, podField } from '../security-context.js';

/** PSP annotation listing the allowed seccomp profiles (comma-separated, `*` = any). */
export const SECCOMP_ALLOWED_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
/** PSP annotation naming the default seccomp profile. */
export const SECCOMP_DEFAULT_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
/** Pod annotation holding the pod's seccomp profile. */
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
/** Prefix of the per-container seccomp annotation. */
export const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** A compiled seccomp strategy. */
export interface SeccompStrategy {
  defaultProfile?: string;
  allowed: Set<string>;
  allowedText: string;
  allowAny: boolean;
}

/** Builds the strategy from PSP annotations; docker/default and runtime/default allow each other. */
export function seccompStrategy(pspAnnotations: Record<string, string>): SeccompStrategy {
  const allowed = new Set<string>();
  let allowAny = false;
  const text = pspAnnotations[SECCOMP_ALLOWED_ANNOTATION];
  if (text !== undefined) {
    for (const p of text.split(',')) {
      if (p === '*') {
        allowAny = true;
        continue;
      }
      if (p === 'docker/default' || p === 'runtime/default') {
        allowed.add('runtime/default');
        allowed.add('docker/default');
      }
      allowed.add(p);
    }
  }
  const s: SeccompStrategy = { allowed, allowedText: text ?? '', allowAny };
  const d = pspAnnotations[SECCOMP_DEFAULT_ANNOTATION];
  if (d !== undefined) s.defaultProfile = d;
  return s;
}

/** The annotation value equivalent to a seccompProfile field (SeccompAnnotationForField). */
export function seccompAnnotationForField(field: JsonValue | undefined): string {
  if (!isObject(field)) return '';
  switch (field.type) {
    case 'Unconfined':
      return 'unconfined';
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Localhost':
      return typeof field.localhostProfile === 'string' ? `localhost/${field.localhostProfile}` : '';
    default:
      return '';
  }
}

/** The pod-level profile MutatePod writes into the pod annotation ('' = none). */
export function generateSeccomp(s: SeccompStrategy, annotations: Record<string, string>, podSpec: JsonObject): string {
  const existing = annotations[SECCOMP_POD_ANNOTATION];
  if (existing) return existing;
  const field = podField(podSpec, 'seccompProfile');
  if (field !== undefined) return seccompAnnotationForField(field);
  return s.defaultProfile ?? '';
}

function profileAllowed(s: SeccompStrategy, profile: string): boolean {
  // A PSP without a list of allowed profiles still admits an unset profile (runtime default).
  if (s.allowed.size === 0 && profile === '') return true;
  return s.allowAny || s.allowed.has(profile);
}

function check(s: SeccompStrategy, path: FieldPath, profile: string): FieldError[] {
  if (!s.allowAny && s.allowed.size === 0 && profile !== '') return [forbidden(path, 'seccomp may not be set')];
  if (!profileAllowed(s, profile)) return [forbidden(path, `${profile} is not an allowed seccomp profile. Valid values are ${s.allowedText}`)];
  return [];
}

/** Validates the pod-level seccomp profile. */
export function validatePodSeccomp(s: SeccompStrategy, annotations: Record<string, string>, podSpec: JsonObject): FieldError[] {
  let profile = annotations[SECCOMP_POD_ANNOTATION] ?? '';
  if (profile === '') profile = seccompAnnotationForField(podField(podSpec, 'seccompProfile'));
  return check(s, FieldPath.of('pod', 'metadata', 'annotations').key(SECCOMP_POD_ANNOTATION), profile);
}

/** Validates one container's seccomp profile (container annotation, field, then the pod's). */
export function validateContainerSeccomp(s: SeccompStrategy, annotations: Record<string, string>, podSpec: JsonObject, c: JsonObject): FieldError[] {
  const name = typeof c.name === 'string' ? c.name : '';
  const key = `${SECCOMP_CONTAINER_PREFIX}${name}`;
  let profile: string;
  const cField = containerField(c, 'seccompProfile');
  if (Object.hasOwn(annotations, key)) profile = annotations[key] ?? '';
  else if (cField !== undefined) profile = seccompAnnotationForField(cField);
  else if (Object.hasOwn(annotations, SECCOMP_POD_ANNOTATION)) profile = annotations[SECCOMP_POD_ANNOTATION] ?? '';
  else profile = seccompAnnotationForField(podField(podSpec, 'seccompProfile'));
  return check(s, FieldPath.of('pod', 'metadata', 'annotations').key(key), profile);
}
