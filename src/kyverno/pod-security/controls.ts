// Pod Security Standards control names (as written in `exclude[].controlName`) and the PSA check
// IDs each one covers.
// Mirrors kyverno@v1.10.7:pkg/pss/utils (PSS_controls_to_check_id).

/** Control name → check IDs. */
export const CONTROL_CHECK_IDS: Readonly<Record<string, readonly string[]>> = {
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  'Privileged Containers': ['privileged'],
  'Host Ports': ['hostPorts'],
  '/proc Mount Type': ['procMount'],
  HostProcess: ['windowsHostProcess'],
  SELinux: ['seLinuxOptions'],
  'Host Namespaces': ['hostNamespaces'],
  'HostPath Volumes': ['hostPathVolumes'],
  Sysctls: ['sysctls'],
  AppArmor: ['appArmorProfile'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Volume Types': ['restrictedVolumes'],
};

/** The check IDs a control name covers (none for an unknown name). */
export function checkIdsOfControl(controlName: string): readonly string[] {
  return Object.hasOwn(CONTROL_CHECK_IDS, controlName) ? (CONTROL_CHECK_IDS[controlName] ?? []) : [];
}
