// Injectable time and randomness for Kyverno's JMESPath functions: evaluation never reads the
// wall clock itself (time_now, time_since) nor Math.random (random). Defaults are set by the host.
// Also the one function behaviour that differs between the Kyverno versions podgate follows
// (time_parse's Unix-seconds layout), set by the engine from its profile before each evaluation.

import { forgetRootMemos } from './root-memo.js';

/** Returns the current instant; tests and the engine inject a fixed clock. */
export type Clock = () => Date;
/** Returns a float in [0, 1), like Math.random. */
export type RandomSource = () => number;

let clock: Clock = () => {
  throw new Error('no JMESPath clock configured: call setJmespathClock first');
};
let random: RandomSource = () => 0;

/** Sets the clock used by time_now, time_now_utc and time_since. */
export function setJmespathClock(next: Clock): void {
  clock = next;
}

/** Sets the random source used by the random() function. */
export function setJmespathRandom(next: RandomSource): void {
  random = next;
}

/** The instant the injected clock reports. */
export function now(): Date {
  return clock();
}

/** A random float from the injected source. */
export function nextRandom(): number {
  return random();
}

let epochLayout = false;

/**
 * Whether time_parse reads an integer layout as "the value is Unix seconds" (Kyverno 1.12, kyverno PR
 * #9173). Off (the default, Kyverno 1.10.7): the layout goes to time.Parse like any other.
 */
export function setJmespathTimeParseEpoch(enabled: boolean): void {
  if (enabled === epochLayout) return;
  epochLayout = enabled;
  // Memoized results of time_parse may have been computed under the other setting.
  forgetRootMemos();
}

/** The setting of setJmespathTimeParseEpoch. */
export function timeParseEpoch(): boolean {
  return epochLayout;
}
