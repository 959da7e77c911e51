// Volume helpers of the PSP provider: volume source → FSType name, allowedHostPaths prefix matching,
// and the bound-service-account-token exemption for projected volumes. Mirrors kubernetes@release-1.24
// pkg/security/podsecuritypolicy/util/util.go (GetVolumeFSType, AllowsHostVolumePath, hasPathPrefix,
// IsOnlyServiceAccountTokenSources) and provider.go (allowsVolumeType).
import { isObject, type JsonObject } from '../util/index.js';
import type { Psp } from './model.js';

// [JSON key of the volume source, FSType name], in GetVolumeFSType's order.
const SOURCES: readonly (readonly [string, string])[] = [
  ['hostPath', 'hostPath'],
  ['emptyDir', 'emptyDir'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['gitRepo', 'gitRepo'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['flexVolume', 'flexVolume'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['flocker', 'flocker'],
  ['downwardAPI', 'downwardAPI'],
  ['fc', 'fc'],
  ['azureFile', 'azureFile'],
  ['configMap', 'configMap'],
  ['vsphereVolume', 'vsphereVolume'],
  ['quobyte', 'quobyte'],
  ['azureDisk', 'azureDisk'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['portworxVolume', 'portworxVolume'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
];

/** Every FSType name a PSP may list in `volumes` (besides `*`). */
export const ALL_FS_TYPES: readonly string[] = SOURCES.map(([, t]) => t);

/**
 * The FSType of a pod volume. A volume with no known source is an emptyDir, because the v1 API
 * defaults it so (SetDefaults_Volume) before admission ever sees it.
 */
export function volumeFsType(v: JsonObject): { fsType: string; source: JsonObject } {
  for (const [key, fsType] of SOURCES) {
    const s = v[key];
    if (isObject(s)) return { fsType, source: s };
  }
  return { fsType: 'emptyDir', source: {} };
}

/** hasPathPrefix: one trailing `/` trimmed from both, then equal or a `/` boundary after the prefix. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  const s = path.endsWith('/') ? path.slice(0, -1) : path;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!s.startsWith(p)) return false;
  return s.length === p.length || s[p.length] === '/';
}

/** Whether the PSP allows a host path, and whether it must then be mounted read-only. */
export function allowsHostVolumePath(psp: Psp | undefined, path: string): { allowed: boolean; mustBeReadOnly: boolean } {
  if (!psp) return { allowed: false, mustBeReadOnly: false };
  if (psp.spec.allowedHostPaths.length === 0) return { allowed: true, mustBeReadOnly: false };
  let allowed = false;
  for (const ahp of psp.spec.allowedHostPaths) {
    if (!hasPathPrefix(path, ahp.pathPrefix)) continue;
    // Any matching writable prefix wins at once; read-only matches only mark the path allowed.
    if (!ahp.readOnly) return { allowed: true, mustBeReadOnly: false };
    allowed = true;
  }
  return { allowed, mustBeReadOnly: allowed };
}

/** True when a projected volume holds only the sources of the bound service-account token volume. */
export function isOnlyServiceAccountTokenSources(projected: JsonObject): boolean {
  const sources = Array.isArray(projected.sources) ? projected.sources : [];
  for (const s of sources) {
    if (!isObject(s)) return false;
    const token = s.serviceAccountToken;
    const cm = s.configMap;
    const dapi = s.downwardAPI;
    if (!isObject(token) && !isObject(cm) && !isObject(dapi)) return false;
    if (isObject(token) && (token.path !== 'token' || (typeof token.audience === 'string' && token.audience !== ''))) return false;
    if (isObject(cm) && cm.name !== 'kube-root-ca.crt') return false;
    if (isObject(dapi)) {
      const items = Array.isArray(dapi.items) ? dapi.items : [];
      for (const d of items) {
        if (!isObject(d) || d.path !== 'namespace' || !isObject(d.fieldRef)) return false;
        // fieldRef.apiVersion is defaulted to v1 by the API server.
        const apiVersion = d.fieldRef.apiVersion ?? 'v1';
        if (apiVersion !== 'v1' || d.fieldRef.fieldPath !== 'metadata.namespace') return false;
      }
    }
  }
  return true;
}

/** Whether the PSP's `volumes` admit a volume of this type (incl. `*` and the projected-token exemption). */
export function allowsVolumeType(psp: Psp, fsType: string, source: JsonObject): boolean {
  const allowed = psp.spec.volumes;
  if (allowed.includes('*') || allowed.includes(fsType)) return true;
  return fsType === 'projected' && allowed.includes('secret') && isOnlyServiceAccountTokenSources(source);
}
