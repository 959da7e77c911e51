// Pod-spec views for every pod-bearing kind: the pod spec, the pod metadata, and the
// JSON-pointer base of the spec, so messages can name exact paths.
import { isObject, type JsonObject } from '../util/index.js';
import type { KubeObject, ObjectMeta } from './object.js';

/** The kinds that carry a pod spec, with the pointer to their pod template. */
export const POD_CONTROLLER_KINDS = [
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;

/** A kind that carries a pod spec. */
export type PodBearingKind = 'Pod' | (typeof POD_CONTROLLER_KINDS)[number];

/** The pod inside an object: spec, metadata, and where the spec sits. */
export interface PodView {
  kind: PodBearingKind;
  spec: JsonObject;
  metadata: ObjectMeta;
  /** JSON pointer of the pod spec: `/spec`, `/spec/template/spec`, `/spec/jobTemplate/spec/template/spec`. */
  specPointer: string;
  /** JSON pointer of the pod metadata. */
  metadataPointer: string;
}

const bases: Record<PodBearingKind, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** True when the kind carries a pod spec. */
export function isPodBearingKind(kind: string): kind is PodBearingKind {
  return Object.hasOwn(bases, kind);
}

/** The pod view of an object, or undefined when it carries no pod spec. */
export function podView(o: KubeObject): PodView | undefined {
  if (!isPodBearingKind(o.kind)) return undefined;
  const base = bases[o.kind];
  let cur: unknown = o;
  for (const k of base) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  if (!isObject(cur)) return undefined;
  const spec = cur.spec;
  if (!isObject(spec)) return undefined;
  const metadata = (isObject(cur.metadata) ? cur.metadata : o.kind === 'Pod' ? o.metadata : {}) as ObjectMeta;
  const prefix = base.map((k) => `/${k}`).join('');
  return { kind: o.kind, spec, metadata, specPointer: `${prefix}/spec`, metadataPointer: `${prefix}/metadata` };
}

/** The container lists of a pod spec, in Kubernetes' validation order. */
export const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** One container with the list it came from and its index. */
export interface ContainerRef {
  field: (typeof CONTAINER_FIELDS)[number];
  index: number;
  container: JsonObject;
}

/** Every container of a pod spec: initContainers, containers, ephemeralContainers. */
export function allContainers(spec: JsonObject): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (isObject(c)) out.push({ field, index, container: c });
    });
  }
  return out;
}
