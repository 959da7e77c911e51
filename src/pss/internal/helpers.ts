// Small helpers shared by the checks: Go-like field reads over JSON pods, pluralising, quoting,
// field-error builders and the container visitor.
// Mirrors kubernetes/pod-security-admission policy/helpers.go, visitor.go, violations.go, paths.go.
import { FieldPath, type FieldError } from '../../kube/index.js';
import { type JsonObject, type JsonValue, isObject, RecentMap, REQUEST_MEMO_SLOTS } from '../../util/index.js';
import type { CheckResult } from '../types.js';

/** An object field or undefined. */
export function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** A string field, or '' like Go's zero value. */
export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** True only for the JSON literal true. */
export function isTrue(v: JsonValue | undefined): boolean {
  return v === true;
}

/** Array elements (empty when not an array). */
export function list(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}

/** `"a", "b"` as PSA's joinQuote prints it. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** Singular for one, plural otherwise. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Sorted unique strings, as Go's sets.NewString().List(). */
export function sortedSet(s: Iterable<string>): string[] {
  return [...new Set(s)].sort();
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** A Forbidden field error (badValue omitted when undefined). */
export function forbidden(path: FieldPath, badValue?: unknown): FieldError {
  const e: FieldError = { type: 'Forbidden', path, detail: '', code: 'PSS_FORBIDDEN' };
  if (badValue !== undefined) e.badValue = badValue;
  return e;
}

/** A Required field error. */
export function required(path: FieldPath): FieldError {
  return { type: 'Required', path, detail: '', code: 'PSS_REQUIRED' };
}

/** The pod-level `spec` path. */
export const SPEC = FieldPath.of('spec');

/** A container of a pod spec with its name, securityContext and path. */
export interface VisitedContainer {
  readonly container: JsonObject;
  readonly name: string;
  readonly securityContext: JsonObject | undefined;
  /** `spec.<list>[<i>]`, made on first read (only failing checks read it). */
  readonly path: FieldPath;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

class Visited implements VisitedContainer {
  readonly container: JsonObject;
  readonly name: string;
  readonly securityContext: JsonObject | undefined;
  readonly #list: string;
  readonly #index: number;
  #path: FieldPath | undefined;
  constructor(container: JsonObject, list: string, index: number) {
    this.container = container;
    this.name = str(container.name);
    this.securityContext = obj(container.securityContext);
    this.#list = list;
    this.#index = index;
  }
  get path(): FieldPath {
    this.#path ??= SPEC.child(this.#list).index(this.#index);
    return this.#path;
  }
}

// Every check visits the same containers: the list is made once per spec object (checks never change a
// pod) and kept for the few most recent specs (no weak-map insert per fresh pod).
const visited = new RecentMap<JsonObject, readonly VisitedContainer[]>(REQUEST_MEMO_SLOTS);

/** Every container in PSA's order: initContainers, containers, ephemeralContainers. */
export function visitContainers(spec: JsonObject): readonly VisitedContainer[] {
  let out = visited.get(spec);
  if (out === undefined) {
    const made: VisitedContainer[] = [];
    for (const field of CONTAINER_LISTS) {
      const items = spec[field];
      if (!Array.isArray(items)) continue;
      for (let i = 0; i < items.length; i++) {
        const c = items[i];
        if (isObject(c)) made.push(new Visited(c, field, i));
      }
    }
    out = made;
    visited.set(spec, out);
  }
  return out;
}

/** The pod-level securityContext. */
export function podSecurityContext(spec: JsonObject): JsonObject | undefined {
  return obj(spec.securityContext);
}

/** True when the pod declares `spec.os.name: windows`. */
export function isWindowsPod(spec: JsonObject): boolean {
  return str(obj(spec.os)?.name) === 'windows';
}

/** True when the pod runs in a user namespace (`hostUsers: false`). */
export function isUserNamespacePod(spec: JsonObject): boolean {
  return spec.hostUsers === false;
}

/** The allowed result. */
export const ALLOWED: Omit<CheckResult, 'id'> = { allowed: true };

/** A denied result. */
export function denied(forbiddenReason: string, forbiddenDetail: string, errors: FieldError[]): Omit<CheckResult, 'id'> {
  return { allowed: false, forbiddenReason, forbiddenDetail, errors };
}
