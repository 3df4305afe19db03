// Usage per app over time for the dashboard's stacked chart: requests, errors, tokens and spend
// per (UTC hour | UTC day, app) over [start, end). Whole days come from usage_daily, whole hours
// from usage_hourly, and only the partial hour at either end of a span from raw rows, so a
// 90-day range over millions of rows reads a few thousand rollup rows. Read-only.
import type Database from 'better-sqlite3';
import { DAY_MS, HOUR_MS, utcDay } from './usage-rollups.js';

export type UsageTimelineBucket = 'hour' | 'day';
export const USAGE_TIMELINE_BUCKETS: readonly UsageTimelineBucket[] = ['hour', 'day'];

/** An hourly timeline over more than this many hours is refused (a chart cannot show them). */
export const MAX_TIMELINE_HOURS = 24 * 31;

export interface UsageTimelineQuery {
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

const MEASURES = 'sum(requests) AS requests, sum(errors) AS errors, sum(prompt_tokens) + sum(completion_tokens) AS total_tokens, sum(cost_micros) AS spend_micros';
const RAW_MEASURES = "count(*) AS requests, sum(status <> 'success') AS errors, sum(prompt_tokens) + sum(completion_tokens) AS total_tokens, sum(cost_micros) AS spend_micros";

export function createUsageTimeline(db: Database.Database): (query: UsageTimelineQuery) => UsageTimeline {
  const daily = db.prepare<[string, string], Omit<Row, 'bucket_start'> & { day: string }>(
    `SELECT day, app, ${MEASURES} FROM usage_daily WHERE day >= ? AND day <= ? GROUP BY day, app`,
  );
  const hourly = db.prepare<[number, number], Row>(`SELECT hour AS bucket_start, app, ${MEASURES} FROM usage_hourly WHERE hour >= ? AND hour < ? GROUP BY hour, app`);
  const raw = db.prepare<[number, number], Row>(
    `SELECT (ts / ${HOUR_MS}) * ${HOUR_MS} AS bucket_start, app, ${RAW_MEASURES} FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY bucket_start, app`,
  );
  const anyRaw = db.prepare<[number, number], { found: number }>('SELECT 1 AS found FROM usage_log WHERE ts >= ? AND ts < ? LIMIT 1');

  // One read transaction: rollups and raw rows from the same snapshot while the ledger writes.
  const read = db.transaction((query: UsageTimelineQuery): Row[] => {
    const rows: Row[] = [];
    /** Hour-grained rows over [from, to): whole hours from usage_hourly, the edges raw. */
    const hours = (from: number, to: number): void => {
      const hoursFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
      const hoursTo = Math.floor(to / HOUR_MS) * HOUR_MS;
      if (hoursFrom >= hoursTo) {
        rows.push(...raw.all(from, to));
        return;
      }
      rows.push(...hourly.all(hoursFrom, hoursTo));
      if (from < hoursFrom) rows.push(...raw.all(from, hoursFrom));
      if (hoursTo < to) rows.push(...raw.all(hoursTo, to));
    };
    /** A part of one UTC day: hour-grained while its raw rows exist, else its daily rollup (retention pruned the hours). */
    const partOfDay = (from: number, to: number): void => {
      const dayStart = Math.floor(from / DAY_MS) * DAY_MS;
      if (anyRaw.get(dayStart, dayStart + DAY_MS) !== undefined) hours(from, to);
      else for (const row of daily.all(utcDay(dayStart), utcDay(dayStart))) rows.push({ ...row, bucket_start: dayStart });
    };

    const wholeFrom = Math.ceil(query.start / DAY_MS) * DAY_MS;
    const wholeTo = Math.floor(query.end / DAY_MS) * DAY_MS;
    if (query.bucket === 'day' && wholeFrom < wholeTo) {
      for (const row of daily.all(utcDay(wholeFrom), utcDay(wholeTo - DAY_MS))) rows.push({ ...row, bucket_start: Date.parse(`${row.day}T00:00:00.000Z`) });
      if (query.start < wholeFrom) partOfDay(query.start, wholeFrom);
      if (wholeTo < query.end) partOfDay(wholeTo, query.end);
    } else {
      // Hourly buckets, or a day range with no whole day in it: day by day.
      for (let from = query.start; from < query.end; ) {
        const to = Math.min(query.end, (Math.floor(from / DAY_MS) + 1) * DAY_MS);
        partOfDay(from, to);
        from = to;
      }
    }
    return rows;
  });

  return (query) => {
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

    // Rows of one cell arrive from several sources (rollup + raw edges, or hours of a day): summed here.
    const cells = new Map<string, UsageTimelinePoint>();
    const perApp = new Map<string, number>();
    for (const row of query.end > query.start ? read(query) : []) {
      if (row.requests === 0) continue;
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
    return { start: query.start, end: query.end, bucket: query.bucket, buckets, apps, points };
  };
}
