// Strict semantic versions (MAJOR.MINOR.PATCH[-pre][+build]) for the numeric condition operators.
// Mirrors github.com/blang/semver/v4 (Parse, Compare) as used by
// kyverno@v1.10.7:pkg/engine/variables/operator/numeric.go.

/** A parsed version; build metadata is ignored for ordering. */
export interface SemVer {
  core: [bigint, bigint, bigint];
  pre: string[];
}

const NUM = /^(0|[1-9][0-9]*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** Parses a strict semantic version; undefined when blang/semver's Parse would fail. */
export function parseSemVer(s: string): SemVer | undefined {
  const plus = s.indexOf('+');
  const main = plus >= 0 ? s.slice(0, plus) : s;
  if (plus >= 0 && !s.slice(plus + 1).split('.').every((b) => IDENT.test(b))) return undefined;
  const dash = main.indexOf('-');
  const coreText = dash >= 0 ? main.slice(0, dash) : main;
  const parts = coreText.split('.');
  if (parts.length !== 3 || !parts.every((p) => NUM.test(p))) return undefined;
  const pre = dash >= 0 ? main.slice(dash + 1).split('.') : [];
  for (const p of pre) {
    if (!IDENT.test(p)) return undefined;
    if (/^[0-9]+$/.test(p) && !NUM.test(p)) return undefined;
  }
  return { core: [BigInt(parts[0]!), BigInt(parts[1]!), BigInt(parts[2]!)], pre };
}

function comparePre(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semantic-version ordering (-1, 0, 1). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    const x = a.core[i]!;
    const y = b.core[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  const n = Math.min(a.pre.length, b.pre.length);
  for (let i = 0; i < n; i++) {
    const c = comparePre(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}
