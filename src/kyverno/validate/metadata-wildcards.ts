// Wildcard keys under metadata.labels / metadata.annotations: each is replaced by EVERY matching key of the
// resource before the map is walked, so each matching label or annotation is checked and the pattern fails
// when any of them fails. Follows kyverno@v1.10.7:pkg/engine/wildcards/wildcards.go (ExpandInMetadata,
// replaceWildcardsInMapKeys), which keeps only one matching key (whichever Go's random map order yields):
// with annotations `container.apparmor.security.beta.kubernetes.io/c: runtime/default` and `.../z: unconfined`
// Kyverno denies only some of the time; podgate always denies (a deliberate difference, docs/compatibility.md).

import { hasWildcard, isObject, wildcardMatch } from '../../util/index.js';
import { anchorString, parseAnchor } from '../anchor/index.js';
import { compareGoStrings } from '../pattern/index.js';

/** The key of `map` named `tag`, plainly or inside an anchor; the plain key wins, then byte order. */
function findTagKey(map: Record<string, unknown>, tag: string): string | undefined {
  if (Object.hasOwn(map, tag)) return tag;
  return Object.keys(map)
    .sort(compareGoStrings)
    .find((k) => parseAnchor(k)?.key === tag);
}

/** Defines an own key (a key named "__proto__" stays a plain key). */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Rewrites the wildcard keys of one pattern tag map against the resource's tag map: a wildcard key becomes one
 * key per matching resource key (byte order), each with the wildcard's value and anchor; a wildcard matching
 * nothing stays as it is. A resource key named literally in the pattern is checked by that literal key; one
 * matched by several wildcard keys is checked by the first of them in pattern order (a map holds one value).
 */
function expandTag(patternTag: Record<string, unknown>, resourceTag: Record<string, unknown>): Record<string, unknown> {
  const resourceKeys = Object.keys(resourceTag).sort(compareGoStrings);
  const taken = new Set<string>();
  for (const k of Object.keys(patternTag)) if (!hasWildcard(k)) taken.add(parseAnchor(k)?.key ?? k);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patternTag)) {
    if (!hasWildcard(k)) {
      define(out, k, v);
      continue;
    }
    const a = parseAnchor(k);
    const bare = a ? a.key : k;
    const matching = resourceKeys.filter((r) => wildcardMatch(bare, r));
    if (matching.length === 0) {
      define(out, a ? anchorString(a.kind, bare) : k, v);
      continue;
    }
    for (const r of matching) {
      if (taken.has(r)) continue;
      taken.add(r);
      define(out, a ? anchorString(a.kind, r) : r, v);
    }
  }
  return out;
}

/**
 * True when expandTag would rebuild the tag map with exactly the same keys: no wildcard key matches a
 * resource key, and each anchored wildcard key is already in its canonical form. The common case (a
 * policy allowing some annotation the resource does not carry) then keeps the policy's own map, and
 * with it the walk's per-map caches.
 */
function expandsToItself(patternTag: Record<string, unknown>, resourceTag: Record<string, unknown>): boolean {
  const resourceKeys = Object.keys(resourceTag);
  for (const k of Object.keys(patternTag)) {
    if (!hasWildcard(k)) continue;
    const a = parseAnchor(k);
    if (a && anchorString(a.kind, a.key) !== k) return false;
    const bare = a ? a.key : k;
    if (resourceKeys.some((r) => wildcardMatch(bare, r))) return false;
  }
  return true;
}

// Whether a pattern map has wildcard keys under metadata.labels/annotations at all: decided once per map
// object, since most pattern maps of a compiled policy never need expanding.
const mayExpandCache = new WeakMap<object, boolean>();

function mayExpand(pattern: Record<string, unknown>): boolean {
  let may = mayExpandCache.get(pattern);
  if (may === undefined) {
    may = hasMetadataWildcards(pattern);
    mayExpandCache.set(pattern, may);
  }
  return may;
}

/** True when the pattern map has wildcard keys under metadata.labels/annotations (expandInMetadata may change it). */
export function hasMetadataWildcards(pattern: Record<string, unknown>): boolean {
  const metaKey = findTagKey(pattern, 'metadata');
  const meta = metaKey === undefined ? undefined : pattern[metaKey];
  let may = false;
  if (isObject(meta)) {
    for (const tag of ['labels', 'annotations']) {
      const key = findTagKey(meta, tag);
      const map = key === undefined ? undefined : meta[key];
      if (isObject(map) && Object.keys(map).some(hasWildcard)) may = true;
    }
  }
  return may;
}

/** Returns the pattern map with wildcard label/annotation keys expanded (a copy; the input is not changed). */
export function expandInMetadata(pattern: Record<string, unknown>, resource: Record<string, unknown>): Record<string, unknown> {
  if (!mayExpand(pattern)) return pattern;
  const metaKey = findTagKey(pattern, 'metadata');
  if (metaKey === undefined) return pattern;
  const patternMeta = pattern[metaKey];
  const resourceMeta = Object.hasOwn(resource, 'metadata') ? resource.metadata : undefined;
  if (!isObject(patternMeta) || !isObject(resourceMeta)) return pattern;
  let newMeta: Record<string, unknown> | undefined;
  for (const tag of ['labels', 'annotations']) {
    const pKey = findTagKey(patternMeta, tag);
    const rKey = findTagKey(resourceMeta, tag);
    if (pKey === undefined || rKey === undefined) continue;
    const pTag = patternMeta[pKey];
    const rTag = resourceMeta[rKey];
    if (!isObject(pTag) || !isObject(rTag)) continue;
    if (!Object.keys(pTag).some(hasWildcard) || expandsToItself(pTag, rTag)) continue;
    newMeta ??= { ...patternMeta };
    define(newMeta, pKey, expandTag(pTag, rTag));
  }
  if (newMeta === undefined) return pattern;
  const out = { ...pattern };
  define(out, metaKey, newMeta);
  return out;
}
