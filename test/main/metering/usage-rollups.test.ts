import { afterEach, describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COLUMNS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  latencyBucketRange,
  percentileFromHistogram,
  rebuildUsageRollups,
  utcDay,
  utcHour,
} from '../../../main/metering/usage-rollups.js';
import { prepareUsageInsert, toUsageRow } from '../../../main/metering/usage-ledger.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

describe('usage rollups', () => {
  it.each(['usage_daily', 'usage_hourly'])('has one %s column per latency bucket, as the migration created them', (table) => {
    opened = openTempDatabase();
    const columns = (opened.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((n) => n.startsWith('lat_b'));
    expect(columns).toEqual(LATENCY_BUCKET_COLUMNS);
    expect(LATENCY_BUCKET_COUNT).toBe(LATENCY_BUCKET_BOUNDS_MS.length + 1);
  });

  it.each([
    [0, 0],
    [25, 0],
    [26, 1],
    [100, 3],
    [101, 4],
    [999, 9],
    [1_000, 9],
    [120_000, 20],
    [120_001, 21],
    [10_000_000, 21],
  ])('puts %d ms in bucket %d', (ms, bucket) => {
    expect(latencyBucketIndex(ms)).toBe(bucket);
    const [low, high] = latencyBucketRange(bucket, 10_000_000);
    expect(ms === 0 || ms > low).toBe(true);
    expect(ms).toBeLessThanOrEqual(high);
  });

  it('estimates percentiles inside the bucket that holds the rank, never above the maximum', () => {
    const histogram = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    histogram[latencyBucketIndex(80)] = 50; // (75, 100]
    histogram[latencyBucketIndex(900)] = 45; // (750, 1000]
    histogram[latencyBucketIndex(4_000)] = 5; // (3000, 5000]
    expect(percentileFromHistogram(histogram, 0.5, 4_200)).toBe(100); // rank 50: top of the first bucket
    expect(percentileFromHistogram(histogram, 0.51, 4_200)).toBe(756); // rank 51: first of the second
    const p95 = percentileFromHistogram(histogram, 0.95, 4_200) as number;
    expect(p95).toBeGreaterThan(750);
    expect(p95).toBeLessThanOrEqual(1_000);
    expect(percentileFromHistogram(histogram, 1, 4_200)).toBe(4_200);
    expect(percentileFromHistogram(new Array<number>(LATENCY_BUCKET_COUNT).fill(0), 0.5, 0)).toBeNull();
  });

  it('uses UTC calendar days and hours', () => {
    expect(utcDay(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe('2026-01-01');
    expect(utcDay(Date.UTC(2026, 0, 2))).toBe('2026-01-02');
    expect(utcHour(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe(Date.UTC(2026, 0, 1, 23));
  });

  it('rebuilds whole days from raw rows and leaves days without raw rows alone', () => {
    opened = openTempDatabase();
    const db = opened.db;
    const insert = prepareUsageInsert(db);
    const day1 = Date.UTC(2026, 2, 1);
    const day2 = Date.UTC(2026, 2, 2);
    insert.run(toUsageRow(usageRecord({ ts: day1 + 1_000, latencyMs: 60, costMicros: 5 })));
    insert.run(toUsageRow(usageRecord({ ts: day1 + 2_000, latencyMs: 400, costMicros: 7, status: 'success' })));
    insert.run(toUsageRow(usageRecord({ ts: day1 + 3_000, latencyMs: 0, costMicros: 0, status: 'rejected', keyId: 'key_a' })));
    insert.run(toUsageRow(usageRecord({ ts: day2 + 1_000, latencyMs: 10 })));
    // A rollup for a day whose raw rows were pruned: must survive.
    db.prepare("INSERT INTO usage_daily (day, app, key_id, model_group, provider, requests) VALUES ('2026-01-01', 'old', '', 'm', 'p', 9)").run();

    expect(rebuildUsageRollups(db, { fromMs: day1, toMs: day1 + 1_500 })).toEqual({ days: 1 });
    const rows = db.prepare('SELECT day, key_id, requests, errors, cost_micros, latency_sum_ms, latency_max_ms, lat_b02, lat_b07 FROM usage_daily ORDER BY day, key_id').all();
    expect(db.prepare('SELECT hour, key_id, requests, cost_micros FROM usage_hourly ORDER BY hour, key_id').all()).toEqual([
      { hour: day1, key_id: '', requests: 2, cost_micros: 12 },
      { hour: day1, key_id: 'key_a', requests: 1, cost_micros: 0 },
    ]);
    expect(rows).toEqual([
      { day: '2026-01-01', key_id: '', requests: 9, errors: 0, cost_micros: 0, latency_sum_ms: 0, latency_max_ms: 0, lat_b02: 0, lat_b07: 0 },
      { day: '2026-03-01', key_id: '', requests: 2, errors: 0, cost_micros: 12, latency_sum_ms: 460, latency_max_ms: 400, lat_b02: 1, lat_b07: 1 },
      { day: '2026-03-01', key_id: 'key_a', requests: 1, errors: 1, cost_micros: 0, latency_sum_ms: 0, latency_max_ms: 0, lat_b02: 0, lat_b07: 0 },
    ]);
  });
});
