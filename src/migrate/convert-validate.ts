// Kyverno validate rules for every constraint of one PSP, over containers, initContainers and
// ephemeralContainers (foreach), each entry and range of every list kept. Mirrors the checks of
// kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go (ValidatePod, validateContainer) and
// its strategies; the rules are written as Kyverno `deny` conditions over JMESPath booleans.
import type { JsonObject } from '../util/index.js';
import type { Psp, RuleWithRanges } from '../psp/index.js';
import { describeRanges, jpAny, jpCoalesce, jpInRanges, jpJson, jpString, jpUnderPrefix, kyvernoVar } from './convert-jmespath.js';

/** A rule body without match/preconditions (the caller adds the RBAC scope). */
export interface RuleBody {
  name: string;
  validate?: JsonObject;
  mutate?: JsonObject;
}

/** Something the conversion could not express exactly. */
export interface Gap {
  field: string;
  reason: string;
}

/** Every container list, as a foreach list expression (ephemeral, init, regular). */
export const ALL_CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';
const POD_SC = 'request.object.spec.securityContext';
const VOLUMES = 'request.object.spec.volumes';
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
// JSON keys of volume sources whose FSType name differs (GetVolumeFSType: cephfs → cephFS).
const VOLUME_KEY: Readonly<Record<string, string>> = { cephFS: 'cephfs' };

const denyWhen = (expr: string): JsonObject => ({ conditions: { any: [{ key: kyvernoVar(expr), operator: 'Equals', value: true }] } });

function podRule(psp: Psp, name: string, message: string, expr: string): RuleBody {
  return { name, validate: { message: `PodSecurityPolicy ${psp.name}: ${message}`, deny: denyWhen(expr) } };
}

function foreachRule(psp: Psp, name: string, message: string, list: string, expr: string): RuleBody {
  return { name, validate: { message: `PodSecurityPolicy ${psp.name}: ${message}`, foreach: [{ list, deny: denyWhen(expr) }] } };
}

const effective = (field: string) => jpCoalesce(`element.securityContext.${field}`, `${POD_SC}.${field}`);

function idRangeRule(psp: Psp, name: string, field: string, strat: RuleWithRanges | undefined, container: boolean): RuleBody | undefined {
  if (!strat || strat.rule === 'RunAsAny' || strat.rule === '' || strat.rule === 'MustRunAsNonRoot') return undefined;
  const ranges = describeRanges(strat.ranges);
  const must = strat.rule === 'MustRunAs';
  const what = `${field} must ${must ? 'be set and lie' : 'lie'} in [${ranges}] (${field}: ${strat.rule})`;
  if (container) {
    const v = effective(field);
    const bad = must ? `!${jpInRanges(v, strat.ranges)}` : `(${v} != \`null\` && !${jpInRanges(v, strat.ranges)})`;
    return foreachRule(psp, name, `every container's ${what}.`, ALL_CONTAINERS, bad);
  }
  if (field === 'fsGroup') {
    const v = `${POD_SC}.fsGroup`;
    const bad = must ? `!${jpInRanges(v, strat.ranges)}` : `(${v} != \`null\` && !${jpInRanges(v, strat.ranges)})`;
    return podRule(psp, name, `${what}.`, bad);
  }
  const list = `(${POD_SC}.supplementalGroups || \`[]\`)`;
  const outside = `length(${list}[?!${jpInRanges('@', strat.ranges)}]) > \`0\``;
  return podRule(psp, name, `${what}.`, must ? `(length(${list}) == \`0\` || ${outside})` : outside);
}

function volumeRules(psp: Psp, gaps: Gap[]): RuleBody[] {
  const s = psp.spec;
  const out: RuleBody[] = [];
  if (!s.volumes.includes('*')) {
    const keys = ['name', ...s.volumes.map((v) => VOLUME_KEY[v] ?? v)];
    const disallowed = `keys(element)[?!contains(${jpJson(keys)}, @)]`;
    let bad = `length(${disallowed}) > \`0\``;
    if (s.volumes.includes('secret') && !s.volumes.includes('projected')) {
      // The bound service-account token volume is a projected volume admitted wherever secrets are.
      const src =
        "(serviceAccountToken.path == 'token' && !(serviceAccountToken.audience)) || configMap.name == 'kube-root-ca.crt' || (downwardAPI != `null` && length(downwardAPI.items[?path != 'namespace' || fieldRef.fieldPath != 'metadata.namespace'] || `[]`) == `0`)";
      bad = `(${bad} && !(${disallowed} == \`["projected"]\` && length(element.projected.sources[?!(${src})] || \`[]\`) == \`0\`))`;
    }
    // A volume with no source is defaulted to emptyDir by the API server.
    if (!s.volumes.includes('emptyDir')) bad = `(${bad} || keys(element) == \`["name"]\`)`;
    out.push(foreachRule(psp, 'volumes', `volume types other than [${s.volumes.join(', ')}] are not allowed.`, VOLUMES, bad));
  }
  const hostPathOk = s.volumes.includes('*') || s.volumes.includes('hostPath');
  if (hostPathOk && s.allowedHostPaths.length > 0) {
    const canon = "path_canonicalize(element.hostPath.path || '')";
    const all = jpAny(s.allowedHostPaths.map((h) => jpUnderPrefix(canon, h.pathPrefix)));
    const prefixes = s.allowedHostPaths.map((h) => `${h.pathPrefix}${h.readOnly ? ' (read-only)' : ''}`).join(', ');
    out.push(foreachRule(psp, 'allowed-host-paths', `hostPath volumes must lie under one of [${prefixes}] (path segments compared after resolving '..').`, VOLUMES, `(element.hostPath != \`null\` && !${all})`));
    const ro = s.allowedHostPaths.filter((h) => h.readOnly);
    if (ro.length > 0) {
      const rw = s.allowedHostPaths.filter((h) => !h.readOnly);
      const onlyRo = `(${jpAny(ro.map((h) => jpUnderPrefix(canon, h.pathPrefix)))} && !${jpAny(rw.map((h) => jpUnderPrefix(canon, h.pathPrefix)))})`;
      const writable = `length(${ALL_CONTAINERS}.volumeMounts[] | [?name == '{{ element.name }}' && readOnly != \`true\`]) > \`0\``;
      out.push(foreachRule(psp, 'host-paths-read-only', `hostPath volumes under read-only prefixes [${ro.map((h) => h.pathPrefix).join(', ')}] must be mounted readOnly in every container.`, VOLUMES, `(element.hostPath != \`null\` && ${onlyRo} && ${writable})`));
    }
    if (s.allowedHostPaths.some((h) => /[*?]/.test(h.pathPrefix))) gaps.push({ field: 'allowedHostPaths', reason: 'a pathPrefix containing * or ? is compared literally here, as PSP does' });
  }
  if (s.allowedFlexVolumes.length > 0) {
    const names = s.allowedFlexVolumes.map((f) => f.driver);
    out.push(foreachRule(psp, 'allowed-flex-volumes', `flexVolume drivers other than [${names.join(', ')}] are not allowed.`, VOLUMES, `(element.flexVolume != \`null\` && !contains(${jpJson(names)}, element.flexVolume.driver || ''))`));
  }
  if (s.allowedCSIDrivers.length > 0) {
    const names = s.allowedCSIDrivers.map((c) => c.name);
    out.push(foreachRule(psp, 'allowed-csi-drivers', `inline CSI drivers other than [${names.join(', ')}] are not allowed.`, VOLUMES, `(element.csi != \`null\` && !contains(${jpJson(names)}, element.csi.driver || ''))`));
  }
  return out;
}

function sysctlExpr(patterns: readonly string[], name: string): string {
  return jpAny(patterns.map((p) => (p === '*' ? '`true`' : p.endsWith('*') ? `starts_with(${name}, ${jpString(p.slice(0, -1))})` : `${name} == ${jpString(p)}`)));
}

// The profile of a seccompProfile field in annotation form (SeccompAnnotationForField).
function seccompField(f: string): string {
  return `((${f}.type == 'RuntimeDefault' && 'runtime/default') || (${f}.type == 'Unconfined' && 'unconfined') || (${f}.type == 'Localhost' && join('', ['localhost/', ${f}.localhostProfile || ''])) || \`null\`)`;
}

function seccompRules(psp: Psp): RuleBody[] {
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
  const podProfile = jpCoalesce(`${ann}."seccomp.security.alpha.kubernetes.io/pod"`, seccompField(`${POD_SC}.seccompProfile`), "''");
  const cProfile = jpCoalesce(`${ann}."container.seccomp.security.alpha.kubernetes.io/{{ element.name }}"`, seccompField('element.securityContext.seccompProfile'), `${ann}."seccomp.security.alpha.kubernetes.io/pod"`, seccompField(`${POD_SC}.seccompProfile`), "''");
  const shown = list.length === 0 ? 'none (seccomp may not be set)' : `[${list.join(', ')}]`;
  return [
    podRule(psp, 'seccomp-pod', `the pod's seccomp profile must be one of ${shown}.`, `!contains(${values}, ${podProfile})`),
    foreachRule(psp, 'seccomp-containers', `every container's seccomp profile must be one of ${shown}.`, ALL_CONTAINERS, `!contains(${values}, ${cProfile})`),
  ];
}

function apparmorRule(psp: Psp): RuleBody | undefined {
  const text = psp.annotations['apparmor.security.beta.kubernetes.io/allowedProfileNames'];
  if (text === undefined) return undefined;
  const profile = `(request.object.metadata.annotations."container.apparmor.security.beta.kubernetes.io/{{ element.name }}" || '')`;
  return foreachRule(psp, 'apparmor', `every container needs an AppArmor profile annotation from [${text}].`, ALL_CONTAINERS, `(${profile} == '' || !contains(${jpJson(text.split(','))}, ${profile}))`);
}

function seLinuxRules(psp: Psp, gaps: Gap[]): RuleBody[] {
  const se = psp.spec.seLinux;
  if (se.rule !== 'MustRunAs') return [];
  const o = se.seLinuxOptions ?? {};
  const mismatch = (v: string) => jpAny((['user', 'role', 'type', 'level'] as const).map((k) => `(${v}.${k} || '') != ${jpString(o[k] ?? '')}`));
  const want = JSON.stringify(o);
  if ((o.level ?? '').includes(',')) gaps.push({ field: 'seLinux.seLinuxOptions.level', reason: 'levels are compared as strings; PSP ignores the order of categories' });
  const c = effective('seLinuxOptions');
  return [
    podRule(psp, 'selinux-pod', `spec.securityContext.seLinuxOptions must be ${want}.`, `(${POD_SC}.seLinuxOptions == \`null\` || ${mismatch(`${POD_SC}.seLinuxOptions`)})`),
    foreachRule(psp, 'selinux-containers', `every container's seLinuxOptions must be ${want}.`, ALL_CONTAINERS, `(${c} == \`null\` || ${mismatch(c)})`),
  ];
}

/** Validate rules for every constraint of the PSP, plus what could not be expressed exactly. */
export function validateRules(psp: Psp): { rules: RuleBody[]; gaps: Gap[] } {
  const s = psp.spec;
  const gaps: Gap[] = [];
  const rules: RuleBody[] = [];
  const add = (r: RuleBody | undefined) => {
    if (r) rules.push(r);
  };
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => !s[k]);
  if (hostNs.length > 0) add(podRule(psp, 'host-namespaces', `${hostNs.join(', ')} must not be true.`, jpAny(hostNs.map((k) => `request.object.spec.${k} == \`true\``))));
  add(idRangeRule(psp, 'fs-group', 'fsGroup', s.fsGroup, false));
  add(idRangeRule(psp, 'supplemental-groups', 'supplementalGroups', s.supplementalGroups, false));
  rules.push(...seLinuxRules(psp, gaps));
  {
    const forbidden = sysctlExpr(s.forbiddenSysctls, 'element.name');
    const ok = `(contains(${jpJson(SAFE_SYSCTLS)}, element.name) || ${sysctlExpr(s.allowedUnsafeSysctls, 'element.name')})`;
    add(foreachRule(psp, 'sysctls', `sysctls must be safe or in allowedUnsafeSysctls [${s.allowedUnsafeSysctls.join(', ')}] and not in forbiddenSysctls [${s.forbiddenSysctls.join(', ')}].`, `${POD_SC}.sysctls || \`[]\``, `(${forbidden} || !${ok})`));
  }
  rules.push(...volumeRules(psp, gaps));
  if (s.runtimeClass && !s.runtimeClass.allowedRuntimeClassNames.includes('*')) {
    const names = s.runtimeClass.allowedRuntimeClassNames;
    add(podRule(psp, 'runtime-class', `runtimeClassName must be unset or one of [${names.join(', ')}].`, `(request.object.spec.runtimeClassName != \`null\` && !contains(${jpJson(names)}, request.object.spec.runtimeClassName))`));
  }
  const ru = s.runAsUser;
  if (ru.rule === 'MustRunAsNonRoot') {
    const uid = effective('runAsUser');
    const nonRoot = effective('runAsNonRoot');
    add(foreachRule(psp, 'run-as-user', 'every container must run as non-root: runAsNonRoot must be true (or runAsUser set) and runAsUser must not be 0.', ALL_CONTAINERS, `((${uid} == \`null\` && ${nonRoot} == \`null\`) || ${nonRoot} == \`false\` || ${uid} == \`0\`)`));
  } else add(idRangeRule(psp, 'run-as-user', 'runAsUser', ru, true));
  add(idRangeRule(psp, 'run-as-group', 'runAsGroup', s.runAsGroup, true));
  add(apparmorRule(psp));
  rules.push(...seccompRules(psp));
  if (!s.privileged) add(foreachRule(psp, 'privileged', 'privileged containers are not allowed.', ALL_CONTAINERS, 'element.securityContext.privileged == `true`'));
  const procMounts = s.allowedProcMountTypes.length > 0 ? s.allowedProcMountTypes : ['Default'];
  add(foreachRule(psp, 'proc-mount', `procMount must be one of [${procMounts.join(', ')}].`, ALL_CONTAINERS, `!contains(${jpJson(procMounts)}, element.securityContext.procMount || 'Default')`));
  if (!s.allowedCapabilities.includes('*')) {
    const allowed = [...new Set([...s.defaultAddCapabilities, ...s.allowedCapabilities])];
    add(foreachRule(psp, 'capabilities-add', `containers may only add capabilities [${allowed.join(', ')}].`, ALL_CONTAINERS, `length((element.securityContext.capabilities.add || \`[]\`)[?!contains(${jpJson(allowed)}, @)]) > \`0\``));
    if (s.requiredDropCapabilities.length > 0) {
      const drops = s.requiredDropCapabilities.map((c) => `!contains(element.securityContext.capabilities.drop || \`[]\`, ${jpString(c)})`);
      add(foreachRule(psp, 'capabilities-required-drop', `containers must drop [${s.requiredDropCapabilities.join(', ')}].`, ALL_CONTAINERS, jpAny(drops)));
    }
  }
  const ports = s.hostPorts;
  add(foreachRule(psp, 'host-ports', `hostPort must be ${ports.length === 0 ? 'unset' : `in [${describeRanges(ports)}]`}.`, ALL_CONTAINERS, `length((element.ports || \`[]\`)[?hostPort > \`0\` && !${jpInRanges('hostPort', ports)}]) > \`0\``));
  if (s.readOnlyRootFilesystem) add(foreachRule(psp, 'read-only-root-filesystem', 'readOnlyRootFilesystem must be true.', ALL_CONTAINERS, 'element.securityContext.readOnlyRootFilesystem != `true`'));
  if (!s.allowPrivilegeEscalation) add(foreachRule(psp, 'allow-privilege-escalation', 'allowPrivilegeEscalation must be false.', ALL_CONTAINERS, 'element.securityContext.allowPrivilegeEscalation != `false`'));
  return { rules, gaps };
}
