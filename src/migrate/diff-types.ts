// Types of the PSP-versus-Kyverno diff, shared by the diff, the report and the CLI.

/** Who would create the pod, as PSP authorises it. */
export interface Creator {
  user: string;
  groups: string[];
  /** How the creator was chosen: `controller service account`, `namespace user ray`, … */
  via: string;
}

/** PSP's decision for one pod or pod template. */
export interface PspDecision {
  allowed: boolean;
  /** The PSP that admitted it, or null. */
  policy: string | null;
  /** The exact denial text, or null. */
  message: string | null;
  /** True when PSP changed the pod (defaulting). */
  mutated: boolean;
  /** Fields PSP set or forced, as JSON pointers (`/spec/containers/0/securityContext/runAsUser`). */
  defaulted: string[];
}

/** Kyverno's decision for the same object. */
export interface KyvernoDecision {
  allowed: boolean;
  denials: { policy: string; rule: string; message: string }[];
}

/**
 * breakage: PSP admits, Kyverno denies. regression: PSP denies (or forces a safer value) and Kyverno
 * admits the object as written. same: both agree and PSP forced nothing.
 */
export type DiffClass = 'breakage' | 'regression' | 'same';

/** One row of the diff. */
export interface DiffEntry {
  kind: string;
  namespace: string;
  name: string;
  component: string;
  creator: Creator;
  psp: PspDecision;
  kyverno: KyvernoDecision;
  class: DiffClass;
  /** For regressions: the PSP fields whose protection Kyverno does not keep (e.g. `allowedHostPaths`, `runAsUser`). */
  lostFields: string[];
}

/** The whole diff with counts per class. */
export interface DiffResult {
  entries: DiffEntry[];
  /**
   * `skipped` says why PSP was not compared (no PodSecurityPolicy objects); the counts are then 0.
   * `undecidable` is set when PSP is in use but the input cannot say what it decides (no RBAC bindings or
   * roles, or a PodSecurityPolicy the API server would have refused).
   */
  summary: { breakage: number; regression: number; same: number; total: number; skipped?: string; undecidable?: true; notCompared?: number };
  /**
   * Pods whose creator cannot be known (a controller of a kind podgate does not model, missing from the
   * input): PSP's decision today is unknown. Present only when there are some; `summary.notCompared` counts them.
   */
  notCompared?: { kind: string; namespace: string; name: string; reason: string }[];
}
