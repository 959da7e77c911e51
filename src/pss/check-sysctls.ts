// Check sysctls (baseline): spec.securityContext.sysctls[*].name from the safe set, which grows at
// 1.27, 1.29, 1.32 and 1.37.
// Mirrors kubernetes/pod-security-admission policy/check_sysctls.go.
import type { FieldError } from '../kube/index.js';
import { FieldPath } from '../kube/index.js';
import { ALLOWED, denied, forbidden, list, obj, podSecurityContext, str } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

const SAFE_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(safe: ReadonlySet<string>): CheckPodFn {
  return (_meta, spec) => {
    const bad: string[] = [];
    const errors: FieldError[] = [];
    list(podSecurityContext(spec)?.sysctls).forEach((s, i) => {
      const name = str(obj(s)?.name);
      if (safe.has(name)) return;
      bad.push(name);
      errors.push(forbidden(FieldPath.of('spec', 'securityContext', 'sysctls').index(i).child('name'), name));
    });
    return bad.length > 0 ? denied('forbidden sysctls', bad.join(', '), errors) : ALLOWED;
  };
}

/** The sysctls check. */
export const checkSysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: sysctls(new Set(SAFE_1_0)) },
    { minimumVersion: 27, checkPod: sysctls(new Set(SAFE_1_27)) },
    { minimumVersion: 29, checkPod: sysctls(new Set(SAFE_1_29)) },
    { minimumVersion: 32, checkPod: sysctls(new Set(SAFE_1_32)) },
    { minimumVersion: 37, checkPod: sysctls(new Set(SAFE_1_37)) },
  ],
};
