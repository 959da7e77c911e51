// Finds the namespaces owned by cluster users. Only positive evidence counts: a BCM permission-user
// object, a podgate PermissionUser record, or a RoleBinding handing the namespace to a `User` or to a
// human `Group` (an LDAP/OIDC group: its members create pods there as much as a user does; `system:`
// groups, those of service accounts and nodes, are not people). A name ending in `-restricted` alone
// proves nothing.
import { type ClusterSnapshot, formatSource, type KubeObject, type LoadedObject } from '../kube/index.js';
import { collectUserRecordsFrom, type PermissionUser, validateRecords } from '../permissions/index.js';
import { isObject } from '../util/index.js';

/** Why a namespace counts as a user's. */
export interface UserNamespace {
  namespace: string;
  /** The user, or the group when `group` is set. */
  user: string;
  evidence: string;
  /** Set when the namespace is handed to a group of people rather than to one user. */
  group?: true;
}

/** `user alice` or `group hpc-users`: how messages name the owner of a user namespace. */
export function ownerLabel(u: UserNamespace): string {
  return `${u.group ? 'group' : 'user'} ${u.user}`;
}

/** Permission users found in the snapshot (records and BCM objects), plus extra records given on the command line. */
export function usersInSnapshot(snap: ClusterSnapshot, extra: readonly (KubeObject | LoadedObject)[] = []): { users: PermissionUser[]; problems: string[] } {
  // Where each object was read (`file:line (document N)`), so a problem names it.
  const loaded = [...snap.other, ...extra.map((e): { object: KubeObject; source?: LoadedObject['source'] } => ('object' in e && 'source' in e ? (e as LoadedObject) : { object: e as KubeObject }))];
  const objects = loaded.map((l) => l.object);
  const where = loaded.map((l) => (l.source ? formatSource(l.source) : undefined));
  // Generated release ids must not vary between runs of an audit: a fixed sequence.
  let seed = 0;
  const next = () => {
    seed = (seed * 9301 + 49297) % 233280;
    return seed / 233280;
  };
  const collected = collectUserRecordsFrom(objects, where);
  const checked = validateRecords(collected.records, next, collected.where);
  return { users: checked.users, problems: [...collected.problems, ...checked.problems] };
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
      if (!isObject(s) || (s.kind !== 'User' && s.kind !== 'Group') || typeof s.name !== 'string' || s.name === '' || s.name.startsWith('system:')) continue;
      const ns = o.metadata.namespace;
      if (out.has(ns)) continue;
      const evidence = `RoleBinding ${ns}/${o.metadata.name} binds ${s.kind} ${s.name}`;
      out.set(ns, s.kind === 'Group' ? { namespace: ns, user: s.name, evidence, group: true } : { namespace: ns, user: s.name, evidence });
    }
  }
  return out;
}
