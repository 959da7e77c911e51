// The small part of semantic versioning the chart needs: Masterminds-style lenient parsing ("v1.24",
// "1.10.7") and `>=`/`<`-style constraints, as used by `semverCompare` in _helpers.tpl and by Chart.yaml
// kubeVersion. Mirrors Masterminds/semver v3 version.go (NewVersion) and constraints.go (operators).

/** A parsed version. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses a version leniently (optional `v`, missing minor/patch are 0); undefined when invalid. */
export function parseSemver(text: string): SemVer | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: m[4] ?? '' };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders two versions: negative, zero or positive. */
export function compareSemver(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || comparePre(a.prerelease, b.prerelease);
}

/** Renders as `vMAJOR.MINOR.PATCH` the way Helm prints a Kubernetes version. */
export function formatKubeVersion(v: SemVer): string {
  return `v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/**
 * True when v satisfies every comparison of constraint (space or comma separated, `>=`, `>`, `<=`,
 * `<`, `=`). Undefined when the constraint cannot be read.
 */
export function satisfies(v: SemVer, constraint: string): boolean | undefined {
  const parts = constraint.split(/[\s,]+/).filter(Boolean);
  const terms: { op: string; ver: SemVer }[] = [];
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i]!;
    if (/^(>=|<=|>|<|=)$/.test(p)) p += parts[++i] ?? '';
    const m = /^(>=|<=|>|<|=)?(.+)$/.exec(p);
    const ver = m ? parseSemver(m[2]!) : undefined;
    if (!m || !ver) return undefined;
    terms.push({ op: m[1] ?? '=', ver });
  }
  return terms.every(({ op, ver }) => {
    const c = compareSemver(v, ver);
    return op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : op === '<' ? c < 0 : c === 0;
  });
}
