// PSA policy versions: `latest` or `v1.N`, parsed and printed as pod-security-admission/api does.
// Mirrors kubernetes/pod-security-admission api/helpers.go (ParseVersion, LevelVersion.String).

/** A parsed version: a 1.x minor, or latest. */
export type PssVersion = number | 'latest';

const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

/** Parses `latest` or `v1.N`; undefined when malformed. */
export function parsePssVersion(s: string): PssVersion | undefined {
  if (s === 'latest') return 'latest';
  const m = VERSION_RE.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** Prints a version as PSA does: `latest` or `v1.N`. */
export function formatPssVersion(v: PssVersion): string {
  return v === 'latest' ? 'latest' : `v1.${v}`;
}

/** True when s names a PSS level. */
export function isPssLevel(s: string): s is 'privileged' | 'baseline' | 'restricted' {
  return s === 'privileged' || s === 'baseline' || s === 'restricted';
}
