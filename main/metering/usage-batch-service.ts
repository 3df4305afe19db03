// The usage ledger's writer, on the gateway's worker thread (gateway-worker.ts; SQLite, the
// desktop): writes the batches the main thread posts with writeUsageBatch, the same unit the
// in-thread ledger runs, on its own better-sqlite3 connection to the same WAL database file. Raw
// rows, rollups and settlement stay ONE transaction (BEGIN IMMEDIATE), here instead of on the
// event loop. Its client is usage-batch-worker-client.ts, over the port the attach message
// brought; every answer bumps a shared counter so the main thread can wait for it synchronously
// (flush()).
import type { MessagePort } from 'node:worker_threads';
import { bindSqliteUnit } from '../storage/run-sqlite-unit.js';
import type { UsageRow } from './usage-row.js';
import { writeUsageBatch } from './write-usage-batch.js';

/**
 * The writer connection's page cache, in KiB. better-sqlite3 builds SQLite with 16 MB per
 * connection (SQLITE_DEFAULT_CACHE_SIZE=-16000), and a connection that only appends keeps every
 * page it wrote cached until that fills: about 330 bytes of native memory per request, so the
 * gateway's RSS climbed 2-3 MB per 7,000 requests for the first ~50,000 (issue 18; glibc's
 * mallinfo2 showed the in-use bytes growing, not the V8 heap). Appends touch the right-most pages
 * of the table and its indexes plus the rollup rows: a 100-row batch dirties a few dozen pages, far
 * below SQLite's own default of 2 MB used here; older pages are re-read from the OS's file cache.
 */
export const WRITER_PAGE_CACHE_KIB = 2_000;

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
  db.pragma(`cache_size = -${WRITER_PAGE_CACHE_KIB}`);
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
