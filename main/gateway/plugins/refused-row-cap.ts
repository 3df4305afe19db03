// Bounds what refused requests may write: each auth refusal is a usage row, but a local process
// (or, in LAN mode, a machine) sending requests without a valid key must not be able to fill the
// disk with rows. Per client address, the first `perMinute` refusals of each minute are recorded;
// the rest are only counted, in one warning line per address and minute. Holds addresses and
// counts (never a key) in a bounded map.
import type { Log } from '../../storage/log.js';

export interface RefusedRowCap {
  /** True when this refusal from `client` may leave its row. */
  admit(client: string): boolean;
}

export interface RefusedRowCapOptions {
  now: () => number;
  log: Pick<Log, 'warn'>;
  /** Rows per client address and minute (default 120). */
  perMinute?: number;
  /** Addresses remembered at most; all are forgotten when it is reached (default 10,000). */
  maxClients?: number;
}

const MINUTE_MS = 60_000;

export function createRefusedRowCap(options: RefusedRowCapOptions): RefusedRowCap {
  const perMinute = options.perMinute ?? 120;
  const maxClients = options.maxClients ?? 10_000;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    admit(client) {
      const now = options.now();
      let window = windows.get(client);
      if (window === undefined || now - window.start >= MINUTE_MS) {
        if (window === undefined && windows.size >= maxClients) windows.clear();
        window = { start: now, count: 0 };
        windows.set(client, window);
      }
      window.count++;
      if (window.count <= perMinute) return true;
      if (window.count === perMinute + 1) {
        options.log.warn({ client }, `more than ${perMinute} requests a minute from ${client} were refused by authentication; the rest of this minute's are refused as before but not recorded as usage rows`);
      }
      return false;
    },
  };
}
