// Pod and container security-context accessors over JSON pods: the *effective* container context
// (container value overrides the pod value for runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions)
// and mutators that write only what changes, so an unmutated pod stays byte-identical.
// Mirrors kubernetes@release-1.24 pkg/securitycontext/accessors.go.
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../util/index.js';

/** Fields whose container value overrides the pod value. */
export const INHERITED_FIELDS = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions'] as const;

/** A field the effective accessor inherits from the pod. */
export type InheritedField = (typeof INHERITED_FIELDS)[number];

const present = (v: JsonValue | undefined): v is JsonValue => v !== undefined && v !== null;

/** The pod's security context object, if any. */
export function podSecurityContext(spec: JsonObject): JsonObject | undefined {
  return isObject(spec.securityContext) ? spec.securityContext : undefined;
}

/** A pod-level field, undefined when unset or null. */
export function podField(spec: JsonObject, field: string): JsonValue | undefined {
  const v = podSecurityContext(spec)?.[field];
  return present(v) ? v : undefined;
}

/** Sets a pod-level field; unset values never create an empty securityContext (PodSecurityContextMutator). */
export function setPodField(spec: JsonObject, field: string, value: JsonValue | undefined): void {
  const sc = podSecurityContext(spec);
  if (value === undefined) {
    if (sc && field in sc) delete sc[field];
    return;
  }
  if (sc) sc[field] = value;
  else spec.securityContext = { [field]: value };
}

/** A container-level field, undefined when unset or null. */
export function containerField(c: JsonObject, field: string): JsonValue | undefined {
  const sc = isObject(c.securityContext) ? c.securityContext : undefined;
  const v = sc?.[field];
  return present(v) ? v : undefined;
}

/** Sets a container-level field; an undefined value never creates a securityContext. */
export function setContainerField(c: JsonObject, field: string, value: JsonValue | undefined): void {
  const sc = isObject(c.securityContext) ? c.securityContext : undefined;
  if (value === undefined) {
    if (sc && present(sc[field])) delete sc[field];
    return;
  }
  if (sc) sc[field] = value;
  else c.securityContext = { [field]: value };
}

/** The effective value of an inherited field: the container's, else the pod's. */
export function effectiveField(spec: JsonObject, c: JsonObject, field: InheritedField): JsonValue | undefined {
  return containerField(c, field) ?? podField(spec, field);
}

/** Sets an inherited field on the container only when it changes the effective value. */
export function setEffectiveField(spec: JsonObject, c: JsonObject, field: InheritedField, value: JsonValue | undefined): void {
  if (deepEqual(effectiveField(spec, c, field), value)) return;
  setContainerField(c, field, value);
}

/** A number field, or undefined when unset or not a number. */
export function asNumber(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** A boolean field, or undefined when unset or not a boolean. */
export function asBool(v: JsonValue | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** The pod's annotations as a string map (created on first write by setAnnotation). */
export function annotationsOf(pod: { metadata: { annotations?: Record<string, string> } }): Record<string, string> {
  return pod.metadata.annotations ?? {};
}

/** Sets one pod annotation, creating the map if needed. */
export function setAnnotation(pod: { metadata: { annotations?: Record<string, string> } }, key: string, value: string): void {
  if (!pod.metadata.annotations) pod.metadata.annotations = {};
  pod.metadata.annotations[key] = value;
}
