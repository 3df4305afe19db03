// Retention: deletes raw usage_log rows (and their hourly rollups) older than N days (default 30)
// in bounded batches, each its own short write transaction so requests keep recording in
// between. Never touches the daily rollups: they are the history once the raw rows are gone.
// On PostgreSQL (team mode) the same call drops whole day partitions instead (usage-partitions.ts).
import type Database from 'better-sqlite3';
import type { Clock } from '../storage/clock.js';
import { immediateTransaction } from '../storage/immediate-transaction.js';
import { isPostgresConnection, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { dropUsagePartitionsBefore } from '../storage/usage-partitions.js';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export interface PruneRawUsageOptions {
  clock: Clock;
  retentionDays?: number;
  /** Rows per delete transaction. */
  batchSize?: number;
  /** Stop after this many batches (call again later); bounds the time one call blocks. */
  maxBatches?: number;
}

export interface PruneResult {
  deleted: number;
  /** Raw rows older than the cutoff remain (maxBatches was reached). */
  more: boolean;
  /** Rows before this time (epoch ms, a UTC midnight) are pruned. */
  cutoff: number;
}

/**
 * The cutoff is a UTC midnight, so a day's raw rows are either all kept or all pruned: usage
 * queries can then trust that a day with raw rows has all of them.
 */
export function retentionCutoff(nowMs: number, retentionDays: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
}

/**
 * SQLite: batched DELETEs, synchronous. PostgreSQL: drops the day partitions before the cutoff
 * (batchSize and maxBatches do not apply: a drop is one catalog change per day), a Promise.
 */
export function pruneRawUsage<C extends StorageConnection>(connection: C, options: PruneRawUsageOptions): Returns<ModeOf<C>, PruneResult> {
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) throw new RangeError(`retentionDays must be a whole number of days, 1 or more (got ${retentionDays}).`);
  if (isPostgresConnection(connection)) {
    const cutoff = retentionCutoff(options.clock.now(), retentionDays);
    return dropUsagePartitionsBefore(connection, cutoff).then(({ deleted }) => ({ deleted, more: false, cutoff })) as Returns<ModeOf<C>, PruneResult>;
  }
  return pruneSqlite(connection as Database.Database, options, retentionDays) as Returns<ModeOf<C>, PruneResult>;
}

function pruneSqlite(db: Database.Database, options: PruneRawUsageOptions, retentionDays: number): PruneResult {
  const batchSize = Math.max(1, options.batchSize ?? 5_000);
  const maxBatches = Math.max(1, options.maxBatches ?? 1_000);
  const cutoff = retentionCutoff(options.clock.now(), retentionDays);
  // Oldest first through the ts index, so an interrupted prune leaves whole newer days intact.
  const remove = db.prepare<[number, number]>('DELETE FROM usage_log WHERE rowid IN (SELECT rowid FROM usage_log WHERE ts < ? ORDER BY ts LIMIT ?)');
  const deleteBatch = immediateTransaction(db, () => remove.run(cutoff, batchSize).changes);
  // Hourly rollups go with the raw rows: a day has both or neither, which usage queries rely on.
  const removeHours = db.prepare<[number, number]>(`DELETE FROM usage_hourly WHERE (hour, app, key_id, model_group, provider) IN
       (SELECT hour, app, key_id, model_group, provider FROM usage_hourly WHERE hour < ? ORDER BY hour LIMIT ?)`);
  const deleteHourBatch = immediateTransaction(db, () => removeHours.run(cutoff, batchSize).changes);

  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = deleteBatch();
    deleted += n;
    if (n < batchSize) {
      while (deleteHourBatch() === batchSize);
      return { deleted, more: false, cutoff };
    }
  }
  const more = db.prepare('SELECT 1 FROM usage_log WHERE ts < ? LIMIT 1').get(cutoff) !== undefined;
  return { deleted, more, cutoff };
}
