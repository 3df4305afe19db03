// Migration 13: per-grouping daily rollups, so /usage/summary sums one row per group and day instead
// of one per (app, key, model group, provider) combination. At team scale (50 keys x 50 apps x 50
// models, ~1,050 combinations a day) a 30-day summary summed ~31,500 usage_daily rows and took
// 230-250 ms on PostgreSQL; the same summary reads ~1,500 rows of usage_daily_groups (and, as
// before, usage_hourly for the partial days at either end): 10-40 ms (docs/storage-engines.md).
//
// usage_daily_groups holds, per UTC day, one row per value of each grouping: group_by 'app' (value =
// app), 'model' (model group), 'provider', 'key' (key id, '' = master key). The summary by day reads
// the 'provider' rows: every request has exactly one provider, so they partition the day (a few rows,
// and no fifth row to write per day). Same measure columns as usage_daily. Written by the same
// idempotent rollup writer in the same transaction as the raw rows; kept as history, like usage_daily
// (retention never prunes daily rollups). No hourly counterpart: it measured ~15 ms faster at 10M
// rows but made the SQLite ledger flush ~10% slower; whole hours keep coming from usage_hourly.
//
// The backfill sums the existing usage_daily, so an upgraded database answers every summary exactly
// as before. It is this migration's own copy of that SQL: a shipped step never changes, while
// rebuildUsageRollups (main/metering/usage-rollups.ts) may.

export const version = 13;
export const name = 'usage-group-rollups';

/** Same buckets as usage_daily (LATENCY_BUCKET_BOUNDS_MS in main/metering/usage-rollups.ts). */
const LATENCY_BUCKET_COUNT = 22;
const latencyNames = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `lat_b${String(i).padStart(2, '0')}`);
const SUMMED = ['requests', 'errors', 'rejected', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_sum_ms', ...latencyNames];
const MEASURE_COLUMNS = [...SUMMED, 'latency_max_ms'];

/** group_by value -> the usage_daily column it groups on. */
const GROUPINGS: [string, string][] = [['app', 'app'], ['model', 'model_group'], ['provider', 'provider'], ['key', 'key_id']];

function createTable(integer: string, options: string): string {
  return `CREATE TABLE usage_daily_groups (
  day TEXT NOT NULL,
  group_by TEXT NOT NULL CHECK (group_by IN ('app', 'model', 'provider', 'key')),
  group_value TEXT NOT NULL,
${MEASURE_COLUMNS.map((c) => `  ${c} ${integer} NOT NULL DEFAULT 0,`).join('\n')}
  PRIMARY KEY (group_by, day, group_value)
)${options};`;
}

/** Sums of usage_daily; on PostgreSQL cast back to BIGINT, since sum(bigint) is numeric. */
function backfill(cast: (expression: string) => string): string {
  return GROUPINGS.map(([groupBy, column]) => `INSERT INTO usage_daily_groups (day, group_by, group_value, ${MEASURE_COLUMNS.join(', ')})
  SELECT day, '${groupBy}', ${column}, ${SUMMED.map((c) => cast(`sum(${c})`)).join(', ')}, max(latency_max_ms)
  FROM usage_daily GROUP BY day, ${column};`).join('\n');
}

// WITHOUT ROWID: the primary key is the table, as for usage_daily; group_by leads it, so a summary
// reads one contiguous range of days per grouping.
export const sql = `
${createTable('INTEGER', ' STRICT, WITHOUT ROWID')}
${backfill((expression) => expression)}
`;

/** The same step for PostgreSQL (team mode); see 0001 for the type mapping. */
export const postgresql = `
${createTable('BIGINT', '')}
${backfill((expression) => `CAST(${expression} AS BIGINT)`)}
`;
