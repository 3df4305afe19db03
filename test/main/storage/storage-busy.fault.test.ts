// S30: another connection (in a worker thread, as another process would) holds the write lock.
// Shorter than busy_timeout: our write waits and succeeds. Longer: a typed storage_busy error,
// and the connection keeps working afterwards.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { immediateTransaction } from '../../../main/storage/immediate-transaction.js';
import { isStorageError, type StorageError } from '../../../main/storage/storage-error.js';
import { openTempDatabase, type TempDatabase } from './storage-test-kit.js';

const betterSqlite3Path = createRequire(import.meta.url).resolve('better-sqlite3');

/** Worker: BEGIN IMMEDIATE, say "locked", hold until released (or holdMs passes), COMMIT. */
const LOCK_HOLDER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3Path);
const db = new Database(workerData.file);
const release = new Int32Array(workerData.release);
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO settings (key, value) VALUES ('held-by-worker', '1')").run();
parentPort.postMessage('locked');
Atomics.wait(release, 0, 0, workerData.holdMs);
db.exec('COMMIT');
db.close();
parentPort.postMessage('released');
`;

interface LockHolder {
  released: Promise<unknown>;
  release(): void;
}

async function holdWriteLock(file: string, holdMs: number): Promise<LockHolder> {
  const release = new SharedArrayBuffer(4);
  const worker = new Worker(LOCK_HOLDER, { eval: true, workerData: { file, release, holdMs, betterSqlite3Path } });
  const messages: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  worker.on('message', (m: string) => {
    const waiter = waiters.shift();
    if (waiter) waiter(m);
    else messages.push(m);
  });
  const next = () => new Promise<string>((resolve, reject) => {
    const queued = messages.shift();
    if (queued !== undefined) resolve(queued);
    else waiters.push(resolve);
    worker.once('error', reject);
  });
  expect(await next()).toBe('locked');
  return {
    released: next().then(() => worker.terminate()),
    release() {
      Atomics.store(new Int32Array(release), 0, 1);
      Atomics.notify(new Int32Array(release), 0);
    },
  };
}

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

describe('immediateTransaction under a held write lock', () => {
  it('waits for a lock shorter than busy_timeout and then commits', async () => {
    opened = openTempDatabase({ busyTimeoutMs: 20_000 });
    const db = opened.db;
    // The worker lets go on its own after 200 ms, while this thread is blocked inside SQLite.
    const holder = await holdWriteLock(opened.file, 200);
    const write = immediateTransaction(db, () => db.prepare("INSERT INTO settings (key, value) VALUES ('ours', '2')").run().changes);
    expect(write()).toBe(1);
    await holder.released;
    expect(db.prepare('SELECT key FROM settings ORDER BY key').all()).toEqual([{ key: 'held-by-worker' }, { key: 'ours' }]);
  });

  it('throws a storage_busy StorageError when the lock outlasts busy_timeout, and works again after', async () => {
    opened = openTempDatabase({ busyTimeoutMs: 50 });
    const db = opened.db;
    const holder = await holdWriteLock(opened.file, 60_000);
    const write = immediateTransaction(db, () => db.prepare("INSERT INTO settings (key, value) VALUES ('ours', '2')").run().changes);
    let caught: unknown;
    try {
      write();
    } catch (error) {
      caught = error;
    }
    holder.release();
    await holder.released;

    expect(isStorageError(caught, 'storage_busy')).toBe(true);
    expect((caught as StorageError).message).toContain('busy');
    expect(db.inTransaction).toBe(false);
    expect(write()).toBe(1);
  });
});
