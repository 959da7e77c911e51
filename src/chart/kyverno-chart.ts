// The kyverno chart's default values (3.0.9 ships Kyverno 1.10.7, 3.2.6 ships 1.12.5), kept as data in
// data/kyverno-chart/<version>.json (scripts/extract-kyverno-chart-values.mjs reads the reference charts).
// podgate does not render this chart; `migrate upgrade` translates values files between the two versions.
import type { JsonObject } from '../util/index.js';
import chart309 from './data/kyverno-chart/3.0.9.json' with { type: 'json' };
import chart326 from './data/kyverno-chart/3.2.6.json' with { type: 'json' };

/** kyverno chart versions podgate knows the values of. */
export const KYVERNO_CHART_VERSIONS = ['3.0.9', '3.2.6'] as const;
export type KyvernoChartVersion = (typeof KYVERNO_CHART_VERSIONS)[number];

/** The chart's values.yaml defaults. */
export function kyvernoChartDefaults(version: KyvernoChartVersion): JsonObject {
  return (version === '3.2.6' ? chart326.defaults : chart309.defaults) as unknown as JsonObject;
}
