// Renders the kyverno-policies chart: values (Helm-merged) → the ClusterPolicies `helm template` prints,
// as objects in Helm's order. Each template's body comes from data/<version>/chart.json; this file
// fills its slots the way the template's `{{ ... }}` blocks do. Mirrors
// kyverno@kyverno-policies-chart-3.0.7:charts/kyverno-policies/templates/{_helpers.tpl,baseline,restricted,other}/.
import type { KubeObject } from '../kube/index.js';
import { clone, isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';
import { type ChartData, type ChartVersion, chartData, type PolicyTemplate, type RuleSlots } from './chart-data.js';
import { ChartRenderError, type ChartWarning } from './errors.js';
import { goPrint, goTypeName, isTruthy, renderQuoted, renderUnquoted, sprigMerge, toYamlValue } from './go-values.js';
import { formatKubeVersion, parseSemver, satisfies } from './semver.js';
import { applySet } from './set-values.js';
import { coalesceValues, mergeValueMaps } from './values.js';
import { isSelected } from './select.js';
import { checkValues } from './warnings.js';

/** What to render: chart version, values files (in -f order), --set arguments, release. */
export interface RenderOptions {
  version: ChartVersion;
  values: JsonObject[];
  set: string[];
  /** Release name (default `kyverno-policies`). */
  release?: string;
  /** Release namespace (default `kyverno`). */
  namespace?: string;
  /** Kubernetes version to check the chart's kubeVersion against (like `helm template --kube-version`). */
  kubernetes?: string;
}

/** The rendered policies, Helm's `# Source:` path of each, and the traps found in the values. */
export interface RenderResult {
  policies: KubeObject[];
  /** Template path of each policy, parallel to policies. */
  sources: string[];
  warnings: ChartWarning[];
}

/** The DELETE guard the chart puts first in the preconditions of rules using `deny`. */
export const DELETE_GUARD: JsonObject = { key: "{{ request.operation || 'BACKGROUND' }}", operator: 'NotEquals', value: 'DELETE' };

/** The values the templates see: -f files merged in order, --set applied, coalesced with values.yaml. */
export function effectiveValues(data: ChartData, files: readonly JsonObject[], set: readonly string[]): { values: JsonObject; user: JsonObject } {
  let user: JsonObject = {};
  for (const f of files) user = mergeValueMaps(user, clone(f));
  for (const s of set) applySet(user, s);
  return { values: coalesceValues(data.defaults, user), user };
}

/** Renders the chart like `helm template` and collects warnings for its traps. */
export function renderChart(opts: RenderOptions): RenderResult {
  const data = chartData(opts.version);
  const { values, user } = effectiveValues(data, opts.values, opts.set);
  if (opts.kubernetes !== undefined) checkKubeVersion(data, opts.kubernetes);
  const release = opts.release ?? 'kyverno-policies';
  const warnings = checkValues(data, values, user);
  const labels = chartLabels(data, values, release, warnings);
  const policies: KubeObject[] = [];
  const sources: string[] = [];
  for (const t of data.policies) {
    if (!isSelected(t, values)) continue;
    if (t.kyvernoCheck) checkKyvernoVersion(t.kyvernoCheck, values);
    policies.push(renderPolicy(t, values, labels));
    sources.push(`${data.chart.name}/${t.source}`);
  }
  return { policies, sources, warnings };
}

/** Helm's kubeVersion gate (`chart requires kubeVersion: ... which is incompatible with Kubernetes ...`). */
function checkKubeVersion(data: ChartData, kubernetes: string): void {
  const v = parseSemver(kubernetes);
  if (!v) throw new ChartRenderError('CHART_KUBE_VERSION', `invalid Kubernetes version ${JSON.stringify(kubernetes)}`);
  if (satisfies(v, data.chart.kubeVersion) === false) {
    throw new ChartRenderError(
      'CHART_KUBE_VERSION',
      `chart requires kubeVersion: ${data.chart.kubeVersion} which is incompatible with Kubernetes ${formatKubeVersion(v)}`,
    );
  }
}

/** `supportedKyvernoCheck`: autodetect finds no Deployment under `helm template`, so only an explicit version is checked. */
function checkKyvernoVersion(constraint: string, values: JsonObject): void {
  const kv = values.kyvernoVersion;
  const version = kv === 'autodetect' ? '' : goPrint(kv);
  if (version === '') return;
  const v = parseSemver(version);
  if (!v) throw new ChartRenderError('CHART_KYVERNO_VERSION', 'error calling semverCompare: Invalid Semantic Version', 'kyvernoVersion');
  if (satisfies(v, constraint) === false) throw new ChartRenderError('CHART_KYVERNO_VERSION', `Kyverno version is too low, expected ${constraint}`, 'kyvernoVersion');
}

/** `index .Values section key`: missing keys are nil; indexing a non-map fails like Go's index. */
function indexValues(values: JsonObject, section: string, key: string): JsonValue | undefined {
  const m = values[section];
  if (m === undefined || m === null) throw new ChartRenderError('CHART_RENDER_FAILED', `${section}: error calling index: index of untyped nil`, section);
  if (!isObject(m)) throw new ChartRenderError('CHART_RENDER_FAILED', `${section}: error calling index: cannot index ${goTypeName(m)} with string`, section);
  return m[key];
}

/** The rule-level lookup: one key as is, several keys through sprig merge (first key wins). */
function lookupSlot(values: JsonObject, section: string, keys: readonly string[]): JsonValue | undefined {
  if (keys.length === 1) return indexValues(values, section, keys[0]!);
  try {
    return sprigMerge(keys.map((k) => indexValues(values, section, k)));
  } catch (err) {
    if (err instanceof ChartRenderError && !err.path) throw new ChartRenderError(err.code, `${section}.${keys.join('/')}: ${err.message}`, `${section}.${keys[0]}`);
    throw err;
  }
}

/** The `kyverno-policies.labels` helper, plus customLabels. */
function chartLabels(data: ChartData, values: JsonObject, release: string, warnings: ChartWarning[]): JsonObject {
  const trim = (s: string) => s.slice(0, 63).replace(/-+$/, '');
  const nameOverride = values.nameOverride;
  const name = trim(isTruthy(nameOverride) ? goPrint(nameOverride) : data.chart.name);
  const version = data.chart.version.replace(/\+/g, '_');
  const labels: JsonObject = {
    'app.kubernetes.io/component': 'kyverno',
    'app.kubernetes.io/instance': renderUnquoted(release, 'release name'),
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': renderUnquoted(name, 'nameOverride'),
    'app.kubernetes.io/part-of': renderUnquoted(name, 'nameOverride'),
    'app.kubernetes.io/version': version,
    'helm.sh/chart': renderUnquoted(trim(`${data.chart.name}-${version}`), 'chart name'),
  };
  const custom = values.customLabels;
  if (isTruthy(custom)) {
    if (!isObject(custom)) throw new ChartRenderError('CHART_RENDER_FAILED', `customLabels: must be a map, got ${goTypeName(custom)}`, 'customLabels');
    for (const [k, v] of Object.entries(toYamlValue(custom) as JsonObject)) {
      if (Object.hasOwn(labels, k)) {
        warnings.push({ code: 'CHART_LABEL_OVERRIDDEN', path: `customLabels.${k}`, message: `customLabels.${k} repeats a label the chart sets; the later duplicate key wins` });
      }
      setOwn(labels, k, v);
    }
  }
  return labels;
}

/** Renders one template with its slots filled. */
function renderPolicy(t: PolicyTemplate, values: JsonObject, labels: JsonObject): KubeObject {
  const policy = clone(t.body);
  if (policy.kind === null) policy.kind = renderUnquoted(values.policyKind, 'policyKind');
  const meta = policy.metadata as JsonObject;
  const ann = meta.annotations as JsonObject;
  fillOptional(ann, 'pod-policies.kyverno.io/autogen-controllers', values.autogenControllers, (v) => renderUnquoted(v, 'autogenControllers'));
  fillOptional(ann, 'policies.kyverno.io/severity', values.podSecuritySeverity, (v) => (t.severityQuoted ? renderQuoted(v) : renderUnquoted(v, 'podSecuritySeverity')));
  meta.labels = clone(labels);
  const spec = policy.spec as JsonObject;
  const byPolicy = indexValues(values, 'validationFailureActionByPolicy', t.name);
  spec.validationFailureAction = isTruthy(byPolicy) ? toYamlValue(byPolicy!) : renderUnquoted(values.validationFailureAction, 'validationFailureAction');
  const overrides = actionOverrides(values, t.name);
  if (overrides.length > 0) spec.validationFailureActionOverrides = toYamlValue(overrides);
  else delete spec.validationFailureActionOverrides;
  spec.background = renderUnquoted(values.background, 'background');
  spec.failurePolicy = renderUnquoted(values.failurePolicy, 'failurePolicy');
  const rules = spec.rules as JsonObject[];
  t.rules.forEach((slots, i) => {
    const rule = rules[i];
    if (rule) renderRule(rule, slots, values);
  });
  return policy as unknown as KubeObject;
}

/** Sets key from a truthy value, or removes the slot (an `{{- if }}`/`{{- with }}` that rendered nothing). */
function fillOptional(obj: JsonObject, key: string, v: JsonValue | undefined, render: (v: JsonValue) => JsonValue): void {
  if (!Object.hasOwn(obj, key)) return;
  if (isTruthy(v)) obj[key] = render(v!);
  else delete obj[key];
}

/** `concat overrides.all (default list overrides[name])`. */
function actionOverrides(values: JsonObject, name: string): JsonValue[] {
  const all = indexValues(values, 'validationFailureActionOverrides', 'all');
  const own = indexValues(values, 'validationFailureActionOverrides', name);
  if (!Array.isArray(all)) throw new ChartRenderError('CHART_RENDER_FAILED', `validationFailureActionOverrides.all: Cannot concat type ${goTypeName(all)} as list`, 'validationFailureActionOverrides.all');
  if (isTruthy(own) && !Array.isArray(own)) {
    throw new ChartRenderError('CHART_RENDER_FAILED', `validationFailureActionOverrides.${name}: Cannot concat type ${goTypeName(own)} as list`, `validationFailureActionOverrides.${name}`);
  }
  return [...all, ...(Array.isArray(own) ? own : [])];
}

/** Fills a rule's exclude, preconditions and skipBackgroundRequests slots. */
function renderRule(rule: JsonObject, slots: RuleSlots, values: JsonObject): void {
  const exclude = lookupSlot(values, 'policyExclude', slots.exclude);
  if (isTruthy(exclude)) rule.exclude = toYamlValue(exclude!);
  else delete rule.exclude;
  if (slots.preconditions) {
    const pre = lookupSlot(values, 'policyPreconditions', slots.preconditions.keys);
    const rendered = slots.preconditions.deleteGuard ? guardedPreconditions(pre, slots.preconditions.keys[0]!) : isTruthy(pre) ? toYamlValue(pre!) : undefined;
    if (rendered === undefined) delete rule.preconditions;
    else rule.preconditions = rendered;
  }
  if (slots.skipBackgroundRequests) {
    const skip = values.skipBackgroundRequests;
    if (skip === undefined || skip === null) delete rule.skipBackgroundRequests;
    else rule.skipBackgroundRequests = renderUnquoted(skip, 'skipBackgroundRequests');
  }
}

/** Preconditions of a `deny` rule: the DELETE guard, then the user's `all`; a block without `all` replaces the guard. */
function guardedPreconditions(pre: JsonValue | undefined, key: string): JsonValue {
  if (!isTruthy(pre)) return { all: [clone(DELETE_GUARD)] };
  if (!isObject(pre)) throw new ChartRenderError('CHART_RENDER_FAILED', `policyPreconditions.${key}: can't evaluate field all in type ${goTypeName(pre)}`, `policyPreconditions.${key}`);
  const all = pre.all;
  if (!isTruthy(all)) return toYamlValue(pre);
  if (!Array.isArray(all)) throw new ChartRenderError('CHART_RENDER_FAILED', `policyPreconditions.${key}.all: must be a list (a map after the DELETE guard item is invalid YAML)`, `policyPreconditions.${key}.all`);
  return { all: [clone(DELETE_GUARD), ...(toYamlValue(all) as JsonValue[])] };
}
