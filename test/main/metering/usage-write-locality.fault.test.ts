// What one 100-row usage batch costs the SQLite write-ahead log, with the gateway's request ids
// (time-ordered, UUIDv7) against random ones (UUIDv4, what the gateway used before). usage_log's
// request_id is a unique index: random ids put every row on a random leaf of it, so each row of a
// batch dirtied a page of its own and the WAL took ~4 KB per request for that index alone (the
// worker's pwrite64 calls per request under load: 3.49 with random ids, 1.35 with ordered ones
// and the writer's 2 MB page cache).
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTimeOrderedRequestId } from '../../../main/core/time-ordered-request-id.js';
import { toUsageRow } from '../../../main/metering/usage-row.js';
import { writeUsageBatch } from '../../../main/metering/write-usage-batch.js';
import { bindSqliteUnit } from '../../../main/storage/run-sqlite-unit.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

const FILLED = 20_000;
const BATCH = 100;
const BATCHES = 20;
/** WAL frame: a 24-byte header and one page. */
const FRAME_BYTES = 24 + 4_096;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

/** WAL frames (pages) per 100-row batch once the table holds FILLED rows, ids from `nextId`. */
function framesPerBatch(nextId: () => string): number {
  opened?.dispose();
  opened = openTempDatabase();
  const { db, file } = opened;
  const write = bindSqliteUnit(db, writeUsageBatch);
  // Time moves on as it does under load: 4 ms between requests.
  let ts = Date.UTC(2026, 11, 7, 12);
  const rows = (count: number) => Array.from({ length: count }, (_, i) => toUsageRow(usageRecord({
    requestId: nextId(), ts: (ts += 4), keyId: null, app: `app-${i % 5}`, requestedModel: `model-${i % 3}`, modelGroup: `model-${i % 3}`,
  })));
  for (let done = 0; done < FILLED; done += 1_000) write(rows(1_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  for (let i = 0; i < BATCHES; i++) write(rows(BATCH));
  const walBytes = statSync(`${file}-wal`).size - 32;
  return walBytes / FRAME_BYTES / BATCHES;
}

describe('usage rows in the write-ahead log', () => {
  it('a batch of rows with time-ordered ids dirties a third of the pages random ids do (more than one a row)', () => {
    const ordered = framesPerBatch(createTimeOrderedRequestId());
    const random = framesPerBatch(() => randomUUID());
    // Measured: 43 pages per batch ordered (the rows, the time and model indexes, the rollups),
    // 139 random: more than one page per row.
    expect(random).toBeGreaterThan(BATCH);
    expect(ordered).toBeLessThan(random * 0.5);
  });
});
