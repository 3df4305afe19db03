// The admission retry every budget ledger (a key's, an app's) makes before refusing: a refusal
// while money is held may be for requests that already finished but whose usage rows are not yet
// written, so the caller's beforeRefusing (the usage flush) runs once and the hold is asked again.
// Synchronous when the engine is (SQLite): no Promise on the admission path unless one was made.
import type { Clock } from '../storage/clock.js';
import type { ReserveResult } from './budget-ledger.js';

/** One reservation attempt of a ledger's bound unit: (who, request, amount, now, lease end). */
export type ReserveAttempt = (id: string, requestId: string, est: number, now: number, leaseUntil: number) => ReserveResult | Promise<ReserveResult>;

export interface RetryAfterSettlingOptions {
  clock: Clock;
  leaseMs: number;
  beforeRefusing?: () => unknown;
}

/** Runs `attempt` now; refused with money held, settles finished requests and runs it once more. */
export function retryAfterSettling(options: RetryAfterSettlingOptions, attempt: ReserveAttempt, id: string, requestId: string, est: number): ReserveResult | Promise<ReserveResult> {
  const tryOnce = () => {
    const now = options.clock.now();
    return attempt(id, requestId, est, now, now + options.leaseMs);
  };
  const retryIfHeld = (first: ReserveResult): ReserveResult | Promise<ReserveResult> => {
    if (first.ok || first.reason !== 'budget_exceeded' || first.reservedMicros === 0 || options.beforeRefusing === undefined) return first;
    // On PostgreSQL the flush is a Promise: ask again once it has written (or failed: the second
    // answer is then the same refusal, which is right while the database refuses writes).
    const settled = options.beforeRefusing();
    return settled instanceof Promise ? settled.then(tryOnce, tryOnce) : tryOnce();
  };
  const first = tryOnce();
  return first instanceof Promise ? first.then(retryIfHeld) : retryIfHeld(first);
}
