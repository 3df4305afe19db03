// migratePostgresDatabase: brings a PostgreSQL database (team mode) to this build's schema with
// the same numbered list as SQLite. Replicas starting together serialise on one advisory lock, so
// each step runs exactly once; a database from a newer build is refused untouched. Never logs or
// throws the URL's password: messages carry the masked URL only.
import pg from 'pg';
import type { Log } from './log.js';
import { MIGRATIONS, type PostgresMigration } from './migrations/index.js';
import type { PostgresDatabaseUrl } from './database-url.js';
import { postgresUnavailable } from './postgres-unavailable.js';
import { SchemaTooNewError, StorageError } from './storage-error.js';

/**
 * The advisory lock every Switchboard replica takes around migrations: one fixed 64-bit key in
 * the database-wide advisory namespace ("SwBdMigr" in ASCII), so nothing else collides with it.
 */
export const MIGRATION_LOCK_KEY = '6014348825939502962';

export interface MigratePostgresOptions {
  url: PostgresDatabaseUrl;
  log: Log;
  /** Defaults to the app's list; tests pass their own. */
  migrations?: readonly PostgresMigration[];
}

export interface MigratedPostgresDatabase {
  schemaVersion: number;
  /** The versions this call applied (empty when another replica already had). */
  applied: number[];
}

export async function migratePostgresDatabase(options: MigratePostgresOptions): Promise<MigratedPostgresDatabase> {
  const { url, log } = options;
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.at(-1)?.version ?? 0;
  // A session of its own, never a pooled one: a session advisory lock through PgBouncer's
  // transaction mode would be held by whichever client next got the server connection.
  const client = new pg.Client({ connectionString: url.connectionString, application_name: 'switchboard-migrate' });
  // An 'error' event with no listener (the server going away while idle) would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw postgresUnavailable(url, error);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS switchboard_schema_version (only_row INTEGER PRIMARY KEY CHECK (only_row = 1), version INTEGER NOT NULL)');
      await client.query('INSERT INTO switchboard_schema_version (only_row, version) VALUES (1, 0) ON CONFLICT (only_row) DO NOTHING');
      // Read under the lock: a replica that waited finds the steps the first one applied.
      const found = await client.query<{ version: number }>('SELECT version FROM switchboard_schema_version WHERE only_row = 1');
      let schemaVersion = found.rows[0]!.version;
      if (schemaVersion > latest) throw new SchemaTooNewError(url.masked, schemaVersion, latest, 'database');
      const applied: number[] = [];
      for (const migration of migrations) {
        if (migration.version <= schemaVersion) continue;
        if (migration.version !== schemaVersion + 1) {
          throw new Error(`Migration list has a gap: expected version ${schemaVersion + 1}, found ${migration.version} (${migration.name}).`);
        }
        await client.query('BEGIN');
        try {
          await client.query(migration.postgresql);
          await client.query('UPDATE switchboard_schema_version SET version = $1 WHERE only_row = 1', [migration.version]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new StorageError('storage_unavailable', `Database migration ${migration.version} (${migration.name}) failed on ${url.masked}: ${messageOf(error)}. Nothing of it was applied.`, {
            file: url.masked,
            cause: error,
          });
        }
        // As on SQLite: each step at debug, one info line for the whole upgrade.
        log.debug({ database: url.masked, version: migration.version, migration: migration.name }, `Applied database migration ${migration.version} (${migration.name}).`);
        schemaVersion = migration.version;
        applied.push(migration.version);
      }
      if (applied.length > 0) log.info({ database: url.masked, version: schemaVersion }, `Database upgraded to schema ${schemaVersion}.`);
      return { schemaVersion, applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw postgresUnavailable(url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The driver's message, which names users and hosts but never the password. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
