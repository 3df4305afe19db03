// The SQLite usage ledger with its batches written on the gateway's worker thread (usage-batch-service.ts) on a
// real database file: the same guarantees as in-thread (exactly one row per request, settled once,
// rollups agreeing, nothing lost on close or on a worker that dies mid-batch), and reservations on
// the main thread exact while the worker settles on its own connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createUsageBatchWorker, type UsageBatchWorker } from '../../../main/metering/usage-batch-worker-client.js';
import { createUsageLedger, type UsageLedger, type UsageLedgerOptions } from '../../../main/metering/usage-ledger.js';
import { SOURCE_USAGE_WORKER } from '../../support/source-usage-worker.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

const USD = 1_000_000;

let opened: TempDatabase | null = null;
let openLedger: UsageLedger | null = null;
afterEach(() => {
  try {
    openLedger?.close();
  } catch {
    // A test that broke the database on purpose.
  }
  openLedger = null;
  opened?.dispose();
  opened = null;
});

function setup(options: Partial<UsageLedgerOptions> = {}, workerOptions: { maxRestarts?: number } = {}) {
  opened = openTempDatabase();
  const db = opened;
  const worker: UsageBatchWorker = createUsageBatchWorker({ file: db.file, log: db.log, ...SOURCE_USAGE_WORKER, ...workerOptions });
  const ledger = createUsageLedger(db.db, { clock: db.clock, log: db.log, flushIntervalMs: 20, maxBatch: 100, offThread: worker, ...options });
  openLedger = ledger;
  const count = (): number => (db.db.prepare('SELECT count(*) AS n FROM usage_log').get() as { n: number }).n;
  const rolledUp = (): { requests: number; cost: number } =>
    db.db.prepare('SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(cost_micros), 0) AS cost FROM usage_daily').get() as { requests: number; cost: number };
  return { ledger, worker, db, count, rolledUp };
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('usage ledger with a worker thread (SQLite)', () => {
  it('writes the background batches on the worker, and flush() shows every row at once', async () => {
    const { ledger, count, rolledUp } = setup();
    for (let i = 0; i < 250; i++) ledger.record(usageRecord({ costMicros: 10 }));
    // Written without any flush: the timer posts the batches, the worker commits them.
    await until(() => count() === 250);
    expect(ledger.pending()).toBe(0);
    expect(ledger.stats()).toMatchObject({ written: 250, duplicates: 0, dropped: 0, failedFlushes: 0 });
    for (let i = 0; i < 30; i++) ledger.record(usageRecord({ costMicros: 10 }));
    // Synchronous, as the management routes call it: the queued rows are there when it returns.
    ledger.flush();
    expect(count()).toBe(280);
    expect(rolledUp()).toEqual({ requests: 280, cost: 2_800 });
  });

  it('keeps the first row of a request id written twice, across batches and threads', async () => {
    const { ledger, count, db } = setup();
    ledger.record(usageRecord({ requestId: 'twice', costMicros: 5 }));
    await until(() => count() === 1);
    ledger.record(usageRecord({ requestId: 'twice', costMicros: 999 }));
    ledger.flush();
    expect(count()).toBe(1);
    expect(db.db.prepare("SELECT cost_micros AS cost FROM usage_log WHERE request_id = 'twice'").get()).toEqual({ cost: 5 });
    expect(ledger.stats()).toMatchObject({ written: 1, duplicates: 1 });
  });

  it('close() drains the queue and the batch in the worker, then ends the thread', () => {
    const { ledger, count, rolledUp } = setup({ flushIntervalMs: 60_000 });
    // 450 rows: four full batches were posted on setImmediate; close() must wait for the one in
    // flight and write the rest.
    for (let i = 0; i < 450; i++) ledger.record(usageRecord({ costMicros: 2 }));
    ledger.close();
    openLedger = null;
    expect(count()).toBe(450);
    expect(rolledUp()).toEqual({ requests: 450, cost: 900 });
    expect(ledger.pending()).toBe(0);
    // A straggler after close is written in-thread, not lost.
    ledger.record(usageRecord({ costMicros: 2 }));
    expect(count()).toBe(451);
  });

  it('loses and duplicates nothing when the worker is killed mid-batch, and starts it again', async () => {
    const { ledger, worker, count, rolledUp, db } = setup({ maxBatch: 2_000, flushIntervalMs: 5 }, { maxRestarts: 10 });
    const keyId = createKeyRepository(db.db, db.clock).create({ key_alias: 'app' }).record.id;
    let total = 0;
    for (const delayMs of [0, 1, 3, 8]) {
      for (let i = 0; i < 2_000; i++) ledger.record(usageRecord({ keyId, costMicros: 3 }));
      total += 2_000;
      await until(() => worker.inFlight() > 0);
      await sleep(delayMs);
      // As a crash would: whether its transaction committed or not is up to the timing.
      await worker.kill();
      await until(() => worker.inFlight() === 0);
    }
    ledger.flush();
    expect(count()).toBe(total);
    expect(rolledUp()).toEqual({ requests: total, cost: total * 3 });
    expect(db.db.prepare('SELECT spend_micros AS spend FROM virtual_keys WHERE id = ?').get(keyId)).toEqual({ spend: total * 3 });
    expect(ledger.stats().dropped).toBe(0);
    expect(db.log.lines.filter((line) => line.level === 'error' && /usage writer thread stopped/.test(line.msg))).toHaveLength(4);
    // Restarted after each kill: still usable, and the next batch goes through it.
    expect(worker.usable()).toBe(true);
    ledger.record(usageRecord({ keyId, costMicros: 3 }));
    await until(() => count() === total + 1);
  });

  it('writes in-thread once the worker keeps dying (no row lost)', async () => {
    opened = openTempDatabase();
    const db = opened;
    // A script that cannot load: every start dies at once.
    const worker = createUsageBatchWorker({ file: db.file, log: db.log, script: new URL('./no-such-worker.mjs', import.meta.url), maxRestarts: 1 });
    const ledger = createUsageLedger(db.db, { clock: db.clock, log: db.log, flushIntervalMs: 5, maxBatch: 10, offThread: worker });
    openLedger = ledger;
    for (let i = 0; i < 35; i++) ledger.record(usageRecord());
    await until(() => (db.db.prepare('SELECT count(*) AS n FROM usage_log').get() as { n: number }).n === 35);
    expect(worker.usable()).toBe(false);
    expect(ledger.stats().dropped).toBe(0);
  });

  it('keeps budgets exact at 20-way concurrency while the worker settles (reservations on the main thread)', async () => {
    const { ledger: usage, db, count } = setup({ flushIntervalMs: 2, maxBatch: 20 });
    const keys = createKeyRepository(db.db, db.clock);
    const keyId = keys.create({ key_alias: 'app', max_budget: 20 }).record.id;
    const budget = createBudgetLedger(db.db, { clock: db.clock, beforeRefusing: () => usage.flush() });
    // The thread is up before timing starts (from sources it loads TypeScript first).
    usage.record(usageRecord({ requestId: 'warm-up', costMicros: 0 }));
    await until(() => count() === 1);
    let admitted = 1;
    let refused = 0;
    let charged = 0;
    let worstReserveMs = 0;
    let worstAdmitMs = 0;
    let next = 0;
    // 20 clients, each: reserve $0.30 worst case, "call upstream" (a turn of the event loop), record the real cost.
    const client = async (): Promise<void> => {
      while (next < 600) {
        const requestId = `r-${next++}`;
        const started = performance.now();
        const result = budget.reserve(keyId, requestId, 0.3 * USD);
        const took = performance.now() - started;
        // A refusal may first flush (wait for the worker's batch): only an admission is the plain wait for the write lock.
        worstReserveMs = Math.max(worstReserveMs, took);
        if (!result.ok) {
          refused++;
          await sleep(1);
          continue;
        }
        admitted++;
        worstAdmitMs = Math.max(worstAdmitMs, took);
        await sleep(Math.floor(Math.random() * 3));
        const cost = 0.05 * USD + (next % 7) * 1_000;
        charged += cost;
        usage.record(usageRecord({ requestId, keyId, costMicros: cost }));
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    usage.flush();
    const key = db.db.prepare('SELECT spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys WHERE id = ?').get(keyId) as { spend: number; reserved: number };
    expect(count()).toBe(admitted);
    expect(key).toEqual({ spend: charged, reserved: 0 });
    expect(key.spend).toBeLessThanOrEqual(20 * USD);
    expect(admitted + refused).toBe(601);
    // The budget runs out part-way: both outcomes happened, each decided on settled money.
    expect(refused).toBeGreaterThan(0);
    expect((db.db.prepare('SELECT count(*) AS n FROM budget_reservations WHERE settled = 0').get() as { n: number }).n).toBe(0);
    process.stdout.write(`usage worker: ${admitted} admitted, ${refused} refused, worst admission ${worstAdmitMs.toFixed(2)} ms, worst refusal (with its flush) ${worstReserveMs.toFixed(2)} ms\n`);
  });
});

describe('startGateway with the usage worker', () => {
  it('shows every request in /key/info and /spend/logs right after it is answered, and keeps them all across close()', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const pino = (await import('pino')).default;
    const Database = (await import('better-sqlite3')).default;
    const { startGateway } = await import('../../../main/start-gateway.js');
    const { createMockUpstream } = await import('../../support/mock-upstream.js');
    const mock = await createMockUpstream({ defaultBehaviour: { kind: 'ok', usage: { prompt: 1_000, completion: 500 } } });
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-usage-worker-'));
    const masterKey = 'sk-master-usage-worker-test-0123';
    try {
      writeFileSync(join(dir, 'config.yaml'), `model_list:
  - model_name: priced
    litellm_params:
      model: openai/priced
      api_base: "${mock.url}/v1"
      api_key: "sk-upstream"
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
`);
      const running = await startGateway({
        configFile: join(dir, 'config.yaml'), dataDir: join(dir, 'data'), host: '127.0.0.1', port: 0, masterKey, env: {},
        log: pino({ level: 'silent' }), dashboardDir: null, usageWorker: SOURCE_USAGE_WORKER,
      });
      const call = async (path: string, key: string, body?: unknown) => {
        const response = await fetch(`${running.url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, json: (await response.json()) as any };
      };
      const generated = await call('/key/generate', masterKey, { key_alias: 'worker', max_budget: 1 });
      const key = generated.json.key as string;
      const answers = await Promise.all(Array.from({ length: 20 }, () => call('/v1/chat/completions', key, { model: 'priced', messages: [{ role: 'user', content: 'hi' }], max_tokens: 500 })));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      // $0.002 a request (1,000 in at $1/M, 500 out at $2/M), settled by the worker, seen at once.
      const info = await call(`/key/info?key=${encodeURIComponent(key)}`, masterKey);
      expect(info.json.info.spend).toBeCloseTo(0.04, 10);
      const logs = await call('/spend/logs?limit=100', masterKey);
      expect(logs.json.length ?? logs.json.data?.length).toBe(20);
      // The rest of the requests come in and the gateway closes at once: nothing queued is lost.
      const more = await Promise.all(Array.from({ length: 10 }, () => call('/v1/chat/completions', key, { model: 'priced', messages: [{ role: 'user', content: 'hi' }], max_tokens: 500 })));
      expect(more.every((a) => a.status === 200)).toBe(true);
      await running.close();
      const db = new Database(join(dir, 'data', 'switchboard.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM usage_log').get()).toEqual({ n: 30 });
        expect(db.prepare('SELECT spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys').get()).toEqual({ spend: 60_000, reserved: 0 });
        expect(db.prepare('SELECT sum(requests) AS n FROM usage_daily').get()).toEqual({ n: 30 });
      } finally {
        db.close();
      }
    } finally {
      await mock.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
