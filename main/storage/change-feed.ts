// createChangeFeed: tells this replica, within about a second, that another replica changed
// something it caches (keys, models, settings; migration 12). A dedicated session LISTENs on
// 'switchboard_changes'; a poll of change_versions on the pool every pollMs is the safety net for a
// notification lost while that session was down. Never throws into the event loop (every failure is
// logged and retried) and never logs the URL's password: only its masked form.
import pg from 'pg';
import type { PostgresDatabaseUrl } from './database-url.js';
import type { Log } from './log.js';

export const CHANGE_CHANNEL = 'switchboard_changes';
const READ_VERSIONS = 'SELECT topic, version FROM change_versions';
const MAX_BACKOFF_MS = 5_000;

export interface ChangeFeedOptions {
  /** A direct URL (not through PgBouncer's transaction mode): LISTEN needs a session of its own. */
  url: PostgresDatabaseUrl;
  /** The replica's pool, for the poll. */
  pool: pg.Pool;
  log: Log;
  /** How often change_versions is read; a missed notification is seen within this. Default 1000. */
  pollMs?: number;
  /** Called once per change seen; must not throw (a throw is logged and ignored). */
  onChange(topic: string): void;
}

export interface ChangeFeed {
  /** Reads the current versions (later moves are changes) and starts listening and polling. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { url, pool, log } = options;
  const pollMs = options.pollMs ?? 1000;
  /** The newest version seen per topic, by the poll or in a notification's payload. */
  const seen = new Map<string, number>();
  let closed = false;
  let listener: pg.Client | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let pollFailing = false;

  function report(topic: string): void {
    try {
      options.onChange(topic);
    } catch (error) {
      log.error({ err: error, topic }, 'change feed: a change handler threw');
    }
  }

  /** A version from a notification or the poll; reports the topic when it is news. */
  function observe(topic: string, version: number | null): void {
    if (version === null) return report(topic);
    const known = seen.get(topic);
    seen.set(topic, Math.max(known ?? version, version));
    if (known === undefined || version > known) report(topic);
  }

  async function readVersions(reportMoves: boolean): Promise<void> {
    const result = await pool.query<{ topic: string; version: string | number }>(READ_VERSIONS);
    for (const row of result.rows) {
      const version = Number(row.version);
      if (reportMoves) observe(row.topic, version);
      else seen.set(row.topic, Math.max(seen.get(row.topic) ?? version, version));
    }
  }

  async function poll(): Promise<void> {
    if (closed) return;
    try {
      await readVersions(true);
      if (pollFailing) log.info({ database: url.masked }, 'change feed: the database answers again');
      pollFailing = false;
    } catch (error) {
      // Once per outage, not once a second.
      if (!pollFailing && !closed) log.warn({ database: url.masked, err: messageOf(error) }, 'change feed: cannot read change versions; retrying');
      pollFailing = true;
    }
    if (!closed) pollTimer = setTimeout(() => void poll(), pollMs);
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer !== undefined) return;
    failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6));
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void listen();
    }, delay);
  }

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString: url.connectionString, application_name: 'switchboard-change-feed', keepAlive: true });
    listener = client;
    let lost = false;
    const lose = (error: unknown) => {
      if (lost) return;
      lost = true;
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      if (closed) return;
      log.warn({ database: url.masked, err: messageOf(error) }, 'change feed: the LISTEN session was lost; reconnecting');
      scheduleReconnect();
    };
    // Unheard, an 'error' (the server ending the session) would end the process.
    client.on('error', lose);
    client.on('end', () => lose(new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || message.payload === undefined) return;
      const [topic, version] = parsePayload(message.payload);
      observe(topic, version);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (closed) {
        await client.end().catch(() => undefined);
        return;
      }
      if (failures > 0) {
        log.info({ database: url.masked }, 'change feed: listening again');
        // Whatever changed while the session was down: reported now, not at the next poll.
        await readVersions(true).catch(() => undefined);
      }
      failures = 0;
    } catch (error) {
      lose(error);
    }
  }

  return {
    async start() {
      // Before listening: the versions as the caches were (or are about to be) loaded.
      try {
        await readVersions(false);
      } catch (error) {
        log.warn({ database: url.masked, err: messageOf(error) }, 'change feed: cannot read change versions; retrying');
        pollFailing = true;
      }
      await listen();
      if (!closed) pollTimer = setTimeout(() => void poll(), pollMs);
    },
    async close() {
      closed = true;
      clearTimeout(pollTimer);
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}

/** `keys:17` -> ['keys', 17]; a bare topic (a hand-made NOTIFY) has no version. */
function parsePayload(payload: string): [string, number | null] {
  const colon = payload.lastIndexOf(':');
  if (colon <= 0) return [payload, null];
  const version = Number(payload.slice(colon + 1));
  return Number.isSafeInteger(version) ? [payload.slice(0, colon), version] : [payload, null];
}

/** The driver's message, which names users and hosts but never the password. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
