// Public surface of psp/: the PodSecurityPolicy admission engine, exact to Kubernetes 1.24
// (policy objects, provider defaulting/validation, policy selection, RBAC `use` authorization).
export type { AdmitOptions, PspResult } from './admission.js';
export { admitPod, formatErrorList, loadProviders, podServiceAccountName, podValidationErrors, VALIDATED_PSP_ANNOTATION } from './admission.js';
export type { PspErrorCode } from './errors.js';
export type { IdRange, Psp, PspSpec, RuleWithRanges, SeLinuxOptions } from './model.js';
export { PSP_API_VERSIONS, readPsp } from './model.js';
export { mutatePod, nonRootByImageUser, validatePod } from './provider.js';
export type { PspGrant, PspIdentity } from './rbac.js';
export { canUsePsp, compareNames, PSP_USE_GROUPS, pspNames, ruleAllowsPspUse, SYSTEM_MASTERS, serviceAccountIdentity, whoCanUsePsp } from './rbac.js';
export { strategyErrors, validatePspObject } from './validate-psp.js';
export { ALL_FS_TYPES, allowsHostVolumePath, hasPathPrefix, isOnlyServiceAccountTokenSources } from './volumes.js';
export { admitServiceAccount, TOKEN_MOUNT_PATH, TOKEN_VOLUME_NAME, TOKEN_VOLUME_PREFIX, tokenVolumeSource } from './service-account.js';
