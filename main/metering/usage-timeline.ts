// Usage per app over time for the dashboard's stacked chart: requests, errors, tokens and spend
// per (UTC hour | UTC day, app) over [start, end). Whole days come from usage_daily_groups, whole hours
// from usage_hourly, and only the partial hour at either end of a span from raw rows, so a
// 90-day range over millions of rows reads a few thousand rollup rows. Read-only.
import { bindSnapshotRead } from '../storage/bind-snapshot-read.js';
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import type { ModeOf, Returns, StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit } from '../storage/storage-unit.js';
import { DAY_MS, HOUR_MS, utcDay } from './usage-rollups.js';
import { hasUsageOwnerFilter, usageOwnerConditions, usageOwnerParams, usageOwnerShape, type UsageOwnerFilter } from './usage-owner-filter.js';

export type UsageTimelineBucket = 'hour' | 'day';
export const USAGE_TIMELINE_BUCKETS: readonly UsageTimelineBucket[] = ['hour', 'day'];

/** An hourly timeline over more than this many hours is refused (a chart cannot show them). */
export const MAX_TIMELINE_HOURS = 24 * 31;

/** With keyId, teamId or userId, only the usage of those keys (usage-owner-filter.ts). */
export interface UsageTimelineQuery extends UsageOwnerFilter {
  /** Inclusive, epoch ms. */
  start: number;
  /** Exclusive, epoch ms. */
  end: number;
  bucket: UsageTimelineBucket;
}

export interface UsageTimelinePoint {
  /** Start of the UTC hour or day, epoch ms. */
  bucket_start: number;
  app: string;
  requests: number;
  errors: number;
  total_tokens: number;
  spend_micros: number;
}

export interface UsageTimeline {
  start: number;
  end: number;
  bucket: UsageTimelineBucket;
  /** Every bucket start the range touches, oldest first, including empty ones. */
  buckets: number[];
  /** Apps, most requests first. */
  apps: string[];
  /** Only non-empty (bucket, app) cells, by bucket then app. */
  points: UsageTimelinePoint[];
}

/** The query's rows are the points themselves. */
type Row = UsageTimelinePoint;

// Sums cast to BIGINT: PostgreSQL's sum(bigint) is numeric, which pg reads as a string.
const MEASURES = 'CAST(sum(requests) AS BIGINT) AS requests, CAST(sum(errors) AS BIGINT) AS errors, CAST(sum(prompt_tokens) + sum(completion_tokens) AS BIGINT) AS total_tokens, CAST(sum(cost_micros) AS BIGINT) AS spend_micros';
const RAW_MEASURES =
  "count(*) AS requests, CAST(sum(CASE WHEN status <> 'success' THEN 1 ELSE 0 END) AS BIGINT) AS errors, CAST(sum(prompt_tokens) + sum(completion_tokens) AS BIGINT) AS total_tokens, CAST(sum(cost_micros) AS BIGINT) AS spend_micros";
// Whole days from the per-app rows of usage_daily_groups (migration 13): one row per (day, app), not
// one per (day, app, key, model, provider).
const DAILY = sql(`SELECT day, group_value AS app, ${MEASURES} FROM usage_daily_groups WHERE group_by = 'app' AND day >= ? AND day <= ? GROUP BY day, group_value`);
const HOURLY = sql(`SELECT hour AS bucket_start, app, ${MEASURES} FROM usage_hourly WHERE hour >= ? AND hour < ? GROUP BY hour, app`);
const RAW = sql(`SELECT (ts / ${HOUR_MS}) * ${HOUR_MS} AS bucket_start, app, ${RAW_MEASURES} FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY (ts / ${HOUR_MS}) * ${HOUR_MS}, app`);

interface TimelineStatements {
  daily: SqlStatement;
  hourly: SqlStatement;
  raw: SqlStatement;
}
const filteredStatements = new Map<string, TimelineStatements>();

/**
 * Unfiltered, the statements above (the fast path). Filtered, the same with the filter's conditions
 * after the range (its parameters follow the range's), whole days from usage_daily (per app, key,
 * model, provider), which a set of keys can be cut from exactly: usage_daily_groups cannot.
 */
function timelineStatements(filter: UsageOwnerFilter): TimelineStatements {
  if (!hasUsageOwnerFilter(filter)) return { daily: DAILY, hourly: HOURLY, raw: RAW };
  const shape = usageOwnerShape(filter);
  const id = JSON.stringify(shape);
  let found = filteredStatements.get(id);
  if (found === undefined) {
    const owner = usageOwnerConditions(shape).map((condition) => ` AND ${condition}`).join('');
    found = {
      daily: sql(`SELECT day, app, ${MEASURES} FROM usage_daily WHERE day >= ? AND day <= ?${owner} GROUP BY day, app`),
      hourly: sql(`SELECT hour AS bucket_start, app, ${MEASURES} FROM usage_hourly WHERE hour >= ? AND hour < ?${owner} GROUP BY hour, app`),
      raw: sql(`SELECT (ts / ${HOUR_MS}) * ${HOUR_MS} AS bucket_start, app, ${RAW_MEASURES} FROM usage_log WHERE ts >= ? AND ts < ?${owner} GROUP BY (ts / ${HOUR_MS}) * ${HOUR_MS}, app`),
    };
    filteredStatements.set(id, found);
  }
  return found;
}
const ANY_RAW = sql('SELECT 1 AS found FROM usage_log WHERE ts >= ? AND ts < ? LIMIT 1');

const timelineUnit = readUnit(function* (query: UsageTimelineQuery) {
  if (!Number.isFinite(query.start) || !Number.isFinite(query.end) || query.start < 0 || query.end > 8.64e15 || query.start > query.end) {
    throw new RangeError('The usage timeline needs a start before its end, in epoch ms.');
  }
  if (!USAGE_TIMELINE_BUCKETS.includes(query.bucket)) throw new RangeError(`bucket must be one of ${USAGE_TIMELINE_BUCKETS.join(', ')}.`);
  const size = query.bucket === 'hour' ? HOUR_MS : DAY_MS;
  const first = Math.floor(query.start / size) * size;
  if (query.bucket === 'hour' && (query.end - first) / HOUR_MS > MAX_TIMELINE_HOURS) {
    throw new RangeError(`An hourly timeline covers at most ${MAX_TIMELINE_HOURS / 24} days; ask for bucket=day.`);
  }
  const buckets: number[] = [];
  for (let t = first; t < query.end; t += size) buckets.push(t);

  const statements = timelineStatements(query);
  const owner = usageOwnerParams(query);
  const rows: Row[] = [];
  /** Hour-grained rows over [from, to): whole hours from usage_hourly, the edges raw. */
  function* hours(from: number, to: number) {
    const hoursFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const hoursTo = Math.floor(to / HOUR_MS) * HOUR_MS;
    if (hoursFrom >= hoursTo) {
      rows.push(...(yield* all<Row>(statements.raw, [from, to, ...owner])));
      return;
    }
    rows.push(...(yield* all<Row>(statements.hourly, [hoursFrom, hoursTo, ...owner])));
    if (from < hoursFrom) rows.push(...(yield* all<Row>(statements.raw, [from, hoursFrom, ...owner])));
    if (hoursTo < to) rows.push(...(yield* all<Row>(statements.raw, [hoursTo, to, ...owner])));
  }
  /** A part of one UTC day: hour-grained while its raw rows exist, else its daily rollup (retention pruned the hours). */
  function* partOfDay(from: number, to: number) {
    const dayStart = Math.floor(from / DAY_MS) * DAY_MS;
    if ((yield* get<{ found: number }>(ANY_RAW, [dayStart, dayStart + DAY_MS])) !== undefined) yield* hours(from, to);
    else for (const row of yield* all<DayRow>(statements.daily, [utcDay(dayStart), utcDay(dayStart), ...owner])) rows.push({ ...row, bucket_start: dayStart });
  }

  if (query.end > query.start) {
    const wholeFrom = Math.ceil(query.start / DAY_MS) * DAY_MS;
    const wholeTo = Math.floor(query.end / DAY_MS) * DAY_MS;
    if (query.bucket === 'day' && wholeFrom < wholeTo) {
      for (const row of yield* all<DayRow>(statements.daily, [utcDay(wholeFrom), utcDay(wholeTo - DAY_MS), ...owner])) rows.push({ ...row, bucket_start: Date.parse(`${row.day}T00:00:00.000Z`) });
      if (query.start < wholeFrom) yield* partOfDay(query.start, wholeFrom);
      if (wholeTo < query.end) yield* partOfDay(wholeTo, query.end);
    } else {
      // Hourly buckets, or a day range with no whole day in it: day by day.
      for (let from = query.start; from < query.end; ) {
        const to = Math.min(query.end, (Math.floor(from / DAY_MS) + 1) * DAY_MS);
        yield* partOfDay(from, to);
        from = to;
      }
    }
  }

  // Rows of one cell arrive from several sources (rollup + raw edges, or hours of a day): summed here.
  const cells = new Map<string, UsageTimelinePoint>();
  const perApp = new Map<string, number>();
  for (const row of rows) {
    if (Number(row.requests) === 0) continue;
    const bucketStart = Math.floor(row.bucket_start / size) * size;
    const id = JSON.stringify([bucketStart, row.app]);
    const cell = cells.get(id) ?? { bucket_start: bucketStart, app: row.app, requests: 0, errors: 0, total_tokens: 0, spend_micros: 0 };
    cell.requests += row.requests;
    cell.errors += row.errors ?? 0;
    cell.total_tokens += row.total_tokens ?? 0;
    cell.spend_micros += row.spend_micros ?? 0;
    cells.set(id, cell);
    perApp.set(row.app, (perApp.get(row.app) ?? 0) + row.requests);
  }
  const apps = [...perApp.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([app]) => app);
  const points = [...cells.values()].sort((a, b) => a.bucket_start - b.bucket_start || a.app.localeCompare(b.app));
  const timeline: UsageTimeline = { start: query.start, end: query.end, bucket: query.bucket, buckets, apps, points };
  return timeline;
});

type DayRow = Omit<Row, 'bucket_start'> & { day: string };

/** Synchronous on SQLite (one read transaction), a Promise on PostgreSQL. */
export function createUsageTimeline<C extends StorageConnection>(connection: C): (query: UsageTimelineQuery) => Returns<ModeOf<C>, UsageTimeline> {
  return bindSnapshotRead(connection, timelineUnit);
}
