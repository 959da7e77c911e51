// One PSP applied to one pod: MutatePod fills unset fields from the PSP's strategies, ValidatePod
// checks the pod-level fields, volumes and runtimeClass, then every container (init, regular,
// ephemeral) in upstream order. Mirrors kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go.
import { CONTAINER_FIELDS, FieldPath, type FieldError, type KubeObject } from '../kube/index.js';
import { isObject, type JsonObject, setOwn } from '../util/index.js';
import { invalid } from './errors.js';
import type { Psp } from './model.js';
import {
  annotationsOf,
  asBool,
  asNumber,
  containerField,
  effectiveField,
  podField,
  setAnnotation,
  setContainerField,
  setEffectiveField,
  setPodField,
} from './security-context.js';
import { generateAppArmor, validateAppArmor, APPARMOR_CONTAINER_PREFIX } from './strategies/apparmor.js';
import { generateCapabilities, validateCapabilities } from './strategies/capabilities.js';
import { generateGroups, generateSingleGroup, generateUser, validateGroups, validateUser } from './strategies/id-ranges.js';
import { generateSeccomp, SECCOMP_POD_ANNOTATION, seccompStrategy, validateContainerSeccomp, validatePodSeccomp } from './strategies/seccomp.js';
import { generateSeLinux, validateSeLinux } from './strategies/selinux.js';
import { validateSysctls } from './strategies/sysctl.js';
import { allowsHostVolumePath, allowsVolumeType, volumeFsType } from './volumes.js';

/** A container with its Kubernetes path (`spec.containers[0]`). */
interface ContainerAt {
  container: JsonObject;
  path: FieldPath;
}

/** Every container of a pod spec in VisitContainersWithPath order (init, regular, ephemeral). */
export function containersWithPath(spec: JsonObject): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isObject(c)) out.push({ container: c, path: FieldPath.of('spec', field).index(i) });
    });
  }
  return out;
}

/**
 * The containers (names, in VisitContainers order) that must not run as root (effective runAsNonRoot
 * true) but set no runAsUser: PSP admits them, and the kubelet decides from the image's user
 * (verifyRunAsNonRoot), which is not known offline.
 */
export function nonRootByImageUser(pod: KubeObject): string[] {
  const spec = podSpecOf(pod);
  return containersWithPath(spec)
    .filter(({ container }) => effectiveField(spec, container, 'runAsNonRoot') === true && asNumber(effectiveField(spec, container, 'runAsUser')) === undefined)
    .map(({ container }) => (typeof container.name === 'string' ? container.name : ''));
}

/** The pod spec of a Pod object (created empty when missing, so a copy can be mutated). */
export function podSpecOf(pod: KubeObject): JsonObject {
  if (!isObject(pod.spec)) pod.spec = {};
  return pod.spec as JsonObject;
}

/** Strings-only view of the pod's annotations. */
function stringAnnotations(pod: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotationsOf(pod))) if (typeof v === 'string') setOwn(out, k, v);
  return out;
}

const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : undefined);

/** Fills the pod's unset security fields from the PSP (MutatePod), in place. */
export function mutatePod(psp: Psp, pod: KubeObject): void {
  const s = psp.spec;
  const spec = podSpecOf(pod);
  if (podField(spec, 'supplementalGroups') === undefined) {
    const g = generateGroups(s.supplementalGroups);
    if (g && g.length > 0) setPodField(spec, 'supplementalGroups', g);
  }
  if (podField(spec, 'fsGroup') === undefined) {
    const g = generateSingleGroup(s.fsGroup);
    if (g !== undefined) setPodField(spec, 'fsGroup', g);
  }
  if (podField(spec, 'seLinuxOptions') === undefined) {
    const se = generateSeLinux(s.seLinux);
    if (se) setPodField(spec, 'seLinuxOptions', se);
  }
  const seccomp = generateSeccomp(seccompStrategy(psp.annotations), stringAnnotations(pod), spec);
  if (seccomp !== '' && stringAnnotations(pod)[SECCOMP_POD_ANNOTATION] !== seccomp) setAnnotation(pod, SECCOMP_POD_ANNOTATION, seccomp);
  if (s.runtimeClass && (spec.runtimeClassName === undefined || spec.runtimeClassName === null) && s.runtimeClass.defaultRuntimeClassName !== undefined) {
    spec.runtimeClassName = s.runtimeClass.defaultRuntimeClassName;
  }
  for (const { container } of containersWithPath(spec)) mutateContainer(psp, pod, spec, container);
}

function mutateContainer(psp: Psp, pod: KubeObject, spec: JsonObject, c: JsonObject): void {
  const s = psp.spec;
  if (effectiveField(spec, c, 'runAsUser') === undefined) {
    const uid = generateUser(s.runAsUser);
    if (uid !== undefined) setEffectiveField(spec, c, 'runAsUser', uid);
  }
  if (effectiveField(spec, c, 'runAsGroup') === undefined) {
    const gid = generateSingleGroup(s.runAsGroup);
    if (gid !== undefined) setEffectiveField(spec, c, 'runAsGroup', gid);
  }
  if (effectiveField(spec, c, 'seLinuxOptions') === undefined) {
    const se = generateSeLinux(s.seLinux);
    if (se) setEffectiveField(spec, c, 'seLinuxOptions', se);
  }
  const name = typeof c.name === 'string' ? c.name : '';
  const aa = generateAppArmor(psp.annotations, stringAnnotations(pod), name);
  if (aa !== undefined) setAnnotation(pod, `${APPARMOR_CONTAINER_PREFIX}${name}`, aa);
  if (
    s.runAsUser.rule === 'MustRunAsNonRoot' &&
    effectiveField(spec, c, 'runAsNonRoot') === undefined &&
    effectiveField(spec, c, 'runAsUser') === undefined
  ) {
    setEffectiveField(spec, c, 'runAsNonRoot', true);
  }
  const current = containerField(c, 'capabilities');
  const caps = generateCapabilities(s, current);
  if (caps !== undefined && caps !== current) setContainerField(c, 'capabilities', caps);
  if (s.readOnlyRootFilesystem && containerField(c, 'readOnlyRootFilesystem') === undefined) setContainerField(c, 'readOnlyRootFilesystem', true);
  if (s.defaultAllowPrivilegeEscalation !== undefined && containerField(c, 'allowPrivilegeEscalation') === undefined) {
    setContainerField(c, 'allowPrivilegeEscalation', s.defaultAllowPrivilegeEscalation);
  }
  if (!s.allowPrivilegeEscalation && containerField(c, 'allowPrivilegeEscalation') === undefined) setContainerField(c, 'allowPrivilegeEscalation', false);
}

/** Every violation of the PSP by the pod (ValidatePod), in upstream order. */
export function validatePod(psp: Psp, pod: KubeObject): FieldError[] {
  const s = psp.spec;
  const spec = podSpecOf(pod);
  const annotations = stringAnnotations(pod);
  const scPath = FieldPath.of('spec', 'securityContext');
  const errs: FieldError[] = [];
  const fsGroup = asNumber(podField(spec, 'fsGroup'));
  errs.push(...validateGroups(scPath.child('fsGroup'), s.fsGroup, fsGroup === undefined ? undefined : [fsGroup]));
  errs.push(...validateGroups(scPath.child('supplementalGroups'), s.supplementalGroups, numbers(podField(spec, 'supplementalGroups'))));
  const seccomp = seccompStrategy(psp.annotations);
  errs.push(...validatePodSeccomp(seccomp, annotations, spec));
  errs.push(...validateSeLinux(scPath.child('seLinuxOptions'), s.seLinux, podField(spec, 'seLinuxOptions')));
  // In the internal API these live in the pod security context; the v1 JSON has them on the spec.
  if (!s.hostNetwork && spec.hostNetwork === true) errs.push(invalid(scPath.child('hostNetwork'), true, 'Host network is not allowed to be used'));
  if (!s.hostPID && spec.hostPID === true) errs.push(invalid(scPath.child('hostPID'), true, 'Host PID is not allowed to be used'));
  if (!s.hostIPC && spec.hostIPC === true) errs.push(invalid(scPath.child('hostIPC'), true, 'Host IPC is not allowed to be used'));
  errs.push(...validateSysctls(spec, s));
  errs.push(...validatePodVolumes(psp, spec));
  if (s.runtimeClass) {
    const rc = spec.runtimeClassName;
    if (typeof rc === 'string' && !s.runtimeClass.allowedRuntimeClassNames.some((n) => n === '*' || n === rc)) {
      errs.push(invalid(FieldPath.of('spec', 'runtimeClassName'), rc, ''));
    }
  }
  for (const { container, path } of containersWithPath(spec)) errs.push(...validateContainer(psp, spec, annotations, container, path));
  return errs;
}

function validatePodVolumes(psp: Psp, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((v, i) => {
    if (!isObject(v)) return;
    const vp = FieldPath.of('spec', 'volumes').index(i);
    const { fsType, source } = volumeFsType(v);
    if (!allowsVolumeType(psp, fsType, source)) {
      errs.push(invalid(vp, fsType, `${fsType} volumes are not allowed to be used`));
      return;
    }
    if (fsType === 'hostPath') {
      const path = typeof source.path === 'string' ? source.path : '';
      const { allowed, mustBeReadOnly } = allowsHostVolumePath(psp, path);
      if (!allowed) errs.push(invalid(vp.child('hostPath', 'pathPrefix'), path, 'is not allowed to be used'));
      else if (mustBeReadOnly) {
        for (const { container, path: cp } of containersWithPath(spec)) {
          const mounts = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
          mounts.forEach((m, k) => {
            if (isObject(m) && m.name === v.name && m.readOnly !== true) errs.push(invalid(cp.child('volumeMounts').index(k).child('readOnly'), false, 'must be read-only'));
          });
        }
      }
    } else if (fsType === 'flexVolume' && psp.spec.allowedFlexVolumes.length > 0) {
      const driver = typeof source.driver === 'string' ? source.driver : '';
      if (!psp.spec.allowedFlexVolumes.some((f) => f.driver === driver)) errs.push(invalid(vp.child('driver'), driver, 'Flexvolume driver is not allowed to be used'));
    } else if (fsType === 'csi' && psp.spec.allowedCSIDrivers.length > 0) {
      const driver = typeof source.driver === 'string' ? source.driver : '';
      if (!psp.spec.allowedCSIDrivers.some((d) => d.name === driver)) errs.push(invalid(vp.child('csi', 'driver'), driver, 'Inline CSI driver is not allowed to be used'));
    }
  });
  return errs;
}

function validateContainer(psp: Psp, spec: JsonObject, annotations: Record<string, string>, c: JsonObject, cPath: FieldPath): FieldError[] {
  const s = psp.spec;
  const scPath = cPath.child('securityContext');
  const errs: FieldError[] = [];
  errs.push(...validateUser(scPath, s.runAsUser, asBool(effectiveField(spec, c, 'runAsNonRoot')), asNumber(effectiveField(spec, c, 'runAsUser'))));
  const gid = asNumber(effectiveField(spec, c, 'runAsGroup'));
  // Upstream reports runAsGroup problems at the securityContext itself (group strategies take the path as given).
  errs.push(...validateGroups(scPath, s.runAsGroup, gid === undefined ? undefined : [gid]));
  errs.push(...validateSeLinux(scPath.child('seLinuxOptions'), s.seLinux, effectiveField(spec, c, 'seLinuxOptions')));
  const name = typeof c.name === 'string' ? c.name : '';
  errs.push(...validateAppArmor(psp.annotations, annotations, name));
  errs.push(...validateContainerSeccomp(seccompStrategy(psp.annotations), annotations, spec, c));
  if (!s.privileged && containerField(c, 'privileged') === true) errs.push(invalid(scPath.child('privileged'), true, 'Privileged containers are not allowed'));
  const pm = containerField(c, 'procMount');
  const procMount = typeof pm === 'string' ? pm : 'Default';
  const allowedPm = s.allowedProcMountTypes.length > 0 ? s.allowedProcMountTypes : ['Default'];
  if (!allowedPm.includes(procMount)) errs.push(invalid(scPath.child('procMount'), procMount, 'ProcMountType is not allowed'));
  errs.push(...validateCapabilities(scPath.child('capabilities'), s, containerField(c, 'capabilities')));
  const ports = Array.isArray(c.ports) ? c.ports : [];
  for (const p of ports) {
    const hp = isObject(p) ? asNumber(p.hostPort) : undefined;
    if (hp !== undefined && hp > 0 && !s.hostPorts.some((r) => hp >= r.min && hp <= r.max)) {
      const allowed = s.hostPorts.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(',');
      errs.push(invalid(cPath.child('hostPort'), hp, `Host port ${hp} is not allowed to be used. Allowed ports: [${allowed}]`));
    }
  }
  if (s.readOnlyRootFilesystem) {
    const ro = asBool(containerField(c, 'readOnlyRootFilesystem'));
    if (ro === undefined) errs.push(invalid(scPath.child('readOnlyRootFilesystem'), null, 'ReadOnlyRootFilesystem may not be nil and must be set to true'));
    else if (!ro) errs.push(invalid(scPath.child('readOnlyRootFilesystem'), false, 'ReadOnlyRootFilesystem must be set to true'));
  }
  const ape = asBool(containerField(c, 'allowPrivilegeEscalation'));
  if (!s.allowPrivilegeEscalation && ape !== false) {
    errs.push(invalid(scPath.child('allowPrivilegeEscalation'), ape ?? null, 'Allowing privilege escalation for containers is not allowed'));
  }
  return errs;
}
