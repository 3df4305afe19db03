// The PostgreSQL migration runner on a real throwaway PostgreSQL 15: the same numbered list as
// SQLite (same tables and columns), one step at a time under an advisory lock so replicas starting
// together apply each step once, and a newer schema refused with SQLite's message.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../main/storage/migrate-postgres-database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type PostgresMigration } from '../../../main/storage/migrations/index.js';
import { SchemaTooNewError, StorageError } from '../../../main/storage/storage-error.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog, openTempDatabase } from './storage-test-kit.js';

const postgres = usePostgresCluster();
const clients: pg.Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.end().catch(() => undefined);
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

/** The database's URL with a password in it: trust auth ignores it, so it must only never leak. */
function withPassword(url: string, password: string): string {
  return url.replace('postgresql://postgres@', `postgresql://postgres:${password}@`);
}

describe('migratePostgresDatabase', () => {
  it('applies the whole numbered list to an empty database, then finds nothing to do', async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    const log = captureLog();
    const first = await migratePostgresDatabase({ url, log });
    expect(first).toEqual({ schemaVersion: LATEST_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => m.version) });
    expect(log.lines.filter((line) => line.msg.startsWith('Applied database migration')).map((line) => line.level)).toEqual(MIGRATIONS.map(() => 'debug'));
    expect(log.lines.filter((line) => line.level === 'info').map((line) => line.msg)).toEqual([`Database upgraded to schema ${LATEST_SCHEMA_VERSION}.`]);
    const quiet = captureLog();
    const again = await migratePostgresDatabase({ url, log: quiet });
    expect(again).toEqual({ schemaVersion: LATEST_SCHEMA_VERSION, applied: [] });
    expect(quiet.lines).toEqual([]);
  });

  it('creates the same tables with the same columns, in the same order, as the SQLite migrations', async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    await migratePostgresDatabase({ url, log: captureLog() });
    const client = await connect(url.connectionString);
    const pgColumns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'switchboard_schema_version' ORDER BY table_name, ordinal_position`,
    );
    const onPostgres = new Map<string, string[]>();
    for (const row of pgColumns.rows) onPostgres.set(row.table_name, [...(onPostgres.get(row.table_name) ?? []), row.column_name]);

    const sqlite = openTempDatabase();
    try {
      const tables = sqlite.db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
      const onSqlite = new Map(tables.map(({ name }) => [name, sqlite.db.prepare<[], { name: string }>(`PRAGMA table_info(${name})`).all().map((c) => c.name)]));
      expect(onSqlite.size).toBeGreaterThan(5);
      expect(Object.fromEntries(onPostgres)).toEqual(Object.fromEntries(onSqlite));
    } finally {
      sqlite.dispose();
    }
  });

  it('keeps the triggers SQLite has: bodies and errors go with their usage row, stored-response bytes are totalled', async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    await migratePostgresDatabase({ url, log: captureLog() });
    const client = await connect(url.connectionString);
    await client.query(
      `INSERT INTO usage_log (request_id, ts, app, requested_model, model_group, provider, status, http_status, endpoint)
       VALUES ('r1', 1, 'app', 'm', 'm', 'openai', 'interrupted', 200, '/v1/chat/completions')`,
    );
    await client.query("INSERT INTO usage_bodies (request_id, request_body) VALUES ('r1', '{}')");
    await client.query("INSERT INTO usage_errors (request_id, message) VALUES ('r1', 'boom')");
    await client.query('DELETE FROM usage_log');
    const left = await client.query('SELECT (SELECT count(*) FROM usage_bodies)::int AS bodies, (SELECT count(*) FROM usage_errors)::int AS errors');
    expect(left.rows[0]).toEqual({ bodies: 0, errors: 0 });

    await client.query("INSERT INTO stored_responses (id, created_at, model, input_items, response, bytes) VALUES ('a', 1, 'm', '[]', '{}', 100), ('b', 2, 'm', '[]', '{}', 20)");
    await client.query("DELETE FROM stored_responses WHERE id = 'a'");
    expect((await client.query('SELECT bytes::int AS bytes FROM stored_responses_total')).rows[0]).toEqual({ bytes: 20 });
    await expect(client.query("INSERT INTO settings (key, value) VALUES ('k', 'not json')")).rejects.toThrow(/json/i);
  });

  it('applies each step exactly once when two replicas migrate the same database at the same moment', async () => {
    const raw = await postgres.createDatabase();
    const url = parseDatabaseUrl(raw);
    const setup = await connect(raw);
    await setup.query('CREATE TABLE applied (step integer NOT NULL)');
    const steps: PostgresMigration[] = [
      { version: 1, name: 'first', postgresql: 'INSERT INTO applied VALUES (1)' },
      { version: 2, name: 'second', postgresql: 'INSERT INTO applied VALUES (2)' },
    ];
    // Hold the table so both replicas are inside their run, and provably waiting, before either writes.
    const blocker = await connect(raw);
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE applied IN ACCESS EXCLUSIVE MODE');
    const runs = [migratePostgresDatabase({ url, log: captureLog(), migrations: steps }), migratePostgresDatabase({ url, log: captureLog(), migrations: steps })];
    let finished = 0;
    const settled = Promise.allSettled(runs.map((run) => run.finally(() => (finished += 1))));
    // Until both wait on a lock; a run that already ended (failed) ends the wait too.
    for (let waiting = 0; waiting < 2 && finished === 0; ) {
      const found = await setup.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'switchboard-migrate' AND wait_event_type = 'Lock'",
      );
      waiting = found.rows[0]!.n;
    }
    await blocker.query('COMMIT');
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const applied = results.map((r) => (r as PromiseFulfilledResult<{ applied: number[] }>).value.applied).sort((a, b) => b.length - a.length);
    expect(applied).toEqual([[1, 2], []]);
    const rows = await setup.query<{ step: number }>('SELECT step FROM applied ORDER BY step');
    expect(rows.rows.map((r) => r.step)).toEqual([1, 2]);
    const version = await setup.query('SELECT version FROM switchboard_schema_version');
    expect(version.rows).toEqual([{ version: 2 }]);
  });

  it('refuses a database with a newer schema, untouched, with the message SQLite gives and no password', async () => {
    const raw = withPassword(await postgres.createDatabase(), 'pw-never-shown-123');
    const url = parseDatabaseUrl(raw);
    await migratePostgresDatabase({ url, log: captureLog() });
    const client = await connect(raw);
    await client.query('UPDATE switchboard_schema_version SET version = $1', [LATEST_SCHEMA_VERSION + 1]);
    await client.query('CREATE TABLE from_the_future (id integer)');

    const error = await migratePostgresDatabase({ url, log: captureLog() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    const tooNew = error as SchemaTooNewError;
    expect(tooNew.code).toBe('schema_too_new');
    expect(tooNew.message).toBe(new SchemaTooNewError(url.masked, LATEST_SCHEMA_VERSION + 1, LATEST_SCHEMA_VERSION, 'database').message);
    expect(tooNew.message).toContain(`has schema version ${LATEST_SCHEMA_VERSION + 1}, but this Switchboard supports up to version ${LATEST_SCHEMA_VERSION}`);
    expect(tooNew.message).toContain('postgres:****@');
    expect(tooNew.message).not.toContain('pw-never-shown-123');
    const version = await client.query('SELECT version FROM switchboard_schema_version');
    expect(version.rows).toEqual([{ version: LATEST_SCHEMA_VERSION + 1 }]);
  });

  it('rolls a failing step back whole and keeps the version before it', async () => {
    const raw = await postgres.createDatabase();
    const steps: PostgresMigration[] = [
      { version: 1, name: 'good', postgresql: 'CREATE TABLE good (id integer)' },
      { version: 2, name: 'bad', postgresql: 'CREATE TABLE half (id integer); SELECT no_such_function()' },
    ];
    const error = await migratePostgresDatabase({ url: parseDatabaseUrl(raw), log: captureLog(), migrations: steps }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/Database migration 2 \(bad\) failed .*no_such_function.*Nothing of it was applied/);
    const client = await connect(raw);
    expect((await client.query('SELECT version FROM switchboard_schema_version')).rows).toEqual([{ version: 1 }]);
    expect((await client.query("SELECT to_regclass('half') AS half")).rows).toEqual([{ half: null }]);
  });

  it('reports a server that does not answer as storage_unavailable, with the password masked', async () => {
    const url = parseDatabaseUrl(`postgresql://postgres:pw-never-shown-456@127.0.0.1:${postgres.cluster().port}/db`.replace(/:\d+\//, ':1/'));
    const error = await migratePostgresDatabase({ url, log: captureLog() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('storage_unavailable');
    expect((error as Error).message).toContain('postgresql://postgres:****@127.0.0.1:1/db');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain('pw-never-shown-456');
  });
});
