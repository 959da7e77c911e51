// Patch strategies of the Kubernetes types a strategic merge meets, as kustomize's kyaml reads them from the
// built-in OpenAPI schema: lists tagged `patchStrategy:"merge"` merge by their `patchMergeKey`; every other
// list of a built-in kind is atomic (replaced). Taken from k8s.io/api@v0.24 core/v1, apps/v1 and batch/v1
// struct tags; unknown kinds (CRDs) get no schema and kyaml infers `name`-keyed lists instead.

/** A node's schema: a named object type, an opaque built-in field, or none (CRD: infer). */
export type SchemaNode = { kind: 'type'; name: string } | { kind: 'opaque' } | undefined;

/** How a list merges: by key, as a set of primitives (key ''), or atomically. */
export type ListStrategy = { merge: true; key: string; items?: string } | { merge: false };

type FieldSpec = string | { list: ListStrategy };

const merge = (key: string, items?: string): { list: ListStrategy } => ({ list: { merge: true, key, ...(items ? { items } : {}) } });

/** Object types and the fields of theirs that matter to merging (other fields are opaque). */
const TYPES: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  ObjectMeta: { finalizers: merge(''), ownerReferences: merge('uid') },
  PodTemplateSpec: { metadata: 'ObjectMeta', spec: 'PodSpec' },
  PodSpec: {
    volumes: merge('name'),
    initContainers: merge('name', 'Container'),
    containers: merge('name', 'Container'),
    ephemeralContainers: merge('name', 'Container'),
    imagePullSecrets: merge('name'),
    hostAliases: merge('ip'),
    topologySpreadConstraints: merge('topologyKey'),
  },
  Container: {
    ports: merge('containerPort'),
    env: merge('name'),
    volumeMounts: merge('mountPath'),
    volumeDevices: merge('devicePath'),
  },
  PodStatus: { conditions: merge('type') },
  Pod: { metadata: 'ObjectMeta', spec: 'PodSpec', status: 'PodStatus' },
  PodTemplate: { metadata: 'ObjectMeta', template: 'PodTemplateSpec' },
  WithTemplate: { metadata: 'ObjectMeta', spec: 'TemplateSpec', status: 'ControllerStatus' },
  TemplateSpec: { template: 'PodTemplateSpec' },
  ControllerStatus: { conditions: merge('type') },
  CronJob: { metadata: 'ObjectMeta', spec: 'CronJobSpec' },
  CronJobSpec: { jobTemplate: 'JobTemplateSpec' },
  JobTemplateSpec: { metadata: 'ObjectMeta', spec: 'TemplateSpec' },
  Service: { metadata: 'ObjectMeta', spec: 'ServiceSpec' },
  ServiceSpec: { ports: merge('port') },
  ServiceAccount: { metadata: 'ObjectMeta', secrets: merge('name') },
  Node: { metadata: 'ObjectMeta', status: 'NodeStatus' },
  NodeStatus: { conditions: merge('type'), addresses: merge('type') },
  Object: { metadata: 'ObjectMeta' },
};

const KIND_TYPES: Readonly<Record<string, string>> = {
  Pod: 'Pod',
  PodTemplate: 'PodTemplate',
  Deployment: 'WithTemplate',
  ReplicaSet: 'WithTemplate',
  StatefulSet: 'WithTemplate',
  DaemonSet: 'WithTemplate',
  ReplicationController: 'WithTemplate',
  Job: 'WithTemplate',
  CronJob: 'CronJob',
  Service: 'Service',
  ServiceAccount: 'ServiceAccount',
  Node: 'Node',
};

/** API groups whose kinds are in kyaml's built-in schema. */
const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'certificates.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
]);

/** The schema of a whole object from its apiVersion/kind; undefined for kinds outside the built-in schema. */
export function schemaForObject(apiVersion: unknown, kind: unknown): SchemaNode {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (!BUILTIN_GROUPS.has(group)) return undefined;
  return { kind: 'type', name: (Object.hasOwn(KIND_TYPES, kind) ? KIND_TYPES[kind] : undefined) ?? 'Object' };
}

// Schema nodes and strategies are only read: the same objects are handed out (no allocation per field).
const OPAQUE: SchemaNode = Object.freeze({ kind: 'opaque' as const });
const ATOMIC: ListStrategy = Object.freeze({ merge: false as const });
const typeNodes = new Map<string, SchemaNode>();

function typeNode(name: string): SchemaNode {
  let node = typeNodes.get(name);
  if (node === undefined) {
    node = Object.freeze({ kind: 'type' as const, name });
    typeNodes.set(name, node);
  }
  return node;
}

// A type's own field (`constructor`, `toString`… of a plain object are not fields).
function fieldSpec(type: string, field: string): (typeof TYPES)[string][string] | undefined {
  const fields = Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
  return fields !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** The schema of a map field. */
export function fieldSchema(parent: SchemaNode, field: string): SchemaNode {
  if (!parent) return undefined;
  if (parent.kind === 'opaque') return parent;
  const spec = fieldSpec(parent.name, field);
  if (typeof spec === 'string') return typeNode(spec);
  return OPAQUE;
}

/** The merge strategy of a list field (undefined: no schema, infer from the elements). */
export function listStrategy(parent: SchemaNode, field: string): ListStrategy | undefined {
  if (!parent) return undefined;
  if (parent.kind === 'opaque') return ATOMIC;
  const spec = fieldSpec(parent.name, field);
  if (spec !== undefined && typeof spec !== 'string') return spec.list;
  return ATOMIC;
}

/** The schema of a list's elements. */
export function elementSchema(parent: SchemaNode, field: string): SchemaNode {
  if (!parent) return undefined;
  const s = listStrategy(parent, field);
  if (s?.merge && s.items) return typeNode(s.items);
  return OPAQUE;
}
