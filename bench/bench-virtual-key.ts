// The virtual-key scenario's admin side: creates the bench's key through the gateway's own
// management API (POST /key/generate with the master key), and after the load asks the usage
// summary how many requests the ledger recorded under it, to prove every request was metered.
// Talks only to the gateway it is given (127.0.0.1); never prints the key.
import { request } from 'undici';
import type { TargetFindings } from './bench-target.js';

export const BENCH_KEY_ALIAS = 'bench';

/** Creates a virtual key with only an alias (no limits) and returns it. */
export async function generateVirtualKey(origin: string, masterKey: string, alias = BENCH_KEY_ALIAS): Promise<string> {
  const body = await adminCall(origin, masterKey, 'POST', '/key/generate', { key_alias: alias });
  const key = (body as { key?: unknown }).key;
  if (typeof key !== 'string' || !key.startsWith('sk-')) throw new Error('POST /key/generate answered without a key');
  return key;
}

/** Requests the usage ledger holds under the key with this alias (the last 7 days); 0 if none. */
export async function requestsRecordedFor(origin: string, masterKey: string, alias = BENCH_KEY_ALIAS): Promise<number> {
  const summary = await adminCall(origin, masterKey, 'GET', '/usage/summary?group_by=key');
  return requestsUnderAlias(summary, alias);
}

export interface SettleOptions {
  /** Give up waiting after this long and report what is there. */
  timeoutMs: number;
  intervalMs: number;
  sleep?(ms: number): Promise<void>;
  now?(): number;
}

/**
 * Reads the recorded count until it reaches `expected` (or passes it: a duplicate is reported at
 * once) or the time is up. Team-mode replicas write usage rows in batches on a timer, and a
 * usage read flushes only the replica it reaches, so another replica's last rows land a moment
 * after the load ends: one read could miss them and call a sound ledger lossy.
 */
export async function recordedWhenSettled(read: () => Promise<number>, expected: number, options: SettleOptions): Promise<number> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => performance.now());
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const recorded = await read();
    if (recorded >= expected || now() >= deadline) return recorded;
    await sleep(options.intervalMs);
  }
}

/** Reads the request count of the key group labelled `alias` out of a /usage/summary answer. */
export function requestsUnderAlias(summary: unknown, alias: string): number {
  const groups = (summary as { groups?: unknown }).groups;
  if (!Array.isArray(groups)) throw new Error('GET /usage/summary answered without groups');
  let requests = 0;
  for (const group of groups as { label?: unknown; requests?: unknown }[]) {
    if (group.label === alias && typeof group.requests === 'number') requests += group.requests;
  }
  return requests;
}

/** The note (and, when the counts differ, the warning) for the ledger check. */
export function ledgerFindings(scenario: string, alias: string, recorded: number, sent: number): TargetFindings {
  const counts = `${recorded.toLocaleString('en-US')} usage rows under key "${alias}" for ${sent.toLocaleString('en-US')} requests sent`;
  if (recorded === sent) return { notes: [`${scenario}: the usage ledger holds ${counts} (every request metered).`], warnings: [] };
  return { notes: [], warnings: [`${scenario}: the usage ledger holds ${counts}; metering lost or duplicated requests`] };
}

async function adminCall(origin: string, masterKey: string, method: 'GET' | 'POST', path: string, json?: unknown): Promise<unknown> {
  const response = await request(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${masterKey}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${method} ${path}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}
