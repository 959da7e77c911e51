// The kyverno-policies chart's own content per version, kept as data in data/<version>/chart.json:
// Chart.yaml facts, values.yaml defaults, and each template's policy body with null slots where the
// template has `{{ ... }}` blocks. Mirrors kyverno@kyverno-policies-chart-3.0.7:charts/kyverno-policies/.
import type { JsonObject } from '../util/index.js';
import chart307 from './data/3.0.7/chart.json' with { type: 'json' };
import chart325 from './data/3.2.5/chart.json' with { type: 'json' };

/** Chart versions podgate can render. */
export const CHART_VERSIONS = ['3.0.7', '3.2.5'] as const;
/** One of the chart versions podgate can render. */
export type ChartVersion = (typeof CHART_VERSIONS)[number];

/** Which helper of _helpers.tpl decides whether a template renders. */
export type PolicyGroup = 'baseline' | 'restricted' | 'other';

/** Where values reach one rule: the values keys read, in the order sprig `merge` sees them. */
export interface RuleSlots {
  name: string;
  /** `policyExclude` keys; one key (the policy name) for most rules, rule name first where the template merges. */
  exclude: string[];
  /** `policyPreconditions` keys and whether the template adds the DELETE guard; null when the rule has no slot. */
  preconditions: null | { keys: string[]; deleteGuard: boolean };
  /** True when the rule renders `skipBackgroundRequests` (3.2.x). */
  skipBackgroundRequests: boolean;
}

/** One template: the policy as written in the chart, plus where its slots are. */
export interface PolicyTemplate {
  name: string;
  /** Template path inside the chart, e.g. `templates/baseline/disallow-host-path.yaml`. */
  source: string;
  group: PolicyGroup;
  /** Semver constraint of `supportedKyvernoCheck`, when the template calls it. */
  kyvernoCheck?: string;
  /** True when the severity annotation is rendered through `quote`. */
  severityQuoted: boolean;
  rules: RuleSlots[];
  /** The policy with null in every slot (kind, labels, annotations, spec fields, rule exclude/preconditions). */
  body: JsonObject;
}

/** Chart.yaml facts the templates and the version matrix use. */
export interface ChartMeta {
  name: string;
  version: string;
  appVersion: string;
  kubeVersion: string;
}

/** Everything podgate knows about one chart version. */
export interface ChartData {
  chart: ChartMeta;
  /** values.yaml as shipped. */
  defaults: JsonObject;
  /** Templates in the order `helm template` prints them (sorted by file path). */
  policies: PolicyTemplate[];
}

const DATA: Record<ChartVersion, ChartData> = {
  '3.0.7': chart307 as unknown as ChartData,
  '3.2.5': chart325 as unknown as ChartData,
};

/** True when v names a chart version podgate ships. */
export function isChartVersion(v: string): v is ChartVersion {
  return (CHART_VERSIONS as readonly string[]).includes(v);
}

/** The shipped data of one chart version. */
export function chartData(version: ChartVersion): ChartData {
  return DATA[version];
}
