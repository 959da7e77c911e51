// The PodSecurityPolicy object (policy/v1beta1 and extensions/v1beta1) read from JSON into a typed
// spec, with v1beta1 defaulting (SetDefaults_PodSecurityPolicySpec: allowPrivilegeEscalation=true).
// Mirrors kubernetes@release-1.24 staging/src/k8s.io/api/policy/v1beta1/types.go; API-server
// validation of the object lives in validate-psp.ts.
import { FieldPath, type FieldError, type KubeObject } from '../kube/index.js';
import { isObject, type JsonObject, setOwn } from '../util/index.js';
import { invalid } from './errors.js';

/** An inclusive ID range (`{min, max}`). */
export interface IdRange {
  min: number;
  max: number;
}

/** A rule plus ranges, as runAsUser/runAsGroup/fsGroup/supplementalGroups carry them. */
export interface RuleWithRanges {
  rule: string;
  ranges: IdRange[];
}

/** SELinux options (user, role, type, level). */
export interface SeLinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

/** A typed, defaulted PodSecurityPolicy spec. */
export interface PspSpec {
  privileged: boolean;
  defaultAddCapabilities: string[];
  requiredDropCapabilities: string[];
  allowedCapabilities: string[];
  volumes: string[];
  hostNetwork: boolean;
  hostPorts: IdRange[];
  hostPID: boolean;
  hostIPC: boolean;
  seLinux: { rule: string; seLinuxOptions?: SeLinuxOptions };
  runAsUser: RuleWithRanges;
  /** Absent means RunAsAny (factory.go createRunAsGroupStrategy). */
  runAsGroup?: RuleWithRanges;
  supplementalGroups: RuleWithRanges;
  fsGroup: RuleWithRanges;
  readOnlyRootFilesystem: boolean;
  defaultAllowPrivilegeEscalation?: boolean;
  /** Defaulted to true by the API server when absent. */
  allowPrivilegeEscalation: boolean;
  allowedHostPaths: { pathPrefix: string; readOnly: boolean }[];
  allowedFlexVolumes: { driver: string }[];
  allowedCSIDrivers: { name: string }[];
  allowedUnsafeSysctls: string[];
  forbiddenSysctls: string[];
  allowedProcMountTypes: string[];
  runtimeClass?: { allowedRuntimeClassNames: string[]; defaultRuntimeClassName?: string };
}

/** A PodSecurityPolicy as the engine uses it. */
export interface Psp {
  name: string;
  apiVersion: string;
  annotations: Record<string, string>;
  spec: PspSpec;
}

/** The apiVersions a PodSecurityPolicy may have. */
export const PSP_API_VERSIONS = ['policy/v1beta1', 'extensions/v1beta1'] as const;

/** Reads a PSP object: typed spec plus type errors (a wrong JSON type is a decode error upstream). */
export function readPsp(o: KubeObject): { psp: Psp; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const spec = isObject(o.spec) ? o.spec : {};
  const sp = FieldPath.of('spec');
  const r = reader(spec, sp, errors);
  const rr = (name: string): RuleWithRanges => {
    const v = spec[name];
    const p = sp.child(name);
    if (v === undefined || v === null) return { rule: '', ranges: [] };
    if (!isObject(v)) {
      errors.push(typeError(p, v, 'object'));
      return { rule: '', ranges: [] };
    }
    const sub = reader(v, p, errors);
    return { rule: sub.str('rule') ?? '', ranges: sub.ranges('ranges') };
  };
  const seLinuxObj = spec.seLinux;
  let seLinux: PspSpec['seLinux'] = { rule: '' };
  if (isObject(seLinuxObj)) {
    const sub = reader(seLinuxObj, sp.child('seLinux'), errors);
    seLinux = { rule: sub.str('rule') ?? '' };
    const opts = seLinuxObj.seLinuxOptions;
    if (isObject(opts)) {
      const o2 = reader(opts, sp.child('seLinux', 'seLinuxOptions'), errors);
      const so: SeLinuxOptions = {};
      for (const k of ['user', 'role', 'type', 'level'] as const) {
        const s = o2.str(k);
        if (s !== undefined) so[k] = s;
      }
      seLinux.seLinuxOptions = so;
    }
  } else if (seLinuxObj !== undefined && seLinuxObj !== null) errors.push(typeError(sp.child('seLinux'), seLinuxObj, 'object'));

  const out: PspSpec = {
    privileged: r.bool('privileged') ?? false,
    defaultAddCapabilities: r.strs('defaultAddCapabilities'),
    requiredDropCapabilities: r.strs('requiredDropCapabilities'),
    allowedCapabilities: r.strs('allowedCapabilities'),
    volumes: r.strs('volumes'),
    hostNetwork: r.bool('hostNetwork') ?? false,
    hostPorts: r.ranges('hostPorts'),
    hostPID: r.bool('hostPID') ?? false,
    hostIPC: r.bool('hostIPC') ?? false,
    seLinux,
    runAsUser: rr('runAsUser'),
    supplementalGroups: rr('supplementalGroups'),
    fsGroup: rr('fsGroup'),
    readOnlyRootFilesystem: r.bool('readOnlyRootFilesystem') ?? false,
    allowPrivilegeEscalation: r.bool('allowPrivilegeEscalation') ?? true,
    allowedHostPaths: r.objs('allowedHostPaths').map(({ v, p }) => {
      const s = reader(v, p, errors);
      return { pathPrefix: s.str('pathPrefix') ?? '', readOnly: s.bool('readOnly') ?? false };
    }),
    allowedFlexVolumes: r.objs('allowedFlexVolumes').map(({ v, p }) => ({ driver: reader(v, p, errors).str('driver') ?? '' })),
    allowedCSIDrivers: r.objs('allowedCSIDrivers').map(({ v, p }) => ({ name: reader(v, p, errors).str('name') ?? '' })),
    allowedUnsafeSysctls: r.strs('allowedUnsafeSysctls'),
    forbiddenSysctls: r.strs('forbiddenSysctls'),
    allowedProcMountTypes: r.strs('allowedProcMountTypes'),
  };
  if (spec.runAsGroup !== undefined && spec.runAsGroup !== null) out.runAsGroup = rr('runAsGroup');
  const dape = r.bool('defaultAllowPrivilegeEscalation');
  if (dape !== undefined) out.defaultAllowPrivilegeEscalation = dape;
  const rc = spec.runtimeClass;
  if (isObject(rc)) {
    const s = reader(rc, sp.child('runtimeClass'), errors);
    out.runtimeClass = { allowedRuntimeClassNames: s.strs('allowedRuntimeClassNames') };
    const d = s.str('defaultRuntimeClassName');
    if (d !== undefined) out.runtimeClass.defaultRuntimeClassName = d;
  } else if (rc !== undefined && rc !== null) errors.push(typeError(sp.child('runtimeClass'), rc, 'object'));

  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) if (typeof v === 'string') setOwn(annotations, k, v);
  return { psp: { name: o.metadata.name ?? '', apiVersion: o.apiVersion, annotations, spec: out }, errors };
}

function typeError(path: FieldPath, v: unknown, want: string): FieldError {
  const shown = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : Array.isArray(v) ? 'a list' : 'an object';
  return invalid(path, shown, `must be ${want}`, 'PSP_INVALID');
}

function reader(obj: JsonObject, base: FieldPath, errors: FieldError[]) {
  const get = <T>(k: string, want: string, ok: (v: unknown) => v is T): T | undefined => {
    const v = obj[k];
    if (v === undefined || v === null) return undefined;
    if (ok(v)) return v;
    errors.push(typeError(base.child(k), v, want));
    return undefined;
  };
  const isStr = (v: unknown): v is string => typeof v === 'string';
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  const isArr = (v: unknown): v is unknown[] => Array.isArray(v);
  return {
    str: (k: string) => get(k, 'a string', isStr),
    bool: (k: string) => get(k, 'a boolean', isBool),
    strs: (k: string): string[] => {
      const a = get(k, 'a list of strings', isArr) ?? [];
      const out: string[] = [];
      a.forEach((x, i) => {
        if (typeof x === 'string') out.push(x);
        else errors.push(typeError(base.child(k).index(i), x, 'a string'));
      });
      return out;
    },
    objs: (k: string): { v: JsonObject; p: FieldPath }[] => {
      const a = get(k, 'a list', isArr) ?? [];
      const out: { v: JsonObject; p: FieldPath }[] = [];
      a.forEach((x, i) => {
        if (isObject(x)) out.push({ v: x, p: base.child(k).index(i) });
        else errors.push(typeError(base.child(k).index(i), x, 'an object'));
      });
      return out;
    },
    ranges: (k: string): IdRange[] => {
      const a = get(k, 'a list', isArr) ?? [];
      const out: IdRange[] = [];
      a.forEach((x, i) => {
        const p = base.child(k).index(i);
        if (!isObject(x)) {
          errors.push(typeError(p, x, 'an object'));
          return;
        }
        const num = (n: 'min' | 'max') => {
          const v = x[n];
          if (v === undefined || v === null) return 0;
          if (typeof v === 'number' && Number.isInteger(v)) return v;
          errors.push(typeError(p.child(n), v, 'an integer'));
          return 0;
        };
        out.push({ min: num('min'), max: num('max') });
      });
      return out;
    },
  };
}
