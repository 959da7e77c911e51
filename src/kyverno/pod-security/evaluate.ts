// The `validate.podSecurity` subrule: finds the pod (spec and metadata) in a Pod or pod controller,
// evaluates it with Kyverno's PSS check selection and exclusions, rewrites field paths for
// controllers, and builds Kyverno's pass/fail/error messages.
// Mirrors kyverno@v1.10.7:pkg/engine/handlers/validation/validate_pss.go (Process, getSpec, convertChecks)
// and pkg/pss/evaluate.go (ParseVersion, EvaluatePod).
import type { KubeObject } from '../../kube/index.js';
import { CHECKS, type PssPod, type PssVersion, parsePssVersion } from '../../pss/index.js';
import { isObject, RecentMap, REQUEST_MEMO_SLOTS } from '../../util/index.js';
import { evaluateKyvernoChecks, formatChecksPrint, KYVERNO_PSA_MAX_VERSION, type KyvernoCheckResult } from './checks.js';
import { applyPodSecurityExclusion, type PodSecurityExclude } from './exclude.js';

/** The `validate.podSecurity` block of a rule, plus the rule's name for messages. */
export interface PodSecurityRule {
  /** Rule name used in messages (`autogen-…` for generated rules). */
  name?: string;
  level: string;
  version?: string;
  exclude?: unknown[];
}

/** The subrule's verdict, in Kyverno's vocabulary. */
export interface PodSecurityRuleResult {
  /** pass: no check failed after exclusions; fail: some did; error: the rule or resource could not be evaluated. */
  status: 'pass' | 'fail' | 'error';
  message: string;
  /** Failed checks (after exclusions), as Kyverno's PodSecurityChecks carry them. */
  checks?: { level: string; version: string; checks: KyvernoCheckResult[] };
}

const TEMPLATE_KINDS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** The value at a path of object keys, or undefined. */
function at(v: unknown, keys: readonly string[]): unknown {
  let cur = v;
  for (const k of keys) cur = isObject(cur) ? cur[k] : undefined;
  return cur;
}

const TEMPLATE_SPEC = ['spec', 'template', 'spec'];
const TEMPLATE_METADATA = ['spec', 'template', 'metadata'];
const CRONJOB_SPEC = ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
const CRONJOB_METADATA = ['spec', 'jobTemplate', 'metadata'];

/** The pod Kyverno evaluates; for CronJob the metadata is the job template's, not the pod template's (upstream quirk). */
function podOf(resource: KubeObject): PssPod | undefined {
  let spec: unknown;
  let metadata: unknown;
  if (resource.kind === 'Pod') {
    spec = resource.spec;
    metadata = resource.metadata;
  } else if (TEMPLATE_KINDS.has(resource.kind)) {
    spec = at(resource, TEMPLATE_SPEC);
    metadata = at(resource, TEMPLATE_METADATA);
  } else if (resource.kind === 'CronJob') {
    spec = at(resource, CRONJOB_SPEC);
    metadata = at(resource, CRONJOB_METADATA);
  } else {
    return undefined;
  }
  // Go unmarshals a missing spec into an empty struct.
  return { spec: isObject(spec) ? spec : {}, metadata: isObject(metadata) ? (metadata as PssPod['metadata']) : {} };
}

/** True when an error field names `metadata` (convertChecks rewrites it for every kind). */
function namesMetadata(checks: readonly KyvernoCheckResult[]): boolean {
  for (const c of checks) for (const e of c.errors) if (e.field.includes('metadata')) return true;
  return false;
}

/**
 * Rewrites error fields to the controller's paths, as convertChecks does by plain string replacement. A Pod's
 * checks without a metadata field are left as they are (the same list: results are never changed in place).
 */
function convertChecks(checks: KyvernoCheckResult[], kind: string): KyvernoCheckResult[] {
  const specPrefix = TEMPLATE_KINDS.has(kind) ? 'spec.template.spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : undefined;
  if (specPrefix === undefined && !namesMetadata(checks)) return checks;
  return checks.map((c) => ({
    ...c,
    errors: c.errors.map((e) => {
      let field = specPrefix ? e.field.replaceAll('spec', specPrefix) : e.field;
      // Applied to every kind, Pods included (upstream behaviour).
      field = field.replaceAll('metadata', 'spec.template.metadata');
      return { ...e, field };
    }),
  }));
}

function parseExcludes(raw: readonly unknown[]): PodSecurityExclude[] | string {
  const out: PodSecurityExclude[] = [];
  for (const [i, e] of raw.entries()) {
    if (!isObject(e) || typeof e.controlName !== 'string') return `exclude[${i}].controlName is required`;
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
    const ex: PodSecurityExclude = { controlName: e.controlName };
    const images = strings(e.images);
    const values = strings(e.values);
    if (images) ex.images = images;
    if (values) ex.values = values;
    if (typeof e.restrictedField === 'string') ex.restrictedField = e.restrictedField;
    out.push(ex);
  }
  return out;
}

/** A podSecurity rule with its level, version and exclusions parsed once (see compilePodSecurityRule). */
export type CompiledPodSecurityRule =
  | {
      ok: true;
      name: string;
      level: 'privileged' | 'baseline' | 'restricted';
      version: PssVersion;
      versionText: string;
      excludes: PodSecurityExclude[];
      key: string;
      /** The rule's keys into a resource's failed checks for the last PSA maximum it was evaluated with (failedChecks). */
      keys?: FailedKeys;
    }
  | { ok: false; message: string };

/** Keys of a resource's failed-check lists: this level's, the other level's (same version) and with this rule's exclusions. */
interface FailedKeys {
  psaMax: number;
  own: string;
  other: string;
  excluded: string;
}

/** Parses a podSecurity rule's level, version and exclusions (done once per rule by the engine). */
export function compilePodSecurityRule(rule: PodSecurityRule): CompiledPodSecurityRule {
  const name = rule.name ?? '';
  const versionText = rule.version ?? '';
  const version: PssVersion | undefined = versionText === '' ? 'latest' : parsePssVersion(versionText);
  if (version === undefined) return { ok: false, message: `failed to parse pod security api version: invalid version ${JSON.stringify(versionText)}` };
  const excludes = parseExcludes(rule.exclude ?? []);
  if (typeof excludes === 'string') return { ok: false, message: `invalid podSecurity rule: ${excludes}` };
  const level = rule.level;
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
    return { ok: false, message: `invalid podSecurity rule: unknown level ${JSON.stringify(level)}` };
  }
  return { ok: true, name, level, version, versionText, excludes, key: `${level}:${version}:${JSON.stringify(excludes)}` };
}

// The PSS checks of one resource, shared by every podSecurity rule evaluated on it (a policy library
// repeats the same level and version in many rules): the pod, and the failed checks per level, version
// and exclusions. Keyed by the resource object, which the engine never changes (docs/architecture.md).
interface PodChecks {
  pod: PssPod | undefined;
  failed: Map<string, KyvernoCheckResult[]>;
}

// The few most recent resources (util/recent.ts): no weak-map insert per fresh request object.
const BASELINE_IDS: ReadonlySet<string> = new Set(CHECKS.filter((c) => c.level === 'baseline').map((c) => c.id));
const RESTRICTED_ONLY_IDS: readonly string[] = CHECKS.filter((c) => c.level === 'restricted').map((c) => c.id);

/** Two failed-check lists in check-ID order, with no ID in both, merged in check-ID order. */
function mergeById(a: readonly KyvernoCheckResult[], b: readonly KyvernoCheckResult[]): KyvernoCheckResult[] {
  const out: KyvernoCheckResult[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.id <= b[j]!.id ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

const podChecks = new RecentMap<KubeObject, PodChecks>(REQUEST_MEMO_SLOTS);

// How many times the PSS checks ran (once per resource object and level/version/exclusions); read by tests.
let checkRuns = 0;

/** The number of PSS check runs so far (tests assert that rules share them). */
export function podSecurityCheckRuns(): number {
  return checkRuns;
}

/** The rule's keys for psaMax, made once per rule (a profile has one psaMax), not per resource. */
function keysOf(rule: Extract<CompiledPodSecurityRule, { ok: true }>, psaMax: number): FailedKeys {
  let keys = rule.keys;
  if (keys === undefined || keys.psaMax !== psaMax) {
    const other = rule.level === 'baseline' ? 'restricted' : 'baseline';
    keys = { psaMax, own: `${rule.level}:${rule.version}:${psaMax}`, other: `${other}:${rule.version}:${psaMax}`, excluded: `${rule.key}:${psaMax}` };
    rule.keys = keys;
  }
  return keys;
}

function failedChecks(rule: Extract<CompiledPodSecurityRule, { ok: true }>, pod: PssPod, entry: PodChecks, psaMax: number): KyvernoCheckResult[] {
  if (rule.level === 'privileged') return [];
  const level = rule.level;
  const keys = keysOf(rule, psaMax);
  let failed = entry.failed.get(keys.own);
  if (failed === undefined) {
    // Kyverno's restricted run is every baseline check plus the restricted ones, each with the same steps
    // and in check-ID order. So when the restricted run is there, the baseline result is its baseline
    // checks; when the baseline run is there, the restricted result adds the restricted checks' run to it.
    const other = entry.failed.get(keys.other);
    if (other !== undefined && level === 'baseline') {
      failed = other.filter((c) => BASELINE_IDS.has(c.id));
    } else if (other !== undefined) {
      failed = mergeById(other, evaluateKyvernoChecks(pod, level, rule.version, psaMax, RESTRICTED_ONLY_IDS));
      checkRuns++;
    } else {
      failed = evaluateKyvernoChecks(pod, level, rule.version, psaMax);
      checkRuns++;
    }
    entry.failed.set(keys.own, failed);
  }
  // Exclusions only take failures away: nothing failed, nothing to exclude.
  if (rule.excludes.length === 0 || failed.length === 0) return failed;
  let excluded = entry.failed.get(keys.excluded);
  if (excluded === undefined) {
    excluded = applyPodSecurityExclusion(failed, rule.excludes, pod, level, rule.version, psaMax);
    entry.failed.set(keys.excluded, excluded);
  }
  return excluded;
}

/**
 * Evaluates a compiled `validate.podSecurity` rule against a Pod or pod controller. `psaMax`: the newest
 * PSA policy minor the engine profile's bundled library knows.
 */
export function evaluateCompiledPodSecurityRule(resource: KubeObject, rule: CompiledPodSecurityRule, psaMax: number = KYVERNO_PSA_MAX_VERSION): PodSecurityRuleResult {
  let entry = podChecks.get(resource);
  if (entry === undefined) {
    entry = { pod: podOf(resource), failed: new Map() };
    podChecks.set(resource, entry);
  }
  const { pod } = entry;
  if (!pod) return { status: 'error', message: 'Error while getting new resource: could not find correct resource type' };
  if (!rule.ok) return { status: 'error', message: rule.message };
  const { name, level, versionText } = rule;
  const failed = failedChecks(rule, pod, entry, psaMax);
  if (failed.length === 0) return { status: 'pass', message: `Validation rule '${name}' passed.`, checks: { level, version: versionText, checks: [] } };
  const checks = { level, version: versionText, checks: convertChecks(failed, resource.kind) };
  return {
    status: 'fail',
    message: `Validation rule '${name}' failed. It violates PodSecurity "${level}:${versionText}": ${formatChecksPrint(checks.checks)}`,
    checks,
  };
}

/** Evaluates a `validate.podSecurity` rule against a Pod or pod controller. */
export function evaluatePodSecurityRule(resource: KubeObject, rule: PodSecurityRule, psaMax?: number): PodSecurityRuleResult {
  return evaluateCompiledPodSecurityRule(resource, compilePodSecurityRule(rule), psaMax);
}
