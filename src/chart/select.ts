// Which templates render: the podSecurityBaseline / podSecurityRestricted / podSecurityOther helpers.
// Mirrors kyverno@kyverno-policies-chart-3.0.7:charts/kyverno-policies/templates/_helpers.tpl.
import type { JsonObject, JsonValue } from '../util/index.js';
import type { PolicyTemplate } from './chart-data.js';
import { ChartRenderError } from './errors.js';
import { goTypeName } from './go-values.js';

/** sprig `has`: nil haystack is false, a non-list haystack fails the render. */
function has(name: string, haystack: JsonValue | undefined, path: string): boolean {
  if (haystack === undefined || haystack === null) return false;
  if (!Array.isArray(haystack)) throw new ChartRenderError('CHART_RENDER_FAILED', `${path}: Cannot find has on type ${goTypeName(haystack)} (must be a list)`, path);
  return haystack.includes(name);
}

/** Go template `eq` of podSecurityStandard with a profile name. */
function profileIs(values: JsonObject, profile: string): boolean {
  const v = values.podSecurityStandard;
  if (typeof v !== 'string') throw new ChartRenderError('CHART_RENDER_FAILED', `podSecurityStandard: incompatible types for comparison (${goTypeName(v)})`, 'podSecurityStandard');
  return v === profile;
}

/** The podSecurityBaseline / podSecurityRestricted / podSecurityOther helpers of _helpers.tpl. */
export function isSelected(t: PolicyTemplate, values: JsonObject): boolean {
  const custom = () => profileIs(values, 'custom') && has(t.name, values.podSecurityPolicies, 'podSecurityPolicies');
  if (t.group === 'baseline') return profileIs(values, 'baseline') || profileIs(values, 'restricted') || custom();
  if (t.group === 'restricted') return profileIs(values, 'restricted') || custom() || has(t.name, values.includeRestrictedPolicies, 'includeRestrictedPolicies');
  return has(t.name, values.includeOtherPolicies, 'includeOtherPolicies');
}

