// Check restrictedVolumes (restricted, 1.0+; overrides hostPathVolumes): volumes only of the
// types configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret.
// Mirrors kubernetes/pod-security-admission policy/check_restrictedVolumes.go (image allowed in place since 1.33).
import type { FieldError } from '../kube/index.js';
import { ALLOWED, denied, forbidden, joinQuote, list, obj, pluralize, SPEC, sortedSet, str } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const ALLOWED_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

// The restricted types, in the order PSA tests for them; `cephfs`/`storageos` are the JSON names.
const RESTRICTED_TYPES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

const restrictedVolumes1_0: CheckPodFn = (_meta, spec) => {
  const names: string[] = [];
  const types = new Set<string>();
  const errors: FieldError[] = [];
  list(spec.volumes).forEach((v, i) => {
    const volume = obj(v) ?? {};
    if (ALLOWED_TYPES.some((t) => isSet(volume[t]))) return;
    // A volume with no source is defaulted to emptyDir by the API server before PSA sees it.
    const type = RESTRICTED_TYPES.find((t) => isSet(volume[t]));
    if (type === undefined) return;
    names.push(str(volume.name));
    types.add(type);
    errors.push(forbidden(SPEC.child('volumes').index(i).child(type)));
  });
  if (names.length === 0) return ALLOWED;
  return denied(
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sortedSet(types))}`,
    errors,
  );
};

/** The restrictedVolumes check. */
export const checkRestrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumVersion: 0, checkPod: restrictedVolumes1_0, overrides: ['hostPathVolumes'] }],
};
