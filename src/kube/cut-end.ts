// A dump file cut short (a full disk, an interrupted copy or transfer) still parses when the cut falls
// inside the last object's spec: YAML has no end marker. What can be trusted to show the cut:
// - `kubectl get -o yaml` prints keys sorted, so an object read from an API server ends with `status`, and
//   the API server always writes `status` for the kinds below (Go's encoding/json never omits a struct,
//   `omitempty` or not: a new Deployment reads back with `status: {}`). Such an object (uid,
//   resourceVersion and creationTimestamp set) without `status`, last in its file, was cut before it.
// - kubectl's `kind: List` comes after its `items`: a List cut inside its items has no kind (parse.ts says so).
// JSON (`-o json`, Velero's files) ends with a bracket: one cut short does not parse, so an object without
// `status` in it was written that way (a backup tool that drops status), not cut; it is not checked.
// Not detectable: objects without the server's fields (hand-written, or cleaned by kubectl-neat), keys in
// another order, or a cut inside `status` (the spec is then complete). docs/compatibility.md says the same.
import type { LoadedObject } from './object.js';
import type { InputError } from './parse.js';

/** Kinds whose objects the API server always returns with `status`, by API group ('' is core). */
const WITH_STATUS: Readonly<Record<string, readonly string[]>> = {
  '': ['Pod', 'Namespace', 'ReplicationController'],
  apps: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'],
  batch: ['Job', 'CronJob'],
};

const set = (v: unknown) => typeof v === 'string' && v !== '';

/** Whether a file's text is JSON (one document in flow style): a cut one is a syntax error. */
function isJsonText(text: string): boolean {
  return /^\uFEFF?\s*[{[]/.test(text) && !text.includes('\n---');
}

/**
 * The error for a file whose last object was read from an API server but ends before its `status`, or
 * undefined. `objects` are the objects parsed from one file, in order; `text` is the file's text.
 */
export function cutEndError(objects: readonly LoadedObject[], text?: string): InputError | undefined {
  const last = objects.at(-1);
  if (!last || (text !== undefined && isJsonText(text))) return undefined;
  const o = last.object;
  const m = o.metadata as Record<string, unknown> | undefined;
  if (!m || !set(m.uid) || !set(m.resourceVersion) || m.creationTimestamp === undefined || m.creationTimestamp === null) return undefined;
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const group = api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
  if (!WITH_STATUS[group]?.includes(o.kind) || Object.hasOwn(o, 'status')) return undefined;
  const { file, document, line, item } = last.source;
  return {
    code: 'MISSING_FIELD',
    file,
    document,
    line,
    field: item !== undefined ? `items[${item}].status` : 'status',
    message: `${o.kind} ${typeof m.namespace === 'string' && m.namespace ? `${m.namespace}/` : ''}${String(m.name ?? '')} was read from an API server (uid, resourceVersion) but has no status, which kubectl prints last: the file looks cut inside this object (a full disk, an interrupted copy), so its spec may be incomplete; dump it again`,
  };
}
