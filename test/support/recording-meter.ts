// A RequestMeter for tests that admits everything and records every finish() call, so a test
// can wait (by event, not by clock) for the gateway to settle a request and check it settled
// exactly once with the right status. Never refuses, never touches storage.
import type { FinishedRequest, RequestMeter } from '../../main/metering/request-meter.js';

export interface RecordingMeter {
  meter: RequestMeter;
  /** Every finish() in call order. */
  finished: FinishedRequest[];
  /** Resolves once `n` requests have finished in total. */
  waitForFinished(n: number): Promise<FinishedRequest[]>;
}

export function createRecordingMeter(): RecordingMeter {
  const finished: FinishedRequest[] = [];
  const waiters: { n: number; resolve: (all: FinishedRequest[]) => void }[] = [];
  return {
    finished,
    meter: {
      admit: () => ({
        headers: {},
        cover: () => undefined,
        finish(result) {
          finished.push(result);
          for (const waiter of [...waiters]) {
            if (finished.length >= waiter.n) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(finished);
            }
          }
        },
      }),
    },
    waitForFinished(n) {
      return new Promise((resolve) => {
        if (finished.length >= n) resolve(finished);
        else waiters.push({ n, resolve });
      });
    },
  };
}
