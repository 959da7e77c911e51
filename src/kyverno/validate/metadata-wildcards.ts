// Wildcard keys under metadata.labels / metadata.annotations: each is replaced by one matching key of
// the resource before the map is walked. Mirrors kyverno@v1.10.7:pkg/engine/wildcards/wildcards.go
// (ExpandInMetadata, replaceWildcardsInMapKeys). Upstream picks whichever matching key Go's random map
// order yields; we pick the first matching key in byte order, so results are deterministic.

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

/** The first resource key (byte order) that the wildcard key matches; the key itself when none does. */
function expandKey(key: string, resourceKeys: readonly string[]): string {
  return resourceKeys.find((k) => wildcardMatch(key, k)) ?? key;
}

/** Rewrites the wildcard keys of one pattern tag map against the resource's tag map. */
function expandTag(patternTag: Record<string, unknown>, resourceTag: Record<string, unknown>): Record<string, unknown> {
  const resourceKeys = Object.keys(resourceTag).sort(compareGoStrings);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patternTag)) {
    const a = hasWildcard(k) ? parseAnchor(k) : undefined;
    const key = !hasWildcard(k) ? k : a ? anchorString(a.kind, expandKey(a.key, resourceKeys)) : expandKey(k, resourceKeys);
    // defineProperty, so that a key named "__proto__" stays a plain key.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
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
    newMeta[pKey] = expandTag(pTag, rTag);
  }
  return newMeta === undefined ? pattern : { ...pattern, [metaKey]: newMeta };
}
