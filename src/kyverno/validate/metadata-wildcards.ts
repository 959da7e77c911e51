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

// Whether a pattern map has wildcard keys under metadata.labels/annotations at all: decided once per map
// object, since most pattern maps of a compiled policy never need expanding.
const mayExpandCache = new WeakMap<object, boolean>();

function mayExpand(pattern: Record<string, unknown>): boolean {
  let may = mayExpandCache.get(pattern);
  if (may !== undefined) return may;
  const metaKey = findTagKey(pattern, 'metadata');
  const meta = metaKey === undefined ? undefined : pattern[metaKey];
  may = false;
  if (isObject(meta)) {
    for (const tag of ['labels', 'annotations']) {
      const key = findTagKey(meta, tag);
      const map = key === undefined ? undefined : meta[key];
      if (isObject(map) && Object.keys(map).some(hasWildcard)) may = true;
    }
  }
  mayExpandCache.set(pattern, may);
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
    if (!Object.keys(pTag).some(hasWildcard)) continue;
    newMeta ??= { ...patternMeta };
    newMeta[pKey] = expandTag(pTag, rTag);
  }
  return newMeta === undefined ? pattern : { ...pattern, [metaKey]: newMeta };
}
