import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/core/gateway-error.js';
import { sleepUnlessAborted } from '../../../main/gateway/sleep-unless-aborted.js';

describe('sleep-unless-aborted', () => {
  it('resolves once the time has passed', async () => {
    await expect(sleepUnlessAborted(0, new AbortController().signal)).resolves.toBeUndefined();
  });

  it('rejects with the signal\'s own reason when aborted during the wait (the retry loop rethrows it as is)', async () => {
    const controller = new AbortController();
    const reason = new GatewayError('client_closed', 'The client closed the connection');
    // An hour: only the abort can end this wait.
    const sleeping = sleepUnlessAborted(3_600_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('rejects at once with the reason when the signal is already aborted', async () => {
    const reason = new GatewayError('upstream_timeout', 'The request timed out');
    await expect(sleepUnlessAborted(3_600_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
