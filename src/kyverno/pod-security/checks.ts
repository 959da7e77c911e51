// Runs the PSS checks the way Kyverno 1.10's `validate.podSecurity` does, which differs from PSA:
// restricted runs every baseline check too (no overrides), a pinned version runs every step of a
// check up to that version (not just the newest), and `latest` runs each check's newest step.
// Mirrors kyverno@v1.10.7:pkg/pss/evaluate.go (evaluatePSS) and its field-error formatting (FormatChecksPrint).
import type { FieldError } from '../../kube/index.js';
import { CHECKS, type PssPod, type PssVersion } from '../../pss/index.js';

/**
 * The newest PSA policy minor Kyverno 1.10.7 knows: it vendors the Kubernetes 1.27 pod-security-admission
 * checks (through Kyverno's fork with field errors), so later steps and checks do not exist for it.
 */
export const KYVERNO_PSA_MAX_VERSION = 27;

/** A field error as Kyverno prints it: the rendered field string (rewritten for controllers), type and bad value. */
export interface KyvernoFieldError {
  type: FieldError['type'];
  field: string;
  badValue?: unknown;
}

/** One failed check with its field errors. */
export interface KyvernoCheckResult {
  id: string;
  forbiddenReason: string;
  forbiddenDetail: string;
  errors: KyvernoFieldError[];
}

/** Converts a check's field errors into Kyverno's string-field form. */
function toKyvernoErrors(errors: readonly FieldError[] | undefined): KyvernoFieldError[] {
  return (errors ?? []).map((e) => (e.badValue === undefined ? { type: e.type, field: e.path.toString() } : { type: e.type, field: e.path.toString(), badValue: e.badValue }));
}

type CheckStep = { id: string; step: (typeof CHECKS)[number]['versions'][number] };

// The steps Kyverno runs for a level, version and PSA maximum, in check-ID order, and the steps of some
// check IDs only: decided once per combination (the last one used is kept apart, so the usual call, one
// profile's maximum and a policy set's few versions, builds no key). Bounded: versions come from policies.
interface Plans {
  baseline?: readonly CheckStep[];
  restricted?: readonly CheckStep[];
  /** Per `only` list (by identity; callers pass fixed lists), the steps of those IDs. */
  only?: Map<readonly string[], readonly CheckStep[]>[];
}
const stepPlans = new Map<string, Plans>();
let lastVersion: PssVersion | undefined;
let lastPsaMax = -1;
let lastPlans: Plans = {};

function plansFor(version: PssVersion, psaMax: number): Plans {
  if (lastVersion === version && lastPsaMax === psaMax) return lastPlans;
  const key = `${version}:${psaMax}`;
  let plans = stepPlans.get(key);
  if (plans === undefined) {
    if (stepPlans.size >= 256) stepPlans.clear();
    plans = {};
    stepPlans.set(key, plans);
  }
  lastVersion = version;
  lastPsaMax = psaMax;
  lastPlans = plans;
  return plans;
}

function planOf(level: 'baseline' | 'restricted', version: PssVersion, psaMax: number): readonly CheckStep[] {
  const out: CheckStep[] = [];
  const checks = [...CHECKS].filter((c) => level === 'restricted' || c.level === 'baseline').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const check of checks) {
    const steps = check.versions.filter((s) => s.minimumVersion <= psaMax);
    if (steps.length === 0) continue;
    const run = version === 'latest' ? steps.slice(-1) : steps.filter((s) => s.minimumVersion <= version);
    for (const step of run) out.push({ id: check.id, step });
  }
  return out;
}

function stepsFor(level: 'baseline' | 'restricted', version: PssVersion, psaMax: number, only: readonly string[] | undefined): readonly CheckStep[] {
  const plans = plansFor(version, psaMax);
  let all = plans[level];
  if (all === undefined) {
    all = planOf(level, version, psaMax);
    plans[level] = all;
  }
  if (only === undefined) return all;
  plans.only ??= [new Map(), new Map()];
  const byOnly = plans.only[level === 'baseline' ? 0 : 1]!;
  let plan = byOnly.get(only);
  if (plan === undefined) {
    plan = all.filter((s) => only.includes(s.id));
    if (byOnly.size >= 64) byOnly.clear();
    byOnly.set(only, plan);
  }
  return plan;
}

// How many check steps ran (each step is one check function on one pod); read by tests.
let stepRuns = 0;

/** The number of PSS check steps run so far (tests assert that exclusion runs are limited to their control). */
export function podSecurityStepRuns(): number {
  return stepRuns;
}

/**
 * Evaluates a pod with Kyverno's check selection; returns the failed checks only, in check-ID order. With
 * `only`, just the steps of those check IDs run (an exclusion only reads its control's results).
 */
export function evaluateKyvernoChecks(pod: PssPod, level: 'baseline' | 'restricted', version: PssVersion, psaMax: number = KYVERNO_PSA_MAX_VERSION, only?: readonly string[]): KyvernoCheckResult[] {
  const meta = pod.metadata ?? {};
  const out: KyvernoCheckResult[] = [];
  for (const { id, step } of stepsFor(level, version, psaMax, only)) {
    stepRuns++;
    if (step.allows?.(meta, pod.spec)) continue;
    const r = step.checkPod(meta, pod.spec);
    if (r.allowed) continue;
    out.push({ id, forbiddenReason: r.forbiddenReason ?? '', forbiddenDetail: r.forbiddenDetail ?? '', errors: toKyvernoErrors(r.errors) });
  }
  return out;
}

/** Go's `%+v` for the bad values checks report: strings bare, slices as `[a b]`. */
function goPlusV(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goPlusV).join(' ')}]`;
  return String(v);
}

/** One field error as FormatChecksPrint prints it. */
function formatKyvernoFieldError(e: KyvernoFieldError): string {
  const hasBadValue = !(e.badValue === undefined || e.badValue === '');
  if (e.type === 'Forbidden' && hasBadValue) return `${e.field} is forbidden, forbidden values found: ${goPlusV(e.badValue)}`;
  // field.Error.Error() with an empty detail: `<field>: Forbidden` / `<field>: Required value`.
  return `${e.field}: ${e.type === 'Required' ? 'Required value' : 'Forbidden'}`;
}

/** `(Forbidden reason: <reason>, field error list: [<errors>])` per check, concatenated. */
export function formatChecksPrint(checks: readonly KyvernoCheckResult[]): string {
  return checks.map((c) => `(Forbidden reason: ${c.forbiddenReason}, field error list: [${c.errors.map(formatKyvernoFieldError).join(', ')}])`).join('');
}
