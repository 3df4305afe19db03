// createLeaderLease: elects one replica (team mode) to run the periodic sweeps, by a session
// advisory lock (pg_try_advisory_lock) held on a connection of its own. Leadership ends with that
// session: when it dies the lock is released by the server and another replica takes it at its next
// try (within retryMs). Needs a direct URL: through PgBouncer's transaction mode the lock would be
// held by whichever client next got the server connection. Never throws into the event loop and
// never logs the URL's password.
import pg from 'pg';
import type { PostgresDatabaseUrl } from './database-url.js';
import type { Log } from './log.js';

/** The lock the sweep leader holds: "SwBdLead" in ASCII, beside the migration lock "SwBdMigr". */
export const SWEEP_LEADER_LOCK_KEY = '6014348825922462052';

export interface LeaderLeaseOptions {
  /** A direct URL (a session of its own), never one through PgBouncer's transaction mode. */
  url: PostgresDatabaseUrl;
  /** A 64-bit advisory lock key, as a decimal string; SWEEP_LEADER_LOCK_KEY by default. */
  lockId?: string;
  log: Log;
  /** How often a follower tries to lead, and a leader checks its session. Default 5000. */
  retryMs?: number;
  /** A check of the leader's session longer than this counts as lost. Default 2000. */
  checkTimeoutMs?: number;
  /** Told on every change of leadership (for logs and tests); must not throw. */
  onLeadershipChange?(leader: boolean): void;
}

export interface LeaderLease {
  /** True while this replica holds the lock on a session it checked within retryMs. */
  isLeader(): boolean;
  /** The first attempt's outcome is in (for start-up code and tests). */
  settled(): Promise<void>;
  /** Gives leadership up (the session ends, the server releases the lock). */
  close(): Promise<void>;
}

export function createLeaderLease(options: LeaderLeaseOptions): LeaderLease {
  const { url, log } = options;
  const lockId = options.lockId ?? SWEEP_LEADER_LOCK_KEY;
  const retryMs = options.retryMs ?? 5000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  let leader = false;
  let closed = false;
  let session: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  // Set when this replica lost the lead (its session died or stopped answering): it sits out its
  // next try, so a replica whose session is up takes the lock instead of racing its reconnect.
  let sitOut = false;
  let markSettled: () => void = () => undefined;
  const firstAttempt = new Promise<void>((resolve) => {
    markSettled = resolve;
  });

  function setLeader(next: boolean): void {
    if (next === leader) return;
    leader = next;
    log.info({ database: url.masked }, next ? 'leader: this replica runs the periodic sweeps' : 'leader: this replica no longer runs the periodic sweeps');
    try {
      options.onLeadershipChange?.(next);
    } catch (error) {
      log.error({ err: error }, 'leader: a leadership handler threw');
    }
  }

  function drop(client: pg.Client): void {
    if (session === client) session = undefined;
    if (leader) sitOut = true;
    setLeader(false);
    client.end().catch(() => undefined);
  }

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: url.connectionString, application_name: 'switchboard-leader', keepAlive: true,
      // A check that hangs (a network partition) must end, or the lease would never know it is lost.
      query_timeout: checkTimeoutMs, connectionTimeoutMillis: checkTimeoutMs,
    });
    // The server ending the session (restart, pg_terminate_backend): leadership is gone with it.
    client.on('error', () => drop(client));
    client.on('end', () => drop(client));
    await client.connect();
    return client;
  }

  async function attempt(): Promise<void> {
    let client = session;
    try {
      if (client === undefined) {
        client = await connect();
        if (closed) {
          await client.end().catch(() => undefined);
          return;
        }
        session = client;
      }
      if (leader) {
        // Still ours as long as the session answers: the lock lives exactly as long as it does.
        await client.query('SELECT 1');
      } else {
        const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [lockId]);
        if (session === client && !closed) setLeader(result.rows[0]?.locked === true);
      }
      if (failing) log.info({ database: url.masked }, 'leader: the database answers again');
      failing = false;
    } catch (error) {
      if (client !== undefined) drop(client);
      if (!failing && !closed) log.warn({ database: url.masked, err: messageOf(error) }, 'leader: cannot reach the database; retrying');
      failing = true;
    }
  }

  async function loop(): Promise<void> {
    if (sitOut) sitOut = false;
    else await attempt();
    markSettled();
    if (!closed) timer = setTimeout(() => void loop(), retryMs);
  }

  void loop();

  return {
    isLeader: () => leader && !closed,
    settled: () => firstAttempt,
    async close() {
      closed = true;
      clearTimeout(timer);
      const client = session;
      session = undefined;
      setLeader(false);
      // Ending the session releases the lock; no unlock round trip needed.
      await client?.end().catch(() => undefined);
    },
  };
}

/** The driver's message, which names users and hosts but never the password. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
