// Which Kyverno versions and Helm charts (kyverno, kyverno-policies) fit a Kubernetes version, and the
// order of upgrades as Kubernetes moves on. From the Kyverno docs' compatibility matrix (website release
// branches, content/en/docs/Installation/_index.md) and the charts' Chart.yaml kubeVersion gates.
import { compareSemver, parseSemver, satisfies } from './semver.js';

/** One row of the Kyverno compatibility matrix (tested Kubernetes range, N-2 policy). */
export interface KyvernoRange {
  kyverno: string;
  kubernetesMin: string;
  kubernetesMax: string;
  note?: string;
}

/** The matrix as published (1.8–1.18). */
export const KYVERNO_MATRIX: readonly KyvernoRange[] = [
  { kyverno: '1.8', kubernetesMin: '1.23', kubernetesMax: '1.25', note: 'Kubernetes 1.23.0-1.23.2 excluded (known issue); 1.23 support starts at 1.23.3' },
  { kyverno: '1.9', kubernetesMin: '1.24', kubernetesMax: '1.26' },
  { kyverno: '1.10', kubernetesMin: '1.24', kubernetesMax: '1.26' },
  { kyverno: '1.11', kubernetesMin: '1.25', kubernetesMax: '1.28' },
  { kyverno: '1.12', kubernetesMin: '1.26', kubernetesMax: '1.29' },
  { kyverno: '1.13', kubernetesMin: '1.28', kubernetesMax: '1.31' },
  { kyverno: '1.14', kubernetesMin: '1.29', kubernetesMax: '1.32' },
  { kyverno: '1.15', kubernetesMin: '1.30', kubernetesMax: '1.33' },
  { kyverno: '1.16', kubernetesMin: '1.31', kubernetesMax: '1.34' },
  { kyverno: '1.17', kubernetesMin: '1.32', kubernetesMax: '1.35' },
  { kyverno: '1.18', kubernetesMin: '1.33', kubernetesMax: '1.35' },
];

/** A chart release line: which app it ships and which Kubernetes Helm lets it install on. */
export interface ChartLine {
  chart: 'kyverno' | 'kyverno-policies';
  /** e.g. `3.0.x`. */
  line: string;
  /** Kyverno minor the line ships, e.g. `1.10`. */
  kyverno: string;
  /**
   * The chart version podgate recommends in this line: one it renders (kyverno-policies) or ships the
   * reference of (kyverno), and has verified. Absent: podgate recommends nothing from this line.
   */
  latest?: { chart: string; app: string };
  /** A newer upstream release of the line that podgate does not render or verify (shown, never recommended). */
  upstreamNewer?: string;
  /** Chart.yaml kubeVersion. */
  kubeVersion: string;
}

/**
 * Chart lines whose versions and kubeVersion gates were read from the charts (spec section 3).
 * One source of truth: `latest` is only ever a version podgate renders and verified (kyverno-policies
 * 3.0.7 and 3.2.5, the charts in src/chart/data) or whose reference chart it ships (kyverno 3.0.9 and
 * 3.2.6); newer upstream releases (kyverno-policies 3.0.8, 3.1.x) are listed as `upstreamNewer`.
 */
export const CHART_LINES: readonly ChartLine[] = [
  { chart: 'kyverno', line: '3.0.x', kyverno: '1.10', latest: { chart: '3.0.9', app: 'v1.10.7' }, kubeVersion: '>=1.16.0-0' },
  { chart: 'kyverno', line: '3.1.x', kyverno: '1.11', kubeVersion: '>=1.25.0-0' },
  { chart: 'kyverno', line: '3.2.x', kyverno: '1.12', latest: { chart: '3.2.6', app: 'v1.12.5' }, kubeVersion: '>=1.25.0-0' },
  { chart: 'kyverno-policies', line: '3.0.x', kyverno: '1.10', latest: { chart: '3.0.7', app: 'v1.10.7' }, upstreamNewer: '3.0.8', kubeVersion: '>=1.16.0-0' },
  { chart: 'kyverno-policies', line: '3.1.x', kyverno: '1.11', upstreamNewer: '3.1.5', kubeVersion: '>=1.16.0-0' },
  { chart: 'kyverno-policies', line: '3.2.x', kyverno: '1.12', latest: { chart: '3.2.5', app: 'v1.12.5' }, kubeVersion: '>=1.25.0-0' },
];

/** What `versions` says about where its chart versions come from. */
export const VERIFIED_NOTE =
  'podgate recommends only chart versions it renders and has verified: kyverno-policies 3.0.7 and 3.2.5 (the charts podgate renders) with kyverno 3.0.9 and 3.2.6 (the reference charts it ships); newer upstream releases (kyverno-policies 3.0.8, 3.1.x) are not recommended';

/** Kubernetes minors podgate plans a migration for: PSP exists from 1.21 (zero-window plan up to 1.24); a verified Kyverno is tested up to this one. */
export const PLAN_KUBERNETES_MIN = 21;

/** A chart line judged for one Kubernetes version. */
export interface ChartFit extends ChartLine {
  /** Helm accepts it (kubeVersion gate). */
  installable: boolean;
  /** Its Kyverno is in the tested range for this Kubernetes. */
  tested: boolean;
}

/** A recommendation: a Kyverno minor with the chart versions that ship it. */
export interface KyvernoChoice {
  kyverno: string;
  kyvernoChart?: string;
  kyvernoPoliciesChart?: string;
}

/** One step of the upgrade path: before moving Kubernetes to `kubernetes`, run `before`; afterwards `newest` is safe. */
export interface UpgradeStep {
  kubernetes: string;
  /** Newest Kyverno tested on both the previous and this Kubernetes minor (run it while upgrading). */
  before?: KyvernoChoice;
  /** Newest Kyverno tested and installable on this Kubernetes minor. */
  newest?: KyvernoChoice;
  /** What must be done before this step (the step to 1.25, where PodSecurityPolicy is removed). */
  note?: string;
}

/** Said on the step to Kubernetes 1.25 from a cluster that still has PodSecurityPolicy. */
export const PSP_REMOVAL_NOTE =
  'PodSecurityPolicy is removed in Kubernetes 1.25 (the admission plugin and the API): before this upgrade Kyverno must enforce what PSP enforced and PSP must be switched off, in the order podgate migrate plan gives; upgrading first leaves pods unchecked';

/** The answer of `podgate versions`. */
export interface VersionMatrix {
  kubernetes: string;
  kyverno: (KyvernoRange & { supported: boolean })[];
  charts: ChartFit[];
  newestSafe?: KyvernoChoice;
  upgradePath: UpgradeStep[];
  /** Where the recommended chart versions come from (only versions podgate renders and verified). */
  note: string;
}

const minorOf = (v: string) => Number(v.split('.')[1] ?? 0);

function supports(row: KyvernoRange, k8sMinor: number): boolean {
  return minorOf(row.kubernetesMin) <= k8sMinor && k8sMinor <= minorOf(row.kubernetesMax);
}

function installable(line: ChartLine, k8s: string): boolean {
  const v = parseSemver(k8s);
  return v !== undefined && satisfies(v, line.kubeVersion) !== false;
}

/** Newest Kyverno minor tested on every given Kubernetes minor whose charts Helm installs on `installOn`. */
function newestChoice(k8sMinors: readonly number[], installOn: string, allowed: (r: KyvernoRange) => boolean = () => true): KyvernoChoice | undefined {
  const rows = KYVERNO_MATRIX.filter((r) => allowed(r) && k8sMinors.every((m) => supports(r, m)));
  for (const r of [...rows].reverse()) {
    const lines = CHART_LINES.filter((l) => l.kyverno === r.kyverno);
    // Only Kyverno minors with verified versions of both charts are recommended.
    const kc = lines.find((x) => x.chart === 'kyverno');
    const pc = lines.find((x) => x.chart === 'kyverno-policies');
    if (!kc?.latest || !pc?.latest || !installable(kc, installOn) || !installable(pc, installOn)) continue;
    return { kyverno: r.kyverno, kyvernoChart: kc.latest.chart, kyvernoPoliciesChart: pc.latest.chart };
  }
  return undefined;
}

/** The newest verified Kyverno minor tested on a Kubernetes minor (the one a plan installs there). */
export function verifiedFor(k8sMinor: number): KyvernoChoice | undefined {
  return newestChoice([k8sMinor], `1.${k8sMinor}.0`);
}

/** The Kubernetes minors podgate can plan for: from 1.21 to the newest minor a verified Kyverno is tested on. */
export function planRange(): { min: string; max: string } {
  let max = PLAN_KUBERNETES_MIN;
  for (let m = PLAN_KUBERNETES_MIN; m < 100; m++) if (verifiedFor(m)) max = m;
  return { min: `1.${PLAN_KUBERNETES_MIN}`, max: `1.${max}` };
}

/** Normalises `1.24`, `v1.24.3` to `MAJOR.MINOR`; undefined when unreadable. */
export function kubeMinor(k8s: string): string | undefined {
  const v = parseSemver(k8s);
  return v ? `${v.major}.${v.minor}` : undefined;
}

/** The matrix seen from one Kubernetes version, with the upgrade path up to the newest tested minor. */
export function versionMatrix(k8s: string): VersionMatrix {
  const v = parseSemver(k8s);
  if (!v) throw new Error(`invalid Kubernetes version ${JSON.stringify(k8s)}`);
  const kubernetes = `${v.major}.${v.minor}`;
  const full = `${v.major}.${v.minor}.${v.patch}`;
  const kyverno = KYVERNO_MATRIX.map((r) => ({
    ...r,
    // 1.8 excludes 1.23.0-1.23.2
    supported: supports(r, v.minor) && !(r.kyverno === '1.8' && v.minor === 23 && compareSemver(v, { major: 1, minor: 23, patch: 3, prerelease: '' }) < 0),
  }));
  const tested = new Set(kyverno.filter((r) => r.supported).map((r) => r.kyverno));
  const charts = CHART_LINES.map((l) => ({ ...l, installable: installable(l, full), tested: tested.has(l.kyverno) }));
  const newestSafe = newestChoice([v.minor], full, (r) => tested.has(r.kyverno));
  const maxMinor = Math.max(...KYVERNO_MATRIX.map((r) => minorOf(r.kubernetesMax)));
  const upgradePath: UpgradeStep[] = [];
  for (let m = v.minor + 1; m <= maxMinor; m++) {
    const step: UpgradeStep = { kubernetes: `1.${m}` };
    const before = newestChoice([m - 1, m], `1.${m - 1}.0`);
    const newest = newestChoice([m], `1.${m}.0`);
    if (before) step.before = before;
    if (newest) step.newest = newest;
    if (m === 25) step.note = PSP_REMOVAL_NOTE;
    upgradePath.push(step);
  }
  const out: VersionMatrix = { kubernetes, kyverno, charts, upgradePath, note: VERIFIED_NOTE };
  if (newestSafe) out.newestSafe = newestSafe;
  return out;
}

/** The matrix row of a Kyverno minor. */
export function kyvernoRange(kyverno: string): KyvernoRange | undefined {
  return KYVERNO_MATRIX.find((r) => r.kyverno === kyverno);
}

/** One Kubernetes minor upgrade on the way to a Kyverno version, with the verified Kyverno that runs through it. */
export interface KubernetesHop {
  /** From and to, `1.24` → `1.25`. */
  from: string;
  to: string;
  /** The newest verified Kyverno tested on both minors (it stays installed while Kubernetes moves). */
  kyverno?: KyvernoChoice;
}

/**
 * Kubernetes upgrades (one minor at a time, as Kubernetes requires) from `fromMinor` to the first minor
 * `kyverno` is tested on; empty when it is tested on `fromMinor` already.
 */
export function kubernetesHopsFor(kyverno: string, fromMinor: number): KubernetesHop[] {
  const row = kyvernoRange(kyverno);
  if (!row) return [];
  const min = minorOf(row.kubernetesMin);
  const hops: KubernetesHop[] = [];
  for (let m = fromMinor + 1; m <= min; m++) {
    const hop: KubernetesHop = { from: `1.${m - 1}`, to: `1.${m}` };
    const during = newestChoice([m - 1, m], `1.${m - 1}.0`);
    if (during) hop.kyverno = during;
    hops.push(hop);
  }
  return hops;
}
