// The AppArmor strategy, driven by PSP annotations `apparmor.security.beta.kubernetes.io/
// {allowedProfileNames,defaultProfileName}` and the pod's per-container annotations.
// Mirrors kubernetes@release-1.24 pkg/security/podsecuritypolicy/apparmor/strategy.go.
import { FieldPath, type FieldError } from '../../kube/index.js';
import { forbidden } from '../errors.js';

/** PSP annotation listing the allowed AppArmor profiles. */
export const APPARMOR_ALLOWED_ANNOTATION = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
/** PSP annotation naming the default AppArmor profile. */
export const APPARMOR_DEFAULT_ANNOTATION = 'apparmor.security.beta.kubernetes.io/defaultProfileName';
/** Prefix of the per-container AppArmor annotation on pods. */
export const APPARMOR_CONTAINER_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The profile MutatePod writes for a container, or undefined when nothing is to be written. */
export function generateAppArmor(pspAnnotations: Record<string, string>, podAnnotations: Record<string, string>, containerName: string): string | undefined {
  if (podAnnotations[`${APPARMOR_CONTAINER_PREFIX}${containerName}`]) return undefined;
  const d = pspAnnotations[APPARMOR_DEFAULT_ANNOTATION];
  return d ? d : undefined;
}

/** Validates a container's AppArmor profile; no allowed-list annotation means unrestricted. */
export function validateAppArmor(pspAnnotations: Record<string, string>, podAnnotations: Record<string, string>, containerName: string): FieldError[] {
  const allowedText = pspAnnotations[APPARMOR_ALLOWED_ANNOTATION];
  if (allowedText === undefined) return [];
  const allowed = new Set(allowedText.split(','));
  const key = `${APPARMOR_CONTAINER_PREFIX}${containerName}`;
  const path = FieldPath.of('pod', 'metadata', 'annotations').key(key);
  const profile = podAnnotations[key] ?? '';
  if (profile === '') return allowed.size > 0 ? [forbidden(path, 'AppArmor profile must be set')] : [];
  if (!allowed.has(profile)) return [forbidden(path, `${profile} is not an allowed profile. Allowed values: ${JSON.stringify(allowedText)}`)];
  return [];
}
