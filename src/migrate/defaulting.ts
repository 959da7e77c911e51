// The API server's (1.24) normalisation of raw manifests before an audit, because Kyverno sees objects
// as the API server stores them, not as written:
// - decoding: JSON/YAML `null` becomes Go's zero value, so a null field is absent (`annotations:` with
//   nothing under it is no map at all) and a null value in a string map is ""; on the way out,
//   `omitempty` drops empty maps, empty lists and empty strings of the fields that carry it
//   (k8s.io/api core/v1 types.go struct tags);
// - defaulting at creation: pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec: hostPort from
//   containerPort under hostNetwork; SetDefaults_ContainerPort: protocol TCP; SetDefaults_Container:
//   imagePullPolicy) and pkg/api/pod/util.go + pkg/registry/core/pod/strategy.go
//   (applySeccompVersionSkew: seccomp annotation ↔ field syncing, Pods only);
// - conversion: pkg/apis/core/v1/conversion.go (Convert_v1_PodSpec_To_core_PodSpec: the deprecated
//   `serviceAccount` fills an empty `serviceAccountName`).
// Every change is listed, so the audit's `defaulted` output shows what was evaluated.
import { allContainers, type KubeObject, podView } from '../kube/index.js';
import { podFromTemplate } from './pod-admission.js';
import { admitServiceAccount, podServiceAccountName } from '../psp/index.js';
import { clone, isObject, type JsonObject } from '../util/index.js';

/** True when the object was read back from an API server (it has a uid, resourceVersion or creationTimestamp). */
export function isServerObject(o: KubeObject): boolean {
  const m = o.metadata;
  return Boolean(m.uid || m.resourceVersion || m.creationTimestamp);
}

const POD_SECCOMP = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_SECCOMP = 'container.seccomp.security.alpha.kubernetes.io/';

function annotationToProfile(v: string): JsonObject | undefined {
  if (v === 'runtime/default' || v === 'docker/default') return { type: 'RuntimeDefault' };
  if (v === 'unconfined') return { type: 'Unconfined' };
  if (v.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length) };
  return undefined;
}

function profileToAnnotation(p: unknown): string | undefined {
  if (!isObject(p)) return undefined;
  if (p.type === 'RuntimeDefault') return 'runtime/default';
  if (p.type === 'Unconfined') return 'unconfined';
  if (p.type === 'Localhost' && typeof p.localhostProfile === 'string') return `localhost/${p.localhostProfile}`;
  return undefined;
}

function ensureObject(parent: JsonObject, key: string): JsonObject {
  const v = parent[key];
  if (isObject(v)) return v;
  const o: JsonObject = {};
  parent[key] = o;
  return o;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** map[string]string fields: a null value decodes to "" (the key stays). */
const STRING_MAPS = new Set(['labels', 'annotations', 'nodeSelector', 'matchLabels']);

/** Drops null properties (decoding leaves the Go zero value, which the API server does not print). */
function dropNulls(v: JsonObject, ptr: string, changes: string[], stringMap: boolean): void {
  for (const [k, child] of Object.entries(v)) {
    const p = `${ptr}/${esc(k)}`;
    if (child === null) {
      if (stringMap) {
        v[k] = '';
        changes.push(`${p}: null stored as "" (decoding)`);
      } else {
        delete v[k];
        changes.push(`${p}: null dropped (decoding)`);
      }
    } else if (Array.isArray(child)) {
      child.forEach((e, i) => {
        if (isObject(e)) dropNulls(e, `${p}/${i}`, changes, false);
      });
    } else if (isObject(child)) dropNulls(child, p, changes, !stringMap && STRING_MAPS.has(k));
  }
}

/** Fields tagged `omitempty` whose empty value the API server drops, by the struct they belong to. */
const OMIT_EMPTY = {
  meta: { maps: ['labels', 'annotations'], lists: [], strings: [] },
  podSpec: {
    maps: ['nodeSelector'],
    lists: ['volumes', 'initContainers', 'ephemeralContainers', 'imagePullSecrets', 'tolerations', 'hostAliases', 'topologySpreadConstraints', 'readinessGates'],
    strings: ['serviceAccountName', 'serviceAccount', 'nodeName', 'hostname', 'subdomain', 'priorityClassName'],
  },
  // supplementalGroups: [] stays for admission (see writtenOut) and is dropped when the pod is written out.
  podSecurityContext: { maps: [], lists: ['sysctls'], strings: [] },
  container: { maps: [], lists: ['command', 'args', 'ports', 'envFrom', 'env', 'volumeMounts', 'volumeDevices'], strings: ['workingDir'] },
  capabilities: { maps: [], lists: ['add', 'drop'], strings: [] },
  seLinuxOptions: { maps: [], lists: [], strings: ['user', 'role', 'type', 'level'] },
  port: { maps: [], lists: [], strings: ['hostIP', 'name'] },
} as const;

function dropEmpty(v: unknown, ptr: string, kind: keyof typeof OMIT_EMPTY, changes: string[]): void {
  if (!isObject(v)) return;
  const f = OMIT_EMPTY[kind];
  for (const k of f.maps) if (isObject(v[k]) && Object.keys(v[k]).length === 0) drop(v, k, ptr, 'empty map', changes);
  for (const k of f.lists) if (Array.isArray(v[k]) && v[k].length === 0) drop(v, k, ptr, 'empty list', changes);
  for (const k of f.strings) if (v[k] === '') drop(v, k, ptr, 'empty string', changes);
}

function drop(v: JsonObject, k: string, ptr: string, what: string, changes: string[]): void {
  delete v[k];
  changes.push(`${ptr}/${esc(k)}: ${what} dropped (omitempty)`);
}

/** The imagePullPolicy the API server defaults: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Normalises a copy of a raw manifest as the 1.24 API server would store it; lists what changed. */
export function applyApiServerDefaults(input: KubeObject): { object: KubeObject; changes: string[] } {
  const r = applyDecodeDefaults(input);
  writtenOut(r.object, r.changes);
  syncSeccompFields(r.object, r.changes);
  return r;
}

/**
 * The omitempty drops that only happen when the API server writes a pod out (storage, webhooks' AdmissionReview),
 * not at decoding: `supplementalGroups: []` decodes as a non-nil empty slice, which in-tree admission (PSP: set,
 * so not filled in, and refused by MustRunAs) sees as given. In place; lists what changed.
 */
export function writtenOut(o: KubeObject, changes: string[] = []): KubeObject {
  const pv = podView(o);
  const sc = pv?.spec.securityContext;
  if (pv && isObject(sc) && Array.isArray(sc.supplementalGroups) && sc.supplementalGroups.length === 0) drop(sc, 'supplementalGroups', `${pv.specPointer}/securityContext`, 'empty list', changes);
  return o;
}

/**
 * What a raw manifest looks like when in-tree admission sees it on CREATE: decoded (nulls, omitempty but for
 * what writtenOut drops later), converted
 * and defaulted (SetDefaults_*), but not yet through PrepareForCreate's seccomp annotation ↔ field
 * syncing, which runs after mutating admission (syncSeccompFields). Works on a copy; lists what changed.
 */
export function applyDecodeDefaults(input: KubeObject): { object: KubeObject; changes: string[] } {
  const o = clone(input);
  const changes: string[] = [];
  dropNulls(o as JsonObject, '', changes, false);
  if (!isObject(o.metadata)) o.metadata = {};
  const pv = podView(o);
  if (!pv) return { object: o, changes };
  const base = pv.specPointer;
  dropEmpty(o.metadata, '/metadata', 'meta', changes);
  if (pv.metadataPointer !== '/metadata') dropEmpty(pv.metadata, pv.metadataPointer, 'meta', changes);
  dropEmpty(pv.spec, base, 'podSpec', changes);
  // v1 → internal conversion: the deprecated `serviceAccount` is the name when `serviceAccountName` is empty.
  const saName = podServiceAccountName(pv.spec);
  if (pv.spec.serviceAccountName === undefined && saName !== '') {
    pv.spec.serviceAccountName = saName;
    changes.push(`${base}/serviceAccountName set from ${base}/serviceAccount (deprecated alias)`);
  }
  if (isObject(pv.spec.securityContext)) {
    dropEmpty(pv.spec.securityContext, `${base}/securityContext`, 'podSecurityContext', changes);
    dropEmpty(pv.spec.securityContext.seLinuxOptions, `${base}/securityContext/seLinuxOptions`, 'seLinuxOptions', changes);
  }
  for (const c of allContainers(pv.spec)) {
    const cp = `${base}/${c.field}/${c.index}`;
    dropEmpty(c.container, cp, 'container', changes);
    const sc = c.container.securityContext;
    if (isObject(sc)) {
      dropEmpty(sc.capabilities, `${cp}/securityContext/capabilities`, 'capabilities', changes);
      dropEmpty(sc.seLinuxOptions, `${cp}/securityContext/seLinuxOptions`, 'seLinuxOptions', changes);
    }
    if (typeof c.container.image === 'string' && c.container.imagePullPolicy === undefined) {
      c.container.imagePullPolicy = defaultPullPolicy(c.container.image);
      changes.push(`${cp}/imagePullPolicy defaulted to ${c.container.imagePullPolicy}`);
    }
    if (Array.isArray(c.container.ports)) {
      c.container.ports.forEach((p, i) => {
        if (!isObject(p)) return;
        dropEmpty(p, `${cp}/ports/${i}`, 'port', changes);
        if (p.protocol === undefined) {
          p.protocol = 'TCP';
          changes.push(`${cp}/ports/${i}/protocol defaulted to TCP`);
        }
        if (p.hostPort === 0 && pv.spec.hostNetwork !== true) drop(p, 'hostPort', `${cp}/ports/${i}`, 'zero', changes);
      });
    }
  }
  if (pv.spec.hostNetwork === true) {
    for (const c of allContainers(pv.spec)) {
      if (c.field === 'ephemeralContainers' || !Array.isArray(c.container.ports)) continue;
      c.container.ports.forEach((p, i) => {
        if (isObject(p) && (p.hostPort === undefined || p.hostPort === 0) && typeof p.containerPort === 'number') {
          p.hostPort = p.containerPort;
          changes.push(`${base}/${c.field}/${c.index}/ports/${i}/hostPort defaulted to ${p.containerPort} (hostNetwork)`);
        }
      });
    }
  }
  return { object: o, changes };
}

/**
 * applySeccompVersionSkew (PrepareForCreate, Pods only): fills the seccomp annotations from the
 * fields and the fields from the annotations, in place; appends what it did to `changes`.
 */
export function syncSeccompFields(o: KubeObject, changes: string[]): void {
  const pv = podView(o);
  if (!pv) return;
  if (o.kind === 'Pod') {
    const hadAnn = o.metadata.annotations !== undefined;
    const hadSc = pv.spec.securityContext !== undefined;
    if (!o.metadata.annotations) o.metadata.annotations = {};
    const ann = o.metadata.annotations;
    const sc = ensureObject(pv.spec, 'securityContext');
    const podAnn = ann[POD_SECCOMP];
    if (podAnn !== undefined && sc.seccompProfile === undefined) {
      const prof = annotationToProfile(podAnn);
      if (prof) {
        sc.seccompProfile = prof;
        changes.push(`/spec/securityContext/seccompProfile set from annotation ${POD_SECCOMP}`);
      }
    } else if (podAnn === undefined && sc.seccompProfile !== undefined) {
      const a = profileToAnnotation(sc.seccompProfile);
      if (a) {
        ann[POD_SECCOMP] = a;
        changes.push(`annotation ${POD_SECCOMP} set from /spec/securityContext/seccompProfile`);
      }
    }
    for (const c of allContainers(pv.spec)) {
      if (c.field === 'ephemeralContainers') continue;
      const name = typeof c.container.name === 'string' ? c.container.name : '';
      const key = `${CONTAINER_SECCOMP}${name}`;
      const csc = isObject(c.container.securityContext) ? c.container.securityContext : undefined;
      if (ann[key] !== undefined && csc?.seccompProfile === undefined) {
        const prof = annotationToProfile(ann[key]!);
        if (prof) {
          ensureObject(c.container, 'securityContext').seccompProfile = prof;
          changes.push(`/spec/${c.field}/${c.index}/securityContext/seccompProfile set from annotation ${key}`);
        }
      } else if (ann[key] === undefined && csc?.seccompProfile !== undefined) {
        const a = profileToAnnotation(csc.seccompProfile);
        if (a) {
          ann[key] = a;
          changes.push(`annotation ${key} set from /spec/${c.field}/${c.index}/securityContext/seccompProfile`);
        }
      }
    }
    if (!hadSc && Object.keys(sc).length === 0) delete pv.spec.securityContext;
    if (!hadAnn && Object.keys(ann).length === 0) delete o.metadata.annotations;
  }
}

/**
 * The pod PSP admits when a workload's pod is created: a raw manifest decoded and defaulted as the API
 * server would (a server object as it is), a controller's template as stored (writtenOut) made into its Pod, then the
 * ServiceAccount plugin's changes (the token volume), which every created pod gets, also a server
 * controller's; a Pod read back from a server already has them. Without the seccomp field ↔ annotation
 * sync: PrepareForCreate runs it after mutating admission (syncSeccompFields on the admitted pod). A
 * Pod read back loses its ephemeral containers: they were added later through the ephemeralcontainers
 * subresource, which PSP never checks, and a pod to create may not have any. A copy; undefined for an
 * object without a pod spec.
 */
export function podAtAdmission(raw: KubeObject, serviceAccounts: readonly KubeObject[]): KubeObject | undefined {
  const server = isServerObject(raw);
  const decoded = server ? raw : applyDecodeDefaults(raw).object;
  // A controller makes its pods from the template as stored, which was written out (omitempty): a
  // written `supplementalGroups: []` never reaches PSP then; only a Pod sent as written keeps it.
  if (!server && raw.kind !== 'Pod') writtenOut(decoded);
  const pod = podFromTemplate(decoded);
  if (!pod) return undefined;
  const copy = clone(pod);
  if (!(server && raw.kind === 'Pod')) admitServiceAccount(copy, copy.metadata.namespace ?? 'default', serviceAccounts);
  else if (isObject(copy.spec)) delete copy.spec.ephemeralContainers;
  return copy;
}
