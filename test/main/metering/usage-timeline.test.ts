import type Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { pruneRawUsage } from '../../../main/metering/prune-raw-usage.js';
import { createUsageTimeline, type UsageTimeline, type UsageTimelineBucket } from '../../../main/metering/usage-timeline.js';
import { D0, DAY, HOUR, useSeededUsageDatabase, useUsageDatabases } from '../../support/usage-database-fixture.js';
import { usageRecord } from './usage-test-kit.js';

const { withRows } = useUsageDatabases();

/** The timeline the slow, obvious way: every raw row in the range, bucketed in SQL. */
function bruteForce(db: Database.Database, start: number, end: number, bucket: UsageTimelineBucket) {
  const size = bucket === 'hour' ? HOUR : DAY;
  return db
    .prepare(
      `SELECT (ts / ${size}) * ${size} AS bucket_start, app, count(*) AS requests, sum(status <> 'success') AS errors,
         sum(prompt_tokens) + sum(completion_tokens) AS total_tokens, sum(cost_micros) AS spend_micros
       FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY bucket_start, app ORDER BY bucket_start, app`,
    )
    .all(start, end);
}

describe('createUsageTimeline', () => {
  it('puts each app in its UTC hour, edges included, and lists every bucket of the range', () => {
    const db = withRows([
      usageRecord({ ts: D0 + 10 * HOUR + 5 * 60_000, app: 'cursor', costMicros: 4_200, promptTokens: 10, completionTokens: 5 }),
      usageRecord({ ts: D0 + 10 * HOUR + 50 * 60_000, app: 'cursor', costMicros: 0, promptTokens: 1, completionTokens: 1, status: 'upstream_error' }),
      usageRecord({ ts: D0 + 11 * HOUR + 30 * 60_000, app: 'zed', costMicros: 0, promptTokens: 7, completionTokens: 3 }),
      // Outside the range.
      usageRecord({ ts: D0 + 13 * HOUR, app: 'zed' }),
    ]);
    const timeline = createUsageTimeline(db.db)({ start: D0 + 10 * HOUR + 1_000, end: D0 + 12 * HOUR + 30 * 60_000, bucket: 'hour' });
    expect(timeline.buckets).toEqual([D0 + 10 * HOUR, D0 + 11 * HOUR, D0 + 12 * HOUR]);
    expect(timeline.apps).toEqual(['cursor', 'zed']);
    expect(timeline.points).toEqual([
      { bucket_start: D0 + 10 * HOUR, app: 'cursor', requests: 2, errors: 1, total_tokens: 17, spend_micros: 4_200 },
      { bucket_start: D0 + 11 * HOUR, app: 'zed', requests: 1, errors: 0, total_tokens: 10, spend_micros: 0 },
    ]);
  });

  it('answers from the daily rollups for days whose raw rows were pruned', () => {
    const records = [0, 1, 2, 3].flatMap((day) => [usageRecord({ ts: D0 + day * DAY + 3 * HOUR, app: 'a' }), usageRecord({ ts: D0 + day * DAY + 20 * HOUR, app: 'b' })]);
    const db = withRows(records);
    const timeline = createUsageTimeline(db.db);
    const before = timeline({ start: D0 + 2 * HOUR, end: D0 + 2 * DAY + 23 * HOUR, bucket: 'day' });
    expect(before.points.map((p) => [p.bucket_start, p.app, p.requests])).toEqual([
      [D0, 'a', 1], [D0, 'b', 1], [D0 + DAY, 'a', 1], [D0 + DAY, 'b', 1], [D0 + 2 * DAY, 'a', 1], [D0 + 2 * DAY, 'b', 1],
    ]);
    db.clock.set(D0 + 4 * DAY + HOUR);
    expect(pruneRawUsage(db.db, { clock: db.clock, retentionDays: 2 }).deleted).toBeGreaterThan(0);
    // Whole days are unchanged; a partial day whose rows are gone is read whole from its rollup.
    const after = timeline({ start: D0, end: D0 + 2 * DAY, bucket: 'day' });
    expect(after.points.map((p) => [p.bucket_start, p.app, p.requests])).toEqual([[D0, 'a', 1], [D0, 'b', 1], [D0 + DAY, 'a', 1], [D0 + DAY, 'b', 1]]);
  });

  it.each([
    [{ start: Number.NaN, end: 1, bucket: 'day' }],
    [{ start: 2, end: 1, bucket: 'day' }],
    [{ start: 0, end: 1, bucket: 'week' }],
    [{ start: D0, end: D0 + 32 * DAY, bucket: 'hour' }],
  ])('refuses a query it cannot answer: %j', (query) => {
    const db = withRows([]);
    expect(() => createUsageTimeline(db.db)(query as never)).toThrow(RangeError);
  });

  describe('at 200,000 usage rows', () => {
    const big = useSeededUsageDatabase(200_000, 300_000);
    let timeline: (q: { start: number; end: number; bucket: UsageTimelineBucket }) => UsageTimeline;
    beforeAll(() => {
      timeline = createUsageTimeline(big().db);
    });

    it.each<[UsageTimelineBucket, number, number]>([
      ['day', D0 + 3 * DAY + 5 * HOUR + 17, D0 + 27 * DAY + 11 * HOUR + 3],
      ['day', D0 + 12 * HOUR, D0 + 13 * HOUR + 1],
      ['hour', D0 + 2 * DAY + 7 * 60_000, D0 + 4 * DAY + 13 * HOUR + 59 * 60_000],
      ['hour', D0, D0 + 7 * DAY],
    ])('buckets by %s exactly as a brute-force query over the raw rows', (bucket, start, end) => {
      const answer = timeline({ start, end, bucket });
      expect(answer.points.reduce((n, p) => n + p.requests, 0)).toBeGreaterThan(100);
      expect(answer.points).toEqual(bruteForce(big().db, start, end, bucket));
    }, 60_000);
  });
});
