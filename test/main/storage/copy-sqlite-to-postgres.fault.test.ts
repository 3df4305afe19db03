// copySqliteToPostgres on a real SQLite file and a real throwaway PostgreSQL 15: usage of old days
// lands in its day partition (migration 10), not the DEFAULT one; a row PostgreSQL refuses midway
// leaves the target as it was (one transaction); and the table order follows the foreign keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copySqliteToPostgres, dependencyOrder } from '../../../main/storage/copy-sqlite-to-postgres.js';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../main/storage/migrate-postgres-database.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { StorageError } from '../../../main/storage/storage-error.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { silentLog } from '../../support/silent-log.js';

const postgres = usePostgresCluster();
const work = mkdtempSync(join(tmpdir(), 'switchboard-copy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DAY = 86_400_000;
const INSERT_USAGE = `INSERT INTO usage_log (request_id, ts, key_id, key_alias, app, requested_model, model_group, provider, prompt_tokens, completion_tokens, cost_micros, latency_ms, status, http_status, endpoint)
  VALUES (?, ?, 'key_a', 'alice', 'app', 'm', 'm', 'openai', ?, 5, 100, 10, 'success', 200, '/v1/chat/completions')`;
const INSERT_KEY = `INSERT INTO virtual_keys (id, key_hash, key_alias, key_last4, created_at, updated_at) VALUES ('key_a', '${'a'.repeat(64)}', 'alice', 'abcd', 0, 0)`;

async function migratedTarget() {
  const url = parseDatabaseUrl(await postgres.createDatabase());
  await migratePostgresDatabase({ url, log: silentLog });
  return url;
}

function sourceFile(name: string) {
  return openDatabase({ file: join(work, `${name}.db`), log: silentLog }).db;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('copySqliteToPostgres', () => {
  it('puts usage of days long past into their own day partitions, not the DEFAULT one', async () => {
    const source = sourceFile('old-days');
    const now = Date.now();
    source.exec(INSERT_KEY);
    const days = [now - 60 * DAY, now - 30 * DAY, now];
    days.forEach((ts, i) => source.prepare(INSERT_USAGE).run(`req-${i}`, ts, 10));
    const url = await migratedTarget();

    const report = await copySqliteToPostgres({ source, url });
    source.close();

    expect(report.tables.find((table) => table.table === 'usage_log')?.rows).toBe(3);
    const placed = await query<{ partition: string; n: number }>(
      url.connectionString,
      "SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM usage_log GROUP BY 1 ORDER BY 1",
    );
    const expected = days.map((ts) => `usage_partitions.usage_log_${new Date(ts).toISOString().slice(0, 10).replaceAll('-', '')}`).sort();
    expect(placed).toEqual(expected.map((partition) => ({ partition, n: 1 })));
  });

  it('leaves the target as it was when PostgreSQL refuses a row midway (one transaction)', async () => {
    const source = sourceFile('bad-row');
    source.exec(INSERT_KEY);
    // SQLite keeps a NUL character in text; PostgreSQL refuses it, after virtual_keys went in.
    source.prepare(INSERT_USAGE).run('req-good', Date.now(), 10);
    source.prepare(INSERT_USAGE).run('req-bad', Date.now(), 10);
    source.exec("UPDATE usage_log SET app = 'bad' || char(0) || 'app' WHERE request_id = 'req-bad'");
    const url = await migratedTarget();

    const failure = await copySqliteToPostgres({ source, url, batchRows: 1 }).catch((error: unknown) => error);
    source.close();

    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as Error).message).toMatch(/^Copy into postgresql:\/\/postgres@127\.0\.0\.1:\d+\/\w+ failed, nothing was written: .*0x00/);
    expect(await query(url.connectionString, 'SELECT id FROM virtual_keys')).toEqual([]);
    expect(await query(url.connectionString, 'SELECT request_id FROM usage_log')).toEqual([]);
    // The triggers the copy turned off for its own inserts are on again (they were never off outside it).
    const disabled = await query(url.connectionString, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'");
    expect(disabled).toEqual([]);
  });

  it('orders parents before children and refuses a cycle', () => {
    expect(dependencyOrder(['usage_bodies', 'usage_log', 'virtual_keys'], [{ child: 'usage_bodies', parent: 'usage_log' }, { child: 'usage_log', parent: 'virtual_keys' }])).toEqual([
      'virtual_keys',
      'usage_log',
      'usage_bodies',
    ]);
    expect(() => dependencyOrder(['a', 'b'], [{ child: 'a', parent: 'b' }, { child: 'b', parent: 'a' }])).toThrow(/cycle among a, b/);
  });
});
