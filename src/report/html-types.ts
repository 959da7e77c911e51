// The data the HTML migration report renders, declared structurally so that report/ does not depend
// on migrate/: the audit, exceptions, diff and plan results of src/migrate/*.ts are assignable to
// these shapes as they are (a type test in html.test.ts keeps that true).

/** One would-be denial (or audit failure) of a workload by a rule, as `migrate audit` lists it. */
export interface ReportViolation {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly policy: string;
  readonly rule: string;
  /** Kyverno's exact message. */
  readonly message: string;
  readonly component: string;
  readonly result: 'fail' | 'error';
  readonly action: 'Audit' | 'Enforce';
  readonly userViolation: boolean;
  readonly file?: string;
  readonly line?: number;
}

/** Counts of the audit, as in its JSON output. */
export interface ReportAuditSummary {
  readonly workloads: number;
  readonly evaluated: number;
  readonly skipped: number;
  readonly workloadsWithViolations: number;
  readonly violations: number;
  readonly denials: number;
  readonly userViolations: number;
  readonly byPolicy: Readonly<Record<string, number>>;
  readonly byNamespace: Readonly<Record<string, number>>;
  readonly byComponent: Readonly<Record<string, number>>;
}

/** The audit part of the report. */
export interface ReportAudit {
  readonly violations: readonly ReportViolation[];
  readonly summary: ReportAuditSummary;
  readonly skipped: readonly { readonly kind: string; readonly namespace: string; readonly name: string; readonly reason: string }[];
  readonly defaulted: readonly { readonly kind: string; readonly namespace: string; readonly name: string; readonly changes: readonly string[] }[];
  readonly coveredByOwner: readonly { readonly namespace: string; readonly name: string; readonly owner: string }[];
}

/** The exceptions part: namespaces to add per policy, user violations, warnings. */
export interface ReportExceptions {
  readonly exceptions: Readonly<Record<string, readonly string[]>>;
  readonly userViolations: readonly ReportViolation[];
  readonly warnings: readonly string[];
}

/** One row of the PSP-versus-Kyverno diff. */
export interface ReportDiffEntry {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly component: string;
  readonly creator: { readonly user: string; readonly via: string };
  readonly psp: { readonly allowed: boolean; readonly policy: string | null; readonly message: string | null; readonly mutated: boolean; readonly defaulted: readonly string[] };
  readonly kyverno: { readonly allowed: boolean; readonly denials: readonly { readonly policy: string; readonly rule: string; readonly message: string }[] };
  readonly class: 'breakage' | 'regression' | 'same';
  readonly lostFields: readonly string[];
}

/** The whole diff with counts per class. */
export interface ReportDiff {
  readonly entries: readonly ReportDiffEntry[];
  readonly summary: { readonly breakage: number; readonly regression: number; readonly same: number; readonly total: number; readonly skipped?: string };
}

/** One step of the migration plan. */
export interface ReportPlanStep {
  readonly id: string;
  readonly title: string;
  readonly why: string;
  readonly commands: readonly string[];
  readonly checks: readonly string[];
  readonly rollback: readonly string[];
  readonly enforcement: string;
}

/** Everything `podgate migrate report -o html` renders. */
export interface MigrationReport {
  /** Cluster dump path or API server. */
  readonly source: string;
  /** ISO time, passed in: the renderer never reads the clock. */
  readonly generatedAt: string;
  readonly podgateVersion: string;
  readonly audit: ReportAudit;
  readonly exceptions: ReportExceptions;
  /** Absent when the diff was not computed (no PSPs in the input). */
  readonly diff?: ReportDiff;
  readonly plan: readonly ReportPlanStep[];
  /**
   * The readiness verdict of the run (`summary.json` of `migrate run`). When present, the banner and
   * the next steps are rendered from it; otherwise they are computed from the audit and diff.
   */
  readonly readiness?: ReportReadiness;
  /** The complete merged kyverno-policies values file (what to pass to `helm -f`), when written. */
  readonly values?: { readonly file: string; readonly text: string };
}

/** Whether the cluster is ready to switch, with what blocks it and what to look at. */
export interface ReportReadiness {
  readonly ready: boolean;
  readonly blockers: readonly string[];
  readonly warnings: readonly string[];
}
