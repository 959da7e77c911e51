// Public surface of permissions/: BCM-style users → namespaces, RBAC, per-user Kyverno policies and
// PSPs; backup and restore; lint for bypassable confinement.
export type { UserChange } from './backup.js';
export { BACKUP_COUNT_ANNOTATION, BACKUP_DIGEST_ANNOTATION, BACKUP_KIND, backupCountMismatches, collectUserRecords, collectUserRecordsFrom, fromBcmUser, isBcmUserObject, isUserDocument, makeBackup, planRestore, validateRecords } from './backup.js';
export type { LintCode, LintFinding } from './lint.js';
export { lintPolicies } from './lint.js';
export type { RenderOptions } from './render.js';
export { defaultsPolicy, dropPrivilegesPolicies, hostPathPolicy, hostPathPolicyName, renderUser, userPsp, userPspName } from './render.js';
export type { HostPathGrant, PermissionUser } from './user.js';
export { generateReleaseId, isPermissionUserObject, PERMISSION_USER_API, parsePermissionUser, userToObject } from './user.js';
