// The machinery every repository runs on, once per engine: a write unit is all or nothing, a
// failed unit leaves its connection usable, and on PostgreSQL an unreachable server is a
// storage_unavailable error naming the database with its password masked.
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { openPostgresPool } from '../../../main/storage/open-postgres-pool.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit } from '../../../main/storage/storage-connection.js';
import { StorageError } from '../../../main/storage/storage-error.js';
import { all, get, readUnit, run, writeUnit } from '../../../main/storage/storage-unit.js';
import { ENGINES, useStorageEngines } from './storage-engines-kit.js';

const engines = useStorageEngines();

const PUT = sql('INSERT INTO settings (key, value) VALUES (?, ?)');
const KEYS = sql('SELECT key FROM settings ORDER BY key');
const COUNT = sql('SELECT count(*) AS n FROM settings');

const putThenFail = writeUnit(function* (failAfter: boolean) {
  yield* run(PUT, ['first', '1']);
  if (failAfter) throw new Error('the body failed after writing');
  yield* run(PUT, ['second', '2']);
});
const putDuplicate = writeUnit(function* () {
  yield* run(PUT, ['dup', '1']);
  yield* run(PUT, ['dup', '2']);
});
const keys = readUnit(function* () {
  return (yield* all<{ key: string }>(KEYS)).map((row) => row.key);
});
const count = readUnit(function* () {
  return Number((yield* get<{ n: number | string }>(COUNT))!.n);
});

describe.each(ENGINES)('storage units on %s', (engine) => {
  it('rolls a write unit back whole when its body throws or a statement fails, and the connection stays usable', async () => {
    const database = await engines.open(engine);
    const write = bindUnit(database.connection, putThenFail);
    await expect((async () => write(true))()).rejects.toThrow('the body failed after writing');
    await expect((async () => bindUnit(database.connection, putDuplicate)())()).rejects.toThrow(/UNIQUE|unique|duplicate/);
    expect(await bindUnit(database.connection, count)()).toBe(0);
    await write(false);
    expect(await bindUnit(database.connection, keys)()).toEqual(['first', 'second']);
  });
});

describe('storage units on postgresql', () => {
  it('gives the pooled client back after a failed unit, so a pool of one keeps working', async () => {
    const database = await engines.open('postgresql');
    if (!('pool' in database.connection)) throw new Error('expected a PostgreSQL connection');
    const single = openPostgresPool(database.connection.url, { max: 1 });
    try {
      for (let i = 0; i < 3; i++) await expect(bindUnit(single, putThenFail)(true)).rejects.toThrow('the body failed');
      await bindUnit(single, putThenFail)(false);
      expect(await bindUnit(single, keys)()).toEqual(['first', 'second']);
    } finally {
      await single.close();
    }
  });

  it('reports a server that does not answer as storage_unavailable, naming the database without its password', async () => {
    const unreachable = openPostgresPool(parseDatabaseUrl('postgresql://sb:pool-secret-789@127.0.0.1:1/switchboard'));
    try {
      const error = await bindUnit(unreachable, keys)().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe('storage_unavailable');
      expect((error as Error).message).toContain('postgresql://sb:****@127.0.0.1:1/switchboard');
      expect((error as Error).message).not.toContain('pool-secret-789');
    } finally {
      await unreachable.close();
    }
  });
});
