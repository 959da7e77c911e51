// Public surface of chart/: render the kyverno-policies chart from Helm values, find the chart's traps,
// and answer which Kyverno and chart versions fit a Kubernetes version.
export type { ChartData, ChartMeta, ChartVersion, PolicyGroup, PolicyTemplate, RuleSlots } from './chart-data.js';
export { CHART_VERSIONS, chartData, isChartVersion } from './chart-data.js';
export type { ChartErrorCode, ChartWarning, ChartWarningCode } from './errors.js';
export { ChartRenderError } from './errors.js';
export type { RenderOptions, RenderResult } from './render.js';
export { DELETE_GUARD, effectiveValues, renderChart } from './render.js';
export { applySet, typedSetValue } from './set-values.js';
export type { ValuesError } from './values.js';
export { coalesceValues, formatValuesError, loadValuesFile, mergeValueMaps, parseValuesText } from './values.js';
export type { ChartFit, ChartLine, KyvernoChoice, KyvernoRange, UpgradeStep, VersionMatrix } from './versions.js';
export { CHART_LINES, KYVERNO_MATRIX, kubeMinor, PLAN_KUBERNETES_MIN, planRange, VERIFIED_NOTE, verifiedFor, versionMatrix } from './versions.js';
export { checkValues, VALID_ACTIONS } from './warnings.js';
