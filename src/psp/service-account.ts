// The ServiceAccount admission plugin's changes to a pod on CREATE, which run before PodSecurityPolicy
// (kubernetes@release-1.24 plugin/pkg/admission/serviceaccount/admission.go): an empty service account
// becomes `default`, and unless automounting is off (the pod's automountServiceAccountToken, else the
// ServiceAccount's, else on) every init container and container gets a read-only mount of the bound
// token volume, a projected volume `kube-api-access-<suffix>` appended to the pod's volumes. PSP then
// checks that volume like any other (`projected`, or `secret` through the token-sources exemption).
import type { KubeObject } from '../kube/index.js';
import { isObject, type JsonObject } from '../util/index.js';
import { podServiceAccountName } from './admission.js';
import { podSpecOf } from './provider.js';

/** Prefix of the token volume's name (ServiceAccountVolumeName + "-"). */
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/**
 * The name podgate gives the token volume. The API server appends 5 random characters from
 * `bcdfghjklmnpqrstvwxz2456789`; `00000` is fixed (reproducible output) and never a real suffix.
 */
export const TOKEN_VOLUME_NAME = `${TOKEN_VOLUME_PREFIX}00000`;
/** Where the token is mounted (DefaultAPITokenMountPath). */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Seconds the bound token lives before the kubelet refreshes it (WarnOnlyBoundTokenExpirationSeconds). */
const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The projected volume source of the bound service-account token (TokenVolumeSource). */
export function tokenVolumeSource(): JsonObject {
  return {
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: 420,
  };
}

/**
 * Applies the ServiceAccount plugin's CREATE changes to a Pod in place; returns what it changed (JSON
 * pointers with a reason). `serviceAccounts` are the ServiceAccount objects known (any namespace); one
 * that is not among them is taken to exist with automounting unset. Mirror pods are left alone.
 */
export function admitServiceAccount(pod: KubeObject, namespace: string, serviceAccounts: readonly KubeObject[]): string[] {
  const changes: string[] = [];
  if (pod.kind !== 'Pod') return changes;
  if (isObject(pod.metadata) && isObject(pod.metadata.annotations) && Object.hasOwn(pod.metadata.annotations, MIRROR_POD_ANNOTATION)) return changes;
  const spec = podSpecOf(pod);
  let name = podServiceAccountName(spec);
  if (name === '') {
    name = 'default';
    changes.push('/spec/serviceAccountName set to default (ServiceAccount admission)');
  }
  if (spec.serviceAccountName !== name) spec.serviceAccountName = name;
  const sa = serviceAccounts.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === name && (o.metadata.namespace ?? 'default') === namespace);
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : typeof sa?.automountServiceAccountToken === 'boolean' ? sa.automountServiceAccountToken : true;
  if (!automount) return changes;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const existing = volumes.find((v) => isObject(v) && typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName = isObject(existing) && typeof existing.name === 'string' ? existing.name : TOKEN_VOLUME_NAME;
  let mounted = false;
  for (const field of ['initContainers', 'containers'] as const) {
    const list = Array.isArray(spec[field]) ? spec[field] : [];
    list.forEach((c, i) => {
      if (!isObject(c)) return;
      const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      if (mounts.some((m) => isObject(m) && m.mountPath === TOKEN_MOUNT_PATH)) return;
      c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      mounted = true;
      changes.push(`/spec/${field}/${i}/volumeMounts/${mounts.length} added: ${volumeName} at ${TOKEN_MOUNT_PATH} (ServiceAccount admission)`);
    });
  }
  if (mounted && !existing) {
    spec.volumes = [...volumes, { name: volumeName, projected: tokenVolumeSource() }];
    changes.push(`/spec/volumes/${volumes.length} added: projected service-account token volume ${volumeName} (ServiceAccount admission)`);
  }
  return changes;
}
