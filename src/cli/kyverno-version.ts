// `--kyverno-version 1.10|1.12`: which Kyverno version's behaviour the engine follows. Without the flag
// the chart version decides (kyverno-policies 3.0.x ships with Kyverno 1.10, 3.2.x with 1.12).
import { Option } from 'commander';
import { type EngineProfile, engineProfile, KYVERNO_VERSIONS, kyvernoForChart } from '../kyverno/index.js';

/** The option, added to every command that evaluates policies. */
export function kyvernoVersionOption(): Option {
  return new Option('--kyverno-version <v>', 'Kyverno version whose behaviour to follow (default: 1.10 for chart 3.0.x, 1.12 for chart 3.2.x)').choices(KYVERNO_VERSIONS);
}

/** The engine profile for the flag, or the one the chart version ships with. */
export function profileFor(kyvernoVersion: string | undefined, chartVersion: string | undefined): EngineProfile {
  return engineProfile(kyvernoVersion === '1.12' || kyvernoVersion === '1.10' ? kyvernoVersion : kyvernoForChart(chartVersion ?? '3.0.7'));
}
