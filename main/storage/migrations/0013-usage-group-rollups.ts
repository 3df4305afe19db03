// Migration 13: per-grouping rollups, so /usage/summary sums one row per group and period instead
// of one per (app, key, model group, provider) combination. At team scale (50 keys x 50 apps x 50
// models, ~1,050 combinations a day) a 30-day summary summed ~56,000 rollup rows and took 230-250 ms
// on PostgreSQL; the same summary reads ~2,700 rows of these tables (docs/storage-engines.md).
//
// usage_daily_groups / usage_hourly_groups hold, per UTC day / hour, one row per value of each
// grouping: group_by 'app' (value = app), 'model' (model group), 'provider', 'key' (key id, '' =
// master key). The summary by day reads the 'provider' rows: every request has exactly one provider,
// so they partition the day (a few rows, and no fifth row to write per period). Same measure columns
// as usage_daily. Written by the same idempotent rollup writer in the same transaction as the raw
// rows; the hourly rows are pruned with the raw rows, the daily ones kept as history.
//
// The backfill sums the existing usage_daily / usage_hourly, so an upgraded database answers every
// summary exactly as before. It is this migration's own copy of that SQL: a shipped step never
// changes, while rebuildUsageRollups (main/metering/usage-rollups.ts) may.

export const version = 13;
export const name = 'usage-group-rollups';

/** Same buckets as usage_daily (LATENCY_BUCKET_BOUNDS_MS in main/metering/usage-rollups.ts). */
const LATENCY_BUCKET_COUNT = 22;
const latencyNames = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `lat_b${String(i).padStart(2, '0')}`);
const SUMMED = ['requests', 'errors', 'rejected', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_sum_ms', ...latencyNames];
const MEASURE_COLUMNS = [...SUMMED, 'latency_max_ms'];

/** group_by value -> the usage_daily / usage_hourly column it groups on. */
const GROUPINGS: [string, string][] = [['app', 'app'], ['model', 'model_group'], ['provider', 'provider'], ['key', 'key_id']];

function table(name: string, period: string, integer: string, strict: string): string {
  return `CREATE TABLE ${name} (
  ${period},
  group_by TEXT NOT NULL CHECK (group_by IN ('app', 'model', 'provider', 'key')),
  group_value TEXT NOT NULL,
${MEASURE_COLUMNS.map((c) => `  ${c} ${integer} NOT NULL DEFAULT 0,`).join('\n')}
  PRIMARY KEY (group_by, ${period.split(' ')[0]}, group_value)
)${strict};`;
}

/** Sums from the wide rollup; the PostgreSQL cast keeps sum(bigint)'s numeric out of a BIGINT column. */
function backfill(target: string, source: string, period: string, cast: (expression: string) => string): string {
  return GROUPINGS.map(([groupBy, column]) => `INSERT INTO ${target} (${period}, group_by, group_value, ${MEASURE_COLUMNS.join(', ')})
  SELECT ${period}, '${groupBy}', ${column}, ${SUMMED.map((c) => cast(`sum(${c})`)).join(', ')}, max(latency_max_ms)
  FROM ${source} GROUP BY ${period}, ${column};`).join('\n');
}

const sqliteCast = (expression: string): string => expression;
const postgresCast = (expression: string): string => `CAST(${expression} AS BIGINT)`;

// WITHOUT ROWID: the primary key is the table, as for usage_daily; group_by leads it, so a summary
// reads one contiguous range per grouping.
export const sql = `
${table('usage_daily_groups', 'day TEXT NOT NULL', 'INTEGER', ' STRICT, WITHOUT ROWID')}
${table('usage_hourly_groups', 'hour INTEGER NOT NULL', 'INTEGER', ' STRICT, WITHOUT ROWID')}
${backfill('usage_daily_groups', 'usage_daily', 'day', sqliteCast)}
${backfill('usage_hourly_groups', 'usage_hourly', 'hour', sqliteCast)}
`;

/** The same step for PostgreSQL (team mode); see 0001 for the type mapping. */
export const postgresql = `
${table('usage_daily_groups', 'day TEXT NOT NULL', 'BIGINT', '')}
${table('usage_hourly_groups', 'hour BIGINT NOT NULL', 'BIGINT', '')}
${backfill('usage_daily_groups', 'usage_daily', 'day', postgresCast)}
${backfill('usage_hourly_groups', 'usage_hourly', 'hour', postgresCast)}
`;
