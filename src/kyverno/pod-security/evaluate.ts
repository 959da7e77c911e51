// The `validate.podSecurity` subrule: finds the pod (spec and metadata) in a Pod or pod controller,
// evaluates it with Kyverno's PSS check selection and exclusions, rewrites field paths for
// controllers, and builds Kyverno's pass/fail/error messages.
// Mirrors kyverno@v1.10.7:pkg/engine/handlers/validation/validate_pss.go (Process, getSpec, convertChecks)
// and pkg/pss/evaluate.go (ParseVersion, EvaluatePod).
import type { KubeObject } from '../../kube/index.js';
import { type PssPod, type PssVersion, parsePssVersion } from '../../pss/index.js';
import { isObject } from '../../util/index.js';
import { evaluateKyvernoChecks, formatChecksPrint, type KyvernoCheckResult } from './checks.js';
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

/** The pod Kyverno evaluates; for CronJob the metadata is the job template's, not the pod template's (upstream quirk). */
function podOf(resource: KubeObject): PssPod | undefined {
  const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((cur, k) => (isObject(cur) ? cur[k] : undefined), v);
  let spec: unknown;
  let metadata: unknown;
  if (resource.kind === 'Pod') {
    spec = resource.spec;
    metadata = resource.metadata;
  } else if (TEMPLATE_KINDS.has(resource.kind)) {
    spec = at(resource, 'spec', 'template', 'spec');
    metadata = at(resource, 'spec', 'template', 'metadata');
  } else if (resource.kind === 'CronJob') {
    spec = at(resource, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
    metadata = at(resource, 'spec', 'jobTemplate', 'metadata');
  } else {
    return undefined;
  }
  // Go unmarshals a missing spec into an empty struct.
  return { spec: isObject(spec) ? spec : {}, metadata: isObject(metadata) ? (metadata as PssPod['metadata']) : {} };
}

/** Rewrites error fields to the controller's paths, as convertChecks does by plain string replacement. */
function convertChecks(checks: KyvernoCheckResult[], kind: string): KyvernoCheckResult[] {
  const specPrefix = TEMPLATE_KINDS.has(kind) ? 'spec.template.spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : undefined;
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

/** Evaluates a `validate.podSecurity` rule against a Pod or pod controller. */
/** `psaMax`: the newest PSA policy minor the engine profile's bundled library knows. */
export function evaluatePodSecurityRule(resource: KubeObject, rule: PodSecurityRule, psaMax?: number): PodSecurityRuleResult {
  const name = rule.name ?? '';
  const pod = podOf(resource);
  if (!pod) return { status: 'error', message: 'Error while getting new resource: could not find correct resource type' };
  const versionText = rule.version ?? '';
  const version: PssVersion | undefined = versionText === '' ? 'latest' : parsePssVersion(versionText);
  if (version === undefined) return { status: 'error', message: `failed to parse pod security api version: invalid version ${JSON.stringify(versionText)}` };
  const excludes = parseExcludes(rule.exclude ?? []);
  if (typeof excludes === 'string') return { status: 'error', message: `invalid podSecurity rule: ${excludes}` };
  const level = rule.level;
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
    return { status: 'error', message: `invalid podSecurity rule: unknown level ${JSON.stringify(level)}` };
  }
  let failed: KyvernoCheckResult[] = [];
  if (level !== 'privileged') {
    failed = evaluateKyvernoChecks(pod, level, version, psaMax);
    if (excludes.length > 0) failed = applyPodSecurityExclusion(failed, excludes, pod, level, version, psaMax);
  }
  const checks = { level, version: versionText, checks: convertChecks(failed, resource.kind) };
  if (checks.checks.length === 0) return { status: 'pass', message: `Validation rule '${name}' passed.`, checks };
  return {
    status: 'fail',
    message: `Validation rule '${name}' failed. It violates PodSecurity "${level}:${versionText}": ${formatChecksPrint(checks.checks)}`,
    checks,
  };
}
