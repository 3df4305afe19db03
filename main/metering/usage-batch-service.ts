// The usage ledger's writer, on the gateway's worker thread (gateway-worker.ts; SQLite, the
// desktop): writes the batches the main thread posts with writeUsageBatch, the same unit the
// in-thread ledger runs, on its own better-sqlite3 connection to the same WAL database file. Raw
// rows, rollups and settlement stay ONE transaction (BEGIN IMMEDIATE), here instead of on the
// event loop. Its client is usage-batch-worker-client.ts, over the port the attach message
// brought; every answer bumps a shared counter so the main thread can wait for it synchronously
// (flush()).
import type { MessagePort } from 'node:worker_threads';
import { bindSqliteUnit } from '../storage/run-sqlite-unit.js';
import { SQLITE_PAGE_CACHE_KIB } from '../storage/sqlite-page-cache.js';
import type { UsageRow } from './usage-row.js';
import { writeUsageBatch } from './write-usage-batch.js';

/** What the client sends with the attach message. */
export interface UsageBatchServiceData {
  file: string;
  nativeBinding?: string;
  busyTimeoutMs: number;
  synchronous: 'NORMAL' | 'FULL';
  /** Int32Array over it: [0] counts answers sent (Atomics.notify on each). */
  answered: SharedArrayBuffer;
}

export type UsageBatchRequest = { kind: 'write'; seq: number; rows: UsageRow[] } | { kind: 'close'; seq: number };
export type UsageBatchReply =
  | { seq: number; ok: true; inserted: number; keyIds: string[] }
  | { seq: number; ok: false; error: { name: string; message: string; code?: string } };

/**
 * Writes the batches that arrive on `port`, answering each on the same port (the client reads the
 * answers synchronously with receiveMessageOnPort), until a 'close' request closes the database
 * connection and the port.
 */
export async function serveUsageBatches(data: UsageBatchServiceData, port: MessagePort): Promise<void> {
  const answered = new Int32Array(data.answered);
  // Loaded here, not with the thread: the caller lookups on the same thread start with the gateway
  // and answer sooner without waiting for the SQLite driver (batches wait on the port meanwhile).
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(data.file, data.nativeBinding === undefined ? { timeout: data.busyTimeoutMs } : { timeout: data.busyTimeoutMs, nativeBinding: data.nativeBinding });
  // Per connection, so set here as openDatabase sets them on the main one (journal_mode WAL is kept in the file).
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(data.busyTimeoutMs))}`);
  db.pragma(`synchronous = ${data.synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
  const writeBatch = bindSqliteUnit(db, writeUsageBatch);

  function answer(reply: UsageBatchReply): void {
    port.postMessage(reply);
    Atomics.add(answered, 0, 1);
    Atomics.notify(answered, 0);
  }

  port.on('message', (request: UsageBatchRequest) => {
    if (request.kind === 'close') {
      db.close();
      answer({ seq: request.seq, ok: true, inserted: 0, keyIds: [] });
      port.close();
      return;
    }
    try {
      const result = writeBatch(request.rows);
      answer({ seq: request.seq, ok: true, inserted: result.inserted, keyIds: result.keyIds });
    } catch (error) {
      // Structured clone drops an Error's class: send what the ledger logs (StorageError's code included).
      const e: Error & { code?: unknown } = error instanceof Error ? error : new Error(String(error));
      answer({ seq: request.seq, ok: false, error: { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
    }
  });
}
