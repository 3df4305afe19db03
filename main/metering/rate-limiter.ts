// Rate limiter: per virtual key requests-per-minute, tokens-per-minute and parallel requests, in
// memory, on an injected clock. Decides and counts in one synchronous call, so two requests can
// never both take the last slot. Never touches the database: limits reset when the process does.
//
// Window: a sliding 60 s log (each admitted request and its tokens, timestamped), not LiteLLM's
// fixed window. A fixed window admits 2x the limit across a boundary (N at 0:59, N at 1:00) and
// tells every client "retry at the boundary"; the sliding log enforces "at most N in any 60 s"
// and gives each client the exact moment a slot frees. Memory is one entry per admitted request
// in the last minute, bounded by the key's own rpm limit.
//
// A team key is also counted in its team's window (rpm/tpm of the team, over all its keys
// together): both windows are checked and counted in the same synchronous call, so 20 requests
// racing through two keys of a team with rpm 5 admit exactly 5.
import type { Clock } from '../storage/clock.js';
import { rateLimitedAnswer } from './rate-limited-answer.js';

export type RateLimitType = 'requests' | 'tokens' | 'parallel_requests';

/** The limits of one key (a VirtualKeyRecord has these fields); null = unlimited. */
export interface RateLimitedKey {
  id: string;
  /** Who the refusal names: the key's alias (the app), else its id. */
  name?: string | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
  /** The key's team's limits, counted over all the team's keys; absent: none. */
  team?: RateLimitedTeam;
}

/** A team's rpm/tpm limits; `name` is how a refusal names it ("team 'research'"). */
export interface RateLimitedTeam {
  id: string;
  name: string;
  rpmLimit: number | null;
  tpmLimit: number | null;
}

/** The window a team's requests are counted in: never a key id (those start `key_`). */
export function teamWindowId(teamId: string): string {
  return `team:${teamId}`;
}

/** The windows one request is counted in: the key's own (when it has limits), then its team's. */
export function countedWindows(key: RateLimitedKey): RateLimitedKey[] {
  const windows: RateLimitedKey[] = [];
  if (key.rpmLimit !== null || key.tpmLimit !== null) windows.push(key);
  const team = key.team;
  if (team !== undefined && (team.rpmLimit !== null || team.tpmLimit !== null)) {
    windows.push({ id: teamWindowId(team.id), name: team.name, rpmLimit: team.rpmLimit, tpmLimit: team.tpmLimit, maxParallelRequests: null });
  }
  return windows;
}

/** Returned by an admitted check; hand it to recordTokens when the response's usage is known. */
export interface RateLimitTicket {
  readonly keyId: string;
}

export interface RateLimited {
  ok: false;
  limitType: RateLimitType;
  /** Whole seconds until a retry can succeed (at least 1), for Retry-After. */
  retryAfterSeconds: number;
  limit: number;
  remaining: number;
  /** Epoch ms when the limit admits this request again. */
  resetAt: number;
  /** `x-ratelimit-*` headers describing the key's state. */
  headers: Record<string, string>;
  message: string;
}

export type RateLimitDecision = { ok: true; ticket: RateLimitTicket; headers: Record<string, string> } | RateLimited;

export type ParallelDecision = { ok: true; lease: ParallelLease } | RateLimited;

/** One held parallel slot; releasing it twice is harmless. */
export interface ParallelLease {
  readonly keyId: string;
}

export interface RateLimiter {
  /**
   * Checks rpm and tpm for one request expected to use `estimatedTokens`. When admitted, the
   * request is counted and its estimate held in the token window until recordTokens().
   */
  check(key: RateLimitedKey, estimatedTokens: number): RateLimitDecision;
  /** Takes a parallel-request slot; call before check, release when the response ends. */
  acquireParallel(key: RateLimitedKey): ParallelDecision;
  release(lease: ParallelLease): void;
  /** Replaces the ticket's token estimate with the real total, counted from now. Once per ticket. */
  recordTokens(ticket: RateLimitTicket, actualTokens: number): void;
  /** Un-counts an admitted request that was then refused (e.g. by the budget). */
  cancel(ticket: RateLimitTicket): void;
  /** The `x-ratelimit-*` headers for the key right now (only for limits the key has). */
  headers(key: RateLimitedKey): Record<string, string>;
  /** Drops a key's state (it was deleted or its limits changed). */
  forget(keyId: string): void;
}

export interface RateLimiterOptions {
  clock: Clock;
  windowMs?: number;
}

interface Entry {
  at: number;
  requests: number;
  tokens: number;
}

interface KeyState {
  entries: Entry[];
  /** Index of the oldest live entry; the array is compacted when half of it is dead. */
  head: number;
  requests: number;
  tokens: number;
  inFlight: number;
}

const NO_WINDOWS: never[] = [];

interface Ticket extends RateLimitTicket {
  /** One per window counted (the key's, the team's), with the entry added to it. */
  counted: { windowId: string; entry: Entry }[];
  done: boolean;
}

interface Lease extends ParallelLease {
  released: boolean;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { clock } = options;
  const windowMs = options.windowMs ?? 60_000;
  const states = new Map<string, KeyState>();

  function stateOf(keyId: string): KeyState {
    let state = states.get(keyId);
    if (state === undefined) {
      state = { entries: [], head: 0, requests: 0, tokens: 0, inFlight: 0 };
      states.set(keyId, state);
    }
    return state;
  }

  function prune(state: KeyState, now: number): void {
    while (state.head < state.entries.length) {
      const entry = state.entries[state.head] as Entry;
      if (entry.at + windowMs > now) break;
      state.requests -= entry.requests;
      state.tokens -= entry.tokens;
      entry.requests = 0;
      entry.tokens = 0;
      state.head++;
    }
    if (state.head > 64 && state.head * 2 > state.entries.length) {
      state.entries = state.entries.slice(state.head);
      state.head = 0;
    }
  }

  /** When enough of the window expires for `used - freed + needed <= limit`; null if never. */
  function whenFits(state: KeyState, field: 'requests' | 'tokens', needed: number, limit: number): number | null {
    let used = state[field];
    if (used + needed <= limit) return clock.now();
    for (let i = state.head; i < state.entries.length; i++) {
      const entry = state.entries[i] as Entry;
      used -= entry[field];
      if (used + needed <= limit) return entry.at + windowMs;
    }
    return null;
  }

  /** When the window next holds nothing of `field` (OpenAI's "reset" header). */
  function whenEmpty(state: KeyState, field: 'requests' | 'tokens'): number {
    for (let i = state.entries.length - 1; i >= state.head; i--) {
      const entry = state.entries[i] as Entry;
      if (entry[field] > 0) return entry.at + windowMs;
    }
    return clock.now();
  }

  function headersFor(key: RateLimitedKey, state: KeyState | undefined): Record<string, string> {
    const now = clock.now();
    const headers: Record<string, string> = {};
    if (key.rpmLimit !== null) {
      const used = state?.requests ?? 0;
      headers['x-ratelimit-limit-requests'] = String(key.rpmLimit);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, key.rpmLimit - used));
      headers['x-ratelimit-reset-requests'] = formatResetDuration((state === undefined ? now : whenEmpty(state, 'requests')) - now);
    }
    if (key.tpmLimit !== null) {
      const used = state?.tokens ?? 0;
      headers['x-ratelimit-limit-tokens'] = String(key.tpmLimit);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, key.tpmLimit - used));
      headers['x-ratelimit-reset-tokens'] = formatResetDuration((state === undefined ? now : whenEmpty(state, 'tokens')) - now);
    }
    return headers;
  }

  function limited(key: RateLimitedKey, state: KeyState, limitType: RateLimitType, limit: number, used: number, resetAt: number): RateLimited {
    return rateLimitedAnswer(key, limitType, limit, used, resetAt, clock.now(), headersFor(key, state));
  }

  return {
    check(key, estimatedTokens) {
      const tokens = Math.max(0, Math.ceil(Number.isFinite(estimatedTokens) ? estimatedTokens : 0));
      // A key with no rpm/tpm limit and no team limits (most keys) is counted nowhere: no allocation.
      if (key.rpmLimit === null && key.tpmLimit === null && key.team === undefined) return { ok: true, ticket: { keyId: key.id, counted: NO_WINDOWS, done: false } as Ticket, headers: {} };
      const windows = countedWindows(key);
      if (windows.length === 0) return { ok: true, ticket: { keyId: key.id, counted: NO_WINDOWS, done: false } as Ticket, headers: {} };
      const now = clock.now();
      const refusals: RateLimited[] = [];
      for (const window of windows) {
        const state = stateOf(window.id);
        prune(state, now);
        if (window.rpmLimit !== null && state.requests + 1 > window.rpmLimit) {
          // rpm 0 never admits: retry after a full window, the most honest answer we have.
          const at = whenFits(state, 'requests', 1, window.rpmLimit) ?? now + windowMs;
          refusals.push(limited(window, state, 'requests', window.rpmLimit, state.requests, at));
        }
        // A request bigger than the whole tpm limit is admitted into an empty window; otherwise
        // it could never run at all.
        if (window.tpmLimit !== null && state.tokens > 0 && state.tokens + tokens > window.tpmLimit) {
          const at = whenFits(state, 'tokens', Math.min(tokens, window.tpmLimit), window.tpmLimit) ?? whenEmpty(state, 'tokens');
          refusals.push(limited(window, state, 'tokens', window.tpmLimit, state.tokens, at));
        } else if (window.tpmLimit === 0) {
          refusals.push(limited(window, state, 'tokens', 0, state.tokens, now + windowMs));
        }
      }
      if (refusals.length > 0) {
        // The client must wait for the slowest limit anyway; tell it that one.
        return refusals.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
      }
      const counted = windows.map((window) => {
        const state = stateOf(window.id);
        const entry: Entry = { at: now, requests: 1, tokens: window.tpmLimit === null ? 0 : tokens };
        state.entries.push(entry);
        state.requests += 1;
        state.tokens += entry.tokens;
        return { windowId: window.id, entry };
      });
      // The headers describe the key's own limits (none when only its team has limits).
      const headers = windows[0] === key ? headersFor(key, states.get(key.id)) : {};
      return { ok: true, ticket: { keyId: key.id, counted, done: false } as Ticket, headers };
    },

    acquireParallel(key) {
      const state = stateOf(key.id);
      if (key.maxParallelRequests !== null && state.inFlight >= key.maxParallelRequests) {
        // Nothing says when a slot frees; 1 s is LiteLLM-compatible and cheap to retry.
        return limited(key, state, 'parallel_requests', key.maxParallelRequests, state.inFlight, clock.now() + 1_000);
      }
      state.inFlight += 1;
      return { ok: true, lease: { keyId: key.id, released: false } as Lease };
    },

    release(lease) {
      const l = lease as Lease;
      if (l.released) return;
      l.released = true;
      const state = states.get(l.keyId);
      if (state !== undefined) state.inFlight = Math.max(0, state.inFlight - 1);
    },

    recordTokens(ticket, actualTokens) {
      const t = ticket as Ticket;
      if (t.done) return;
      t.done = true;
      const now = clock.now();
      const tokens = Math.max(0, Math.ceil(Number.isFinite(actualTokens) ? actualTokens : 0));
      for (const { windowId, entry } of t.counted) {
        const state = states.get(windowId);
        if (state === undefined) continue;
        prune(state, now);
        // The estimate leaves the window (if still in it); the real count enters it now.
        state.tokens -= entry.tokens;
        entry.tokens = 0;
        if (tokens > 0) {
          state.entries.push({ at: now, requests: 0, tokens });
          state.tokens += tokens;
        }
      }
    },

    cancel(ticket) {
      const t = ticket as Ticket;
      if (t.done) return;
      t.done = true;
      for (const { windowId, entry } of t.counted) {
        const state = states.get(windowId);
        if (state === undefined) continue;
        state.requests -= entry.requests;
        state.tokens -= entry.tokens;
        entry.requests = 0;
        entry.tokens = 0;
      }
    },

    headers(key) {
      const state = states.get(key.id);
      if (state !== undefined) prune(state, clock.now());
      return headersFor(key, state);
    },

    forget(keyId) {
      states.delete(keyId);
    },
  };
}

/** OpenAI's reset-header style: `250ms`, `8.5s`, `1m0s`. */
export function formatResetDuration(ms: number): string {
  const value = Math.max(0, Math.ceil(ms));
  if (value < 1_000) return `${value}ms`;
  if (value < 60_000) return `${Number((value / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(value / 60_000);
  return `${minutes}m${Number(((value - minutes * 60_000) / 1_000).toFixed(3))}s`;
}
