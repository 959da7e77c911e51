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

function capabilityPatch(psp: Psp): { value: string; changed: string; fields: string } | undefined {
  const s = psp.spec;
  if (s.defaultAddCapabilities.length === 0 && s.requiredDropCapabilities.length === 0) return undefined;
  const add = 'element.securityContext.capabilities.add';
  const drop = 'element.securityContext.capabilities.drop';
  const has = (list: string, c: string) => `contains(${list} || \`[]\`, ${jpString(c)})`;
  // A default added capability is skipped when the container drops it; missing ones are appended, then sorted.
  const missingAdd = s.defaultAddCapabilities.map((c) => ({ c, cond: `!${has(add, c)} && !${has(drop, c)}` }));
  const missingDrop = s.requiredDropCapabilities.map((c) => ({ c, cond: `!${has(drop, c)}` }));
  const merged = (list: string, missing: { c: string; cond: string }[]) =>
    missing.length === 0 ? `sort(${list} || \`[]\`)` : `sort([${list} || \`[]\`, ${missing.map((m) => `(${m.cond} && ${jpJson([m.c])}) || \`[]\``).join(', ')}][])`;
  // PSP rebuilds both lists sorted when it adds anything; an empty list is written as null, which
  // strategic merge removes, as Go omits a nil slice.
  // PSP rebuilds both lists sorted when it adds anything and omits an empty one (a nil slice in Go).
  const list = (key: string, m: string) => `(length(${m}) > \`0\` && {${key}: ${m}}) || \`{}\``;
  const value = `merge(${list('add', merged(add, missingAdd))}, ${list('drop', merged(drop, missingDrop))})`;
  const fields = [s.defaultAddCapabilities.length > 0 ? 'defaultAddCapabilities' : '', s.requiredDropCapabilities.length > 0 ? 'requiredDropCapabilities' : ''].filter(Boolean).join(', ');
  return { value, changed: [...missingAdd, ...missingDrop].map((m) => `(${m.cond})`).join(' || '), fields };
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
  if (Object.keys(pod).length > 0) rules.push({ name: 'pod-defaults', field: fields.join(', '), mutate: { patchStrategicMerge: { spec: pod } } });

  // Container fields: a JSON patch per container setting securityContext to the defaults merged under
  // the container's own values (`merge(defaults, own)`: own values win, as PSP only fills unset fields).
  // A strategic merge patch would reorder containers and init containers whenever an element is skipped
  // (kyverno/kyverno#12552), and `+()` inside a list entry is checked against every element of the list.
  const cfields: string[] = [];
  const groups: { defaults: string; pre?: JsonObject[] }[] = [];
  const plain: string[] = [];
  if (s.readOnlyRootFilesystem) {
    plain.push('readOnlyRootFilesystem: `true`');
    cfields.push('readOnlyRootFilesystem');
  }
  const ape = s.defaultAllowPrivilegeEscalation ?? (s.allowPrivilegeEscalation ? undefined : false);
  if (ape !== undefined) {
    plain.push(`allowPrivilegeEscalation: \`${ape}\``);
    cfields.push(s.defaultAllowPrivilegeEscalation !== undefined ? 'defaultAllowPrivilegeEscalation' : 'allowPrivilegeEscalation');
  }
  if (plain.length > 0) groups.push({ defaults: `{${plain.join(', ')}}` });
  const uid = firstMin(s.runAsUser);
  if (uid !== undefined) {
    groups.push({ defaults: `{runAsUser: \`${uid}\`}`, pre: [isTrue(`${SC}.runAsUser == \`null\``)] });
    cfields.push('runAsUser');
  }
  if (s.runAsUser.rule === 'MustRunAsNonRoot') {
    groups.push({ defaults: '{runAsNonRoot: `true`}', pre: [isTrue(`${SC}.runAsUser == \`null\` && ${SC}.runAsNonRoot == \`null\` && element.securityContext.runAsUser == \`null\``)] });
    cfields.push('runAsUser: MustRunAsNonRoot');
  }
  const gid = firstMin(s.runAsGroup);
  if (gid !== undefined) {
    groups.push({ defaults: `{runAsGroup: \`${gid}\`}`, pre: [isTrue(`${SC}.runAsGroup == \`null\``)] });
    cfields.push('runAsGroup');
  }
  const entries: JsonObject[] = [];
  const caps = capabilityPatch(psp);
  if (caps) {
    gaps.push({ field: caps.fields, reason: 'a container listing the same capability twice keeps the duplicate, which PSP removes when it merges its defaults' });
    cfields.push(caps.fields);
  }
  for (const l of LISTS) {
    const path = `/spec/${l}/{{ elementIndex }}/securityContext`;
    const op = (value: string) => `[{"op": "add", "path": "${path}", "value": {{ ${value} }}}]`;
    for (const g of groups) {
      entries.push({ list: `request.object.spec.${l}`, ...(g.pre ? { preconditions: { all: g.pre } } : {}), patchesJson6902: op(`merge(${g.defaults}, element.securityContext || \`{}\`)`) });
    }
    // The merged lists are computed in a context variable: Kyverno's `{{ }}` allows one level of nested braces.
    if (caps) {
      entries.push({
        list: `request.object.spec.${l}`,
        context: [{ name: 'capabilities', variable: { jmesPath: caps.value } }],
        preconditions: { all: [isTrue(caps.changed)] },
        patchesJson6902: op('merge(element.securityContext || `{}`, {capabilities: capabilities})'),
      });
    }
  }
  if (entries.length > 0) rules.push({ name: 'container-defaults', field: cfields.join(', '), mutate: { foreach: entries } });

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

/**
 * The pod as the PSP's defaulting (MutatePod) leaves it, as one JMESPath expression over `request.object`:
 * the same defaults as mutateRules, computed without changing the pod, so that a union policy can check
 * each PSP against the pod as that PSP's own defaults make it, and apply only the defaults of the PSP
 * PSP admission picks. Undefined for a PSP that fills in nothing. Nothing is added that the rules would not
 * add (no empty securityContext, no null lists), so the result equals the pod exactly when the PSP
 * changes nothing.
 */
export function defaultedPod(psp: Psp): string | undefined {
  const s = psp.spec;
  const O = 'request.object';
  const S = `${O}.spec`;
  const podSc: string[] = [];
  const sg = firstMin(s.supplementalGroups);
  if (sg !== undefined) podSc.push(`supplementalGroups: ${jpJson([sg])}`);
  const fs = firstMin(s.fsGroup);
  if (fs !== undefined) podSc.push(`fsGroup: ${jpJson(fs)}`);
  if (s.seLinux.rule === 'MustRunAs' && s.seLinux.seLinuxOptions) {
    const o: JsonObject = {};
    for (const k of ['user', 'role', 'type', 'level'] as const) if (s.seLinux.seLinuxOptions[k]) o[k] = s.seLinux.seLinuxOptions[k]!;
    podSc.push(`seLinuxOptions: ${jpJson(o)}`);
  }
  const specParts: string[] = [];
  if (s.runtimeClass?.defaultRuntimeClassName !== undefined) specParts.push(`{runtimeClassName: ${jpString(s.runtimeClass.defaultRuntimeClassName)}}`);
  specParts.push(S);
  if (podSc.length > 0) specParts.push(`{securityContext: merge({${podSc.join(', ')}}, ${SC} || \`{}\`)}`);

  // Container defaults: the groups of mutateRules, those that depend on pod-level values chosen at the
  // root (a projection cannot see the pod), each variant a pipeline of per-container stages.
  const plain: string[] = [];
  if (s.readOnlyRootFilesystem) plain.push('readOnlyRootFilesystem: `true`');
  const ape = s.defaultAllowPrivilegeEscalation ?? (s.allowPrivilegeEscalation ? undefined : false);
  if (ape !== undefined) plain.push(`allowPrivilegeEscalation: \`${ape}\``);
  const conditional: { cond: string; fields?: string; nonRoot?: boolean }[] = [];
  const uid = firstMin(s.runAsUser);
  if (uid !== undefined) conditional.push({ cond: `${SC}.runAsUser == \`null\``, fields: `runAsUser: \`${uid}\`` });
  if (s.runAsUser.rule === 'MustRunAsNonRoot') conditional.push({ cond: `${SC}.runAsUser == \`null\` && ${SC}.runAsNonRoot == \`null\``, nonRoot: true });
  const gid = firstMin(s.runAsGroup);
  if (gid !== undefined) conditional.push({ cond: `${SC}.runAsGroup == \`null\``, fields: `runAsGroup: \`${gid}\`` });
  const caps = capabilityPatch(psp);
  const own = (e: string) => e.replace(/element\.securityContext/g, 'securityContext');
  const pipeline = (list: string, active: typeof conditional): string => {
    const fields = [...plain, ...active.flatMap((a) => (a.fields ? [a.fields] : []))];
    const stages: string[] = [];
    if (fields.length > 0) stages.push(`merge(@, {securityContext: merge({${fields.join(', ')}}, securityContext || \`{}\`)})`);
    // A sub-expression cannot start with `(`: a conditional stage merges an empty object when it does not apply.
    if (active.some((a) => a.nonRoot)) stages.push('merge(@, (securityContext.runAsUser == `null` && {securityContext: merge({runAsNonRoot: `true`}, securityContext || `{}`)}) || `{}`)');
    if (caps) stages.push(`merge(@, ((${own(caps.changed)}) && {securityContext: merge(securityContext || \`{}\`, {capabilities: ${own(caps.value)}})}) || \`{}\`)`);
    return stages.length === 0 ? list : stages.map((st, i) => (i === 0 ? `${list}[*].${st}` : `[*].${st}`)).join(' | ');
  };
  const containerLists: string[] = [];
  if (plain.length > 0 || conditional.length > 0 || caps) {
    for (const l of LISTS) {
      const list = `${S}.${l}`;
      // Every subset of the pod-dependent groups, most first; a non-empty list of containers is truthy.
      const variants: string[] = [];
      for (let mask = (1 << conditional.length) - 1; mask >= 0; mask--) {
        const active = conditional.filter((_, i) => mask & (1 << i));
        const conds = conditional.map((c, i) => (mask & (1 << i) ? `(${c.cond})` : `!(${c.cond})`));
        variants.push(conds.length === 0 ? `(${pipeline(list, active)})` : `(${conds.join(' && ')} && (${pipeline(list, active)}))`);
      }
      containerLists.push(`((length(${list} || \`[]\`) > \`0\` && {${l}: ${variants.join(' || ')}}) || \`{}\`)`);
    }
  }
  specParts.push(...containerLists);

  const annotations: string[] = [];
  const seccompDefault = psp.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'];
  if (seccompDefault) annotations.push(`((${SC}.seccompProfile == \`null\` && ${jpJson({ 'seccomp.security.alpha.kubernetes.io/pod': seccompDefault })}) || \`{}\`)`);
  const apparmorDefault = psp.annotations['apparmor.security.beta.kubernetes.io/defaultProfileName'];
  if (apparmorDefault) {
    const keys = `([${LISTS.map((l) => `${S}.${l} || \`[]\``).join(', ')}][].join('', [${jpString('container.apparmor.security.beta.kubernetes.io/')}, name]))`;
    annotations.push(`object_from_lists(${keys}, ${keys}[*].join('', [${jpString(apparmorDefault)}]))`);
  }
  if (containerLists.length === 0 && podSc.length === 0 && specParts.length === 1 && annotations.length === 0) return undefined;
  const spec = `merge(${specParts.join(', ')})`;
  let metadata = `${O}.metadata`;
  if (annotations.length > 0) {
    const ann = `merge(${annotations.join(', ')}, ${O}.metadata.annotations || \`{}\`)`;
    metadata = `((length(keys(${ann})) > \`0\` && merge(${O}.metadata, {annotations: ${ann}})) || ${O}.metadata)`;
  }
  return `merge(${O}, {spec: ${spec}, metadata: ${metadata}})`;
}
