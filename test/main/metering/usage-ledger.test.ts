import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { rebuildUsageRollups } from '../../../main/metering/usage-rollups.js';
import { createUsageLedger, toUsageRow, type UsageLedger, type UsageLedgerOptions } from '../../../main/metering/usage-ledger.js';
import { USAGE_STATUSES } from '../../../main/metering/usage-record.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { seededRandom, usageRecord } from './usage-test-kit.js';

const DAY = 86_400_000;

let opened: TempDatabase | null = null;
let openLedger: UsageLedger | null = null;
afterEach(() => {
  vi.useRealTimers();
  try {
    // Stops its timers before the database goes away; rows a test left behind are irrelevant.
    openLedger?.close();
  } catch {
    // A test that filled the disk on purpose.
  }
  openLedger = null;
  opened?.dispose();
  opened = null;
});

function setup(options: Partial<UsageLedgerOptions> = {}) {
  opened = openTempDatabase();
  const db = opened;
  const ledger = createUsageLedger(db.db, { clock: db.clock, log: db.log, flushIntervalMs: 1_000, maxBatch: 100, ...options });
  openLedger = ledger;
  const count = (): number => (db.db.prepare('SELECT count(*) AS n FROM usage_log').get() as { n: number }).n;
  const rollups = (): unknown[] => db.db.prepare('SELECT * FROM usage_daily ORDER BY day, app, key_id, model_group, provider').all();
  const hourly = (): unknown[] => db.db.prepare('SELECT * FROM usage_hourly ORDER BY hour, app, key_id, model_group, provider').all();
  return { ledger, db, count, rollups, hourly };
}

describe('createUsageLedger', () => {
  it('queues rows on record and writes them on flush', () => {
    const { ledger, count } = setup();
    ledger.record(usageRecord());
    ledger.record(usageRecord());
    expect(count()).toBe(0);
    expect(ledger.pending()).toBe(2);
    expect(ledger.flush()).toBe(2);
    expect(count()).toBe(2);
    expect(ledger.pending()).toBe(0);
  });

  it('stores every field of the record', () => {
    const { ledger, db } = setup();
    const record = usageRecord({
      requestId: 'req-all-fields',
      keyId: null,
      keyAlias: 'cursor',
      app: 'cursor',
      userAgent: 'Cursor/1.2',
      requestedModel: 'fast',
      modelGroup: 'gpt-4o-mini',
      deploymentId: 'dep-1',
      provider: 'azure',
      promptTokens: 11,
      completionTokens: 22,
      cachedTokens: 3,
      cacheCreationTokens: 4,
      reasoningTokens: 5,
      costMicros: 678,
      latencyMs: 900,
      ttftMs: null,
      status: 'client_aborted',
      httpStatus: 499,
      errorCode: 'client_closed',
      usageEstimated: true,
      endpoint: '/v1/responses',
      retries: 1,
      fallbacks: 2,
    });
    ledger.record(record);
    ledger.flush();
    expect(db.db.prepare("SELECT * FROM usage_log WHERE request_id = 'req-all-fields'").get()).toEqual(toUsageRow(record));
    expect(toUsageRow(record)).toMatchObject({ usage_estimated: 1, ttft_ms: null, model_group: 'gpt-4o-mini', status: 'client_aborted' });
  });

  it('keeps exactly one row per request id, the first, however often it is recorded (S29)', () => {
    const { ledger, db, rollups } = setup();
    ledger.record(usageRecord({ requestId: 'same', status: 'success', costMicros: 10 }));
    ledger.record(usageRecord({ requestId: 'same', status: 'client_aborted', costMicros: 99 }));
    ledger.flush();
    ledger.record(usageRecord({ requestId: 'same', status: 'error', costMicros: 77 }));
    ledger.flush();
    expect(db.db.prepare('SELECT request_id, status, cost_micros FROM usage_log').all()).toEqual([{ request_id: 'same', status: 'success', cost_micros: 10 }]);
    expect(rollups()).toMatchObject([{ requests: 1, cost_micros: 10 }]);
    expect(ledger.stats()).toMatchObject({ written: 1, duplicates: 2 });
  });

  it.each(USAGE_STATUSES)('records a %s request as one row', (status) => {
    const { ledger, db } = setup();
    ledger.record(usageRecord({ requestId: `r-${status}`, status }));
    ledger.close();
    expect(db.db.prepare('SELECT status FROM usage_log').all()).toEqual([{ status }]);
  });

  it('keeps the daily and hourly rollups equal to the raw rows they summarise', () => {
    const { ledger, db, rollups, hourly } = setup({ maxBatch: 37 });
    const random = seededRandom(7);
    const start = Date.UTC(2026, 2, 10);
    const statuses = ['success', 'success', 'success', 'upstream_error', 'client_aborted', 'rejected'] as const;
    for (let i = 0; i < 1_000; i++) {
      ledger.record(
        usageRecord({
          requestId: `r${i}`,
          ts: start + Math.floor(random() * 4 * DAY),
          app: ['cursor', 'curl', 'claude-cli'][Math.floor(random() * 3)]!,
          keyId: random() < 0.5 ? null : 'key_x',
          modelGroup: ['gpt-4o', 'claude'][Math.floor(random() * 2)]!,
          provider: random() < 0.2 ? null : 'openai',
          status: statuses[Math.floor(random() * statuses.length)]!,
          latencyMs: Math.floor(random() * 70_000),
          promptTokens: Math.floor(random() * 1_000),
          costMicros: Math.floor(random() * 5_000),
        }),
      );
      if (i % 250 === 0) ledger.record(usageRecord({ requestId: `r${i}` })); // duplicates must not count
    }
    ledger.flush();
    const daily = rollups();
    const hours = hourly();
    expect(daily.length).toBeGreaterThan(20);
    expect(hours.length).toBeGreaterThan(daily.length);
    db.db.exec('DELETE FROM usage_daily; DELETE FROM usage_hourly;');
    rebuildUsageRollups(db.db);
    expect(rollups()).toEqual(daily);
    expect(hourly()).toEqual(hours);
  });

  it('settles a budget reservation with the row cost, in the same write, exactly once', () => {
    const { ledger, db } = setup();
    const repo = createKeyRepository(db.db, db.clock);
    const budget = createBudgetLedger(db.db, { clock: db.clock });
    const keyId = repo.create({ max_budget: 1 }).record.id;
    budget.reserve(keyId, 'req-1', 300_000);
    budget.reserve(keyId, 'req-2', 300_000);
    ledger.record(usageRecord({ requestId: 'req-1', keyId, costMicros: 42_000, ts: db.clock.now(), latencyMs: 500 }));
    ledger.record(usageRecord({ requestId: 'req-1', keyId, costMicros: 42_000 }));
    ledger.flush();
    ledger.record(usageRecord({ requestId: 'req-1', keyId, costMicros: 42_000 }));
    ledger.flush();
    expect(repo.info(keyId)).toMatchObject({ spendMicros: 42_000, reservedMicros: 300_000, lastUsedAt: db.clock.now() + 500 });
    // A request settled directly first is not charged again by its usage row.
    budget.settle('req-2', 1_000);
    ledger.record(usageRecord({ requestId: 'req-2', keyId, costMicros: 1_000 }));
    ledger.flush();
    expect(repo.info(keyId)).toMatchObject({ spendMicros: 43_000, reservedMicros: 0 });
    // ...and a settle after the row was written finds nothing left to charge.
    expect(budget.settle('req-1', 42_000)).toEqual({ settled: false });
    expect(db.db.prepare('SELECT count(*) AS n FROM budget_reservations').get()).toEqual({ n: 0 });
  });

  it('charges requests that reserved nothing (no budget, free model) to the key, so spend matches usage', () => {
    const { ledger, db } = setup();
    const repo = createKeyRepository(db.db, db.clock);
    const keyId = repo.create({ key_alias: 'no-budget' }).record.id;
    ledger.record(usageRecord({ requestId: 'a', keyId, costMicros: 700 }));
    ledger.record(usageRecord({ requestId: 'b', keyId, costMicros: 0, status: 'rejected' }));
    ledger.record(usageRecord({ requestId: 'a', keyId, costMicros: 700 }));
    ledger.record(usageRecord({ requestId: 'c', keyId: null, costMicros: 999 }));
    ledger.flush();
    expect(repo.info(keyId)).toMatchObject({ spendMicros: 700, reservedMicros: 0 });
  });

  it('frees money held by finished requests before a budget refusal when wired to beforeRefusing', () => {
    const { ledger, db } = setup();
    const repo = createKeyRepository(db.db, db.clock);
    const budget = createBudgetLedger(db.db, { clock: db.clock, beforeRefusing: () => ledger.flush() });
    const keyId = repo.create({ max_budget: 1 }).record.id;
    for (let i = 0; i < 3; i++) {
      expect(budget.reserve(keyId, `r${i}`, 300_000).ok).toBe(true);
      ledger.record(usageRecord({ requestId: `r${i}`, keyId, costMicros: 10_000 }));
    }
    expect(budget.reserve(keyId, 'r3', 300_000).ok).toBe(true);
    expect(repo.info(keyId)).toMatchObject({ spendMicros: 30_000, reservedMicros: 300_000 });
  });

  it('writes a full batch on the next tick and the rest after flushIntervalMs', () => {
    vi.useFakeTimers();
    const { ledger, count } = setup({ maxBatch: 3, flushIntervalMs: 1_000 });
    ledger.record(usageRecord());
    vi.advanceTimersByTime(999);
    expect(count()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(count()).toBe(1);
    ledger.record(usageRecord());
    ledger.record(usageRecord());
    ledger.record(usageRecord());
    expect(count()).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(count()).toBe(4);
  });

  it('writes a backlog one batch per event-loop turn, so a burst never blocks requests for long', () => {
    vi.useFakeTimers();
    const { ledger, count } = setup({ maxBatch: 3, flushIntervalMs: 1_000 });
    for (let i = 0; i < 7; i++) ledger.record(usageRecord());
    expect(count()).toBe(0);
    vi.advanceTimersToNextTimer(); // the setImmediate: one batch
    expect(count()).toBe(3);
    vi.advanceTimersToNextTimer(); // the next turn: one more
    expect(count()).toBe(6);
    vi.advanceTimersByTime(999); // a partial batch waits for the interval
    expect(count()).toBe(6);
    vi.advanceTimersByTime(1);
    expect(count()).toBe(7);
  });

  it('writes everything on close, and a straggler recorded after close at once', () => {
    const { ledger, count } = setup({ maxBatch: 10 });
    for (let i = 0; i < 95; i++) ledger.record(usageRecord());
    ledger.close();
    expect(count()).toBe(95);
    ledger.record(usageRecord());
    expect(count()).toBe(96);
    expect(ledger.pending()).toBe(0);
  });

  it('keeps rows queued while the disk is full, logs it, and writes them once there is room', () => {
    const { ledger, db, count } = setup({ maxBatch: 50 });
    const pages = Number(db.db.pragma('page_count', { simple: true }));
    db.db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 120; i++) ledger.record(usageRecord({ userAgent: 'x'.repeat(400) }));
    expect(() => ledger.flush()).toThrow(/disk .* is full/);
    expect(ledger.pending()).toBe(120);
    expect(count()).toBe(0);
    expect(db.log.lines.some((l) => l.level === 'error' && l.msg.includes('keeping them queued'))).toBe(true);
    db.db.pragma('max_page_count = 1073741823');
    expect(ledger.flush()).toBe(120);
    expect(count()).toBe(120);
    expect(db.db.prepare('SELECT sum(requests) AS n FROM usage_daily').get()).toEqual({ n: 120 });
    expect(ledger.stats()).toMatchObject({ written: 120, failedFlushes: 1, dropped: 0 });
  });

  it('drops the oldest rows with an error log when the queue overflows during an outage', () => {
    vi.useFakeTimers();
    const { ledger, db } = setup({ maxBatch: 5, maxQueue: 10 });
    db.db.pragma(`max_page_count = ${Number(db.db.pragma('page_count', { simple: true }))}`);
    for (let i = 0; i < 12; i++) ledger.record(usageRecord({ requestId: `q${i}`, userAgent: 'x'.repeat(400) }));
    expect(ledger.pending()).toBe(10);
    expect(ledger.stats().dropped).toBe(2);
    expect(db.log.lines.filter((l) => l.msg.startsWith('Usage queue is full')).map((l) => l.msg)).toEqual([
      'Usage queue is full (10 rows) because the database keeps refusing writes; dropping the oldest rows (1 lost so far).',
    ]);
    db.db.pragma('max_page_count = 1073741823');
    ledger.close();
    expect(db.db.prepare('SELECT request_id FROM usage_log ORDER BY request_id').all().map((r) => (r as { request_id: string }).request_id)).toEqual(
      ['q10', 'q11', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9'],
    );
  });

  it('normalises odd numbers and strings instead of failing the batch', () => {
    const row = toUsageRow(
      usageRecord({
        promptTokens: -5,
        completionTokens: 1.6,
        costMicros: Number.NaN,
        latencyMs: Number.POSITIVE_INFINITY,
        status: 'weird' as never,
        userAgent: 'u'.repeat(5_000),
        modelGroup: null,
        requestedModel: 'my-model',
        provider: null,
      }),
    );
    expect(row).toMatchObject({ prompt_tokens: 0, completion_tokens: 2, cost_micros: 0, latency_ms: 0, status: 'error', model_group: 'my-model', provider: '' });
    expect(row.user_agent).toHaveLength(512);
  });
});
