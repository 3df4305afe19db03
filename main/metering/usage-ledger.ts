// Usage ledger: takes one UsageRecord per request on the hot path (an array push, on both engines)
// and writes them in batches with writeUsageBatch, each in ONE transaction that inserts the raw rows
// (first row per request id wins), adds them to the daily and hourly rollups and charges their cost
// to the key (settling its reservation), so usage, rollups and key spend always agree. One
// definition for both engines: on SQLite flush() and close() are synchronous, as the desktop has
// always had them; on PostgreSQL they return Promises and flushes never overlap (single flight).
// On SQLite the background batches can run on a worker thread (options.offThread, see
// usage-batch-worker-client.ts): the event loop only posts them, while flush() and close() still
// answer synchronously (they wait for the worker's answer, then write what is left in-thread).
// Never loses a row on a clean close(); a failed batch stays queued and is retried.
import type Database from 'better-sqlite3';
import type { Clock } from '../storage/clock.js';
import type { Log } from '../storage/log.js';
import { bindUnit, isPostgresConnection, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import type { UsageRecord } from './usage-record.js';
import type { UsageBatchWorker } from './usage-batch-worker-client.js';
import { toUsageRow, USAGE_COLUMNS, type UsageRow } from './usage-row.js';
import { writeUsageBatch, type UsageBatchResult } from './write-usage-batch.js';

export { toUsageRow, type UsageRow } from './usage-row.js';

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
  /**
   * SQLite only: the worker thread that writes the background batches (createUsageBatchWorker on
   * the same database file). The ledger closes it in close(). Ignored on PostgreSQL, whose writes
   * are already off the event loop.
   */
  offThread?: UsageBatchWorker;
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

export interface UsageLedgerStore<M extends CallMode> {
  /** O(1), synchronous on both engines: queues the row. Recording a request id twice keeps the first row. */
  record(row: UsageRecord): void;
  /**
   * Writes every queued row now (in batches of maxBatch) and returns how many were inserted.
   * On a storage error the unwritten rows stay queued and the error is thrown (rejected).
   * On PostgreSQL a flush called while one runs waits for it, then writes what is left.
   */
  flush(): Returns<M, number>;
  /** Stops the timer and writes everything; later record() calls are written at once. */
  close(): Returns<M, void>;
  /** Rows recorded and not yet written (in flight included). */
  pending(): number;
  stats(): UsageLedgerStats;
}

/** On SQLite (the desktop): flush() and close() answer synchronously. */
export type UsageLedger = UsageLedgerStore<'sync'>;
export type AsyncUsageLedger = UsageLedgerStore<'async'>;

/** Builds the single-row INSERT tests and benchmarks use to seed SQLite directly (the ledger writes with writeUsageBatch). */
export function prepareUsageInsert(db: Database.Database): Database.Statement<[UsageRow]> {
  return db.prepare<[UsageRow]>(
    `INSERT INTO usage_log (${USAGE_COLUMNS.join(', ')}) VALUES (${USAGE_COLUMNS.map((c) => `:${c}`).join(', ')})
     ON CONFLICT DO NOTHING`,
  );
}

export function createUsageLedger<C extends StorageConnection>(connection: C, options: UsageLedgerOptions): UsageLedgerStore<ModeOf<C>> {
  const core = createQueue(options);
  const ledger = isPostgresConnection(connection)
    ? asyncLedger(core, bindUnit(connection, writeUsageBatch) as (rows: UsageRow[]) => Promise<UsageBatchResult>)
    : syncLedger(core, bindUnit(connection, writeUsageBatch) as (rows: UsageRow[]) => UsageBatchResult, options.offThread);
  return ledger as UsageLedgerStore<ModeOf<C>>;
}

/** The queue both engines share: bounded, oldest dropped first during an outage, counted. */
interface LedgerQueue {
  options: UsageLedgerOptions;
  log: Log;
  flushIntervalMs: number;
  maxBatch: number;
  stats: UsageLedgerStats;
  rows: UsageRow[];
  push(row: UsageRow): void;
  trim(): void;
  /** Counts a written batch; calls onKeysCharged when it touched a key. */
  written(batch: readonly UsageRow[], result: UsageBatchResult): number;
  failed(error: unknown, pending: number): void;
}

function createQueue(options: UsageLedgerOptions): LedgerQueue {
  const { log } = options;
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const maxQueue = Math.max(maxBatch, options.maxQueue ?? 100_000);
  let droppedAtLastLog = 0;
  const queue: LedgerQueue = {
    options,
    log,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    maxBatch,
    stats: { written: 0, duplicates: 0, dropped: 0, failedFlushes: 0 },
    rows: [],
    push(row) {
      queue.rows.push(row);
      queue.trim();
    },
    trim() {
      if (queue.rows.length <= maxQueue) return;
      const excess = queue.rows.length - maxQueue;
      queue.rows = queue.rows.slice(excess);
      queue.stats.dropped += excess;
      // One line for the first loss, then one per thousand: an outage must not flood the log.
      if (droppedAtLastLog === 0 || queue.stats.dropped - droppedAtLastLog >= 1_000) {
        droppedAtLastLog = queue.stats.dropped;
        log.error(
          { dropped: queue.stats.dropped, maxQueue },
          `Usage queue is full (${maxQueue} rows) because the database keeps refusing writes; dropping the oldest rows (${queue.stats.dropped} lost so far).`,
        );
      }
    },
    written(batch, result) {
      if (result.keyIds.length > 0) options.onKeysCharged?.();
      queue.stats.written += result.inserted;
      queue.stats.duplicates += batch.length - result.inserted;
      return result.inserted;
    },
    failed(error, pending) {
      queue.stats.failedFlushes++;
      log.error(
        { err: error, pending },
        `Could not write ${pending} usage rows (${error instanceof Error ? error.message : String(error)}); keeping them queued and retrying.`,
      );
    },
  };
  return queue;
}

/**
 * SQLite: flush() and close() synchronous, exactly as the desktop always had them (no Promise
 * anywhere). The background batches are written in-thread, or posted to `offThread` (one batch
 * in flight at a time, so batches commit in order) while it is usable.
 */
function syncLedger(queue: LedgerQueue, writeBatch: (rows: UsageRow[]) => UsageBatchResult, offThread?: UsageBatchWorker): UsageLedger {
  const { maxBatch, flushIntervalMs } = queue;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let soon: ReturnType<typeof setImmediate> | null = null;
  let closed = false;
  /** The batch the worker is writing; back at the front of the queue if it fails. */
  let posted: UsageRow[] = [];

  function writeNow(batch: UsageRow[]): number {
    try {
      return queue.written(batch, writeBatch(batch));
    } catch (error) {
      queue.failed(error, queue.rows.length);
      throw error;
    }
  }

  function flush(): number {
    // The worker's batch first: it answers (or is failed back into the queue) before this returns.
    offThread?.settle();
    let inserted = 0;
    while (queue.rows.length > 0) {
      const batch = queue.rows.slice(0, maxBatch);
      inserted += writeNow(batch);
      queue.rows = queue.rows.slice(batch.length);
    }
    return inserted;
  }

  /** What to do once a batch is written: the next one on the next turn if a full one waits, else on the timer. */
  function continueAfterWrite(): void {
    if (closed || queue.rows.length === 0) return;
    if (queue.rows.length >= maxBatch) soon ??= setImmediate(flushInBackground);
    else schedule();
  }

  /** Posts one batch to the worker; its answer (on the event loop, or in flush's settle) continues. */
  function postToWorker(worker: UsageBatchWorker): void {
    if (posted.length > 0 || queue.rows.length === 0) return;
    const batch = queue.rows.slice(0, maxBatch);
    queue.rows = queue.rows.slice(batch.length);
    posted = batch;
    worker.write(batch, (error, result) => {
      posted = [];
      if (error !== null || result === undefined) {
        queue.rows = batch.concat(queue.rows);
        queue.trim();
        queue.failed(error, queue.rows.length);
        // Retried on the timer (or written in-thread by the next flush), not in a tight loop.
        if (!closed) schedule();
        return;
      }
      queue.written(batch, result);
      continueAfterWrite();
    });
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
    if (offThread?.usable() === true) {
      postToWorker(offThread);
      return;
    }
    if (queue.rows.length > 0) {
      const batch = queue.rows.slice(0, maxBatch);
      try {
        writeNow(batch);
        queue.rows = queue.rows.slice(batch.length);
      } catch {
        // The rows stay queued (writeNow logged it); retry on the timer, not in a tight loop.
        if (!closed) schedule();
        return;
      }
    }
    continueAfterWrite();
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
          queue.log.error({ err: error, requestId: row.request_id }, 'Could not write a usage row after the ledger was closed.');
        }
        return;
      }
      queue.push(row);
      if (queue.rows.length >= maxBatch && soon === null) soon = setImmediate(flushInBackground);
      else schedule();
    },
    flush,
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      if (soon !== null) clearImmediate(soon);
      timer = null;
      soon = null;
      try {
        flush();
      } finally {
        // After the flush waited for its last batch; the rest was written in-thread.
        offThread?.close();
      }
    },
    pending: () => queue.rows.length + posted.length,
    stats: () => ({ ...queue.stats }),
  };
}

/**
 * PostgreSQL: one write in flight at a time (single flight), so two flushes never insert the same
 * rows at once and batches commit in order. A batch is taken off the queue while it is written
 * and put back at the front if its transaction fails, to be retried on the timer.
 */
function asyncLedger(queue: LedgerQueue, writeBatch: (rows: UsageRow[]) => Promise<UsageBatchResult>): AsyncUsageLedger {
  const { maxBatch, flushIntervalMs } = queue;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let writing: UsageRow[] = [];
  /** The tail of the chain of writes; each link starts when the one before it settled. */
  let tail: Promise<unknown> = Promise.resolve();

  async function writeOne(): Promise<number> {
    const batch = queue.rows.splice(0, maxBatch);
    if (batch.length === 0) return 0;
    writing = batch;
    try {
      return queue.written(batch, await writeBatch(batch));
    } catch (error) {
      queue.rows = batch.concat(queue.rows);
      queue.trim();
      queue.failed(error, queue.rows.length);
      throw error;
    } finally {
      writing = [];
    }
  }

  /** Queues `work` behind every write already started, so writes never overlap. */
  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  }

  const drain = async (): Promise<number> => {
    let inserted = 0;
    while (queue.rows.length > 0) inserted += await writeOne();
    return inserted;
  };

  function background(): void {
    timer = null;
    void serialised(writeOne).then(
      () => {
        if (!closed && queue.rows.length > 0) schedule(queue.rows.length >= maxBatch ? 0 : flushIntervalMs);
      },
      // Logged by writeOne; the rows are queued again and retried on the timer, not in a tight loop.
      () => {
        if (!closed) schedule(flushIntervalMs);
      },
    );
  }

  function schedule(delayMs: number): void {
    if (timer !== null || closed) return;
    timer = setTimeout(background, delayMs);
    timer.unref?.();
  }

  return {
    record(record) {
      queue.push(toUsageRow(record));
      if (closed) {
        // Shutdown already flushed: a straggler is written on its own rather than lost.
        serialised(drain).catch((error: unknown) => queue.log.error({ err: error }, 'Could not write a usage row after the ledger was closed.'));
        return;
      }
      schedule(queue.rows.length >= maxBatch ? 0 : flushIntervalMs);
    },
    flush: () => serialised(drain),
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await serialised(drain);
    },
    pending: () => queue.rows.length + writing.length,
    stats: () => ({ ...queue.stats }),
  };
}

