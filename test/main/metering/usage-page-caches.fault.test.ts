// Neither SQLite connection may keep every usage page it writes (the worker's writer, and the main
// one, which flush() writes on): with better-sqlite3's 16 MB page cache per connection, 40,000
// usage rows grew the process's malloc'd memory by ~10 MB, and RSS climbed under load for the first
// ~50,000 requests (issue 18). glibc's mallinfo2() counts the bytes in use across every arena,
// the worker's included; the V8 heap is not in it.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageBatchWorker } from '../../../main/metering/usage-batch-worker-client.js';
import { createUsageLedger, type UsageLedger } from '../../../main/metering/usage-ledger.js';
import { SOURCE_USAGE_WORKER } from '../../support/source-usage-worker.js';
import { SQLITE_PAGE_CACHE_KIB } from '../../../main/storage/sqlite-page-cache.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

const ROWS = 40_000;

/** Bytes malloc has handed out and not had back, all arenas; null off glibc or without koffi. */
function mallocInUse(): (() => number) | null {
  if (process.platform !== 'linux') return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    koffi.struct('usage_writer_mallinfo2', {
      arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t',
      usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
    });
    const mallinfo2 = libc.func('usage_writer_mallinfo2 mallinfo2()');
    return () => {
      const info = mallinfo2() as { uordblks: number | bigint; hblkhd: number | bigint };
      return Number(info.uordblks) + Number(info.hblkhd);
    };
  } catch {
    return null;
  }
}

const inUse = mallocInUse();

/**
 * Records `rows` rows 1,000 at a time and waits for the worker to write each thousand. Not flush():
 * that writes what is queued on the main thread's connection, whose cache would grow instead.
 */
async function appendOnWorker(ledger: UsageLedger, rows: number): Promise<void> {
  for (let done = 0; done < rows; done += 1_000) {
    const target = ledger.stats().written + 1_000;
    for (let i = 0; i < 1_000; i++) ledger.record(usageRecord({ keyId: `key-${i % 7}`, app: `app-${i % 5}` }));
    const deadline = Date.now() + 30_000;
    while (ledger.stats().written < target) {
      if (Date.now() > deadline) throw new Error('the worker did not write the rows');
      await sleep(2);
    }
  }
}

let opened: TempDatabase | null = null;
let ledger: UsageLedger | null = null;
afterEach(() => {
  ledger?.close();
  ledger = null;
  opened?.dispose();
  opened = null;
});

describe.skipIf(inUse === null)('the page caches of the usage writes', () => {
  it(`the worker's connection keeps its page cache near ${SQLITE_PAGE_CACHE_KIB} KiB while ${ROWS} rows are appended`, async () => {
    opened = openTempDatabase();
    const worker = createUsageBatchWorker({ file: opened.file, log: opened.log, ...SOURCE_USAGE_WORKER });
    ledger = createUsageLedger(opened.db, { clock: opened.clock, log: opened.log, flushIntervalMs: 5, maxBatch: 100, offThread: worker });
    // Warm-up: the thread, its isolate and the SQLite driver are loaded, and the cache holds the
    // pages a first few thousand rows touch.
    await appendOnWorker(ledger, 3_000);
    const before = inUse!();
    await appendOnWorker(ledger, ROWS);
    const grownMiB = (inUse!() - before) / 1_048_576;
    const count = opened.db.prepare('SELECT count(*) AS n FROM usage_log').get() as { n: number };
    expect(count.n).toBe(3_000 + ROWS);
    // 16 MB per connection (better-sqlite3's default): 9.8 MiB measured; with the cap: 1.2 MiB.
    expect(grownMiB).toBeLessThan(6);
  }, 120_000);

  it(`the main connection keeps its page cache near ${SQLITE_PAGE_CACHE_KIB} KiB while flush() writes ${ROWS} rows on it`, () => {
    opened = openTempDatabase();
    // No worker: every row goes through the main connection, as flush() writes the queue before
    // the dashboard's and the management API's usage reads.
    ledger = createUsageLedger(opened.db, { clock: opened.clock, log: opened.log, flushIntervalMs: 60_000, maxBatch: 100 });
    const append = (rows: number) => {
      for (let i = 0; i < rows; i++) {
        ledger!.record(usageRecord({ keyId: `key-${i % 7}`, app: `app-${i % 5}` }));
        if (i % 1_000 === 999) ledger!.flush();
      }
      ledger!.flush();
    };
    append(3_000);
    const before = inUse!();
    append(ROWS);
    const grownMiB = (inUse!() - before) / 1_048_576;
    // better-sqlite3's 16 MB: 9.9 MiB measured; with the cap, about 1 MiB.
    expect(grownMiB).toBeLessThan(6);
  }, 120_000);
});
