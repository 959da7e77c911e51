// API-server validation of a PodSecurityPolicy object, and the strategy-construction checks that make
// admission skip an otherwise valid PSP. Mirrors kubernetes@release-1.24
// pkg/apis/policy/validation/validation.go (ValidatePodSecurityPolicy) and
// pkg/security/podsecuritypolicy/factory.go + the strategies' New* constructors.
import { dns1123SubdomainErrors, FieldPath, type FieldError } from '../kube/index.js';
import { forbidden, goCapabilitySlice, invalid, invalidText, notSupported, required } from './errors.js';
import type { IdRange, Psp } from './model.js';
import { APPARMOR_ALLOWED_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION } from './strategies/apparmor.js';
import { SECCOMP_ALLOWED_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION } from './strategies/seccomp.js';
import { ALL_FS_TYPES } from './volumes.js';

const USER_RULES = ['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'];
const GROUP_RULES = ['MayRunAs', 'MustRunAs', 'RunAsAny'];
// validatePSPRunAsGroup lists its rules unsorted.
const RUN_AS_GROUP_RULES = ['MustRunAs', 'RunAsAny', 'MayRunAs'];
const SELINUX_RULES = ['MustRunAs', 'RunAsAny'];
const PROC_MOUNT_TYPES = ['Default', 'Unmasked'];
const SYSCTL_PATTERN = /^(([a-z0-9]([-_a-z0-9]*[a-z0-9])?)\.)*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]$/;
const SYSCTL_PATTERN_TEXT = '([a-z0-9]([-_a-z0-9]*[a-z0-9])?\\.)*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]';

/** Errors the API server would have returned when this PSP was created (code PSP_INVALID). */
export function validatePspObject(psp: Psp): FieldError[] {
  const errs: FieldError[] = [];
  const s = psp.spec;
  const sp = FieldPath.of('spec');
  if (psp.name === '') errs.push(required(FieldPath.of('metadata', 'name'), 'name or generateName is required', 'PSP_INVALID'));
  errs.push(...validateAnnotations(psp.annotations));
  const rule = (p: FieldPath, value: string, allowed: string[]) => {
    if (!allowed.includes(value)) errs.push(notSupported(p.child('rule'), value, allowed));
  };
  const ranges = (p: FieldPath, rs: IdRange[]) => {
    rs.forEach((r, i) => {
      const rp = p.child('ranges').index(i);
      if (r.min < 0) errs.push(invalid(rp.child('min'), r.min, 'min cannot be negative', 'PSP_INVALID'));
      if (r.max < 0) errs.push(invalid(rp.child('max'), r.max, 'max cannot be negative', 'PSP_INVALID'));
      if (r.min > r.max) errs.push(invalid(rp.child('min'), r.min, 'min cannot be greater than max', 'PSP_INVALID'));
    });
  };
  rule(sp.child('runAsUser'), s.runAsUser.rule, USER_RULES);
  ranges(sp.child('runAsUser'), s.runAsUser.ranges);
  if (s.runAsGroup) {
    // validatePSPRunAsGroup: RunAsAny takes no ranges, MustRunAs/MayRunAs need one (their bounds checked),
    // any other rule is unsupported.
    const g = s.runAsGroup;
    const gp = sp.child('runAsGroup');
    if (g.rule === 'RunAsAny') {
      if (g.ranges.length > 0) errs.push(invalidText(gp.child('ranges'), goIdRanges(g.ranges), 'Ranges must be empty', 'PSP_INVALID'));
    } else if (g.rule === 'MustRunAs' || g.rule === 'MayRunAs') {
      if (g.ranges.length === 0) errs.push(invalidText(gp.child('ranges'), goIdRanges(g.ranges), 'must provide at least one range', 'PSP_INVALID'));
      ranges(gp, g.ranges);
    } else errs.push(notSupported(gp.child('rule'), g.rule, RUN_AS_GROUP_RULES));
  }
  rule(sp.child('seLinux'), s.seLinux.rule, SELINUX_RULES);
  rule(sp.child('supplementalGroups'), s.supplementalGroups.rule, GROUP_RULES);
  ranges(sp.child('supplementalGroups'), s.supplementalGroups.ranges);
  rule(sp.child('fsGroup'), s.fsGroup.rule, GROUP_RULES);
  ranges(sp.child('fsGroup'), s.fsGroup.ranges);
  const volumeTypes = [...ALL_FS_TYPES, '*'].sort();
  for (const v of s.volumes) if (!volumeTypes.includes(v)) errs.push(notSupported(sp.child('volumes'), v, volumeTypes));
  // Upstream builds these three paths without the `spec.` prefix; kept for byte-exact messages.
  if (s.requiredDropCapabilities.length > 0 && s.allowedCapabilities.includes('*')) {
    errs.push(invalidText(FieldPath.of('requiredDropCapabilities'), goCapabilitySlice(s.requiredDropCapabilities), 'must be empty when all capabilities are allowed by a wildcard', 'PSP_INVALID'));
  }
  for (const [field, caps] of [['defaultAddCapabilities', s.defaultAddCapabilities], ['allowedCapabilities', s.allowedCapabilities]] as const) {
    for (const c of caps) {
      if (s.requiredDropCapabilities.includes(c)) errs.push(invalid(FieldPath.of(field), c, `capability is listed in ${field} and requiredDropCapabilities`, 'PSP_INVALID'));
    }
  }
  if (s.defaultAllowPrivilegeEscalation === true && !s.allowPrivilegeEscalation) {
    errs.push(invalid(sp.child('defaultAllowPrivilegeEscalation'), true, 'Cannot set DefaultAllowPrivilegeEscalation to true without also setting AllowPrivilegeEscalation to true', 'PSP_INVALID'));
  }
  s.allowedProcMountTypes.forEach((t, i) => {
    if (!PROC_MOUNT_TYPES.includes(t)) errs.push(notSupported(sp.child('allowedProcMountTypes').index(i), t, PROC_MOUNT_TYPES));
  });
  for (let i = 0; i < s.allowedHostPaths.length; i++) {
    const prefix = s.allowedHostPaths[i]!.pathPrefix;
    const p = sp.child('allowedHostPaths').index(i);
    if (prefix === '') {
      errs.push(required(p, 'is required', 'PSP_INVALID'));
      break;
    }
    if (prefix.split('/').includes('..')) errs.push(invalid(p, prefix, "must not contain '..'", 'PSP_INVALID'));
  }
  s.allowedFlexVolumes.forEach((f, i) => {
    // Upstream repeats the field name in the path (validatePSPAllowedFlexVolumes).
    if (f.driver === '') errs.push(required(sp.child('allowedFlexVolumes', 'allowedFlexVolumes').index(i).child('driver'), 'must specify a driver', 'PSP_INVALID'));
  });
  // validatePSPAllowedCSIDrivers repeats the field in the path; ValidateCSIDriverName checks the lower-cased name.
  s.allowedCSIDrivers.forEach((d, i) => {
    const p = sp.child('allowedCSIDrivers', 'allowedCSIDriver').index(i).child('name');
    if (d.name === '') errs.push(required(p, '', 'PSP_INVALID'));
    if (Buffer.byteLength(d.name, 'utf8') > 63) errs.push({ type: 'TooLong', path: p, badValue: d.name, detail: 'must have at most 63 bytes', code: 'PSP_INVALID' });
    for (const m of dns1123SubdomainErrors(d.name.toLowerCase())) errs.push(invalid(p, d.name, m, 'PSP_INVALID'));
  });
  errs.push(...validateSysctls(sp.child('allowedUnsafeSysctls'), s.allowedUnsafeSysctls));
  errs.push(...validateSysctls(sp.child('forbiddenSysctls'), s.forbiddenSysctls));
  errs.push(...sysctlOverlaps(sp, s.allowedUnsafeSysctls, s.forbiddenSysctls));
  if (s.runtimeClass) {
    // validateRuntimeClassStrategy: each name (but `*`) a DNS subdomain and given once, the default one too and
    // allowed, and `*` alone.
    const rc = s.runtimeClass;
    const rp = sp.child('runtimeClass');
    const names = rc.allowedRuntimeClassNames;
    const seen = new Set<string>();
    names.forEach((n, i) => {
      const p = rp.child('allowedRuntimeClassNames').index(i);
      if (n !== '*') for (const m of dns1123SubdomainErrors(n)) errs.push(invalid(p, n, m, 'PSP_INVALID'));
      if (seen.has(n)) errs.push({ type: 'Duplicate', path: p, badValue: n, badValueText: JSON.stringify(n), detail: '', code: 'PSP_INVALID' });
      seen.add(n);
    });
    const d = rc.defaultRuntimeClassName;
    if (d !== undefined) {
      for (const m of dns1123SubdomainErrors(d)) errs.push(invalid(rp.child('defaultRuntimeClassName'), d, m, 'PSP_INVALID'));
      if (!seen.has(d) && !seen.has('*')) errs.push(required(rp.child('allowedRuntimeClassNames'), `default ${JSON.stringify(d)} must be allowed`, 'PSP_INVALID'));
    }
    if (seen.has('*') && names.length > 1) {
      errs.push(invalidText(rp.child('allowedRuntimeClassNames'), `[]string{${names.map((n) => JSON.stringify(n)).join(', ')}}`, "if '*' is present, must not specify other RuntimeClass names", 'PSP_INVALID'));
    }
  }
  return errs;
}

function validateSysctls(p: FieldPath, sysctls: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let coversAll = false;
  sysctls.forEach((s, i) => {
    if (s === '') errs.push(invalid(p.index(i), s, 'empty sysctl not allowed', 'PSP_INVALID'));
    else if (s.length > 253 || !SYSCTL_PATTERN.test(s)) {
      errs.push(invalid(p.index(i), s, `must have at most 253 characters and match regex ${SYSCTL_PATTERN_TEXT}`, 'PSP_INVALID'));
    } else if (s.startsWith('*')) coversAll = true;
  });
  if (coversAll && sysctls.length > 1) errs.push(forbidden(p.child('items'), "if '*' is present, must not specify other sysctls", 'PSP_INVALID'));
  return errs;
}

function sysctlOverlaps(sp: FieldPath, allowed: string[], forbiddenList: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const ap = sp.child('allowedUnsafeSysctls');
  const fp = sp.child('forbiddenSysctls');
  allowed.forEach((a, i) => {
    const aPat = a.endsWith('*');
    const aPre = a.slice(0, -1);
    forbiddenList.forEach((f, j) => {
      const fPat = f.endsWith('*');
      const fPre = f.slice(0, -1);
      if (aPat && fPat) {
        if (aPre.startsWith(fPre)) errs.push(invalid(ap.index(i), a, `sysctl overlaps with ${f}`, 'PSP_INVALID'));
        else if (fPre.startsWith(aPre)) errs.push(invalid(fp.index(j), f, `sysctl overlaps with ${a}`, 'PSP_INVALID'));
      } else if (aPat) {
        if (f.startsWith(aPre)) errs.push(invalid(fp.index(j), f, `sysctl overlaps with ${a}`, 'PSP_INVALID'));
      } else if (fPat) {
        if (a.startsWith(fPre)) errs.push(invalid(ap.index(i), a, `sysctl overlaps with ${f}`, 'PSP_INVALID'));
      } else if (a === f) errs.push(invalid(ap.index(i), a, `sysctl overlaps with ${f}`, 'PSP_INVALID'));
    });
  });
  return errs;
}

function validateAnnotations(a: Record<string, string>): FieldError[] {
  const errs: FieldError[] = [];
  const ap = FieldPath.of('metadata', 'annotations');
  // ValidateAppArmorProfileFormat: "" is a valid entry (`runtime/default,` is a valid list).
  const apparmorOk = (p: string) => p === '' || p === 'runtime/default' || p === 'unconfined' || p.startsWith('localhost/');
  const aaDefault = a[APPARMOR_DEFAULT_ANNOTATION];
  if (aaDefault && !apparmorOk(aaDefault)) errs.push(invalid(ap.key(APPARMOR_DEFAULT_ANNOTATION), aaDefault, `invalid AppArmor profile name: ${JSON.stringify(aaDefault)}`, 'PSP_INVALID'));
  const aaAllowed = a[APPARMOR_ALLOWED_ANNOTATION];
  if (aaAllowed) {
    for (const p of aaAllowed.split(',')) {
      if (!apparmorOk(p)) errs.push(invalid(ap.key(APPARMOR_ALLOWED_ANNOTATION), aaAllowed, `invalid AppArmor profile name: ${JSON.stringify(p)}`, 'PSP_INVALID'));
    }
  }
  const scDefault = a[SECCOMP_DEFAULT_ANNOTATION];
  if (scDefault) errs.push(...seccompProfileErrors(scDefault, ap.key(SECCOMP_DEFAULT_ANNOTATION)));
  const scAllowed = a[SECCOMP_ALLOWED_ANNOTATION];
  if (scAllowed) {
    for (const p of scAllowed.split(',')) if (p !== '*') errs.push(...seccompProfileErrors(p, ap.key(SECCOMP_ALLOWED_ANNOTATION)));
  }
  return errs;
}

// ValidateSeccompProfile: the runtime defaults and unconfined, or `localhost/` and a relative path without `..`
// (validateLocalDescendingPath names the path without its prefix).
function seccompProfileErrors(p: string, at: FieldPath): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (!p.startsWith('localhost/')) return [invalid(at, p, 'must be a valid seccomp profile', 'PSP_INVALID')];
  const local = p.slice('localhost/'.length);
  const errs: FieldError[] = [];
  if (local.startsWith('/')) errs.push(invalid(at, local, 'must be a relative path', 'PSP_INVALID'));
  if (local.split('/').includes('..')) errs.push(invalid(at, local, "must not contain '..'", 'PSP_INVALID'));
  return errs;
}

/** Go `%#v` of a []policy.IDRange (nil when empty, as a decoded absent list is). */
function goIdRanges(rs: readonly IdRange[]): string {
  return rs.length === 0 ? '[]policy.IDRange(nil)' : `[]policy.IDRange{${rs.map((r) => `policy.IDRange{Min:${r.min}, Max:${r.max}}`).join(', ')}}`;
}

/** Why the strategies of a valid PSP cannot be built (factory.go); admission then skips the PSP (code PSP_UNUSABLE). */
export function strategyErrors(psp: Psp): FieldError[] {
  const errs: FieldError[] = [];
  const s = psp.spec;
  const sp = FieldPath.of('spec');
  if (s.runAsUser.rule === 'MustRunAs' && s.runAsUser.ranges.length === 0) {
    errs.push(required(sp.child('runAsUser', 'ranges'), 'MustRunAs requires at least one range', 'PSP_UNUSABLE'));
  }
  const needsRanges = (field: string, g: { rule: string; ranges: IdRange[] } | undefined) => {
    if (g && (g.rule === 'MustRunAs' || g.rule === 'MayRunAs') && g.ranges.length === 0) {
      errs.push(required(sp.child(field, 'ranges'), `ranges must be supplied for ${g.rule}`, 'PSP_UNUSABLE'));
    }
  };
  // In factory.go's order: seLinux, fsGroup, supplementalGroups (a runAsGroup MustRunAs/MayRunAs without
  // ranges is already invalid: validatePSPRunAsGroup).
  if (s.seLinux.rule === 'MustRunAs' && !s.seLinux.seLinuxOptions) errs.push(required(sp.child('seLinux', 'seLinuxOptions'), 'MustRunAs requires SELinuxOptions', 'PSP_UNUSABLE'));
  needsRanges('fsGroup', s.fsGroup);
  needsRanges('supplementalGroups', s.supplementalGroups);
  return errs;
}
