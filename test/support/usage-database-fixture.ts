// The usage databases the metering query tests (usage-queries, usage-timeline) read: a fresh temp
// database per test holding the rows it records, and one large seeded database per file (30 days
// of rows from D0, with rollups) for the brute-force comparisons. Registers the hooks that close
// and delete them, so a test never leaves a database behind.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { seedUsageRows } from '../../bench/summary-bench.js';
import { createUsageLedger } from '../../main/metering/usage-ledger.js';
import type { UsageRecord } from '../../main/metering/usage-record.js';
import { rebuildUsageRollups } from '../../main/metering/usage-rollups.js';
import { openTempDatabase, type TempDatabase } from '../main/storage/storage-test-kit.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** The first day of every usage fixture, a UTC midnight. */
export const D0 = Date.UTC(2026, 2, 1);

export interface UsageDatabases {
  /** An empty database, deleted after the test. */
  open(): TempDatabase;
  /** A database holding `records`, written through the usage ledger, deleted after the test. */
  withRows(records: UsageRecord[]): TempDatabase;
}

/** Call at the top of a test file (or describe): each test's databases are disposed after it. */
export function useUsageDatabases(): UsageDatabases {
  const opened: TempDatabase[] = [];
  afterEach(() => {
    for (const db of opened.splice(0)) db.dispose();
  });
  const open = () => {
    const db = openTempDatabase();
    opened.push(db);
    return db;
  };
  return {
    open,
    withRows(records) {
      const db = open();
      const ledger = createUsageLedger(db.db, { clock: db.clock, log: db.log, maxBatch: 1_000 });
      for (const record of records) ledger.record(record);
      ledger.close();
      return db;
    },
  };
}

/**
 * `rows` seeded usage rows over the 30 days from D0, with rollups rebuilt, opened once before the
 * tests of the enclosing describe and deleted after them. Returns a getter: the database exists
 * only once beforeAll has run.
 */
export function useSeededUsageDatabase(rows: number, seedTimeoutMs: number): () => TempDatabase {
  let big: TempDatabase | undefined;
  beforeAll(() => {
    big = openTempDatabase({ quickCheck: false });
    seedUsageRows(big.db, rows, D0, 30);
    rebuildUsageRollups(big.db);
  }, seedTimeoutMs);
  afterAll(() => big?.dispose());
  return () => {
    if (big === undefined) throw new Error('the seeded usage database is read before its beforeAll ran');
    return big;
  };
}
