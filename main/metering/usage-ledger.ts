// Usage ledger: takes one UsageRecord per request on the hot path (an array push) and writes them
// in batches, each in ONE write transaction that inserts the raw rows (first row per request id
// wins), adds them to the daily and hourly rollups and charges their cost to the key (settling its
// reservation), so usage, rollups and key spend always agree; logged bodies go to usage_bodies in
// the same transaction. Never loses a row on a clean close().
import type Database from 'better-sqlite3';
import { markKeyUsed } from '../keys/key-repository.js';
import type { Clock } from '../storage/clock.js';
import { immediateTransaction } from '../storage/immediate-transaction.js';
import type { Log } from '../storage/log.js';
import { bindSqliteUnit } from '../storage/run-sqlite-unit.js';
import { readUnit } from '../storage/storage-unit.js';
import { createReservationSettler } from './budget-ledger.js';
import { createUsageRollupWriter } from './usage-rollups.js';
import { USAGE_STATUSES, type UsageRecord, type UsageStatus } from './usage-record.js';

export interface UsageLedgerOptions {
  /** How long a recorded row may wait before it is written. */
  flushIntervalMs?: number;
  /** Rows per write transaction; reaching it triggers a flush on the next tick. */
  maxBatch?: number;
  /**
   * Rows held while the database refuses writes (busy, disk full). Beyond it the oldest are
   * dropped with an error log: unbounded memory would take the whole gateway down instead.
   */
  maxQueue?: number;
  clock: Clock;
  log: Log;
  /** Called after a batch that charged a key was written (budget alerts read the new spend). Must not throw. */
  onKeysCharged?: () => void;
}

export interface UsageLedgerStats {
  /** Rows inserted. */
  written: number;
  /** Rows ignored because their request id was already recorded. */
  duplicates: number;
  /** Rows lost because the queue overflowed while the database was failing. */
  dropped: number;
  failedFlushes: number;
}

export interface UsageLedger {
  /** O(1): queues the row. Recording a request id twice keeps the first row. */
  record(row: UsageRecord): void;
  /**
   * Writes every queued row now (in batches of maxBatch) and returns how many were inserted.
   * On a storage error the unwritten rows stay queued and the StorageError is thrown.
   */
  flush(): number;
  /** Stops the timer and writes everything; later record() calls write synchronously. */
  close(): void;
  pending(): number;
  stats(): UsageLedgerStats;
}

/** A usage_log row, normalised: every value fits the column and its CHECK constraints. */
export interface UsageRow {
  request_id: string;
  ts: number;
  key_id: string | null;
  key_alias: string | null;
  app: string;
  user_agent: string | null;
  requested_model: string;
  model_group: string;
  deployment_id: string | null;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: UsageStatus;
  http_status: number;
  error_code: string | null;
  usage_estimated: number;
  endpoint: string;
  retries: number;
  fallbacks: number;
  /** Set only for failed requests that said why; written to usage_errors, not usage_log. */
  error_message?: string | null;
  upstream_status?: number | null;
  upstream_excerpt?: string | null;
  /** Set only for requests logged with bodies; written to usage_bodies, not usage_log. */
  request_body?: string | null;
  response_body?: string | null;
}

const USAGE_COLUMNS: readonly (keyof UsageRow)[] = [
  'request_id', 'ts', 'key_id', 'key_alias', 'app', 'user_agent', 'requested_model', 'model_group', 'deployment_id', 'provider',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_ms',
  'ttft_ms', 'status', 'http_status', 'error_code', 'usage_estimated', 'endpoint', 'retries', 'fallbacks',
];

/** Builds the INSERT used by the ledger (and by tests/benchmarks that seed rows directly). */
export function prepareUsageInsert(db: Database.Database): Database.Statement<[UsageRow]> {
  return db.prepare<[UsageRow]>(
    `INSERT INTO usage_log (${USAGE_COLUMNS.join(', ')}) VALUES (${USAGE_COLUMNS.map((c) => `:${c}`).join(', ')})
     ON CONFLICT (request_id) DO NOTHING`,
  );
}

export function createUsageLedger(db: Database.Database, options: UsageLedgerOptions): UsageLedger {
  const { log } = options;
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const maxQueue = Math.max(maxBatch, options.maxQueue ?? 100_000);
  const stats: UsageLedgerStats = { written: 0, duplicates: 0, dropped: 0, failedFlushes: 0 };

  const insert = prepareUsageInsert(db);
  const rollups = createUsageRollupWriter(db);
  const settler = createReservationSettler(db);
  const insertBodies = db.prepare<[{ request_id: string; request_body: string | null; response_body: string | null }]>(
    'INSERT INTO usage_bodies (request_id, request_body, response_body) VALUES (:request_id, :request_body, :response_body) ON CONFLICT (request_id) DO NOTHING',
  );
  const insertError = db.prepare<[{ request_id: string; message: string | null; upstream_status: number | null; upstream_excerpt: string | null }]>(
    `INSERT INTO usage_errors (request_id, message, upstream_status, upstream_excerpt) VALUES (:request_id, :message, :upstream_status, :upstream_excerpt)
     ON CONFLICT (request_id) DO NOTHING`,
  );
  // Runs inside the flush's own transaction, opening none of its own.
  const touchKey = bindSqliteUnit(db, readUnit(markKeyUsed));

  const writeBatch = immediateTransaction(db, (batch: readonly UsageRow[]): { inserted: number; charged: boolean } => {
    let inserted = 0;
    const lastUsed = new Map<string, number>();
    try {
      for (const row of batch) {
        // A duplicate request id changes nothing: not the rollups, not the spend.
        if (insert.run(row).changes !== 1) continue;
        inserted++;
        if (row.request_body !== undefined || row.response_body !== undefined) {
          insertBodies.run({ request_id: row.request_id, request_body: row.request_body ?? null, response_body: row.response_body ?? null });
        }
        if (row.error_message !== undefined) {
          insertError.run({
            request_id: row.request_id, message: row.error_message ?? null, upstream_status: row.upstream_status ?? null, upstream_excerpt: row.upstream_excerpt ?? null,
          });
        }
        rollups.add(row);
        if (row.key_id !== null) {
          settler.recorded(row.request_id, row.key_id, row.cost_micros);
          lastUsed.set(row.key_id, Math.max(lastUsed.get(row.key_id) ?? 0, row.ts + row.latency_ms));
        }
      }
      rollups.write();
    } catch (error) {
      // The transaction rolls back; deltas still in memory must not ride along with the retry.
      rollups.discard();
      throw error;
    }
    for (const [id, at] of lastUsed) touchKey(id, at);
    return { inserted, charged: lastUsed.size > 0 };
  });

  let queue: UsageRow[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let soon: ReturnType<typeof setImmediate> | null = null;
  let closed = false;
  let droppedAtLastLog = 0;

  function writeNow(batch: UsageRow[]): number {
    try {
      const { inserted, charged } = writeBatch(batch);
      if (charged) options.onKeysCharged?.();
      stats.written += inserted;
      stats.duplicates += batch.length - inserted;
      return inserted;
    } catch (error) {
      stats.failedFlushes++;
      throw error;
    }
  }

  function flush(): number {
    let inserted = 0;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      try {
        inserted += writeNow(batch);
      } catch (error) {
        log.error(
          { err: error, pending: queue.length },
          `Could not write ${queue.length} usage rows (${error instanceof Error ? error.message : String(error)}); keeping them queued and retrying.`,
        );
        throw error;
      }
      queue = queue.slice(batch.length);
    }
    return inserted;
  }

  /**
   * One batch per turn of the event loop: a burst of thousands of rows written in one go blocked
   * requests for tens of ms (p99 at c=16 in the bench); batches with I/O between them do not.
   */
  function flushInBackground(): void {
    // Writing now makes a pending interval flush redundant; cancel it so it cannot fire later.
    if (timer !== null) clearTimeout(timer);
    timer = null;
    soon = null;
    if (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      try {
        writeNow(batch);
        queue = queue.slice(batch.length);
      } catch (error) {
        log.error(
          { err: error, pending: queue.length },
          `Could not write ${queue.length} usage rows (${error instanceof Error ? error.message : String(error)}); keeping them queued and retrying.`,
        );
        // The rows stay queued; retry on the timer, not in a tight loop.
        if (!closed) schedule();
        return;
      }
    }
    if (closed || queue.length === 0) return;
    if (queue.length >= maxBatch) soon = setImmediate(flushInBackground);
    else schedule();
  }

  function schedule(): void {
    if (timer === null && !closed) {
      timer = setTimeout(flushInBackground, flushIntervalMs);
      timer.unref?.();
    }
  }

  return {
    record(record) {
      const row = toUsageRow(record);
      if (closed) {
        // Shutdown already flushed: a straggler is written on its own rather than lost.
        try {
          writeNow([row]);
        } catch (error) {
          log.error({ err: error, requestId: row.request_id }, 'Could not write a usage row after the ledger was closed.');
        }
        return;
      }
      queue.push(row);
      if (queue.length > maxQueue) {
        const excess = queue.length - maxQueue;
        queue = queue.slice(excess);
        stats.dropped += excess;
        // One line for the first loss, then one per thousand: an outage must not flood the log.
        if (droppedAtLastLog === 0 || stats.dropped - droppedAtLastLog >= 1_000) {
          droppedAtLastLog = stats.dropped;
          log.error(
            { dropped: stats.dropped, maxQueue },
            `Usage queue is full (${maxQueue} rows) because the database keeps refusing writes; dropping the oldest rows (${stats.dropped} lost so far).`,
          );
        }
      }
      if (queue.length >= maxBatch && soon === null) {
        soon = setImmediate(flushInBackground);
      } else {
        schedule();
      }
    },
    flush,
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      if (soon !== null) clearImmediate(soon);
      timer = null;
      soon = null;
      flush();
    },
    pending() {
      return queue.length;
    },
    stats() {
      return { ...stats };
    },
  };
}

const MAX_TEXT = 256;
const MAX_USER_AGENT = 512;
/** A failure's message or upstream excerpt: enough to say why, never a whole body. */
const MAX_ERROR_TEXT = 1_000;

/** Normalises a record into a row: whole non-negative numbers, bounded strings, a known status. */
export function toUsageRow(record: UsageRecord): UsageRow {
  const requestedModel = text(record.requestedModel, MAX_TEXT) ?? '';
  const row: UsageRow = {
    request_id: text(record.requestId, MAX_TEXT) ?? '',
    ts: count(record.ts),
    key_id: text(record.keyId, MAX_TEXT),
    key_alias: text(record.keyAlias, MAX_TEXT),
    app: text(record.app, MAX_TEXT) ?? '',
    user_agent: text(record.userAgent, MAX_USER_AGENT),
    requested_model: requestedModel,
    model_group: text(record.modelGroup, MAX_TEXT) ?? requestedModel,
    deployment_id: text(record.deploymentId, MAX_TEXT),
    provider: text(record.provider, MAX_TEXT) ?? '',
    prompt_tokens: count(record.promptTokens),
    completion_tokens: count(record.completionTokens),
    cached_tokens: count(record.cachedTokens),
    cache_creation_tokens: count(record.cacheCreationTokens),
    reasoning_tokens: count(record.reasoningTokens),
    cost_micros: count(record.costMicros),
    latency_ms: count(record.latencyMs),
    ttft_ms: record.ttftMs === null || record.ttftMs === undefined ? null : count(record.ttftMs),
    status: (USAGE_STATUSES as readonly string[]).includes(record.status) ? record.status : 'error',
    http_status: count(record.httpStatus),
    error_code: text(record.errorCode, MAX_TEXT),
    usage_estimated: record.usageEstimated ? 1 : 0,
    endpoint: text(record.endpoint, MAX_TEXT) ?? '',
    retries: count(record.retries),
    fallbacks: count(record.fallbacks),
  };
  // Absent on success: rows without a failure never touch usage_errors.
  if (typeof record.errorMessage === 'string' || typeof record.upstreamExcerpt === 'string' || typeof record.upstreamStatus === 'number') {
    row.error_message = text(record.errorMessage, MAX_ERROR_TEXT);
    row.upstream_status = typeof record.upstreamStatus === 'number' && Number.isInteger(record.upstreamStatus) ? record.upstreamStatus : null;
    row.upstream_excerpt = text(record.upstreamExcerpt, MAX_ERROR_TEXT);
  }
  // Absent unless body logging captured something: rows without bodies never touch usage_bodies.
  if (typeof record.requestBody === 'string' || typeof record.responseBody === 'string') {
    row.request_body = typeof record.requestBody === 'string' ? record.requestBody : null;
    row.response_body = typeof record.responseBody === 'string' ? record.responseBody : null;
  }
  return row;
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), Number.MAX_SAFE_INTEGER) : 0;
}

function text(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s.length > max ? s.slice(0, max) : s;
}
