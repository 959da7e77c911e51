// Injectable time and randomness for Kyverno's JMESPath functions: evaluation never reads the
// wall clock itself (time_now, time_since) nor Math.random (random). Defaults are set by the host.

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
