import { afterEach, describe, expect, it } from 'vitest';
import { pruneRawUsage, retentionCutoff } from '../../../main/metering/prune-raw-usage.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

const DAY = 86_400_000;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

function seed(days: number, perDay: number): TempDatabase {
  opened = openTempDatabase();
  const db = opened;
  const ledger = createUsageLedger(db.db, { clock: db.clock, log: db.log, maxBatch: 1_000 });
  const today = Math.floor(db.clock.now() / DAY) * DAY;
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) ledger.record(usageRecord({ requestId: `d${d}-${i}`, ts: today - d * DAY + i * 60_000 }));
  }
  ledger.close();
  return db;
}

describe('pruneRawUsage', () => {
  it('prunes raw rows and hourly rollups before the cutoff in batches and keeps every daily rollup', () => {
    const db = seed(40, 25);
    const rollupsBefore = db.db.prepare('SELECT * FROM usage_daily ORDER BY day').all();
    const result = pruneRawUsage(db.db, { clock: db.clock, retentionDays: 30, batchSize: 7 });
    // Kept: today and the 30 days before it, 25 rows each.
    expect(result).toEqual({ deleted: 9 * 25, more: false, cutoff: retentionCutoff(db.clock.now(), 30) });
    expect(db.db.prepare('SELECT count(*) AS n, min(ts) AS oldest FROM usage_log').get()).toEqual({ n: 31 * 25, oldest: result.cutoff });
    expect(db.db.prepare('SELECT * FROM usage_daily ORDER BY day').all()).toEqual(rollupsBefore);
    expect(rollupsBefore).toHaveLength(40);
    // Hourly rollups go with the raw rows they came from.
    expect(db.db.prepare('SELECT count(*) AS n, min(hour) AS oldest FROM usage_hourly').get()).toEqual({ n: 31 * 1, oldest: result.cutoff });
  });

  it('defaults to 30 days and cuts at a UTC midnight so a day is kept or pruned whole', () => {
    const now = Date.UTC(2026, 2, 15, 17, 45);
    expect(retentionCutoff(now, 30)).toBe(Date.UTC(2026, 1, 13));
    const db = seed(35, 3);
    expect(pruneRawUsage(db.db, { clock: db.clock }).cutoff).toBe(retentionCutoff(db.clock.now(), 30));
  });

  it('stops after maxBatches and says there is more', () => {
    const db = seed(10, 10);
    const first = pruneRawUsage(db.db, { clock: db.clock, retentionDays: 2, batchSize: 5, maxBatches: 3 });
    expect(first).toMatchObject({ deleted: 15, more: true });
    const rest = pruneRawUsage(db.db, { clock: db.clock, retentionDays: 2, batchSize: 500 });
    expect(rest).toMatchObject({ deleted: 7 * 10 - 15, more: false });
  });

  it.each([0, -1, 1.5])('refuses a retention of %s days', (days) => {
    const db = seed(1, 1);
    expect(() => pruneRawUsage(db.db, { clock: db.clock, retentionDays: days })).toThrow(RangeError);
  });
});
