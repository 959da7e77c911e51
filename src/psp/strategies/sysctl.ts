// The sysctl strategy: forbiddenSysctls first, then the kubelet's safe set, then allowedUnsafeSysctls
// (exact names or `prefix*`, `*` = all). Mirrors kubernetes@release-1.24
// pkg/security/podsecuritypolicy/sysctl/mustmatchpatterns.go (the path really starts with `pod.`).
import { FieldPath, type FieldError } from '../../kube/index.js';
import { isObject, type JsonObject } from '../../util/index.js';
import { forbidden } from '../errors.js';
import type { PspSpec } from '../model.js';
import { podSecurityContext } from '../security-context.js';

/** The kubelet's safe sysctls in 1.24 (SafeSysctlAllowlist). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
] as const;

function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** Validates `spec.securityContext.sysctls` against the PSP. */
export function validateSysctls(podSpec: JsonObject, spec: PspSpec): FieldError[] {
  const list = podSecurityContext(podSpec)?.sysctls;
  if (!Array.isArray(list)) return [];
  const base = FieldPath.of('pod', 'spec', 'securityContext', 'sysctls');
  const errs: FieldError[] = [];
  list.forEach((s, i) => {
    const name = isObject(s) && typeof s.name === 'string' ? s.name : '';
    if (matchesAny(name, spec.forbiddenSysctls)) errs.push(forbidden(base.index(i), `sysctl ${JSON.stringify(name)} is not allowed`));
    else if ((SAFE_SYSCTLS as readonly string[]).includes(name) || matchesAny(name, spec.allowedUnsafeSysctls)) return;
    else errs.push(forbidden(base.index(i), `unsafe sysctl ${JSON.stringify(name)} is not allowed`));
  });
  return errs;
}
