// The capabilities strategy: defaulting of add/drop from defaultAddCapabilities and
// requiredDropCapabilities, and validation against allowedCapabilities (`*` skips every check).
// Mirrors kubernetes@release-1.24 pkg/security/podsecuritypolicy/capabilities/mustrunas.go.
import type { FieldError, FieldPath } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { goCapabilitySlice, invalid, invalidText } from '../errors.js';
import type { PspSpec } from '../model.js';

const capList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/**
 * The capabilities a container gets: add = (defaultAdd − containerDrop) ∪ containerAdd,
 * drop = requiredDrop ∪ containerDrop, both sorted; the original value when the sets do not grow.
 */
export function generateCapabilities(spec: PspSpec, current: JsonValue | undefined): JsonValue | undefined {
  const cur = isObject(current) ? current : undefined;
  const add = new Set(capList(cur?.add) ?? []);
  const drop = new Set(capList(cur?.drop) ?? []);
  const combinedAdd = new Set([...spec.defaultAddCapabilities.filter((c) => !drop.has(c)), ...add]);
  const combinedDrop = new Set([...spec.requiredDropCapabilities, ...drop]);
  if (combinedAdd.size === add.size && combinedDrop.size === drop.size) return current ?? undefined;
  const sorted = (s: Set<string>) => [...s].sort();
  const out: JsonObject = {};
  // Go's capabilityFromStringSlice returns nil for an empty set, which the API omits.
  if (combinedAdd.size > 0) out.add = sorted(combinedAdd);
  if (combinedDrop.size > 0) out.drop = sorted(combinedDrop);
  return out;
}

/** Validates a container's capabilities against the PSP. */
export function validateCapabilities(path: FieldPath, spec: PspSpec, current: JsonValue | undefined): FieldError[] {
  if (!isObject(current)) {
    if (spec.defaultAddCapabilities.length === 0 && spec.requiredDropCapabilities.length === 0) return [];
    return [invalid(path, null, 'required capabilities are not set on the securityContext')];
  }
  if (spec.allowedCapabilities.includes('*')) return [];
  const errs: FieldError[] = [];
  for (const c of capList(current.add) ?? []) {
    if (!spec.defaultAddCapabilities.includes(c) && !spec.allowedCapabilities.includes(c)) errs.push(invalid(path.child('add'), c, 'capability may not be added'));
  }
  const drops = capList(current.drop);
  for (const req of spec.requiredDropCapabilities) {
    if (!(drops ?? []).includes(req)) errs.push(invalidText(path.child('drop'), goCapabilitySlice(drops), `${req} is required to be dropped but was not found`));
  }
  return errs;
}
