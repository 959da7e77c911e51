// Whole-pod JMESPath booleans, one per PSP field, each true when the (already defaulted) pod violates the
// field: the building blocks of "no PSP in the set admits" (convert.ts union policies) and of the
// preconditions that pick whose defaults apply. Unlike convert-validate.ts's foreach rules they cannot
// refer to the container being checked from inside a filter (Kyverno 1.10's JMESPath has no `let` or
// root reference), so container values inherited from the pod are split into "own value" and "pod value"
// cases, and the three checks that join a container to an annotation or a volume mount by name are
// approximated and reported. Mirrors kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go.
import type { Psp, RuleWithRanges } from '../psp/index.js';
import { describeRanges, jpAny, jpInRanges, jpJson, jpHostPath, jpNoBacksteps, jpSeLinuxLevelDiffers, jpString, jpUnderPrefix } from './convert-jmespath.js';

/** One PSP field as a whole-pod violation test. */
export interface PodCheck {
  /** Short camelCase name, also the PSP field it comes from. */
  name: string;
  field: string;
  expr: string;
  /** What the field requires, for messages (empty when another check of the field already says it). */
  message?: string;
  /** Set when the expression is not exact, with the reason. */
  approximation?: string;
}

const SPEC = 'request.object.spec';
const SC = `${SPEC}.securityContext`;
// Parenthesized: a filter after `[]` would otherwise apply inside the flatten projection.
const CONTAINERS = `(${SPEC}.[ephemeralContainers, initContainers, containers][])`;
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const VOLUME_KEY: Readonly<Record<string, string>> = { cephFS: 'cephfs' };
const NULL = '`null`';

const some = (list: string, cond: string) => `length(${list}[?${cond}]) > \`0\``;
const someContainer = (cond: string) => some(CONTAINERS, cond);

// A container value inherited from the pod is bad when the container's own value is bad, or the
// container has none and the pod's is bad.
function inherited(field: string, bad: (v: string) => string): string {
  return `(${someContainer(`securityContext.${field} != ${NULL} && ${bad(`securityContext.${field}`)}`)} || (${bad(`${SC}.${field}`)} && ${someContainer(`securityContext.${field} == ${NULL}`)}))`;
}

function idChecks(name: string, field: string, strat: RuleWithRanges | undefined): PodCheck[] {
  if (!strat || (strat.rule !== 'MustRunAs' && strat.rule !== 'MayRunAs')) return [];
  const must = strat.rule === 'MustRunAs';
  const out = (v: string) => (must ? `!${jpInRanges(v, strat.ranges)}` : `(${v} != ${NULL} && !${jpInRanges(v, strat.ranges)})`);
  const message = `${field} must ${must ? 'be set and lie' : 'lie'} in [${describeRanges(strat.ranges)}]`;
  if (field === 'fsGroup') return [{ name, field, message, expr: out(`${SC}.fsGroup`) }];
  if (field === 'supplementalGroups') {
    const list = `(${SC}.supplementalGroups || \`[]\`)`;
    const outside = `length(${list}[?!${jpInRanges('@', strat.ranges)}]) > \`0\``;
    return [{ name, field, message, expr: must ? `(length(${list}) == \`0\` || ${outside})` : outside }];
  }
  return [{ name, field, message: `every container's ${message}`, expr: inherited(field, out) }];
}

function volumeChecks(psp: Psp): PodCheck[] {
  const s = psp.spec;
  const out: PodCheck[] = [];
  const vols = `(${SPEC}.volumes || \`[]\`)`;
  if (!s.volumes.includes('*')) {
    const keys = ['name', ...s.volumes.map((v) => VOLUME_KEY[v] ?? v)];
    const other = `length(keys(@)[?!contains(${jpJson(keys)}, @)]) > \`0\``;
    const field = 'volumes';
    const message = `volume types other than [${s.volumes.join(', ')}] are not allowed`;
    if (s.volumes.includes('secret') && !s.volumes.includes('projected')) {
      // The bound service-account token volume is a projected volume admitted wherever secrets are.
      const lone = `projected != ${NULL} && length(keys(@)) == \`2\``;
      const src =
        "(serviceAccountToken.path == 'token' && !(serviceAccountToken.audience)) || configMap.name == 'kube-root-ca.crt' || (downwardAPI != `null` && !(downwardAPI.items[?path != 'namespace' || fieldRef.fieldPath != 'metadata.namespace']))";
      out.push({ name: 'volumes', field, message, expr: some(vols, `${other} && !(${lone})`) });
      out.push({ name: 'volumesProjected', field, expr: some(vols, `${lone} && length(projected.sources[?!(${src})] || \`[]\`) > \`0\``) });
    } else out.push({ name: 'volumes', field, message, expr: some(vols, other) });
    // A volume with no source is defaulted to emptyDir by the API server.
    if (!s.volumes.includes('emptyDir')) out.push({ name: 'volumesNoSource', field, expr: some(vols, 'keys(@) == `["name"]`') });
  }
  if ((s.volumes.includes('*') || s.volumes.includes('hostPath')) && s.allowedHostPaths.length > 0) {
    const path = jpHostPath('hostPath.path');
    const ok = `(${jpNoBacksteps('hostPath.path')} && ${jpAny(s.allowedHostPaths.map((h) => jpUnderPrefix(path, h.pathPrefix)))})`;
    const prefixes = s.allowedHostPaths.map((h) => `${h.pathPrefix}${h.readOnly ? ' (read-only)' : ''}`).join(', ');
    out.push({ name: 'allowedHostPaths', field: 'allowedHostPaths', message: `hostPath volumes must lie under one of [${prefixes}]`, expr: some(vols, `hostPath != ${NULL} && !${ok}`) });
    const ro = s.allowedHostPaths.filter((h) => h.readOnly);
    if (ro.length > 0) {
      // Joining a volume to the containers that mount it needs the volume's name inside a filter: every
      // writable mount of any volume counts when some hostPath volume lies only under read-only prefixes.
      const rw = s.allowedHostPaths.filter((h) => !h.readOnly);
      const onlyRo = `${jpAny(ro.map((h) => jpUnderPrefix(path, h.pathPrefix)))} && !${jpAny(rw.map((h) => jpUnderPrefix(path, h.pathPrefix)))}`;
      out.push({
        name: 'allowedHostPathsReadOnly',
        field: 'allowedHostPaths[].readOnly',
        expr: `(${some(vols, `hostPath != ${NULL} && ${onlyRo}`)} && ${someContainer(`length((volumeMounts || \`[]\`)[?readOnly != \`true\`]) > \`0\``)})`,
        approximation: 'a writable mount of any volume is refused when some hostPath volume lies only under a read-only prefix (the volume-to-mount join by name is not expressible in a set-wide condition)',
      });
    }
  }
  if (s.allowedFlexVolumes.length > 0) {
    const names = s.allowedFlexVolumes.map((f) => f.driver);
    out.push({ name: 'allowedFlexVolumes', field: 'allowedFlexVolumes', message: `flexVolume drivers must be one of [${names.join(', ')}]`, expr: some(vols, `flexVolume != ${NULL} && !contains(${jpJson(names)}, flexVolume.driver || '')`) });
  }
  if (s.allowedCSIDrivers.length > 0) {
    const names = s.allowedCSIDrivers.map((c) => c.name);
    out.push({ name: 'allowedCSIDrivers', field: 'allowedCSIDrivers', message: `inline CSI drivers must be one of [${names.join(', ')}]`, expr: some(vols, `csi != ${NULL} && !contains(${jpJson(names)}, csi.driver || '')`) });
  }
  return out;
}

function sysctlMatch(patterns: readonly string[]): string {
  return jpAny(patterns.map((p) => (p === '*' ? '`true`' : p.endsWith('*') ? `starts_with(name, ${jpString(p.slice(0, -1))})` : `name == ${jpString(p)}`)));
}

function seccompField(f: string): string {
  return `((${f}.type == 'RuntimeDefault' && 'runtime/default') || (${f}.type == 'Unconfined' && 'unconfined') || (${f}.type == 'Localhost' && join('', ['localhost/', ${f}.localhostProfile || ''])) || \`null\`)`;
}

function seccompChecks(psp: Psp): PodCheck[] {
  const text = psp.annotations['seccomp.security.alpha.kubernetes.io/allowedProfileNames'];
  const list = text === undefined ? [] : text.split(',');
  if (list.includes('*')) return [];
  const allowed = new Set(list.length === 0 ? [''] : list);
  if (allowed.has('runtime/default') || allowed.has('docker/default')) {
    allowed.add('runtime/default');
    allowed.add('docker/default');
  }
  const values = jpJson([...allowed]);
  const ann = 'request.object.metadata.annotations';
  const podProfile = `(${ann}."seccomp.security.alpha.kubernetes.io/pod" || ${seccompField(`${SC}.seccompProfile`)} || '')`;
  // Parenthesized: a filter right after a filter would apply to each element of its projection (always
  // null), not to the filtered list, and find nothing.
  const containerAnnotations = `(items(${ann} || \`{}\`, 'key', 'value')[?starts_with(key, 'container.seccomp.security.alpha.kubernetes.io/')])`;
  return [
    { name: 'seccompPod', field: 'annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]', expr: `!contains(${values}, ${podProfile})` },
    {
      name: 'seccompContainers',
      field: 'annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]',
      expr: `(${someContainer(`securityContext.seccompProfile != ${NULL} && !contains(${values}, ${seccompField('securityContext.seccompProfile')})`)} || length(${containerAnnotations}[?!contains(${values}, value)]) > \`0\`)`,
      approximation: 'container seccomp annotations are checked whichever container they name (PSP looks only at annotations of existing containers)',
    },
  ];
}

/** Every PSP field as a whole-pod violation test, in validateRules order. */
export function podChecks(psp: Psp): PodCheck[] {
  const s = psp.spec;
  const out: PodCheck[] = [];
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => !s[k]);
  if (hostNs.length > 0) out.push({ name: 'hostNamespaces', field: hostNs.join('/'), expr: jpAny(hostNs.map((k) => `${SPEC}.${k} == \`true\``)) });
  out.push(...idChecks('fsGroup', 'fsGroup', s.fsGroup), ...idChecks('supplementalGroups', 'supplementalGroups', s.supplementalGroups));
  if (s.seLinux.rule === 'MustRunAs') {
    const o = s.seLinux.seLinuxOptions ?? {};
    const mismatch = (v: string) => `(${v} == ${NULL} || ${jpAny([...(['user', 'role', 'type'] as const).map((k) => `(${v}.${k} || '') != ${jpString(o[k] ?? '')}`), jpSeLinuxLevelDiffers(`${v}.level`, o.level ?? '')])})`;
    out.push({ name: 'seLinux', field: 'seLinux', expr: `(${mismatch(`${SC}.seLinuxOptions`)} || ${someContainer(`securityContext.seLinuxOptions != ${NULL} && ${mismatch('securityContext.seLinuxOptions')}`)})` });
  }
  const forbidden = s.forbiddenSysctls.length === 0 ? '' : `${sysctlMatch(s.forbiddenSysctls)} || `;
  const safe = `contains(${jpJson(SAFE_SYSCTLS)}, name)`;
  const ok = s.allowedUnsafeSysctls.length === 0 ? safe : `(${safe} || ${sysctlMatch(s.allowedUnsafeSysctls)})`;
  if (!s.allowedUnsafeSysctls.includes('*') || s.forbiddenSysctls.length > 0) out.push({
    name: 'sysctls',
    field: 'allowedUnsafeSysctls, forbiddenSysctls',
    message:
      s.allowedUnsafeSysctls.length === 0 && s.forbiddenSysctls.length === 0
        ? 'only safe sysctls are allowed'
        : `sysctls must be safe or in allowedUnsafeSysctls [${s.allowedUnsafeSysctls.join(', ')}] and not in forbiddenSysctls [${s.forbiddenSysctls.join(', ')}]`,
    expr: some(`(${SC}.sysctls || \`[]\`)`, `${forbidden}!${ok}`),
  });
  out.push(...volumeChecks(psp));
  if (s.runtimeClass && !s.runtimeClass.allowedRuntimeClassNames.includes('*')) {
    out.push({ name: 'runtimeClass', field: 'runtimeClass.allowedRuntimeClassNames', message: `runtimeClassName must be unset or one of [${s.runtimeClass.allowedRuntimeClassNames.join(', ')}]`, expr: `(${SPEC}.runtimeClassName != ${NULL} && !contains(${jpJson(s.runtimeClass.allowedRuntimeClassNames)}, ${SPEC}.runtimeClassName))` });
  }
  if (s.runAsUser.rule === 'MustRunAsNonRoot') {
    const own = (f: string) => `securityContext.${f}`;
    const pod = (f: string) => `${SC}.${f}`;
    const expr = [
      `(${pod('runAsUser')} == ${NULL} && ${pod('runAsNonRoot')} == ${NULL} && ${someContainer(`${own('runAsUser')} == ${NULL} && ${own('runAsNonRoot')} == ${NULL}`)})`,
      someContainer(`${own('runAsNonRoot')} == \`false\` || ${own('runAsUser')} == \`0\``),
      `((${pod('runAsNonRoot')} == \`false\` && ${someContainer(`${own('runAsNonRoot')} == ${NULL}`)}) || (${pod('runAsUser')} == \`0\` && ${someContainer(`${own('runAsUser')} == ${NULL}`)}))`,
    ].join(' || ');
    out.push({ name: 'runAsUser', field: 'runAsUser', expr: `(${expr})` });
  } else out.push(...idChecks('runAsUser', 'runAsUser', s.runAsUser));
  out.push(...idChecks('runAsGroup', 'runAsGroup', s.runAsGroup));
  const apparmor = psp.annotations['apparmor.security.beta.kubernetes.io/allowedProfileNames'];
  if (apparmor !== undefined) {
    // Every container needs its own annotation with an allowed profile. A filter cannot look a container's
    // name up in the annotations, so the keys are compared as sets: the keys of the annotations with an
    // allowed profile, merged with the keys every container needs (`<prefix><name>`), gain a key exactly
    // when some container lacks a good annotation (annotation keys and container names are unique).
    const prefix = 'container.apparmor.security.beta.kubernetes.io/';
    const good = `items(request.object.metadata.annotations || \`{}\`, 'key', 'value')[?starts_with(key, ${jpString(prefix)}) && value != '' && contains(${jpJson(apparmor.split(','))}, value)].key`;
    const needed = `${CONTAINERS}[*].join('', [${jpString(prefix)}, name])`;
    out.push({
      name: 'appArmor',
      field: 'annotations[apparmor.security.beta.kubernetes.io/allowedProfileNames]',
      expr: `length(keys(merge(object_from_lists(${good}, ${good}), object_from_lists(${needed}, ${needed})))) > length(${good})`,
    });
  }
  out.push(...seccompChecks(psp));
  if (!s.privileged) out.push({ name: 'privileged', field: 'privileged', expr: someContainer('securityContext.privileged == `true`') });
  const procMounts = s.allowedProcMountTypes.length > 0 ? s.allowedProcMountTypes : ['Default'];
  out.push({ name: 'procMount', field: 'allowedProcMountTypes', expr: someContainer(`!contains(${jpJson(procMounts)}, securityContext.procMount || 'Default')`) });
  if (s.defaultAddCapabilities.length > 0 || s.requiredDropCapabilities.length > 0) {
    out.push({ name: 'capabilitiesSet', field: 'defaultAddCapabilities/requiredDropCapabilities', expr: someContainer(`securityContext.capabilities == ${NULL}`) });
  }
  if (!s.allowedCapabilities.includes('*')) {
    const allowed = [...new Set([...s.defaultAddCapabilities, ...s.allowedCapabilities])];
    out.push({ name: 'allowedCapabilities', field: 'allowedCapabilities', expr: someContainer(`length((securityContext.capabilities.add || \`[]\`)[?!contains(${jpJson(allowed)}, @)]) > \`0\``) });
    if (s.requiredDropCapabilities.length > 0) {
      const drops = s.requiredDropCapabilities.map((c) => `!contains(securityContext.capabilities.drop || \`[]\`, ${jpString(c)})`);
      out.push({ name: 'requiredDropCapabilities', field: 'requiredDropCapabilities', expr: someContainer(drops.join(' || ')) });
    }
  }
  if (!s.hostPorts.some((r) => r.min <= 1 && r.max >= 65535)) {
    out.push({ name: 'hostPorts', field: 'hostPorts', expr: someContainer(`length((ports || \`[]\`)[?hostPort > \`0\` && !${jpInRanges('hostPort', s.hostPorts)}]) > \`0\``) });
  }
  if (s.readOnlyRootFilesystem) out.push({ name: 'readOnlyRootFilesystem', field: 'readOnlyRootFilesystem', expr: someContainer('securityContext.readOnlyRootFilesystem != `true`') });
  if (!s.allowPrivilegeEscalation) out.push({ name: 'allowPrivilegeEscalation', field: 'allowPrivilegeEscalation', expr: someContainer('securityContext.allowPrivilegeEscalation != `false`') });
  return out;
}
