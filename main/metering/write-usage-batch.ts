// writeUsageBatch: the one write unit of the usage ledger, on both engines. In ONE transaction it
// inserts a batch of usage rows (first row per request id wins), and for the rows really inserted
// only (RETURNING request_id) writes their bodies and errors, adds them to the rollups, settles
// their budget reservations and charges their keys (and, for requests without a key, their apps). So usage, rollups and spend always agree, and
// a request id written twice (a retry, a second replica, the expiry sweep) adds nothing the second
// time. Never computes a date in SQL, never locks keys or rollup rows out of sorted order.
import { markKeyUsed } from '../keys/key-repository.js';
import { multiRowStatement, powerOfTwoChunks, valuesList } from '../storage/multi-row-statement.js';
import { sql } from '../storage/sql-statement.js';
import { all, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { settleRecordedUsage } from './budget-ledger.js';
import { settleAppUsage } from './app-budget-ledger.js';
import { USAGE_COLUMNS, type UsageRow } from './usage-row.js';
import { writeUsageRollups } from './write-usage-rollups.js';

/**
 * No conflict target: the unique key is request_id on SQLite and (request_id, ts) on PostgreSQL's
 * day-partitioned usage_log (a partitioned table's unique keys must hold the partition key), and
 * ON CONFLICT DO NOTHING without one skips a row that violates either. Rows of one request carry
 * the same ts (set once, at admission), so a duplicate conflicts on both.
 */
const INSERT_ROWS = multiRowStatement((n) => `INSERT INTO usage_log (${USAGE_COLUMNS.join(', ')}) VALUES ${valuesList(n, USAGE_COLUMNS.length)}
  ON CONFLICT DO NOTHING RETURNING request_id`);
const INSERT_BODIES = sql('INSERT INTO usage_bodies (request_id, request_body, response_body) VALUES (?, ?, ?) ON CONFLICT (request_id) DO NOTHING');
const INSERT_ERROR = sql('INSERT INTO usage_errors (request_id, message, upstream_status, upstream_excerpt) VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING');

export interface UsageBatchResult {
  /** Rows inserted (the others were duplicates of a request id already recorded). */
  inserted: number;
  /** Keys charged or touched, sorted: budget alerts read their new spend. */
  keyIds: string[];
}

/** The body, for units that write usage rows inside a transaction of their own (the expiry sweep). */
export function* writeUsageRows(rows: readonly UsageRow[]): Generator<StorageQuery, UsageBatchResult, unknown> {
  // First row per request id wins, decided here, so it does not depend on the engine's unique key.
  const unique: UsageRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.request_id)) continue;
    seen.add(row.request_id);
    unique.push(row);
  }
  const insertedIds = new Set<string>();
  for (const chunk of powerOfTwoChunks(unique)) {
    const params: unknown[] = [];
    for (const row of chunk) for (const column of USAGE_COLUMNS) params.push(row[column]);
    for (const { request_id } of yield* all<{ request_id: string }>(INSERT_ROWS.forRows(chunk.length), params)) insertedIds.add(request_id);
  }
  const inserted = unique.filter((row) => insertedIds.has(row.request_id));
  const lastUsed = new Map<string, number>();
  for (const row of inserted) {
    if (row.request_body !== undefined || row.response_body !== undefined) {
      yield* run(INSERT_BODIES, [row.request_id, row.request_body ?? null, row.response_body ?? null]);
    }
    if (row.error_message !== undefined) {
      yield* run(INSERT_ERROR, [row.request_id, row.error_message ?? null, row.upstream_status ?? null, row.upstream_excerpt ?? null]);
    }
    if (row.key_id !== null) lastUsed.set(row.key_id, Math.max(lastUsed.get(row.key_id) ?? 0, row.ts + row.latency_ms));
  }
  yield* writeUsageRollups(inserted);
  const charged = yield* settleRecordedUsage(inserted);
  // After the charges, in key order: the same key rows, locked in the same order.
  const keyIds = [...new Set([...charged, ...lastUsed.keys()])].sort();
  for (const keyId of keyIds) {
    const at = lastUsed.get(keyId);
    if (at !== undefined) yield* markKeyUsed(keyId, at);
  }
  // Keyless requests: their apps' holds settled, spend charged and last_seen moved, after every key row.
  yield* settleAppUsage(inserted);
  return { inserted: inserted.length, keyIds };
}

/** One transaction: BEGIN IMMEDIATE on SQLite (synchronous), BEGIN ... COMMIT on PostgreSQL. */
export const writeUsageBatch = writeUnit(writeUsageRows);
