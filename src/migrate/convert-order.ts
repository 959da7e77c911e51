// A conservative "admits at least as much" order between PSPs: dominates(d, x) is true only when every
// pod PSP x admits (after x's defaulting) is also admitted by d (after d's). Used to apply, per requester,
// only the most permissive usable PSPs, since Kyverno requires every matching policy to pass while PSP
// needs one. Reasoned from kubernetes@release-1.24 pkg/security/podsecuritypolicy/provider.go strategies.
import { hasPathPrefix, type IdRange, type Psp, type RuleWithRanges } from '../psp/index.js';

const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));
const covered = (xs: readonly IdRange[], ds: readonly IdRange[]) => xs.every((x) => ds.some((d) => d.min <= x.min && x.max <= d.max));

// RunAsAny (or an absent runAsGroup) checks nothing; MustRunAs/MayRunAs admit values in their ranges and
// default unset values into them, so wider ranges dominate; MustRunAsNonRoot only dominates itself.
function idRule(d: RuleWithRanges | undefined, x: RuleWithRanges | undefined): boolean {
  if (!d || d.rule === 'RunAsAny' || d.rule === '') return true;
  if (!x || x.rule === 'RunAsAny' || x.rule === '') return false;
  // MustRunAsNonRoot also rejects `runAsNonRoot: false`, which ranges do not look at: only equal rules compare.
  if (d.rule === 'MustRunAsNonRoot' || x.rule === 'MustRunAsNonRoot') return d.rule === x.rule;
  return covered(x.ranges, d.ranges);
}

function annotationList(psp: Psp, key: string): string[] | undefined {
  const v = psp.annotations[key];
  return v === undefined ? undefined : v.split(',');
}

function seccomp(d: Psp, x: Psp): boolean {
  const key = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
  const dl = annotationList(d, key) ?? [];
  const xl = annotationList(x, key) ?? [];
  if (dl.includes('*')) return true;
  if (xl.includes('*')) return false;
  return subset(xl, dl) && (dl.length > 0 || xl.length === 0);
}

function apparmor(d: Psp, x: Psp): boolean {
  const key = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
  const dl = annotationList(d, key);
  const xl = annotationList(x, key);
  if (dl === undefined) return true;
  return xl !== undefined && subset(xl, dl);
}

function hostPaths(d: Psp, x: Psp): boolean {
  const dp = d.spec.allowedHostPaths;
  const xp = x.spec.allowedHostPaths;
  if (dp.length === 0) return true;
  if (xp.length === 0) return false;
  return xp.every((xe) => dp.some((de) => hasPathPrefix(xe.pathPrefix, de.pathPrefix) && (!de.readOnly || xe.readOnly)));
}

function drivers(d: readonly string[], x: readonly string[]): boolean {
  return d.length === 0 || (x.length > 0 && subset(x, d));
}

function capabilities(d: Psp, x: Psp): boolean {
  const ds = d.spec;
  const xs = x.spec;
  if (ds.allowedCapabilities.includes('*')) return true;
  if (xs.allowedCapabilities.includes('*')) return false;
  return subset([...xs.defaultAddCapabilities, ...xs.allowedCapabilities], [...ds.defaultAddCapabilities, ...ds.allowedCapabilities]) && subset(ds.requiredDropCapabilities, xs.requiredDropCapabilities) && subset(ds.defaultAddCapabilities, xs.defaultAddCapabilities);
}

function sysctls(d: Psp, x: Psp): boolean {
  const ds = d.spec;
  const xs = x.spec;
  return subset(ds.forbiddenSysctls, xs.forbiddenSysctls) && (ds.allowedUnsafeSysctls.includes('*') || subset(xs.allowedUnsafeSysctls, ds.allowedUnsafeSysctls));
}

function runtimeClass(d: Psp, x: Psp): boolean {
  const dr = d.spec.runtimeClass;
  const xr = x.spec.runtimeClass;
  if (!dr) return true;
  if (dr.allowedRuntimeClassNames.includes('*')) return true;
  return xr !== undefined && !xr.allowedRuntimeClassNames.includes('*') && subset(xr.allowedRuntimeClassNames, dr.allowedRuntimeClassNames);
}

function seLinux(d: Psp, x: Psp): boolean {
  const dr = d.spec.seLinux;
  if (dr.rule === 'RunAsAny' || dr.rule === '') return true;
  return x.spec.seLinux.rule === dr.rule && JSON.stringify(x.spec.seLinux.seLinuxOptions ?? {}) === JSON.stringify(dr.seLinuxOptions ?? {});
}

/** True when PSP d admits every pod PSP x admits (a sound under-approximation: false when unsure). */
export function dominates(d: Psp, x: Psp): boolean {
  const ds = d.spec;
  const xs = x.spec;
  const bool = (dv: boolean, xv: boolean) => dv || !xv;
  const procMounts = (s: Psp['spec']) => (s.allowedProcMountTypes.length > 0 ? s.allowedProcMountTypes : ['Default']);
  return (
    bool(ds.privileged, xs.privileged) &&
    bool(ds.hostNetwork, xs.hostNetwork) &&
    bool(ds.hostPID, xs.hostPID) &&
    bool(ds.hostIPC, xs.hostIPC) &&
    bool(ds.allowPrivilegeEscalation, xs.allowPrivilegeEscalation) &&
    (!ds.readOnlyRootFilesystem || xs.readOnlyRootFilesystem) &&
    covered(xs.hostPorts, ds.hostPorts) &&
    (ds.volumes.includes('*') || (!xs.volumes.includes('*') && subset(xs.volumes, ds.volumes))) &&
    hostPaths(d, x) &&
    drivers(ds.allowedFlexVolumes.map((f) => f.driver), xs.allowedFlexVolumes.map((f) => f.driver)) &&
    drivers(ds.allowedCSIDrivers.map((c) => c.name), xs.allowedCSIDrivers.map((c) => c.name)) &&
    capabilities(d, x) &&
    idRule(ds.runAsUser, xs.runAsUser) &&
    idRule(ds.runAsGroup, xs.runAsGroup) &&
    idRule(ds.supplementalGroups, xs.supplementalGroups) &&
    idRule(ds.fsGroup, xs.fsGroup) &&
    seLinux(d, x) &&
    sysctls(d, x) &&
    subset(procMounts(xs), procMounts(ds)) &&
    runtimeClass(d, x) &&
    seccomp(d, x) &&
    apparmor(d, x)
  );
}

/**
 * For each PSP, the PSPs that make it redundant for a requester who can use both: those that dominate it
 * and are not dominated back, plus equivalent ones that sort earlier by name (admission's order).
 */
export function dominators(psps: readonly Psp[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const x of psps) {
    const list: string[] = [];
    for (const d of psps) {
      if (d === x || !dominates(d, x)) continue;
      if (dominates(x, d) && !(d.name < x.name)) continue;
      list.push(d.name);
    }
    out.set(x.name, list);
  }
  return out;
}

/**
 * True when the PSP's defaulting (MutatePod) never changes a pod: no MustRunAs/MustRunAsNonRoot defaults,
 * no SELinux options, no default or required capabilities, no readOnlyRootFilesystem, no
 * allowPrivilegeEscalation default, no default seccomp/AppArmor profile or runtime class.
 */
export function neverMutates(p: Psp): boolean {
  const s = p.spec;
  const must = (r: RuleWithRanges | undefined) => r?.rule === 'MustRunAs' && r.ranges.length > 0;
  return (
    !must(s.runAsUser) &&
    s.runAsUser.rule !== 'MustRunAsNonRoot' &&
    !must(s.runAsGroup) &&
    !must(s.fsGroup) &&
    !must(s.supplementalGroups) &&
    !(s.seLinux.rule === 'MustRunAs' && s.seLinux.seLinuxOptions !== undefined) &&
    s.defaultAddCapabilities.length === 0 &&
    s.requiredDropCapabilities.length === 0 &&
    !s.readOnlyRootFilesystem &&
    s.defaultAllowPrivilegeEscalation === undefined &&
    s.allowPrivilegeEscalation &&
    !p.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'] &&
    !p.annotations['apparmor.security.beta.kubernetes.io/defaultProfileName'] &&
    s.runtimeClass?.defaultRuntimeClassName === undefined
  );
}

/**
 * a absorbs b: a never changes a pod and admits every pod b admits, so when a requester may use both,
 * b changes nothing — any pod b admits, a admits unchanged, and PSP then keeps the pod unchanged (the
 * first PSP that admits without mutating wins). Between two such equivalent PSPs the earlier name absorbs.
 */
export function absorbs(a: Psp, b: Psp): boolean {
  if (a === b || !neverMutates(a) || !dominates(a, b)) return false;
  return !(neverMutates(b) && dominates(b, a) && b.name < a.name);
}

/** The PSPs of a usable set that decide the outcome: those no other member absorbs (sorted by name). */
export function reduceSet(set: readonly Psp[]): Psp[] {
  return set.filter((x) => !set.some((a) => absorbs(a, x))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
