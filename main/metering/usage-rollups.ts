// Usage rollups: per (UTC day | UTC hour, app, key, model group, provider) sums and a latency
// histogram in usage_daily and usage_hourly, so summaries read thousands of rows instead of
// millions. Written by the usage ledger in the same transaction as the raw rows (they always
// agree; see write-usage-rollups.ts); rebuildUsageRollups recomputes them from raw rows. Never deletes a day it cannot rebuild.
//
// Latency percentiles: raw latencies cannot be summed across days, so each rollup keeps a
// histogram of successful requests over fixed, roughly geometric buckets (25 ms .. 120 s, then
// open-ended) plus the maximum. Histograms add up exactly across days and groups; a p50/p95
// read from one is exact to within its bucket (about ±25%), which is what a dashboard needs,
// for 22 integer columns per row. A t-digest would be more precise but cannot be merged in SQL.
import type Database from 'better-sqlite3';
import { immediateTransaction } from '../storage/immediate-transaction.js';

/** Upper bounds (inclusive) of the latency buckets, ms; one more bucket holds everything above. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
];
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;
export const LATENCY_BUCKET_COLUMNS: readonly string[] = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `lat_b${String(i).padStart(2, '0')}`);

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
 * `sum(...)` per latency bucket over successful rows.
 */
export function latencyHistogramSql(): string {
  return LATENCY_BUCKET_COLUMNS.map((column, i) => {
    const low = i === 0 ? null : LATENCY_BUCKET_BOUNDS_MS[i - 1];
    const high = i < LATENCY_BUCKET_BOUNDS_MS.length ? LATENCY_BUCKET_BOUNDS_MS[i] : null;
    const conditions = ["status = 'success'"];
    if (low !== null && low !== undefined) conditions.push(`latency_ms > ${low}`);
    if (high !== null && high !== undefined) conditions.push(`latency_ms <= ${high}`);
    return `sum(${conditions.join(' AND ')}) AS ${column}`;
  }).join(', ');
}

/**
 * Recomputes the daily and hourly rollups of every day that still has raw rows in
 * [fromMs, toMs) from those raw rows, in one write transaction. A repair and seeding tool:
 * days whose raw rows were pruned by retention have none, so their rollups are left untouched.
 */
export function rebuildUsageRollups(db: Database.Database, range: { fromMs?: number; toMs?: number } = {}): { days: number } {
  const fromMs = range.fromMs ?? 0;
  const toMs = range.toMs ?? Number.MAX_SAFE_INTEGER;
  const measures = `count(*), sum(status <> 'success'), sum(status = 'rejected'), sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens), sum(cache_creation_tokens),
    sum(reasoning_tokens), sum(cost_micros), sum(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END),
    max(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END), ${latencyHistogramSql()}`;
  const measureColumns = `requests, errors, rejected, prompt_tokens, completion_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, cost_micros,
    latency_sum_ms, latency_max_ms, ${LATENCY_BUCKET_COLUMNS.join(', ')}`;
  const rebuild = immediateTransaction(db, () => {
    // Whole days only: a day is rebuilt entirely from its raw rows or not at all.
    const days = (db.prepare(`SELECT DISTINCT ${UTC_DAY_SQL} AS day FROM usage_log WHERE ts >= ? AND ts < ?`).all(fromMs, toMs) as { day: string }[]).map((r) => r.day);
    const removeDay = db.prepare('DELETE FROM usage_daily WHERE day = ?');
    const removeHours = db.prepare('DELETE FROM usage_hourly WHERE hour >= ? AND hour < ?');
    const insertDay = db.prepare(
      `INSERT INTO usage_daily (day, app, key_id, model_group, provider, ${measureColumns})
       SELECT :day, app, coalesce(key_id, ''), model_group, provider, ${measures}
       FROM usage_log WHERE ts >= :start AND ts < :end GROUP BY app, coalesce(key_id, ''), model_group, provider`,
    );
    const insertHours = db.prepare(
      `INSERT INTO usage_hourly (hour, app, key_id, model_group, provider, ${measureColumns})
       SELECT ${UTC_HOUR_SQL}, app, coalesce(key_id, ''), model_group, provider, ${measures}
       FROM usage_log WHERE ts >= :start AND ts < :end GROUP BY ${UTC_HOUR_SQL}, app, coalesce(key_id, ''), model_group, provider`,
    );
    for (const day of days) {
      const start = Date.parse(`${day}T00:00:00.000Z`);
      removeDay.run(day);
      removeHours.run(start, start + DAY_MS);
      insertDay.run({ day, start, end: start + DAY_MS });
      insertHours.run({ start, end: start + DAY_MS });
    }
    return days.length;
  });
  return { days: rebuild() };
}
