// The API server's (1.24) defaulting that changes admission verdicts, applied to raw manifests before
// an audit, because Kyverno sees objects after defaulting. Mirrors kubernetes@release-1.24
// pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec: hostNetwork ports) and pkg/api/pod/util.go +
// pkg/registry/core/pod/strategy.go (applySeccompVersionSkew: seccomp annotation ↔ field syncing, Pods only).
import { allContainers, type KubeObject, podView } from '../kube/index.js';
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

/** Applies the verdict-relevant defaulting to a copy of a raw manifest; lists what changed. */
export function applyApiServerDefaults(input: KubeObject): { object: KubeObject; changes: string[] } {
  const o = clone(input);
  const changes: string[] = [];
  const pv = podView(o);
  if (!pv) return { object: o, changes };
  const base = pv.specPointer;
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
  return { object: o, changes };
}
