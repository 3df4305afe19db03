// The gateway's own record of a request the playground just sent (its log row, found by request
// id), for the cost the gateway charged and the tokens it counted. The row is written as the
// request ends, so a lookup that comes first tries again a few times before giving up.
import type { ApiClient } from '../../api/create-api-client.js';
import type { SpendLogRow } from '../../../../shared/api/usage-schemas.js';

export interface FindRequestLogOptions {
  attempts?: number;
  pauseMs?: number;
  /** Waits between attempts; the page's setTimeout by default. */
  pause?: (ms: number) => Promise<void>;
}

export async function findRequestLog(api: Pick<ApiClient, 'spendLogs'>, requestId: string, sentAtMs: number, options: FindRequestLogOptions = {}): Promise<SpendLogRow | null> {
  const attempts = options.attempts ?? 4;
  const pause = options.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await pause(options.pauseMs ?? 250);
    // A window around the send: the row's start time is the gateway's clock, on this same machine.
    const page = await api.spendLogs({ start: sentAtMs - 60_000, pageSize: 100 });
    const row = page.data.find((r) => r.request_id === requestId);
    if (row) return row;
  }
  return null;
}
