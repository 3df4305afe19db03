// createPostgresReadiness: the database part of /health/readiness in team mode. Ready when the
// database answers on the replica's own pool within a short timeout and its schema is at least the
// version this build expects; else not_ready, "database unavailable" or "migrations pending". One
// probe at a time however often the load balancer asks, never longer than timeoutMs (a hung server
// or an exhausted pool answers "unavailable", not a hung probe), and nothing to reset: the pool
// opens fresh connections once the database is back. Never puts the URL or a password in a report.
import type pg from 'pg';
import type { Log } from './log.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';

export type PostgresReadiness =
  | { status: 'connected'; db: 'connected'; schemaVersion: number }
  | { status: 'not_ready'; reason: 'database unavailable'; db: 'unavailable' }
  | { status: 'not_ready'; reason: 'migrations pending'; db: 'connected'; schemaVersion: number; expectedSchemaVersion: number };

export interface PostgresReadinessOptions {
  pool: pg.Pool;
  log: Log;
  /** LATEST_SCHEMA_VERSION by default. */
  expectedSchemaVersion?: number;
  /** The longest a check takes; default 1000 ms. */
  timeoutMs?: number;
}

export interface PostgresReadinessProbe {
  check(): Promise<PostgresReadiness>;
}

const UNDEFINED_TABLE = '42P01';
const READ_SCHEMA_VERSION = 'SELECT version FROM switchboard_schema_version WHERE only_row = 1';

export function createPostgresReadiness(options: PostgresReadinessOptions): PostgresReadinessProbe {
  const { pool, log } = options;
  const expected = options.expectedSchemaVersion ?? LATEST_SCHEMA_VERSION;
  const timeoutMs = options.timeoutMs ?? 1000;
  let inFlight: { report: Promise<PostgresReadiness>; since: number } | undefined;
  let lastStatus: PostgresReadiness['status'] | undefined;

  async function probe(): Promise<PostgresReadiness> {
    try {
      // query_timeout ends the wait for an answer; the race below also bounds the wait for a
      // connection from the pool, which query_timeout does not cover.
      // (pg reads query_timeout from a query's config; its types list it on the client's only.)
      const query: pg.QueryConfig & { query_timeout: number } = { text: READ_SCHEMA_VERSION, query_timeout: timeoutMs };
      const result = await pool.query<{ version: number }>(query);
      const schemaVersion = Number(result.rows[0]?.version ?? 0);
      if (schemaVersion < expected) return { status: 'not_ready', reason: 'migrations pending', db: 'connected', schemaVersion, expectedSchemaVersion: expected };
      // A newer schema (another replica of a newer build migrated in a rolling upgrade) stays
      // ready: steps are additive, and taking every old replica out at once would be an outage.
      return { status: 'connected', db: 'connected', schemaVersion };
    } catch (error) {
      if ((error as { code?: unknown }).code === UNDEFINED_TABLE) {
        return { status: 'not_ready', reason: 'migrations pending', db: 'connected', schemaVersion: 0, expectedSchemaVersion: expected };
      }
      logOnce('unavailable', error);
      return { status: 'not_ready', reason: 'database unavailable', db: 'unavailable' };
    }
  }

  function logOnce(what: 'unavailable', error: unknown): void {
    if (lastStatus === 'not_ready') return;
    log.warn({ err: messageOf(error) }, `readiness: the database is ${what}`);
  }

  function withTimeout(pending: Promise<PostgresReadiness>): Promise<PostgresReadiness> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<PostgresReadiness>((resolve) => {
      timer = setTimeout(() => {
        logOnce('unavailable', new Error(`no answer within ${timeoutMs} ms`));
        resolve({ status: 'not_ready', reason: 'database unavailable', db: 'unavailable' });
      }, timeoutMs);
    });
    return Promise.race([pending, timedOut]).finally(() => clearTimeout(timer));
  }

  return {
    async check() {
      // Probes asked for while one runs share it: a slow database never piles up connections. One
      // older than the timeout is given up (a connect to a black-holed host may never end), so at
      // most one new probe per timeoutMs, and the probe after recovery is a fresh one.
      const now = performance.now();
      if (inFlight === undefined || now - inFlight.since > timeoutMs) {
        const current = { since: now, report: probe() };
        void current.report.finally(() => {
          if (inFlight === current) inFlight = undefined;
        });
        inFlight = current;
      }
      const report = await withTimeout(inFlight.report);
      if (report.status === 'connected' && lastStatus === 'not_ready') log.info({}, 'readiness: the database answers again');
      lastStatus = report.status;
      return report;
    },
  };
}

/** The driver's message, which names users and hosts but never the password. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
