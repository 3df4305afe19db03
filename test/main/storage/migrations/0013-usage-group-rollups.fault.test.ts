// Migration 13 fills the per-grouping rollups from the existing (app, key, model, provider) ones, so
// a database upgraded from version 12 answers every summary exactly as a database whose rows were
// written by this build, on both engines. The version-12 database is filled as a version-12 build
// left it: raw rows and the daily and hourly rollups only.
import { describe, expect, it } from 'vitest';
import { createUsageQueries, type UsageGroupBy } from '../../../../main/metering/usage-queries.js';
import { latencyHistogramSql, LATENCY_BUCKET_COLUMNS, utcDay } from '../../../../main/metering/usage-rollups.js';
import { toUsageRow, USAGE_COLUMNS, type UsageRow } from '../../../../main/metering/usage-row.js';
import { writeUsageBatch } from '../../../../main/metering/write-usage-batch.js';
import { parseDatabaseUrl } from '../../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { openPostgresPool } from '../../../../main/storage/open-postgres-pool.js';
import { sql } from '../../../../main/storage/sql-statement.js';
import { bindUnit, isPostgresConnection, type StorageConnection } from '../../../../main/storage/storage-connection.js';
import { run, writeUnit } from '../../../../main/storage/storage-unit.js';
import { ensureUsagePartitions } from '../../../../main/storage/usage-partitions.js';
import { usePostgresCluster } from '../../../support/postgres-cluster.js';
import { seededRandom, usageRecord } from '../../metering/usage-test-kit.js';
import { ENGINES, type EngineName } from '../storage-engines-kit.js';
import { captureLog, tempDir } from '../storage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 20);
const V12 = MIGRATIONS.filter((m) => m.version <= 12);
const postgres = usePostgresCluster();

const INSERT_RAW = sql(`INSERT INTO usage_log (${USAGE_COLUMNS.join(', ')}) VALUES (${USAGE_COLUMNS.map(() => '?').join(', ')})`);
const MEASURES = `count(*), sum(CASE WHEN status <> 'success' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), sum(prompt_tokens),
  sum(completion_tokens), sum(cached_tokens), sum(cache_creation_tokens), sum(reasoning_tokens), sum(cost_micros),
  sum(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END), max(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END), ${latencyHistogramSql()}`;
const MEASURE_COLUMNS = `requests, errors, rejected, prompt_tokens, completion_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, cost_micros,
  latency_sum_ms, latency_max_ms, ${LATENCY_BUCKET_COLUMNS.join(', ')}`;
const GROUP = "app, coalesce(key_id, ''), model_group, provider";
const V12_DAY = sql(`INSERT INTO usage_daily (day, app, key_id, model_group, provider, ${MEASURE_COLUMNS})
  SELECT CAST(? AS TEXT), ${GROUP}, ${MEASURES} FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY ${GROUP}`);
const V12_HOUR = sql(`INSERT INTO usage_hourly (hour, app, key_id, model_group, provider, ${MEASURE_COLUMNS})
  SELECT CAST(? AS BIGINT), ${GROUP}, ${MEASURES} FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY ${GROUP}`);

/** Raw rows and the wide rollups, as a version-12 build wrote them (no per-grouping rollups then). */
const fillAsVersion12 = writeUnit(function* (rows: UsageRow[]) {
  for (const row of rows) yield* run(INSERT_RAW, USAGE_COLUMNS.map((c) => row[c]));
  for (let day = D0; day < D0 + 3 * DAY; day += DAY) yield* run(V12_DAY, [utcDay(day), day, day + DAY]);
  for (let hour = D0; hour < D0 + 3 * DAY; hour += HOUR) yield* run(V12_HOUR, [hour, hour, hour + HOUR]);
});

function rows(): UsageRow[] {
  const random = seededRandom(13);
  const statuses = ['success', 'success', 'success', 'upstream_error', 'rejected'] as const;
  return Array.from({ length: 500 }, (_, i) =>
    toUsageRow(
      usageRecord({
        requestId: `m13-${i}`,
        ts: D0 + Math.floor(random() * 3 * DAY),
        keyId: i % 4 === 0 ? null : `key-${i % 3}`,
        app: ['cursor', 'claude-code', 'curl'][i % 3]!,
        modelGroup: ['gpt-4o', 'claude', 'qwen'][Math.floor(random() * 3)]!,
        provider: ['openai', 'anthropic', ''][i % 3]!,
        status: statuses[i % statuses.length]!,
        latencyMs: Math.floor(random() * 9_000),
        costMicros: Math.floor(random() * 10_000),
        cachedTokens: i % 7,
      }),
    ),
  );
}

/** A database at version `migrations`' last step, on one engine; reopen() runs every migration. */
async function open(engine: EngineName, migrations: typeof MIGRATIONS): Promise<{ connection: StorageConnection; reopen(): Promise<StorageConnection>; close(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = tempDir();
    const file = dir.file('switchboard.db');
    let current = openDatabase({ file, log: captureLog(), migrations }).db;
    return {
      connection: current,
      reopen: async () => {
        current.close();
        current = openDatabase({ file, log: captureLog() }).db;
        return current;
      },
      close: async () => {
        current.close();
        dir.remove();
      },
    };
  }
  const url = parseDatabaseUrl(await postgres.createDatabase());
  await migratePostgresDatabase({ url, log: captureLog(), migrations });
  const pools = [openPostgresPool(url, { max: 2 })];
  return {
    connection: pools[0]!,
    reopen: async () => {
      await migratePostgresDatabase({ url, log: captureLog() });
      pools.push(openPostgresPool(url, { max: 2 }));
      return pools[1]!;
    },
    close: async () => {
      for (const pool of pools) await pool.close();
    },
  };
}

async function summaries(connection: StorageConnection) {
  const queries = createUsageQueries(connection);
  const out: Record<string, unknown> = {};
  const ranges: [number, number][] = [
    [D0, D0 + 3 * DAY],
    [D0 + 5 * HOUR + 17 * 60_000, D0 + 2 * DAY + 3 * HOUR + 1],
    [D0 + DAY - 30 * 60_000, D0 + DAY + 30 * 60_000],
  ];
  for (const [start, end] of ranges) {
    for (const groupBy of ['app', 'model', 'provider', 'day', 'key'] as UsageGroupBy[]) out[`${start}/${end}/${groupBy}`] = await queries.usageSummary({ start, end, groupBy });
  }
  return out;
}

describe.each(ENGINES)('migration 13 on %s', (engine) => {
  it('fills the per-grouping rollups so an upgraded version-12 database answers every summary as one written by this build', async () => {
    const data = rows();
    const current = await open(engine, MIGRATIONS);
    const upgraded = await open(engine, V12);
    try {
      for (const c of [current.connection, upgraded.connection]) if (isPostgresConnection(c)) await ensureUsagePartitions(c, D0, 3);
      for (let i = 0; i < data.length; i += 100) await bindUnit(current.connection, writeUsageBatch)(data.slice(i, i + 100));
      await bindUnit(upgraded.connection, fillAsVersion12)(data);

      const connection = await upgraded.reopen();
      const expected = await summaries(current.connection);
      expect((expected[`${D0}/${D0 + 3 * DAY}/day`] as { totals: { requests: number } }).totals.requests).toBe(500);
      expect(await summaries(connection)).toEqual(expected);
    } finally {
      await current.close();
      await upgraded.close();
    }
  }, 60_000);
});
