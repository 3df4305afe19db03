// Clock: the one source of "now" (epoch milliseconds) for storage, keys and metering.
// Injected everywhere time matters so tests move time by hand; never read Date.now() directly
// in code that takes a clock.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
