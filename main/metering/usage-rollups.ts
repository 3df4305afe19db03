// Usage rollups: per (UTC day | UTC hour, app, key, model group, provider) sums and a latency
// histogram in usage_daily and usage_hourly, so summaries read thousands of rows instead of
// millions. Written by the usage ledger in the same transaction as the raw rows (they always
// agree; see write-usage-rollups.ts); rebuildUsageRollups recomputes them from raw rows. Never deletes a day it cannot rebuild.
// Beside them, usage_daily_groups (migration 13) holds the same measures per day and one grouping
// value (ROLLUP_GROUPINGS), so a summary by app, model, provider, key or day sums tens of rows a day
// instead of every combination.
//
// Latency percentiles: raw latencies cannot be summed across days, so each rollup keeps a
// histogram of successful requests over fixed, roughly geometric buckets (25 ms .. 120 s, then
// open-ended) plus the maximum. Histograms add up exactly across days and groups; a p50/p95
// read from one is exact to within its bucket (about ±25%), which is what a dashboard needs,
// for 22 integer columns per row. A t-digest would be more precise but cannot be merged in SQL.
import type Database from 'better-sqlite3';
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, run, writeUnit } from '../storage/storage-unit.js';

/** Upper bounds (inclusive) of the latency buckets, ms; one more bucket holds everything above. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
];
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;
export const LATENCY_BUCKET_COLUMNS: readonly string[] = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `lat_b${String(i).padStart(2, '0')}`);

/**
 * The groupings of the per-grouping daily rollups (usage_daily_groups; migration 13): their group_by
 * value and the usage_daily column they group on. The summary by day reads the 'provider' rows,
 * which partition each day (every request has one provider).
 */
export const ROLLUP_GROUPINGS = [
  { groupBy: 'app', column: 'app' },
  { groupBy: 'model', column: 'model_group' },
  { groupBy: 'provider', column: 'provider' },
  { groupBy: 'key', column: 'key_id' },
] as const;
export type RollupGrouping = (typeof ROLLUP_GROUPINGS)[number]['groupBy'];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function latencyBucketIndex(latencyMs: number): number {
  for (let i = 0; i < LATENCY_BUCKET_BOUNDS_MS.length; i++) {
    if (latencyMs <= (LATENCY_BUCKET_BOUNDS_MS[i] as number)) return i;
  }
  return LATENCY_BUCKET_BOUNDS_MS.length;
}

/** The [low, high] latency range of a bucket; the last one ends at the observed maximum. */
export function latencyBucketRange(index: number, maxObservedMs: number): [number, number] {
  const low = index === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[index - 1] as number);
  const high = index < LATENCY_BUCKET_BOUNDS_MS.length ? (LATENCY_BUCKET_BOUNDS_MS[index] as number) : Math.max(low, maxObservedMs);
  return [low, high];
}

/**
 * The p-quantile (0 < p <= 1, nearest rank) estimated from a histogram: the bucket holding the
 * rank, interpolated linearly inside it, never above the observed maximum. Null when empty.
 */
export function percentileFromHistogram(histogram: readonly number[], p: number, maxObservedMs: number): number | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let before = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i] as number;
    if (count > 0 && before + count >= rank) {
      const [low, bucketHigh] = latencyBucketRange(i, maxObservedMs);
      const high = Math.max(low, Math.min(bucketHigh, maxObservedMs));
      return Math.round(low + ((high - low) * (rank - before)) / count);
    }
    before += count;
  }
  return maxObservedMs;
}

/** The UTC calendar day of an epoch-ms time, `YYYY-MM-DD` (the usage_daily key). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the UTC hour holding an epoch-ms time (the usage_hourly key). */
export function utcHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The UTC day of usage_log.ts in SQL, matching utcDay(). */
export const UTC_DAY_SQL = "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')";
/** The UTC hour of usage_log.ts in SQL, matching utcHour(). */
export const UTC_HOUR_SQL = `(ts / ${HOUR_MS}) * ${HOUR_MS}`;

/** The fields of a usage_log row that feed a rollup (after the ledger's normalisation). */
export interface RollupInput {
  ts: number;
  app: string;
  key_id: string | null;
  model_group: string;
  provider: string;
  status: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_ms: number;
}

/**
 * SQL select-list items that aggregate usage_log rows the way the rollup writer does: one
 * `sum(...)` per latency bucket over successful rows (CASE, not a summed boolean: PostgreSQL
 * cannot sum a boolean).
 */
export function latencyHistogramSql(): string {
  return LATENCY_BUCKET_COLUMNS.map((column, i) => {
    const low = i === 0 ? null : LATENCY_BUCKET_BOUNDS_MS[i - 1];
    const high = i < LATENCY_BUCKET_BOUNDS_MS.length ? LATENCY_BUCKET_BOUNDS_MS[i] : null;
    const conditions = ["status = 'success'"];
    if (low !== null && low !== undefined) conditions.push(`latency_ms > ${low}`);
    if (high !== null && high !== undefined) conditions.push(`latency_ms <= ${high}`);
    return `sum(CASE WHEN ${conditions.join(' AND ')} THEN 1 ELSE 0 END) AS ${column}`;
  }).join(', ');
}

const MEASURES = `count(*), sum(CASE WHEN status <> 'success' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), sum(prompt_tokens), sum(completion_tokens),
  sum(cached_tokens), sum(cache_creation_tokens), sum(reasoning_tokens), sum(cost_micros), sum(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END),
  max(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END), ${latencyHistogramSql()}`;
const MEASURE_COLUMNS = `requests, errors, rejected, prompt_tokens, completion_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, cost_micros,
  latency_sum_ms, latency_max_ms, ${LATENCY_BUCKET_COLUMNS.join(', ')}`;
// Day starts in integer epoch ms on both engines (no strftime); the YYYY-MM-DD key is made in TypeScript.
const DAYS_WITH_RAW_ROWS = sql(`SELECT DISTINCT (ts / ${DAY_MS}) * ${DAY_MS} AS day_start FROM usage_log WHERE ts >= ? AND ts < ?`);
const REMOVE_DAY = sql('DELETE FROM usage_daily WHERE day = ?');
const REMOVE_HOURS = sql('DELETE FROM usage_hourly WHERE hour >= ? AND hour < ?');
const INSERT_DAY = sql(
  `INSERT INTO usage_daily (day, app, key_id, model_group, provider, ${MEASURE_COLUMNS})
   SELECT CAST(? AS TEXT), app, coalesce(key_id, ''), model_group, provider, ${MEASURES}
   FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY app, coalesce(key_id, ''), model_group, provider`,
);
const INSERT_HOURS = sql(
  `INSERT INTO usage_hourly (hour, app, key_id, model_group, provider, ${MEASURE_COLUMNS})
   SELECT ${UTC_HOUR_SQL}, app, coalesce(key_id, ''), model_group, provider, ${MEASURES}
   FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY ${UTC_HOUR_SQL}, app, coalesce(key_id, ''), model_group, provider`,
);

// The per-grouping rollups of a day, summed from the (app, key, model, provider) rollups just
// rebuilt in the same transaction: the same sums as from the raw rows, 1,000 rows read, not 100,000.
const GROUP_SUMMED = ['requests', 'errors', 'rejected', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_sum_ms', ...LATENCY_BUCKET_COLUMNS];
const GROUP_MEASURES = `${GROUP_SUMMED.map((c) => `CAST(sum(${c}) AS BIGINT)`).join(', ')}, max(latency_max_ms)`;
const GROUP_MEASURE_COLUMNS = `${GROUP_SUMMED.join(', ')}, latency_max_ms`;
const REMOVE_DAY_GROUPS = sql('DELETE FROM usage_daily_groups WHERE day = ?');
const INSERT_DAY_GROUPS = ROLLUP_GROUPINGS.map(({ groupBy, column }) =>
  sql(`INSERT INTO usage_daily_groups (day, group_by, group_value, ${GROUP_MEASURE_COLUMNS})
   SELECT day, '${groupBy}', ${column}, ${GROUP_MEASURES} FROM usage_daily WHERE day = ? GROUP BY day, ${column}`),
);

// Whole days only: a day is rebuilt entirely from its raw rows or not at all.
const rebuildUnit = writeUnit(function* (fromMs: number, toMs: number) {
  const days = (yield* all<{ day_start: number }>(DAYS_WITH_RAW_ROWS, [fromMs, toMs])).map((r) => Number(r.day_start));
  for (const start of days) {
    yield* run(REMOVE_DAY, [utcDay(start)]);
    yield* run(REMOVE_HOURS, [start, start + DAY_MS]);
    yield* run(INSERT_DAY, [utcDay(start), start, start + DAY_MS]);
    yield* run(INSERT_HOURS, [start, start + DAY_MS]);
    yield* run(REMOVE_DAY_GROUPS, [utcDay(start)]);
    for (const statement of INSERT_DAY_GROUPS) yield* run(statement, [utcDay(start)]);
  }
  return { days: days.length };
});

/**
 * Recomputes the daily and hourly rollups (and the per-grouping daily ones) of every day that
 * still has raw rows in [fromMs, toMs) from those raw rows, in one write transaction. A repair
 * and seeding tool: days whose raw rows were pruned by retention have none, so their rollups are
 * left untouched.
 * Synchronous on SQLite, a Promise on PostgreSQL.
 */
export function rebuildUsageRollups<C extends StorageConnection>(connection: C, range: { fromMs?: number; toMs?: number } = {}): Returns<ModeOf<C>, { days: number }> {
  return bindUnit(connection, rebuildUnit)(range.fromMs ?? 0, range.toMs ?? Number.MAX_SAFE_INTEGER);
}
