// The PodSecurityPolicy admission plugin: Admit (CREATE, mutation allowed) then Validate (no
// mutation, `kubernetes.io/psp` hint first); policy selection over PSPs sorted by name, authorized via
// RBAC `use`; the exact Forbidden texts. Mirrors kubernetes@release-1.24
// plugin/pkg/admission/security/podsecuritypolicy/admission.go (computeSecurityContext, shouldIgnore).
import { buildSnapshot, type ClusterSnapshot, FieldPath, type FieldError, formatFieldError, type KubeObject, type LoadedObject } from '../kube/index.js';
import { clone, deepEqual, isObject, type JsonObject } from '../util/index.js';
import { forbidden, invalid } from './errors.js';
import { type Psp, PSP_API_VERSIONS, readPsp } from './model.js';
import { mutatePod, podSpecOf, validatePod } from './provider.js';
import { canUsePsp, compareNames, type PspIdentity, serviceAccountIdentity } from './rbac.js';
import { seccompAnnotationForField, SECCOMP_CONTAINER_PREFIX, SECCOMP_POD_ANNOTATION } from './strategies/seccomp.js';
import { strategyErrors, validatePspObject } from './validate-psp.js';
import { containersWithPath } from './provider.js';

/** The annotation Admit writes with the name of the admitting PSP (psputil.ValidatedPSPAnnotation). */
export const VALIDATED_PSP_ANNOTATION = 'kubernetes.io/psp';

/** The outcome of PSP admission for one pod. */
export interface PspResult {
  /** True when the pod is admitted (or ignored by the plugin). */
  allowed: boolean;
  /** The PSP that admitted the pod (Admit's choice on CREATE, Validate's on UPDATE). */
  policy?: string;
  /** The pod as stored: defaulted by the admitting PSP, annotated with `kubernetes.io/psp`. */
  mutatedPod?: KubeObject;
  /** True when the admitting PSP changed the pod's spec or annotations (beyond `kubernetes.io/psp`). */
  mutated: boolean;
  /** Denial reasons: the authorized PSPs' errors, in PSP-name order. */
  errors: FieldError[];
  /** The exact API-server text of a denial (`pods "x" is forbidden: PodSecurityPolicy: ...`). */
  message?: string;
  /** Why the plugin did not look at the request at all (subresource, GC-only update). */
  ignored?: string;
  /** Problems with the PSP objects themselves (invalid or unusable PSPs are left out of selection). */
  diagnostics: { psp: string; errors: FieldError[] }[];
}

/** Inputs of admitPod: the cluster objects (or PSPs and RBAC), the requester, and the operation. */
export interface AdmitOptions {
  snapshot?: ClusterSnapshot;
  psps?: readonly KubeObject[];
  rbac?: readonly KubeObject[];
  user: string;
  groups: readonly string[];
  /** The request namespace; defaults to the pod's, then `default`. */
  namespace?: string;
  operation?: 'CREATE' | 'UPDATE';
  /** For UPDATE: the stored pod, to recognise updates that only touch ownerReferences/finalizers. */
  oldPod?: KubeObject;
  /** A subresource request (status, binding, ephemeralcontainers, ...) is ignored by the plugin. */
  subResource?: string;
  /** Default an empty serviceAccountName to `default`, as the ServiceAccount admission plugin (run earlier) does. Default true. */
  defaultServiceAccount?: boolean;
}

interface Provider {
  psp: Psp;
}

interface Selection {
  pod?: KubeObject;
  policy?: string;
  mutated: boolean;
  errors: FieldError[];
  noProviders?: boolean;
}

/** Reads the snapshot's PSPs: usable providers plus diagnostics for invalid or unusable ones. */
export function loadProviders(objects: readonly LoadedObject[]): { providers: Psp[]; diagnostics: PspResult['diagnostics'] } {
  const providers: Psp[] = [];
  const diagnostics: PspResult['diagnostics'] = [];
  const seen = new Set<string>();
  for (const { object } of objects) {
    const name = object.metadata.name ?? '';
    if (!(PSP_API_VERSIONS as readonly string[]).includes(object.apiVersion)) {
      diagnostics.push({ psp: name, errors: [invalid(FieldPath.of('apiVersion'), object.apiVersion, `must be one of ${PSP_API_VERSIONS.join(', ')}`, 'PSP_INVALID')] });
      continue;
    }
    // A dump may hold the same object under both API groups; the API server stores it once.
    if (seen.has(name)) continue;
    seen.add(name);
    const { psp, errors } = readPsp(object);
    const all = [...errors, ...validatePspObject(psp)];
    if (all.length === 0) all.push(...strategyErrors(psp));
    if (all.length > 0) diagnostics.push({ psp: name, errors: all });
    else providers.push(psp);
  }
  return { providers, diagnostics };
}

/** Names the object as admission.NewForbidden does: name, then generateName, then `Unknown`. */
function forbiddenMessage(pod: KubeObject, msg: string): string {
  const name = pod.metadata.name || pod.metadata.generateName || 'Unknown';
  return `pods ${JSON.stringify(name)} is forbidden: ${msg}`;
}

/** Renders a field.ErrorList the way `%v` prints it: `[e1 e2]`. */
export function formatErrorList(errs: readonly FieldError[]): string {
  return `[${errs.map(formatFieldError).join(' ')}]`;
}

// Only ownerReferences/finalizers changed (rbacregistry.IsOnlyMutatingGCFields). It also ignores selfLink
// and managedFields: the API server updates managedFields before admission, so every GC update changes them.
function isOnlyGcChange(pod: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = clone(o);
    if (!isObject(c.metadata)) return c;
    delete c.metadata.ownerReferences;
    delete c.metadata.finalizers;
    delete c.metadata.selfLink;
    delete c.metadata.managedFields;
    return c;
  };
  return deepEqual(strip(pod), strip(old));
}

// On UPDATE the stored pod already carries the seccomp annotations the API server derived from the
// fields at creation (applySeccompVersionSkew); offline inputs may not, so derive them the same way.
function syncSeccompAnnotations(pod: KubeObject): void {
  const spec = podSpecOf(pod);
  const ann = pod.metadata.annotations ?? {};
  const add = (key: string, field: unknown) => {
    const v = seccompAnnotationForField(field as never);
    if (v !== '' && ann[key] === undefined) ann[key] = v;
  };
  add(SECCOMP_POD_ANNOTATION, isObject(spec.securityContext) ? spec.securityContext.seccompProfile : undefined);
  for (const { container } of containersWithPath(spec)) {
    const name = typeof container.name === 'string' ? container.name : '';
    add(`${SECCOMP_CONTAINER_PREFIX}${name}`, isObject(container.securityContext) ? container.securityContext.seccompProfile : undefined);
  }
  if (Object.keys(ann).length > 0) pod.metadata.annotations = ann;
}

/**
 * The pod's service account as the API server reads it: `serviceAccountName`, or when that is empty the
 * deprecated alias `serviceAccount` (the v1 → internal conversion copies it over; '' = none given).
 */
export function podServiceAccountName(spec: JsonObject): string {
  const name = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : '';
  if (name !== '') return name;
  return typeof spec.serviceAccount === 'string' ? spec.serviceAccount : '';
}

/**
 * The pod-validation errors podgate models (ValidatePodSpec: `..` in hostPath paths, then
 * ValidateSecurityContext of containers and init containers; on CREATE, ValidatePodCreate then refuses
 * ephemeral containers, which only the ephemeralcontainers subresource may add). The API server runs
 * them after mutating admission (on the pod PSP defaulted) and before validating admission.
 */
export function podValidationErrors(pod: KubeObject, operation: 'CREATE' | 'UPDATE' = 'CREATE'): FieldError[] {
  const spec = podSpecOf(pod);
  const errs: FieldError[] = [];
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((v, i) => {
    const hp = isObject(v) && isObject(v.hostPath) ? v.hostPath.path : undefined;
    // validatePathNoBacksteps
    if (typeof hp === 'string' && hp.split('/').includes('..')) {
      errs.push(invalid(FieldPath.of('spec', 'volumes').index(i).child('hostPath', 'path'), hp, "must not contain '..'", 'POD_INVALID'));
    }
  });
  for (const field of ['containers', 'initContainers'] as const) {
    const list = Array.isArray(spec[field]) ? spec[field] : [];
    list.forEach((c, i) => {
      if (isObject(c) && isObject(c.securityContext)) errs.push(...securityContextErrors(c.securityContext, FieldPath.of('spec', field).index(i).child('securityContext')));
    });
  }
  if (operation === 'CREATE' && Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push(forbidden(FieldPath.of('spec', 'ephemeralContainers'), 'cannot be set on create', 'POD_INVALID'));
  }
  return errs;
}

// The fields of core.SecurityContext (1.24) in declaration order: [JSON key, Go name, Go pointer type].
const SECURITY_CONTEXT_FIELDS: readonly (readonly [string, string, string])[] = [
  ['capabilities', 'Capabilities', '*core.Capabilities'],
  ['privileged', 'Privileged', '*bool'],
  ['seLinuxOptions', 'SELinuxOptions', '*core.SELinuxOptions'],
  ['windowsOptions', 'WindowsOptions', '*core.WindowsSecurityContextOptions'],
  ['runAsUser', 'RunAsUser', '*int64'],
  ['runAsGroup', 'RunAsGroup', '*int64'],
  ['runAsNonRoot', 'RunAsNonRoot', '*bool'],
  ['readOnlyRootFilesystem', 'ReadOnlyRootFilesystem', '*bool'],
  ['allowPrivilegeEscalation', 'AllowPrivilegeEscalation', '*bool'],
  ['procMount', 'ProcMount', '*core.ProcMountType'],
  ['seccompProfile', 'SeccompProfile', '*core.SeccompProfile'],
];

/** A set pointer's address in `%#v`: Go prints a run-time address; we print a fixed one (docs/compatibility.md). */
export const GO_POINTER_PLACEHOLDER = '0xc000000000';

/** Go `%#v` of a core.SecurityContext, as field.Invalid prints it. */
function goSecurityContext(sc: JsonObject): string {
  const parts = SECURITY_CONTEXT_FIELDS.map(([key, name, type]) => {
    const set = sc[key] !== undefined && sc[key] !== null;
    return `${name}:(${type})(${set ? GO_POINTER_PLACEHOLDER : 'nil'})`;
  });
  return `core.SecurityContext{${parts.join(', ')}}`;
}

// ValidateSecurityContext: allowPrivilegeEscalation false contradicts privileged and CAP_SYS_ADMIN.
function securityContextErrors(sc: JsonObject, path: FieldPath): FieldError[] {
  if (sc.allowPrivilegeEscalation !== false) return [];
  const errs: FieldError[] = [];
  const bad = (detail: string): FieldError => ({ type: 'Invalid', path, badValue: sc, badValueText: goSecurityContext(sc), detail, code: 'POD_INVALID' });
  if (sc.privileged === true) errs.push(bad('cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  const add = isObject(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add : [];
  for (const cap of add) if (cap === 'CAP_SYS_ADMIN') errs.push(bad('cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  return errs;
}

function computeSecurityContext(
  providers: readonly Provider[],
  pod: KubeObject,
  mutationAllowed: boolean,
  hint: string,
  authorized: (psp: string) => boolean,
): Selection {
  if (providers.length === 0) return { mutated: false, errors: [], noProviders: true };
  const ordered = [...providers].sort((a, b) => {
    if (!mutationAllowed) {
      if (a.psp.name === hint && b.psp.name !== hint) return -1;
      if (b.psp.name === hint && a.psp.name !== hint) return 1;
    }
    return compareNames(a.psp.name, b.psp.name);
  });
  const failed: { psp: string; errors: FieldError[] }[] = [];
  let firstMutating: { pod: KubeObject; policy: string } | undefined;
  for (const { psp } of ordered) {
    const copy = clone(pod);
    mutatePod(psp, copy);
    const errs = validatePod(psp, copy);
    if (errs.length > 0) {
      failed.push({ psp: psp.name, errors: errs });
      continue;
    }
    const mutated = !deepEqual(pod, copy);
    if (mutated && !mutationAllowed) continue;
    if (!authorized(psp.name)) continue;
    if (!mutated) return { pod: copy, policy: psp.name, mutated: false, errors: [] };
    if (!firstMutating) firstMutating = { pod: copy, policy: psp.name };
  }
  if (firstMutating) return { ...firstMutating, mutated: true, errors: [] };
  // Upstream ranges over a map here (random order); we keep PSP-name order for stable output.
  const errors = failed
    .filter((f) => authorized(f.psp))
    .sort((a, b) => compareNames(a.psp, b.psp))
    .flatMap((f) => f.errors);
  return { mutated: false, errors };
}

/** Runs PSP admission (Admit then Validate on CREATE, Validate on UPDATE) for one pod. */
export function admitPod(input: KubeObject, opts: AdmitOptions): PspResult {
  const snapshot =
    opts.snapshot ??
    buildSnapshot([...(opts.psps ?? []), ...(opts.rbac ?? [])].map((object, document) => ({ object, source: { file: '<input>', document, line: 1 } })));
  const { providers: psps, diagnostics } = loadProviders(snapshot.podSecurityPolicies);
  const base = { mutated: false, errors: [] as FieldError[], diagnostics };
  const operation = opts.operation ?? 'CREATE';
  if (opts.subResource) return { ...base, allowed: true, ignored: `subresource ${opts.subResource} requests are not checked by PodSecurityPolicy` };
  const pod = clone(input);
  if (!isObject(pod.metadata)) pod.metadata = {};
  podSpecOf(pod);
  if (operation === 'UPDATE' && opts.oldPod && isOnlyGcChange(pod, opts.oldPod)) {
    return { ...base, allowed: true, mutatedPod: pod, ignored: 'updates that only change ownerReferences or finalizers are not checked' };
  }
  const namespace = opts.namespace ?? pod.metadata.namespace ?? 'default';
  const spec = podSpecOf(pod);
  let saName = podServiceAccountName(spec);
  if (saName === '' && opts.defaultServiceAccount !== false) saName = 'default';
  const sa = saName !== '' ? serviceAccountIdentity(namespace, saName) : undefined;
  const user: PspIdentity = { user: opts.user, groups: [...opts.groups] };
  // The pod's service account is checked first, then the requesting user (isAuthorizedForPolicy).
  const authorized = (psp: string) => (sa !== undefined && canUsePsp(snapshot, psp, sa, namespace)) || (opts.user !== '' && canUsePsp(snapshot, psp, user, namespace));
  const providers = psps.map((psp) => ({ psp }));

  let current = pod;
  let admitPolicy: string | undefined;
  let mutated = false;
  if (operation === 'CREATE') {
    const admit = computeSecurityContext(providers, pod, true, '', authorized);
    if (admit.noProviders) return { ...base, allowed: false, message: forbiddenMessage(pod, 'PodSecurityPolicy: no providers available to validate pod request') };
    if (!admit.pod || !admit.policy) {
      return { ...base, allowed: false, errors: admit.errors, message: forbiddenMessage(pod, `PodSecurityPolicy: unable to admit pod: ${formatErrorList(admit.errors)}`) };
    }
    current = admit.pod;
    admitPolicy = admit.policy;
    mutated = admit.mutated;
    if (!current.metadata.annotations) current.metadata.annotations = {};
    current.metadata.annotations[VALIDATED_PSP_ANNOTATION] = admit.policy;
  } else {
    syncSeccompAnnotations(current);
  }
  // Pod validation comes after mutating admission (PSP Admit) and before validating admission (PSP Validate).
  const invalidPod = podValidationErrors(current, operation);
  if (invalidPod.length > 0) {
    const name = current.metadata.name || current.metadata.generateName || '';
    const list = invalidPod.length === 1 ? formatFieldError(invalidPod[0]!) : `[${invalidPod.map(formatFieldError).join(', ')}]`;
    return { ...base, allowed: false, errors: invalidPod, message: `Pod ${JSON.stringify(name)} is invalid: ${list}` };
  }
  const hint = current.metadata.annotations?.[VALIDATED_PSP_ANNOTATION] ?? '';
  const check = computeSecurityContext(providers, current, false, typeof hint === 'string' ? hint : '', authorized);
  if (check.noProviders) return { ...base, allowed: false, message: forbiddenMessage(current, 'PodSecurityPolicy: no providers available to validate pod request') };
  if (!check.pod || !deepEqual(check.pod, current)) {
    return { ...base, allowed: false, errors: check.errors, message: forbiddenMessage(current, `PodSecurityPolicy: unable to validate pod: ${formatErrorList(check.errors)}`) };
  }
  const result: PspResult = { ...base, allowed: true, mutatedPod: current, mutated };
  const policy = admitPolicy ?? check.policy;
  if (policy !== undefined) result.policy = policy;
  return result;
}
