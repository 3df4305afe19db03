// Slows down guessing the admin key: counts failed key checks per client address. After ten
// different wrong keys the address must wait before its next attempt (1 s, doubling with each
// further new one, capped at 5 minutes); a success, or a quiet quarter of an hour, forgets them.
// The same wrong key again is not a new guess: an app retrying a stale key never makes the admin
// wait. Every wait ends: nobody is locked out for good. Holds addresses, counts and short digests
// of recent wrong keys (never a key), in a bounded map.
export interface FailedAuthThrottle {
  /** How long `client` must still wait before a key is checked for it, in ms (0: not at all). */
  waitMs(client: string): number;
  /** A wrong key from `client`; `guess` identifies it (a digest), so a repeat is not counted again. */
  failed(client: string, guess: string): void;
  succeeded(client: string): void;
  /** Addresses currently remembered. */
  size(): number;
}

export interface FailedAuthThrottleOptions {
  now: () => number;
  /** Failures in a row before the first wait. */
  freeFailures?: number;
  firstWaitMs?: number;
  maxWaitMs?: number;
  /** Failures older than this (since the last one) are forgotten. */
  forgetAfterMs?: number;
  /** Addresses remembered at most; the longest quiet is dropped first. */
  maxClients?: number;
}

/** Recent distinct wrong keys remembered per address, to tell a repeat from a new guess. */
const REMEMBERED_GUESSES = 16;

interface ClientRecord {
  failures: number;
  /** The last few distinct wrong keys (digests), newest last. */
  guesses: string[];
  lastFailureAt: number;
  waitUntil: number;
}

export function createFailedAuthThrottle(options: FailedAuthThrottleOptions): FailedAuthThrottle {
  const freeFailures = options.freeFailures ?? 10;
  const firstWaitMs = options.firstWaitMs ?? 1_000;
  const maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
  const forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
  const maxClients = options.maxClients ?? 10_000;
  // Insertion order = order of last failure: the first entry is the longest quiet.
  const clients = new Map<string, ClientRecord>();

  const current = (client: string, now: number): ClientRecord | undefined => {
    const record = clients.get(client);
    if (record && now - record.lastFailureAt >= forgetAfterMs) {
      clients.delete(client);
      return undefined;
    }
    return record;
  };

  return {
    waitMs(client) {
      const now = options.now();
      const record = current(client, now);
      return record ? Math.max(0, record.waitUntil - now) : 0;
    },
    failed(client, guess) {
      const now = options.now();
      const record = current(client, now);
      if (record?.guesses.includes(guess)) return;
      const failures = (record?.failures ?? 0) + 1;
      const guesses = [...(record?.guesses ?? []), guess].slice(-REMEMBERED_GUESSES);
      clients.delete(client);
      if (clients.size >= maxClients) clients.delete(clients.keys().next().value!);
      const wait = failures < freeFailures ? 0 : Math.min(maxWaitMs, firstWaitMs * 2 ** Math.min(failures - freeFailures, 30));
      clients.set(client, { failures, guesses, lastFailureAt: now, waitUntil: now + wait });
    },
    succeeded(client) {
      clients.delete(client);
    },
    size: () => clients.size,
  };
}
