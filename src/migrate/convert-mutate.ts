// Kyverno mutate rules that fill in what a PSP's defaulting (MutatePod) fills in, where PSP puts it: pod
// level for supplementalGroups, fsGroup, seLinuxOptions, runtimeClassName and the seccomp annotation;
// container level for runAsUser/runAsGroup/runAsNonRoot (only when the pod level is unset too),
// capabilities (merged, sorted), readOnlyRootFilesystem and allowPrivilegeEscalation; AppArmor
// annotations per container. One rule per PSP field, `+()` add-if-not-present anchors, foreach over the
// three container lists. Mirrors kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go
// (MutatePod, mutateContainer) and the strategies' Generate.
import type { JsonObject, JsonValue } from '../util/index.js';
import type { Psp, RuleWithRanges } from '../psp/index.js';
import { jpJson, jpString, kyvernoVar } from './convert-jmespath.js';
import type { Gap, RuleBody } from './convert-validate.js';

// Ephemeral containers cannot be set when a pod is created, the only time PSP fills in defaults.
const LISTS = ['initContainers', 'containers'] as const;
const SC = 'request.object.spec.securityContext';

const firstMin = (r: RuleWithRanges | undefined): number | undefined => (r && r.rule === 'MustRunAs' ? r.ranges[0]?.min : undefined);
const isTrue = (expr: string): JsonObject => ({ key: kyvernoVar(expr), operator: 'Equals', value: true });

/** A mutate rule body plus the PSP field it comes from and rule-level preconditions. */
export interface MutateRule extends RuleBody {
  field: string;
  preconditions?: JsonObject[];
}

function capabilityPatch(psp: Psp): { patch: JsonObject; changed: string; fields: string } | undefined {
  const s = psp.spec;
  if (s.defaultAddCapabilities.length === 0 && s.requiredDropCapabilities.length === 0) return undefined;
  const add = 'element.securityContext.capabilities.add';
  const drop = 'element.securityContext.capabilities.drop';
  const has = (list: string, c: string) => `contains(${list} || \`[]\`, ${jpString(c)})`;
  // A default added capability is skipped when the container drops it; missing ones are appended, then sorted.
  const missingAdd = s.defaultAddCapabilities.map((c) => ({ c, cond: `!${has(add, c)} && !${has(drop, c)}` }));
  const missingDrop = s.requiredDropCapabilities.map((c) => ({ c, cond: `!${has(drop, c)}` }));
  const merged = (list: string, missing: { c: string; cond: string }[]) => `sort([${list} || \`[]\`, ${missing.map((m) => `(${m.cond} && ${jpJson([m.c])}) || \`[]\``).join(', ')}][])`;
  const patch: JsonObject = {};
  // An empty merged list is written as null, which strategic merge removes, as Go omits a nil slice.
  if (missingAdd.length > 0) patch.add = kyvernoVar(`((length(${merged(add, missingAdd)}) > \`0\`) && ${merged(add, missingAdd)}) || \`null\``);
  if (missingDrop.length > 0) patch.drop = kyvernoVar(merged(drop, missingDrop));
  const fields = [s.defaultAddCapabilities.length > 0 ? 'defaultAddCapabilities' : '', s.requiredDropCapabilities.length > 0 ? 'requiredDropCapabilities' : ''].filter(Boolean).join(', ');
  return { patch, changed: [...missingAdd, ...missingDrop].map((m) => `(${m.cond})`).join(' || '), fields };
}

/**
 * Mutate rules for the PSP's defaults, plus what could not be expressed exactly: one `defaults` rule whose
 * foreach entries (init containers, then containers) each fill one group of fields, pod-level fields with
 * the first container entry; the seccomp and AppArmor annotations in rules of their own.
 */
export function mutateRules(psp: Psp): { rules: MutateRule[]; gaps: Gap[] } {
  const s = psp.spec;
  const rules: MutateRule[] = [];
  const gaps: Gap[] = [];
  const podSc: JsonObject = {};
  const fields: string[] = [];
  const sg = firstMin(s.supplementalGroups);
  if (sg !== undefined) {
    podSc['+(supplementalGroups)'] = [sg];
    fields.push('supplementalGroups');
  }
  const fs = firstMin(s.fsGroup);
  if (fs !== undefined) {
    podSc['+(fsGroup)'] = fs;
    fields.push('fsGroup');
  }
  if (s.seLinux.rule === 'MustRunAs' && s.seLinux.seLinuxOptions) {
    const o: JsonObject = {};
    for (const k of ['user', 'role', 'type', 'level'] as const) if (s.seLinux.seLinuxOptions[k]) o[k] = s.seLinux.seLinuxOptions[k]!;
    podSc['+(seLinuxOptions)'] = o;
    fields.push('seLinux');
  }
  const pod: JsonObject = {};
  if (Object.keys(podSc).length > 0) pod.securityContext = podSc;
  if (s.runtimeClass?.defaultRuntimeClassName !== undefined) {
    pod['+(runtimeClassName)'] = s.runtimeClass.defaultRuntimeClassName;
    fields.push('runtimeClass.defaultRuntimeClassName');
  }
  // Container groups: the fields set, the preconditions (pod level unset, or the element's own state).
  const groups: { sc: JsonObject; pre?: JsonObject[]; elementPre?: JsonObject[] }[] = [];
  const sc: JsonObject = {};
  if (s.readOnlyRootFilesystem) {
    sc['+(readOnlyRootFilesystem)'] = true;
    fields.push('readOnlyRootFilesystem');
  }
  const ape = s.defaultAllowPrivilegeEscalation ?? (s.allowPrivilegeEscalation ? undefined : false);
  if (ape !== undefined) {
    sc['+(allowPrivilegeEscalation)'] = ape;
    fields.push(s.defaultAllowPrivilegeEscalation !== undefined ? 'defaultAllowPrivilegeEscalation' : 'allowPrivilegeEscalation');
  }
  groups.push({ sc });
  const uid = firstMin(s.runAsUser);
  if (uid !== undefined) {
    groups.push({ sc: { '+(runAsUser)': uid }, pre: [isTrue(`${SC}.runAsUser == \`null\``)] });
    fields.push('runAsUser');
  }
  if (s.runAsUser.rule === 'MustRunAsNonRoot') {
    groups.push({ sc: { '+(runAsNonRoot)': true }, pre: [isTrue(`${SC}.runAsUser == \`null\` && ${SC}.runAsNonRoot == \`null\` && element.securityContext.runAsUser == \`null\``)] });
    fields.push('runAsUser: MustRunAsNonRoot (runAsNonRoot)');
  }
  const gid = firstMin(s.runAsGroup);
  if (gid !== undefined) {
    groups.push({ sc: { '+(runAsGroup)': gid }, pre: [isTrue(`${SC}.runAsGroup == \`null\``)] });
    fields.push('runAsGroup');
  }
  const caps = capabilityPatch(psp);
  if (caps) {
    groups.push({ sc: { capabilities: caps.patch }, pre: [isTrue(caps.changed)] });
    fields.push(caps.fields);
  }
  const entries: JsonObject[] = [];
  for (const l of LISTS) {
    for (const g of groups) {
      const withPod = l === 'containers' && g === groups[0] && Object.keys(pod).length > 0;
      if (Object.keys(g.sc).length === 0 && !withPod) continue;
      const patchSpec: JsonObject = { ...(withPod ? pod : {}) };
      if (Object.keys(g.sc).length > 0) patchSpec[l] = [{ name: '{{ element.name }}', securityContext: g.sc }];
      entries.push({ list: `request.object.spec.${l}`, ...(g.pre ? { preconditions: { all: g.pre } } : {}), patchStrategicMerge: { spec: patchSpec } });
    }
  }
  if (entries.length > 0) rules.push({ name: 'defaults', field: fields.join(', '), mutate: { foreach: entries } });

  const seccompDefault = psp.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'];
  if (seccompDefault) {
    // PSP writes the pod annotation when neither the annotation nor the pod field is set.
    rules.push({
      name: 'default-seccomp-profile',
      field: 'annotation seccomp.security.alpha.kubernetes.io/defaultProfileName',
      preconditions: [isTrue(`${SC}.seccompProfile == \`null\``)],
      mutate: { patchStrategicMerge: { metadata: { annotations: { '+(seccomp.security.alpha.kubernetes.io/pod)': seccompDefault } } } },
    });
  }
  const apparmorDefault = psp.annotations['apparmor.security.beta.kubernetes.io/defaultProfileName'];
  if (apparmorDefault) {
    const entry = (l: string): JsonValue => ({
      list: `request.object.spec.${l}`,
      patchStrategicMerge: { metadata: { annotations: { '+(container.apparmor.security.beta.kubernetes.io/{{ element.name }})': apparmorDefault } } },
    });
    rules.push({ name: 'default-apparmor-profile', field: 'annotation apparmor.security.beta.kubernetes.io/defaultProfileName', mutate: { foreach: LISTS.map(entry) } });
  }
  return { rules, gaps };
}
