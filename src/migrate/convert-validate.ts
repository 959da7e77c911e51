// Kyverno validate rules for every constraint of one PSP, over containers, initContainers and
// ephemeralContainers (foreach), each entry and range of every list kept. Mirrors the checks of
// kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go (ValidatePod, validateContainer) and
// its strategies; the rules are written as Kyverno `deny` conditions over JMESPath booleans.
import type { JsonObject } from '../util/index.js';
import type { Psp, RuleWithRanges } from '../psp/index.js';
import { podChecks } from './convert-checks.js';
import { describeRanges, jpAny, jpCoalesce, jpInRanges, jpJson, jpHostPath, jpSeLinuxLevelDiffers, jpString, jpUnderPrefix, kyvernoVar } from './convert-jmespath.js';

/** A rule body without match/preconditions (the caller adds the RBAC scope). */
export interface RuleBody {
  name: string;
  /** The PSP field(s) the rule comes from. */
  field?: string;
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

const denyWhen = (expr: string): JsonObject => ({ conditions: { any: [{ key: kyvernoVar(expr), operator: 'Equals', value: true }] } });

function foreachRule(psp: Psp, name: string, message: string, list: string, expr: string): RuleBody {
  return { name, validate: { message: `PodSecurityPolicy ${psp.name}: ${message}`, foreach: [{ list, deny: denyWhen(expr) }] } };
}

const effective = (field: string) => jpCoalesce(`element.securityContext.${field}`, `${POD_SC}.${field}`);

// Container-level ID ranges (runAsUser, runAsGroup); pod-level ones are whole-pod checks (convert-checks.ts).
function idRangeRule(psp: Psp, name: string, field: string, strat: RuleWithRanges | undefined, container: boolean): RuleBody | undefined {
  if (!strat || strat.rule === 'RunAsAny' || strat.rule === '' || strat.rule === 'MustRunAsNonRoot') return undefined;
  const ranges = describeRanges(strat.ranges);
  const must = strat.rule === 'MustRunAs';
  const what = `${field} must ${must ? 'be set and lie' : 'lie'} in [${ranges}]`;
  if (container) {
    // JMESPath `||` skips only null (and false/empty values, which these integer fields cannot hold).
    const v = `(element.securityContext.${field} || ${POD_SC}.${field})`;
    const bad = must ? `!${jpInRanges(v, strat.ranges)}` : `(${v} != \`null\` && !${jpInRanges(v, strat.ranges)})`;
    return foreachRule(psp, name, `every container's ${what}.`, ALL_CONTAINERS, bad);
  }
  return undefined;
}

// hostPath volumes under read-only prefixes must be mounted readOnly: joining each volume to the
// mounts that name it needs the volume's name inside the expression, so this stays a foreach over volumes.
function readOnlyHostPathRule(psp: Psp, gaps: Gap[]): RuleBody | undefined {
  const s = psp.spec;
  if (!(s.volumes.includes('*') || s.volumes.includes('hostPath')) || s.allowedHostPaths.length === 0) return undefined;
  if (s.allowedHostPaths.some((h) => /[*?]/.test(h.pathPrefix))) gaps.push({ field: 'allowedHostPaths', reason: 'a pathPrefix containing * or ? is compared literally here, as PSP does' });
  const ro = s.allowedHostPaths.filter((h) => h.readOnly);
  if (ro.length === 0) return undefined;
  const path = jpHostPath('element.hostPath.path');
  const rw = s.allowedHostPaths.filter((h) => !h.readOnly);
  const onlyRo = `(${jpAny(ro.map((h) => jpUnderPrefix(path, h.pathPrefix)))} && !${jpAny(rw.map((h) => jpUnderPrefix(path, h.pathPrefix)))})`;
  const writable = `length(${ALL_CONTAINERS}.volumeMounts[] | [?name == '{{ element.name }}' && readOnly != \`true\`]) > \`0\``;
  return {
    ...foreachRule(psp, 'host-paths-read-only', `hostPath volumes under read-only prefixes [${ro.map((h) => h.pathPrefix).join(', ')}] must be mounted readOnly in every container.`, VOLUMES, `(element.hostPath != \`null\` && ${onlyRo} && ${writable})`),
    field: 'allowedHostPaths[].readOnly',
  };
}


// The validating side sees pods after the API server copied seccompProfile fields into the annotations
// (and refused pods where both disagree), so the annotations alone carry every profile.
function seccompRule(psp: Psp): RuleBody | undefined {
  const text = psp.annotations['seccomp.security.alpha.kubernetes.io/allowedProfileNames'];
  const list = text === undefined ? [] : text.split(',');
  if (list.includes('*')) return undefined;
  const allowed = new Set(list.length === 0 ? [''] : list);
  if (allowed.has('runtime/default') || allowed.has('docker/default')) {
    allowed.add('runtime/default');
    allowed.add('docker/default');
  }
  const values = jpJson([...allowed]);
  const ann = 'request.object.metadata.annotations';
  const pod = `${ann}."seccomp.security.alpha.kubernetes.io/pod"`;
  const container = `${ann}."container.seccomp.security.alpha.kubernetes.io/{{ element.name }}" || ${pod}`;
  // With no profile allowed, the container check (its own annotation, else the pod's) covers the pod's.
  const conds = list.length === 0 ? [`(${container} || '') != ''`] : [`!contains(${values}, ${pod} || '')`, `!contains(${values}, ${container} || '')`];
  const shown = list.length === 0 ? '' : `[${list.join(', ')}]`;
  return {
    name: 'seccomp',
    validate: {
      message: `PodSecurityPolicy ${psp.name}: ${list.length === 0 ? 'seccomp profiles may not be set' : `the pod's and every container's seccomp profile must be one of ${shown}`}.`,
      foreach: [{ list: ALL_CONTAINERS, deny: { conditions: { any: conds.map((c) => ({ key: kyvernoVar(c), operator: 'Equals', value: true })) } } }],
    },
  };
}

function apparmorRule(psp: Psp): RuleBody | undefined {
  const text = psp.annotations['apparmor.security.beta.kubernetes.io/allowedProfileNames'];
  if (text === undefined) return undefined;
  const profile = `(request.object.metadata.annotations."container.apparmor.security.beta.kubernetes.io/{{ element.name }}" || '')`;
  return foreachRule(psp, 'apparmor', `every container needs an AppArmor profile annotation from [${text}].`, ALL_CONTAINERS, `(${profile} == '' || !contains(${jpJson(text.split(','))}, ${profile}))`);
}

function seLinuxRule(psp: Psp): RuleBody | undefined {
  const se = psp.spec.seLinux;
  if (se.rule !== 'MustRunAs') return undefined;
  const o = se.seLinuxOptions ?? {};
  const mismatch = (v: string) => `(${v} == \`null\` || ${jpAny([...(['user', 'role', 'type'] as const).map((k) => `(${v}.${k} || '') != ${jpString(o[k] ?? '')}`), jpSeLinuxLevelDiffers(`${v}.level`, o.level ?? '')])})`;
  const want = JSON.stringify(o);
  const conds = [mismatch(`${POD_SC}.seLinuxOptions`), mismatch(effective('seLinuxOptions'))];
  return {
    name: 'selinux',
    validate: {
      message: `PodSecurityPolicy ${psp.name}: the pod's and every container's seLinuxOptions must be ${want}.`,
      foreach: [{ list: ALL_CONTAINERS, deny: { conditions: { any: conds.map((c) => ({ key: kyvernoVar(c), operator: 'Equals', value: true })) } } }],
    },
  };
}

// Whole-pod checks (convert-checks.ts) evaluated inside the container foreach: element-independent, exact.
const POD_LEVEL = new Set(['fsGroup', 'supplementalGroups', 'sysctls', 'volumes', 'volumesProjected', 'volumesNoSource', 'allowedHostPaths', 'allowedFlexVolumes', 'allowedCSIDrivers', 'runtimeClass']);

// Joins short conditions with `||` while each stays under the review limit of 400 characters.
function pack(conds: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of conds) {
    const last = out.length - 1;
    if (last >= 0 && out[last]!.length + c.length + 4 <= 380) out[last] = `${out[last]} || ${c}`;
    else out.push(c);
  }
  return out;
}

interface Part {
  message: string;
  field: string;
  conds: string[];
}

/**
 * Validate rules for every constraint of the PSP, plus what could not be expressed exactly: one pattern
 * rule for what a pattern can say, one foreach rule over every container holding every other check (pod
 * level ones too, since each rule repeats the requester scope), and the read-only hostPath rule, which
 * joins volumes to mounts by name.
 */
export function validateRules(psp: Psp): { rules: RuleBody[]; gaps: Gap[] } {
  const s = psp.spec;
  const gaps: Gap[] = [];
  const rules: RuleBody[] = [];
  const parts: Part[] = [];
  // What a pattern can say, per container: one foreach pattern entry in the same rule.
  const said: string[] = [];
  const patternFields: string[] = [];
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => !s[k]);
  if (hostNs.length > 0) parts.push({ message: `${hostNs.join(', ')} must not be true`, field: hostNs.join(', '), conds: [jpAny(hostNs.map((k) => `request.object.spec.${k} == \`true\``))] });
  const c: JsonObject = {};
  if (!s.privileged) {
    c['=(privileged)'] = false;
    said.push('containers may not be privileged');
    patternFields.push('privileged');
  }
  if (s.readOnlyRootFilesystem) {
    c.readOnlyRootFilesystem = true;
    said.push('readOnlyRootFilesystem must be true');
    patternFields.push('readOnlyRootFilesystem');
  }
  if (!s.allowPrivilegeEscalation) {
    c.allowPrivilegeEscalation = false;
    said.push('allowPrivilegeEscalation must be false');
    patternFields.push('allowPrivilegeEscalation');
  }
  const procMounts = s.allowedProcMountTypes.length > 0 ? s.allowedProcMountTypes : ['Default'];
  const procMountPart: Part | undefined =
    procMounts.includes('Default') && procMounts.includes('Unmasked')
      ? undefined
      : {
          message: `procMount must be ${procMounts.join(' or ')}`,
          field: 'allowedProcMountTypes',
          conds: [procMounts.length === 1 ? `(element.securityContext.procMount || 'Default') != ${jpString(procMounts[0]!)}` : `!contains(${jpJson(procMounts)}, element.securityContext.procMount || 'Default')`],
        };
  if (procMountPart && said.length > 0) {
    c['=(procMount)'] = procMounts.join(' | ');
    said.push(procMountPart.message);
    patternFields.push('allowedProcMountTypes');
  }
  const required = 'readOnlyRootFilesystem' in c || 'allowPrivilegeEscalation' in c;
  const containerPatternEntry: JsonObject | undefined = Object.keys(c).length > 0 ? { list: ALL_CONTAINERS, pattern: { [required ? 'securityContext' : '=(securityContext)']: c } } : undefined;

  const byField = new Map<string, Part>();
  for (const x of podChecks(psp).filter((k) => POD_LEVEL.has(k.name))) {
    if (!byField.has(x.field)) byField.set(x.field, { message: x.message ?? '', field: x.field, conds: [] });
    byField.get(x.field)!.conds.push(x.expr);
  }
  parts.push(...byField.values());
  if (procMountPart && said.length === 0) parts.push(procMountPart);
  // (host namespaces were put first, before the pod-level checks)
  const fromRule = (r: RuleBody | undefined, field: string) => {
    if (!r) return;
    const v = r.validate!;
    const entry = (v.foreach as JsonObject[])[0]!;
    const conds = ((entry.deny as JsonObject).conditions as { any: JsonObject[] }).any.map((x) => String(x.key).slice(3, -3));
    parts.push({ message: String(v.message).replace(`PodSecurityPolicy ${psp.name}: `, '').replace(/\.$/, ''), field, conds });
  };
  fromRule(seLinuxRule(psp), 'seLinux');
  const ru = s.runAsUser;
  if (ru.rule === 'MustRunAsNonRoot') {
    const uid = effective('runAsUser');
    const nonRoot = effective('runAsNonRoot');
    parts.push({ message: 'every container must run as non-root (runAsNonRoot true or runAsUser set, and runAsUser not 0)', field: 'runAsUser', conds: [`((${uid} == \`null\` && ${nonRoot} == \`null\`) || ${nonRoot} == \`false\` || ${uid} == \`0\`)`] });
  } else fromRule(idRangeRule(psp, 'run-as-user', 'runAsUser', ru, true), 'runAsUser');
  fromRule(idRangeRule(psp, 'run-as-group', 'runAsGroup', s.runAsGroup, true), 'runAsGroup');
  fromRule(apparmorRule(psp), 'annotation apparmor.security.beta.kubernetes.io/allowedProfileNames');
  fromRule(seccompRule(psp), 'annotation seccomp.security.alpha.kubernetes.io/allowedProfileNames');
  if (!s.allowedCapabilities.includes('*')) {
    const allowed = [...new Set([...s.defaultAddCapabilities, ...s.allowedCapabilities])];
    const cond = allowed.length === 0 ? 'length(element.securityContext.capabilities.add || `[]`) > `0`' : `length((element.securityContext.capabilities.add || \`[]\`)[?!contains(${jpJson(allowed)}, @)]) > \`0\``;
    parts.push({ message: allowed.length === 0 ? 'containers may not add capabilities' : `containers may only add capabilities [${allowed.join(', ')}]`, field: 'allowedCapabilities', conds: [cond] });
  }
  if (s.requiredDropCapabilities.length > 0) {
    parts.push({
      message: `containers must drop [${s.requiredDropCapabilities.join(', ')}]`,
      field: 'requiredDropCapabilities',
      conds: [jpAny(s.requiredDropCapabilities.map((x) => `!contains(element.securityContext.capabilities.drop || \`[]\`, ${jpString(x)})`))],
    });
  }
  const ports = s.hostPorts;
  if (!ports.some((r) => r.min <= 1 && r.max >= 65535)) {
    parts.push({ message: `hostPort must be ${ports.length === 0 ? 'unset' : `in [${describeRanges(ports)}]`}`, field: 'hostPorts', conds: [`length((element.ports || \`[]\`)[?hostPort > \`0\`${ports.length === 0 ? '' : ` && !${jpInRanges('hostPort', ports)}`}]) > \`0\``] });
  }
  if (parts.length > 0 || containerPatternEntry) {
    const foreach: JsonObject[] = [];
    if (containerPatternEntry) foreach.push(containerPatternEntry);
    if (parts.length > 0) foreach.push({ list: ALL_CONTAINERS, deny: { conditions: { any: pack(parts.flatMap((p) => p.conds)).map((x) => ({ key: kyvernoVar(x), operator: 'Equals', value: true })) } } });
    rules.push({
      name: 'pod-and-containers',
      field: [...patternFields.map((f) => `${f} (pattern)`), ...parts.map((p) => p.field)].join(', '),
      validate: {
        message: `PodSecurityPolicy ${psp.name}: ${[...said, ...parts.map((p) => p.message)].filter(Boolean).join('; ')}.`,
        foreach,
      },
    });
  }
  const ro = readOnlyHostPathRule(psp, gaps);
  if (ro) rules.push(ro);
  return { rules, gaps };
}
