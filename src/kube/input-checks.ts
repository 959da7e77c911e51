// Checks every parsed document goes through before podgate reads it: a nesting limit, duplicate keys
// in JSON (YAML's are found by the parser), nulls dropped as the API server's decoding drops them, and
// the types of the fields podgate reads (labels, pod specs, containers, security contexts).
import { isObject, type JsonObject } from '../util/index.js';
import type { KubeObject } from './object.js';

/** Deepest nesting accepted (Kubernetes objects are a few dozen levels deep; recursion stays safe). */
export const MAX_DEPTH = 1000;

/** False when `v` nests deeper than MAX_DEPTH (checked without recursion). */
export function checkDepth(v: unknown): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d > MAX_DEPTH) return false;
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return true;
}

/** The first key repeated inside one JSON object (JSON.parse keeps the last silently), with its offset and path. */
export function jsonDuplicateKey(text: string): { key: string; offset: number; path: string } | undefined {
  // Tokens of valid JSON, left to right: every string whole (a key when a colon follows), and brackets.
  const token = /"((?:[^"\\]|\\.)*)"(\s*:)?|[{}[\]]/g;
  const frames: { keys: Set<string> | null; key: string; pending: string }[] = [];
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    const t = m[0];
    if (t === '{' || t === '[') {
      const parent = frames.at(-1);
      frames.push({ keys: t === '{' ? new Set() : null, key: parent?.keys ? parent.pending : '', pending: '' });
    } else if (t === '}' || t === ']') frames.pop();
    else if (m[2]) {
      const f = frames.at(-1);
      if (!f?.keys) continue;
      const raw = m[1]!;
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (f.keys.has(key)) return { key, offset: m.index, path: [...frames.map((x) => x.key).filter((k) => k !== ''), key].join('.') };
      f.keys.add(key);
      f.pending = key;
    }
  }
  return undefined;
}

/** Drops null-valued keys, recursively, as the API server's decoding does (Kyverno policies keep theirs). */
export function normaliseObject<T extends KubeObject>(o: T): T {
  if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kyverno.io/')) return o;
  const stack: unknown[] = [o];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (const c of x) if (c !== null && typeof c === 'object') stack.push(c);
    } else if (isObject(x)) {
      for (const [k, v] of Object.entries(x)) {
        if (v === null) delete x[k];
        else if (typeof v === 'object') stack.push(v);
      }
    }
  }
  return o;
}

type Shape = 'map' | 'list' | 'string' | 'bool' | 'int' | 'stringMap' | 'stringList';

const CONTAINER: Record<string, Shape> = {
  name: 'string',
  image: 'string',
  securityContext: 'map',
  ports: 'list',
  volumeMounts: 'list',
  env: 'list',
  command: 'stringList',
  args: 'stringList',
  resources: 'map',
};
const SECURITY_CONTEXT: Record<string, Shape> = {
  privileged: 'bool',
  allowPrivilegeEscalation: 'bool',
  readOnlyRootFilesystem: 'bool',
  runAsNonRoot: 'bool',
  runAsUser: 'int',
  runAsGroup: 'int',
  capabilities: 'map',
  seLinuxOptions: 'map',
  seccompProfile: 'map',
  appArmorProfile: 'map',
  procMount: 'string',
};
const POD_SPEC: Record<string, Shape> = {
  containers: 'list',
  initContainers: 'list',
  ephemeralContainers: 'list',
  volumes: 'list',
  securityContext: 'map',
  hostNetwork: 'bool',
  hostPID: 'bool',
  hostIPC: 'bool',
  serviceAccountName: 'string',
  nodeName: 'string',
};
const POD_SECURITY_CONTEXT: Record<string, Shape> = {
  runAsUser: 'int',
  runAsGroup: 'int',
  runAsNonRoot: 'bool',
  fsGroup: 'int',
  supplementalGroups: 'list',
  sysctls: 'list',
  seLinuxOptions: 'map',
  seccompProfile: 'map',
};

function shapeOk(v: unknown, s: Shape): boolean {
  switch (s) {
    case 'map':
      return isObject(v);
    case 'list':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'stringMap':
      return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'stringList':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

const SHAPE_TEXT: Record<Shape, string> = {
  map: 'a mapping',
  list: 'a list',
  string: 'a string',
  bool: 'a boolean',
  int: 'an integer',
  stringMap: 'a mapping of strings',
  stringList: 'a list of strings',
};

/** One field of the wrong type: `spec.containers[0].securityContext.privileged: must be a boolean, found "yes"`. */
export interface TypeProblem {
  field: string;
  message: string;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a mapping';
  return JSON.stringify(v);
}

function checkFields(o: JsonObject, table: Record<string, Shape>, prefix: string, out: TypeProblem[]): void {
  for (const [k, s] of Object.entries(table)) {
    const v = o[k];
    if (v === undefined || v === null) continue; // null is absent (the API server drops it)
    if (!shapeOk(v, s)) out.push({ field: `${prefix}${k}`, message: `must be ${SHAPE_TEXT[s]}, found ${describeValue(v)}` });
  }
}

/** The pod spec of a pod-bearing object and its path, without trusting any type on the way. */
function podSpecOf(o: KubeObject): { spec: unknown; path: string } | undefined {
  const spec = o.spec;
  if (o.kind === 'Pod') return { spec, path: 'spec' };
  if (!isObject(spec)) return undefined;
  if (o.kind === 'CronJob') {
    const jt = isObject(spec) ? spec.jobTemplate : undefined;
    const js = isObject(jt) ? jt.spec : undefined;
    const t = isObject(js) ? js.template : undefined;
    return t === undefined ? undefined : { spec: isObject(t) ? t.spec : t, path: 'spec.jobTemplate.spec.template.spec' };
  }
  if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController', 'PodTemplate'].includes(o.kind)) return undefined;
  if (o.kind === 'PodTemplate') return { spec: isObject(o.template) ? o.template.spec : undefined, path: 'template.spec' };
  const t = isObject(spec) ? spec.template : undefined;
  return t === undefined ? undefined : { spec: isObject(t) ? t.spec : undefined, path: 'spec.template.spec' };
}

/** Type problems in the fields podgate reads of a Kubernetes object (metadata and pod specs). */
export function checkObjectTypes(o: KubeObject, opts: { requirePodSpec?: boolean } = {}): TypeProblem[] {
  const out: TypeProblem[] = [];
  if (o.apiVersion.startsWith('kyverno.io/')) return out; // checked against the CRD schema instead
  checkFields(o.metadata as JsonObject, { name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap' }, 'metadata.', out);
  const ps = podSpecOf(o);
  if (!ps) return out;
  if (ps.spec === undefined || ps.spec === null) {
    // `spec: null` is dropped like any null; a pod without a spec is not a pod the API server would store.
    if (opts.requirePodSpec) out.push({ field: ps.path, message: 'Required value: a pod spec with containers is required (spec: null counts as absent)' });
    return out;
  }
  if (!isObject(ps.spec)) {
    out.push({ field: ps.path, message: `must be a mapping, found ${describeValue(ps.spec)}` });
    return out;
  }
  const spec = ps.spec;
  checkFields(spec, POD_SPEC, `${ps.path}.`, out);
  if (isObject(spec.securityContext)) checkFields(spec.securityContext, POD_SECURITY_CONTEXT, `${ps.path}.securityContext.`, out);
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      const p = `${ps.path}.${field}[${i}]`;
      if (!isObject(c)) {
        out.push({ field: p, message: `must be a mapping, found ${describeValue(c)}` });
        return;
      }
      checkFields(c, CONTAINER, `${p}.`, out);
      if (isObject(c.securityContext)) {
        checkFields(c.securityContext, SECURITY_CONTEXT, `${p}.securityContext.`, out);
        const caps = c.securityContext.capabilities;
        if (isObject(caps)) checkFields(caps, { add: 'stringList', drop: 'stringList' }, `${p}.securityContext.capabilities.`, out);
      }
      if (Array.isArray(c.ports))
        c.ports.forEach((port, j) => {
          if (isObject(port)) checkFields(port, { containerPort: 'int', hostPort: 'int' }, `${p}.ports[${j}].`, out);
          else out.push({ field: `${p}.ports[${j}]`, message: `must be a mapping, found ${describeValue(port)}` });
        });
    });
  }
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((v, i) => {
      const p = `${ps.path}.volumes[${i}]`;
      if (!isObject(v)) out.push({ field: p, message: `must be a mapping, found ${describeValue(v)}` });
      else if (v.hostPath !== undefined && v.hostPath !== null) {
        if (!isObject(v.hostPath)) out.push({ field: `${p}.hostPath`, message: `must be a mapping, found ${describeValue(v.hostPath)}` });
        else checkFields(v.hostPath, { path: 'string', type: 'string' }, `${p}.hostPath.`, out);
      }
    });
  }
  return out;
}
