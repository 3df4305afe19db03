// The retry loop's wait between attempts (proxy-inference's deps.sleep): node:timers/promises'
// setTimeout, ended early by the request's abort signal. Rejects with the signal's own reason
// (the GatewayError the caller aborted with), never Node's generic AbortError.
import { setTimeout as sleep } from 'node:timers/promises';

export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    // Node rejects with an AbortError carrying the reason as its cause; the caller rethrows what
    // it gets as the request's outcome, so hand back the reason itself.
    if (signal.aborted) throw signal.reason;
    throw error;
  }
}
