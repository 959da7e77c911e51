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

/** Parses one `kinds` entry into group, version, kind and subresource patterns ('*' where absent). */
function parseKindPattern(entry: string): KindPattern {
  const parts = entry.split('/');
  let group = '*';
  let version = '*';
  let kind: string;
  let sub = '';
  if (parts.length === 1) kind = parts[0] ?? '';
  else if (parts.length === 2) {
    // `v1/Pod` or `Pod/status`: a capitalised or wildcard second part after a version is the kind.
    const [a = '', b = ''] = parts;
    if (a === '*' && b === '*') {
      kind = '*';
    } else if (isKindLike(a) && !isVersionLike(a)) {
      kind = a;
      sub = b;
    } else {
      version = a;
      kind = b;
    }
  } else if (parts.length === 3) {
    const [a = '', b = '', c = ''] = parts;
    if (isVersionLike(a) && isKindLike(b)) {
      version = a;
      kind = b;
      sub = c;
    } else {
      group = a;
      version = b;
      kind = c;
    }
  } else {
    group = parts[0] ?? '';
    version = parts[1] ?? '';
    kind = parts[2] ?? '';
    sub = parts.slice(3).join('/');
  }
  if (sub === '' && kind.includes('.')) {
    const i = kind.indexOf('.');
    sub = kind.slice(i + 1);
    kind = kind.slice(0, i);
  }
  return { group, version, kind, subresource: sub };
}

function isVersionLike(s: string): boolean {
  return /^v\d+((alpha|beta)\d+)?$/.test(s) || s === '*';
}

function isKindLike(s: string): boolean {
  return /^[A-Z*?]/.test(s);
}

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
    if (entry === '*') return true;
    const p = cachedKindPattern(entry);
    // Most entries are a bare kind: compare it first, the cheapest test that usually decides.
    if (p.kind !== gvk.kind && !wildcardMatch(p.kind, gvk.kind)) return false;
    if (!wildcardMatch(p.group, gvk.group) || !wildcardMatch(p.version, gvk.version)) return false;
    if (p.subresource === '') {
      // A bare kind matches only the main resource; Pod keeps matching ephemeralcontainers for
      // backward compatibility (kind.go, allowEphemeralContainers).
      return subresource === '' || (allowEphemeralContainers && gvk.kind === 'Pod' && subresource === 'ephemeralcontainers');
    }
    return wildcardMatch(p.subresource, subresource);
  });
}
