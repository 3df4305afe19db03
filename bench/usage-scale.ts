// Usage at team scale: fills a PostgreSQL database with N usage rows (default 10,000,000) over 90
// days across 50 keys, apps and models (server-side generate_series), rebuilds the rollups, then
// times /usage/summary and /spend/logs queries, median of 5 (target < 200 ms each). Needs a
// database URL of a database it may fill: npm run bench:usage-scale -- postgresql://… [--rows N].
// A database it filled before is migrated (if the schema moved on) and measured without reloading.
import { performance } from 'node:perf_hooks';
import { createUsageQueries } from '../main/metering/usage-queries.js';
import { rebuildUsageRollups } from '../main/metering/usage-rollups.js';
import { parseDatabaseUrl } from '../main/storage/database-url.js';
import { migratePostgresDatabase } from '../main/storage/migrate-postgres-database.js';
import { openPostgresPool, type PostgresConnection } from '../main/storage/open-postgres-pool.js';
import { ensureUsagePartitions } from '../main/storage/usage-partitions.js';
import { fillUsageRows, ownBenchKeys } from './fill-usage-rows.js';

const DAY = 86_400_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function median(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2] as number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const url = args.find((a) => a.startsWith('postgres')) ?? process.env.USAGE_SCALE_DATABASE_URL;
  if (url === undefined) throw new Error('Pass the URL of a PostgreSQL database to fill: npm run bench:usage-scale -- postgresql://…');
  const rowsAt = args.indexOf('--rows');
  const rows = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 10_000_000;
  const parsed = parseDatabaseUrl(url);
  const m0 = performance.now();
  await migratePostgresDatabase({ url: parsed, log: silent });
  console.log(`Schema migrated in ${((performance.now() - m0) / 1000).toFixed(1)} s.`);
  const connection: PostgresConnection = openPostgresPool(parsed, { max: 2 });
  try {
    const end = Math.floor(Date.now() / DAY) * DAY + DAY;
    const start = end - 90 * DAY;
    // A database filled by an earlier run (the same UTC day) is measured as it is: loading 10M rows
    // takes minutes, and a database filled before a schema upgrade measures the migrated rollups.
    const filledBefore = (await connection.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM usage_log LIMIT 1) AS any_row')).rows[0]!.n > 0;
    if (filledBefore) {
      console.log('usage_log already holds rows: measuring them as they are (use an empty database to load afresh).');
      await connection.pool.query('ANALYZE'); // tables a migration just filled have no statistics yet
    } else {
      const t0 = performance.now();
      await ensureUsagePartitions(connection, start, 91);
      await fillUsageRows(connection.pool, { rows, start, days: 90 });
      const filled = performance.now();
      await rebuildUsageRollups(connection);
      const rolled = performance.now();
      await connection.pool.query('ANALYZE');
      console.log(`Loaded ${rows.toLocaleString('en')} rows in ${((filled - t0) / 1000).toFixed(0)} s, rollups rebuilt in ${((rolled - filled) / 1000).toFixed(0)} s.`);
    }

    // Owners for the filtered cases (a database filled before filters existed gets them now).
    await ownBenchKeys(connection.pool);
    const queries = createUsageQueries(connection);
    const now = end - DAY / 2 + 12_345; // mid-day: partial days and hours at the edges, as in real use
    const cases: [string, () => Promise<unknown>][] = [
      ['summary last 7 days by app', () => queries.usageSummary({ start: now - 7 * DAY, end: now, groupBy: 'app' })],
      ['summary last 30 days by app', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'app' })],
      ['summary last 30 days by model', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'model' })],
      ['summary last 30 days by provider', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'provider' })],
      ['summary last 30 days by day', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'day' })],
      ['summary last 30 days by key', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'key' })],
      ['timeline last 30 days by day', () => queries.usageTimeline({ start: now - 30 * DAY, end: now, bucket: 'day' })],
      // Filtered: usage_daily cut to the owner's keys, not usage_daily_groups.
      ['summary last 30 days by app, one key', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'app', keyId: 'key-7' })],
      ['summary last 30 days by key, one team (10 keys)', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'key', teamId: 'team-2' })],
      ['summary last 30 days by model, one user (2 keys)', () => queries.usageSummary({ start: now - 30 * DAY, end: now, groupBy: 'model', userId: 'user-3' })],
      ['timeline last 30 days by day, one team', () => queries.usageTimeline({ start: now - 30 * DAY, end: now, bucket: 'day', teamId: 'team-2' })],
      ['logs first page (cursor)', () => queries.spendLogs({ cursor: '', pageSize: 50 })],
      ['logs first page by key (cursor)', () => queries.spendLogs({ cursor: '', keyId: 'key-7', pageSize: 50 })],
    ];
    // A deep keyset page: the cursor of a row 45 days back, as after paging that far.
    const middle = await connection.pool.query<{ ts: number; request_id: string }>('SELECT ts, request_id FROM usage_log WHERE ts < $1 ORDER BY ts DESC LIMIT 1', [end - 45 * DAY]);
    const { encodeSpendLogsCursor } = await import('../main/metering/spend-logs.js');
    const deep = encodeSpendLogsCursor(middle.rows[0]!.ts, middle.rows[0]!.request_id);
    cases.push(['logs deep page, 45 days back (cursor)', () => queries.spendLogs({ cursor: deep, pageSize: 50 })]);
    cases.push(['logs deep page by key, 45 days back (cursor)', () => queries.spendLogs({ cursor: deep, keyId: 'key-7', pageSize: 50 })]);
    cases.push(['logs page 1 with total (offset, counts all rows)', () => queries.spendLogs({ page: 1, pageSize: 50 })]);
    for (const [name, run] of cases) console.log(`${name}: ${(await median(run)).toFixed(1)} ms (median of 5)`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
