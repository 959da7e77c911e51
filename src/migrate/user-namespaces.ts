// Finds the namespaces owned by cluster users. Only positive evidence counts: a BCM permission-user
// object, a podgate PermissionUser record, or a RoleBinding handing the namespace to a `User`.
// A name ending in `-restricted` alone proves nothing.
import type { ClusterSnapshot, KubeObject } from '../kube/index.js';
import { collectUserRecords, type PermissionUser, validateRecords } from '../permissions/index.js';
import { isObject } from '../util/index.js';

/** Why a namespace counts as a user's. */
export interface UserNamespace {
  namespace: string;
  user: string;
  evidence: string;
}

/** Permission users found in the snapshot (records and BCM objects), plus extra records given on the command line. */
export function usersInSnapshot(snap: ClusterSnapshot, extra: readonly KubeObject[] = []): { users: PermissionUser[]; problems: string[] } {
  const objects = [...snap.other.map((l) => l.object), ...extra];
  // Generated release ids must not vary between runs of an audit: a fixed sequence.
  let seed = 0;
  const next = () => {
    seed = (seed * 9301 + 49297) % 233280;
    return seed / 233280;
  };
  return validateRecords(collectUserRecords(objects), next);
}

/** Every user namespace with its evidence (first evidence wins). */
export function findUserNamespaces(snap: ClusterSnapshot, users: readonly PermissionUser[]): Map<string, UserNamespace> {
  const out = new Map<string, UserNamespace>();
  for (const u of users) {
    for (const ns of u.namespaces) {
      if (!out.has(ns)) out.set(ns, { namespace: ns, user: u.name, evidence: u.raw.source ? `BCM permission user ${(u.raw.source as KubeObject).metadata.name}` : `PermissionUser ${u.name}` });
    }
  }
  for (const { object: o } of snap.rbac) {
    if (o.kind !== 'RoleBinding' || !o.metadata.namespace || !Array.isArray(o.subjects)) continue;
    for (const s of o.subjects) {
      if (!isObject(s) || s.kind !== 'User' || typeof s.name !== 'string' || s.name.startsWith('system:')) continue;
      const ns = o.metadata.namespace;
      if (!out.has(ns)) out.set(ns, { namespace: ns, user: s.name, evidence: `RoleBinding ${ns}/${o.metadata.name} binds User ${s.name}` });
    }
  }
  return out;
}
