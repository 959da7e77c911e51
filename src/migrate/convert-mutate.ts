// Kyverno mutate rules for the defaults a PSP fills in (MutatePod): add-if-not-present `+()` anchors in
// patchStrategicMerge, per container list through foreach. Mirrors kubernetes@release-1.24
// pkg/security/podsecuritypolicy/provider.go (MutatePod, mutateContainer) and the strategies' Generate.
import type { JsonObject, JsonValue } from '../util/index.js';
import type { Psp, RuleWithRanges } from '../psp/index.js';
import type { Gap, RuleBody } from './convert-validate.js';

const LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

const firstMin = (r: RuleWithRanges | undefined): number | undefined => (r && r.rule === 'MustRunAs' ? r.ranges[0]?.min : undefined);

function seccompFieldFor(profile: string): JsonObject | undefined {
  if (profile === 'runtime/default' || profile === 'docker/default') return { type: 'RuntimeDefault' };
  if (profile === 'unconfined') return { type: 'Unconfined' };
  if (profile.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: profile.slice('localhost/'.length) };
  return undefined;
}

/** Mutate rules for the PSP's defaults, plus what could not be expressed exactly. */
export function mutateRules(psp: Psp): { rules: RuleBody[]; gaps: Gap[]; preconditions: Map<string, JsonObject[]> } {
  const s = psp.spec;
  const rules: RuleBody[] = [];
  const gaps: Gap[] = [];
  const preconditions = new Map<string, JsonObject[]>();
  const podSc: JsonObject = {};
  const uid = firstMin(s.runAsUser);
  if (uid !== undefined) podSc['+(runAsUser)'] = uid;
  if (s.runAsUser.rule === 'MustRunAsNonRoot') podSc['+(runAsNonRoot)'] = true;
  const gid = firstMin(s.runAsGroup);
  if (gid !== undefined) podSc['+(runAsGroup)'] = gid;
  const fs = firstMin(s.fsGroup);
  if (fs !== undefined) podSc['+(fsGroup)'] = fs;
  const sg = firstMin(s.supplementalGroups);
  if (sg !== undefined) podSc['+(supplementalGroups)'] = [sg];
  if (s.seLinux.rule === 'MustRunAs' && s.seLinux.seLinuxOptions) podSc['+(seLinuxOptions)'] = { ...s.seLinux.seLinuxOptions };
  const spec: JsonObject = {};
  if (Object.keys(podSc).length > 0) spec.securityContext = podSc;
  if (s.runtimeClass?.defaultRuntimeClassName !== undefined) spec['+(runtimeClassName)'] = s.runtimeClass.defaultRuntimeClassName;
  if (Object.keys(spec).length > 0) rules.push({ name: 'default-pod-security-context', mutate: { patchStrategicMerge: { spec } } });
  if (s.runAsUser.rule === 'MustRunAsNonRoot') gaps.push({ field: 'runAsUser', reason: 'MustRunAsNonRoot defaults runAsNonRoot=true at pod level; PSP sets it per container only when runAsUser is unset too' });

  const seccompDefault = psp.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'];
  if (seccompDefault !== undefined && seccompDefault !== '') {
    const field = seccompFieldFor(seccompDefault);
    if (field) {
      rules.push({ name: 'default-seccomp-profile', mutate: { patchStrategicMerge: { spec: { securityContext: { '+(seccompProfile)': field } } } } });
      // Setting the field while a different pod annotation exists would make the pod invalid.
      preconditions.set('default-seccomp-profile', [{ key: "{{ request.object.metadata.annotations.\"seccomp.security.alpha.kubernetes.io/pod\" || '' }}", operator: 'Equals', value: '' }]);
    } else gaps.push({ field: 'annotations[seccomp.security.alpha.kubernetes.io/defaultProfileName]', reason: `default profile ${JSON.stringify(seccompDefault)} has no seccompProfile field equivalent` });
  }

  const sc: JsonObject = {};
  const caps: JsonObject = {};
  if (s.defaultAddCapabilities.length > 0) caps['+(add)'] = [...s.defaultAddCapabilities].sort();
  if (s.requiredDropCapabilities.length > 0) caps['+(drop)'] = [...s.requiredDropCapabilities].sort();
  if (Object.keys(caps).length > 0) {
    sc.capabilities = caps;
    gaps.push({ field: 'defaultAddCapabilities/requiredDropCapabilities', reason: 'defaults are added only to containers without their own add/drop list; PSP merges them into existing lists (such containers must list them or are refused)' });
  }
  if (s.readOnlyRootFilesystem) sc['+(readOnlyRootFilesystem)'] = true;
  const ape = s.defaultAllowPrivilegeEscalation ?? (s.allowPrivilegeEscalation ? undefined : false);
  if (ape !== undefined) sc['+(allowPrivilegeEscalation)'] = ape;
  const apparmorDefault = psp.annotations['apparmor.security.beta.kubernetes.io/defaultProfileName'];
  const containerEntry = (extra: JsonObject): JsonValue => ({ name: '{{ element.name }}', ...extra });
  if (Object.keys(sc).length > 0) {
    rules.push({
      name: 'default-container-security-context',
      mutate: { foreach: LISTS.map((l) => ({ list: `request.object.spec.${l}`, patchStrategicMerge: { spec: { [l]: [containerEntry({ securityContext: sc })] } } })) },
    });
  }
  if (apparmorDefault !== undefined && apparmorDefault !== '') {
    rules.push({
      name: 'default-apparmor-profile',
      mutate: {
        foreach: LISTS.map((l) => ({
          list: `request.object.spec.${l}`,
          patchStrategicMerge: { metadata: { annotations: { [`+(container.apparmor.security.beta.kubernetes.io/{{ element.name }})`]: apparmorDefault } } },
        })),
      },
    });
  }
  return { rules, gaps, preconditions };
}
