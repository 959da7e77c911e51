// Kind matching for match/exclude `kinds`: `Kind`, `version/Kind`, `group/version/Kind`, each optionally
// with `/subresource` or `Kind.subresource`, wildcards per part. Mirrors kyverno@v1.10.7:pkg/utils/match/kind.go
// (CheckKind) and pkg/utils/kube/kind.go (GetKindFromGVK, SplitSubresource).
import { wildcardMatch } from '../../util/index.js';

/** A request's group/version/kind. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface KindPattern {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

/**
 * Parses one `kinds` entry into group, version, kind and subresource patterns, as ParseKindSelector does:
 * the last part is split on `.` (`Pod.status`), then by the number of parts:
 * - `Kind` → any group and version, the main resource only;
 * - `*` + `/*` → everything, subresources included; `*` + `/sub` (lower-case) → any kind's `sub`;
 *   `version/Kind` when the first part is a version or `*`; otherwise `Kind/sub`;
 * - `version/Kind/sub` when the first part is a version or `*`; otherwise `group/version/Kind`;
 * - `group/version/Kind/sub`.
 * Anything longer matches nothing.
 */
function parseKindPattern(entry: string): KindPattern {
  const slash = entry.split('/');
  const last = slash.pop() ?? '';
  const parts = [...slash, ...last.split('.')];
  const [a = '', b = '', c = '', d = ''] = parts;
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: a, subresource: '' };
    case 2:
      if (a === '*' && b === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      if (a === '*' && b.toLowerCase() === b) return { group: '*', version: '*', kind: '*', subresource: b };
      if (VERSION.test(a)) return { group: '*', version: a, kind: b, subresource: '' };
      return { group: '*', version: '*', kind: a, subresource: b };
    case 3:
      if (VERSION.test(a)) return { group: '*', version: a, kind: b, subresource: c };
      return { group: a, version: b, kind: c, subresource: '' };
    case 4:
      return { group: a, version: b, kind: c, subresource: d };
    default:
      return NOTHING;
  }
}

// A version, or `*` (kyverno@v1.10.7 versionRegex).
const VERSION = /^(v\d((alpha|beta)\d)?|\*)$/;
// Matches no request: an empty kind never equals a request's kind.
const NOTHING: KindPattern = Object.freeze({ group: '', version: '', kind: '', subresource: '' });

// `kinds` entries come from compiled policies and repeat on every request: parse each text once (bounded).
const kindCache = new Map<string, KindPattern>();

function cachedKindPattern(entry: string): KindPattern {
  let p = kindCache.get(entry);
  if (p === undefined) {
    p = parseKindPattern(entry);
    if (kindCache.size >= 1_024) kindCache.clear();
    kindCache.set(entry, p);
  }
  return p;
}

/**
 * The one kind a `kinds` entry can select, for indexing: undefined when the entry has a wildcard kind or
 * names a subresource (such entries are checked in full on every request).
 */
export function indexableKind(entry: string): string | undefined {
  if (entry === '*') return undefined;
  const p = cachedKindPattern(entry);
  if (p.subresource !== '' || p.kind === '' || /[*?]/.test(p.kind)) return undefined;
  return p.kind;
}

/** True when one of the `kinds` entries matches the GVK and subresource. */
export function checkKind(kinds: readonly string[], gvk: GroupVersionKind, subresource: string, allowEphemeralContainers: boolean): boolean {
  return kinds.some((entry) => {
    const p = cachedKindPattern(entry);
    // Most entries are a bare kind: compare it first, the cheapest test that usually decides.
    if (p.kind !== gvk.kind && !wildcardMatch(p.kind, gvk.kind)) return false;
    if (!wildcardMatch(p.group, gvk.group) || !wildcardMatch(p.version, gvk.version)) return false;
    // An entry without a subresource matches only the main resource (1.10: `Pod` does not match
    // `pods/status`, and `*` matches no subresource); a core/v1 Pod keeps matching its ephemeralcontainers
    // for backward compatibility (allowEphemeralContainers).
    return wildcardMatch(p.subresource, subresource) || (allowEphemeralContainers && isEphemeralContainers(gvk, subresource));
  });
}

/** A request for the `ephemeralcontainers` subresource of a core/v1 Pod. */
export function isEphemeralContainers(gvk: GroupVersionKind, subresource: string): boolean {
  return subresource === 'ephemeralcontainers' && gvk.kind === 'Pod' && gvk.group === '' && gvk.version === 'v1';
}
