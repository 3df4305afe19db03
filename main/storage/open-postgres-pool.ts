// openPostgresPool: the pooled PostgreSQL connection team mode runs its repositories on. Small by
// default (5 per replica), BIGINT read as number (money in micro-dollars, epoch ms) and refused
// past 2^53 rather than rounded. Never logs the URL. The only module that loads pg at run time
// besides the migration runner: nothing on the SQLite path imports it.
import pg from 'pg';
import type { PostgresDatabaseUrl } from './database-url.js';

export const DEFAULT_POOL_SIZE = 5;

export interface PostgresConnection {
  dialect: 'postgresql';
  pool: pg.Pool;
  url: PostgresDatabaseUrl;
  close(): Promise<void>;
}

const INT8_OID = 20;

function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`A BIGINT value (${text}) is beyond 2^53 and cannot be read exactly.`);
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseBigint : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

export function openPostgresPool(url: PostgresDatabaseUrl, options: { max?: number } = {}): PostgresConnection {
  const pool = new pg.Pool({ connectionString: url.connectionString, max: options.max ?? DEFAULT_POOL_SIZE, application_name: 'switchboard', types });
  // An idle client losing its server emits 'error' on the pool; unheard it would end the process.
  // The next query gets a fresh connection, or the error.
  pool.on('error', () => undefined);
  // A client lent out (a unit's queries in flight) has no pool listener: its socket failing (the
  // server restarting, ECONNRESET) would emit an unheard 'error' and end the process. Its queries
  // fail with the error anyway, and the pool discards it on release (no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return {
    dialect: 'postgresql',
    pool,
    url,
    close: () => pool.end(),
  };
}
