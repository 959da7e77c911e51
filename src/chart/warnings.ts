// Finds the kyverno-policies chart's silent traps in a set of values: keys the templates never read,
// rule-name keys the single-rule templates ignore, preconditions that drop the DELETE guard, and
// spellings the target Kyverno rejects. Derived from the 3.0.7/3.2.5 templates (see render.ts).
import { isObject, type JsonObject, type JsonValue } from '../util/index.js';
import type { ChartData, PolicyTemplate } from './chart-data.js';
import type { ChartWarning } from './errors.js';
import { isTruthy, sprigMerge } from './go-values.js';
import { isSelected } from './select.js';
import { didYouMean } from './suggest.js';

/** Spellings of validationFailureAction the Kyverno 1.10/1.12 CRD enum accepts. */
export const VALID_ACTIONS = ['Audit', 'Enforce', 'audit', 'enforce'] as const;
const PROFILES = ['baseline', 'restricted', 'privileged', 'custom'];
const SEVERITIES = ['high', 'medium', 'low'];

/** Checks effective values (and the user's own keys) against one chart version. */
export function checkValues(data: ChartData, values: JsonObject, user: JsonObject): ChartWarning[] {
  const out: ChartWarning[] = [];
  const names = data.policies.map((p) => p.name);
  const byName = new Map(data.policies.map((p) => [p.name, p]));
  const selected = new Set(data.policies.filter((p) => safeSelected(p, values)).map((p) => p.name));
  const app = `Kyverno ${data.chart.appVersion} (chart ${data.chart.version})`;

  for (const k of Object.keys(user)) {
    if (!Object.hasOwn(data.defaults, k)) {
      out.push({ code: 'CHART_UNKNOWN_KEY', path: k, message: `${k}: chart ${data.chart.name} ${data.chart.version} has no such value; it is ignored${didYouMean(k, Object.keys(data.defaults))}` });
    }
  }

  const profile = values.podSecurityStandard;
  if (typeof profile === 'string' && !PROFILES.includes(profile)) {
    out.push({ code: 'CHART_UNKNOWN_PROFILE', path: 'podSecurityStandard', message: `podSecurityStandard: "${profile}" is not a profile; no baseline or restricted policy renders${didYouMean(profile, PROFILES)}` });
  }

  // rule name → the policy whose template reads it as a values key (multi-rule templates merge it)
  const readRuleKeys = new Map<string, PolicyTemplate>();
  const singleRuleNames = new Map<string, PolicyTemplate>();
  for (const p of data.policies) {
    for (const r of p.rules) {
      if (r.exclude.includes(r.name)) readRuleKeys.set(r.name, p);
      else singleRuleNames.set(r.name, p);
    }
  }
  for (const section of ['policyExclude', 'policyPreconditions'] as const) {
    const m = values[section];
    if (!isObject(m)) continue;
    for (const key of Object.keys(m)) {
      const path = `${section}.${key}`;
      const owner = byName.get(key) ?? readRuleKeys.get(key);
      if (owner) {
        if (section === 'policyPreconditions' && key !== owner.name && !owner.rules.find((r) => r.name === key)?.preconditions) {
          out.push({ code: 'CHART_PRECONDITIONS_NO_SLOT', path, message: `${path}: rule ${key} of ${owner.name} has no preconditions in the chart; this key is ignored` });
        } else if (!selected.has(owner.name)) {
          out.push({ code: 'CHART_POLICY_NOT_RENDERED', path, message: `${path}: ${owner.name} is not rendered with these values (profile ${String(profile)}), so this key has no effect` });
        }
        continue;
      }
      const single = singleRuleNames.get(key);
      if (single) {
        out.push({
          code: 'CHART_RULE_KEY_IGNORED',
          path,
          message: `${path}: ${key} is the rule of the single-rule policy ${single.name}, whose template reads only ${section}.${single.name}; this key is silently ignored`,
        });
        continue;
      }
      out.push({ code: 'CHART_UNKNOWN_POLICY', path, message: `${path}: no policy or rule of chart ${data.chart.version} is named ${key}${didYouMean(key, names)}` });
    }
  }

  for (const p of data.policies) {
    if (!selected.has(p.name)) continue;
    for (const r of p.rules) {
      if (!r.preconditions?.deleteGuard) continue;
      const pre = mergedBlock(values.policyPreconditions, r.preconditions.keys);
      if (!isObject(pre) || !isTruthy(pre)) continue;
      const path = `policyPreconditions.${r.preconditions.keys.filter((k) => isObject(values.policyPreconditions) && k in values.policyPreconditions).join('+')}`;
      if (!isTruthy(pre.all)) {
        out.push({
          code: 'CHART_PRECONDITIONS_NO_ALL',
          path,
          message: `${path}: the block has no non-empty "all", so ${p.name}/${r.name} renders it as written and drops the chart's DELETE guard (DELETE requests are then evaluated by the deny rule)`,
        });
      } else {
        const dropped = Object.keys(pre).filter((k) => k !== 'all');
        if (dropped.length > 0) {
          out.push({ code: 'CHART_PRECONDITIONS_KEYS_DROPPED', path, message: `${path}: ${p.name}/${r.name} renders only "all" after the DELETE guard; ${dropped.join(', ')} is dropped` });
        }
      }
    }
  }

  for (const section of ['validationFailureActionByPolicy', 'validationFailureActionOverrides'] as const) {
    const m = values[section];
    if (!isObject(m)) continue;
    for (const key of Object.keys(m)) {
      if ((section === 'validationFailureActionOverrides' && key === 'all') || byName.has(key)) continue;
      const rule = readRuleKeys.get(key) ?? singleRuleNames.get(key);
      const hint = rule ? ` (${key} is a rule of ${rule.name}; this map is keyed by policy name)` : didYouMean(key, names);
      out.push({ code: 'CHART_UNKNOWN_POLICY', path: `${section}.${key}`, message: `${section}.${key}: no policy of chart ${data.chart.version} is named ${key}${hint}` });
    }
  }

  const groups: Record<string, readonly string[]> = {
    podSecurityPolicies: data.policies.filter((p) => p.group !== 'other').map((p) => p.name),
    includeRestrictedPolicies: data.policies.filter((p) => p.group === 'restricted').map((p) => p.name),
    includeOtherPolicies: data.policies.filter((p) => p.group === 'other').map((p) => p.name),
  };
  for (const [list, allowed] of Object.entries(groups)) {
    const v = values[list];
    if (!Array.isArray(v)) continue;
    v.forEach((item, i) => {
      if (typeof item === 'string' && allowed.includes(item)) return;
      const p = typeof item === 'string' ? byName.get(item) : undefined;
      const hint = p ? ` (${item} is a ${p.group} policy; this list selects only ${list === 'includeOtherPolicies' ? 'other' : list === 'includeRestrictedPolicies' ? 'restricted' : 'baseline and restricted'} policies)` : didYouMean(String(item), allowed);
      out.push({ code: 'CHART_UNKNOWN_POLICY', path: `${list}[${i}]`, message: `${list}[${i}]: ${JSON.stringify(item)} selects nothing${hint}` });
    });
  }
  const psp = values.podSecurityPolicies;
  if (profile !== 'custom' && isTruthy(psp)) {
    out.push({ code: 'CHART_POLICIES_IGNORED', path: 'podSecurityPolicies', message: `podSecurityPolicies: read only when podSecurityStandard is "custom" (it is ${JSON.stringify(profile)}); the list is ignored` });
  }

  checkAction(out, 'validationFailureAction', values.validationFailureAction, app);
  const byPolicy = values.validationFailureActionByPolicy;
  if (isObject(byPolicy)) for (const [k, v] of Object.entries(byPolicy)) if (isTruthy(v)) checkAction(out, `validationFailureActionByPolicy.${k}`, v, app);
  const overrides = values.validationFailureActionOverrides;
  if (isObject(overrides)) {
    for (const [k, list] of Object.entries(overrides)) {
      if (!Array.isArray(list)) continue;
      list.forEach((o, i) => {
        if (isObject(o) && o.action !== undefined) checkAction(out, `validationFailureActionOverrides.${k}[${i}].action`, o.action, app);
      });
    }
  }
  const fp = values.failurePolicy;
  if (fp !== 'Fail' && fp !== 'Ignore') {
    out.push({ code: 'CHART_FAILURE_POLICY_INVALID', path: 'failurePolicy', message: `failurePolicy: ${JSON.stringify(fp)} is rejected by the ClusterPolicy CRD (Fail or Ignore)${didYouMean(String(fp), ['Fail', 'Ignore'])}` });
  }
  const sev = values.podSecuritySeverity;
  if (isTruthy(sev) && !SEVERITIES.includes(String(sev))) {
    out.push({ code: 'CHART_SEVERITY_UNMAPPED', path: 'podSecuritySeverity', message: `podSecuritySeverity: ${JSON.stringify(sev)} is not high, medium or low; policy reports leave the severity empty${didYouMean(String(sev), SEVERITIES)}` });
  }
  return out;
}

function checkAction(out: ChartWarning[], path: string, v: JsonValue | undefined, app: string): void {
  if (typeof v === 'string' && (VALID_ACTIONS as readonly string[]).includes(v)) return;
  const lower = typeof v === 'string' ? v.toLowerCase() : '';
  const fix = lower === 'audit' ? 'Audit' : lower === 'enforce' ? 'Enforce' : undefined;
  const hint = fix ? ` (write "${fix}")` : didYouMean(String(v), ['Audit', 'Enforce']);
  out.push({ code: 'CHART_ACTION_SPELLING', path, message: `${path}: ${JSON.stringify(v ?? null)} is rejected by ${app}: the CRD accepts Audit, Enforce, audit or enforce${hint}` });
}

/** The block a rule would see, without failing on wrong types (render reports those). */
function mergedBlock(section: JsonValue | undefined, keys: readonly string[]): JsonValue | undefined {
  if (!isObject(section)) return undefined;
  if (keys.length === 1) return section[keys[0]!];
  try {
    return sprigMerge(keys.map((k) => section[k]));
  } catch {
    return undefined;
  }
}

function safeSelected(p: PolicyTemplate, values: JsonObject): boolean {
  try {
    return isSelected(p, values);
  } catch {
    return false;
  }
}
