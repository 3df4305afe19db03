// S39 at the ledger level: a process that died between admitting budgeted requests and writing
// their usage rows left reservations behind; the next start charges each at its reserved amount
// with one 'interrupted' row, so nothing goes unbilled and the budget is never exceeded.
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { chargeInterruptedRequests } from '../../../main/metering/charge-interrupted-requests.js';
import { rebuildUsageRollups } from '../../../main/metering/usage-rollups.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { usageRecord } from './usage-test-kit.js';

const USD = 1_000_000;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

/** A $1 key with three requests admitted: 'answered' written and settled, 'queued' and 'in-flight' not. */
function crashedRun() {
  opened = openTempDatabase();
  const db = opened;
  const keys = createKeyRepository(db.db, db.clock);
  const keyId = keys.create({ key_alias: 'nightly', max_budget: 1 }).record.id;
  const other = keys.create({ key_alias: 'other', max_budget: 1 }).record.id;
  const budget = createBudgetLedger(db.db, { clock: db.clock });
  const usage = createUsageLedger(db.db, { clock: db.clock, log: db.log, flushIntervalMs: 60_000 });
  const start = db.clock.now();
  budget.reserve(keyId, 'answered', 0.3 * USD);
  db.clock.advance(1_000);
  budget.reserve(keyId, 'queued', 0.3 * USD);
  db.clock.advance(1_000);
  budget.reserve(keyId, 'in-flight', 0.25 * USD);
  budget.reserve(other, 'other-in-flight', 0.1 * USD);
  usage.record(usageRecord({ requestId: 'answered', keyId, keyAlias: 'nightly', app: 'nightly', costMicros: 0.12 * USD }));
  usage.close();
  // 'queued' was answered too (it would have cost $0.10), but its row was still in memory when
  // the process died: it never reached the database.
  return { db, keyId, other, start };
}

/** The same database as the next process sees it. */
function restart(db: TempDatabase) {
  return {
    budget: createBudgetLedger(db.db, { clock: db.clock }),
    usage: createUsageLedger(db.db, { clock: db.clock, log: db.log, flushIntervalMs: 60_000 }),
  };
}

const key = (db: TempDatabase, id: string) =>
  db.db.prepare('SELECT spend_micros AS spend, reserved_micros AS reserved, max_budget_micros AS max FROM virtual_keys WHERE id = ?').get(id) as { spend: number; reserved: number; max: number };

describe('chargeInterruptedRequests', () => {
  it('charges every unsettled reservation at its reserved amount with one interrupted usage row', () => {
    const { db, keyId, other, start } = crashedRun();
    const { budget, usage } = restart(db);

    expect(chargeInterruptedRequests({ db: db.db, usage, budget })).toEqual({ requests: 3, chargedMicros: 0.65 * USD });

    const rows = db.db.prepare("SELECT request_id, ts, key_id, key_alias, app, status, cost_micros FROM usage_log WHERE status = 'interrupted' ORDER BY request_id").all();
    expect(rows).toEqual([
      { request_id: 'in-flight', ts: start + 2_000, key_id: keyId, key_alias: 'nightly', app: 'nightly', status: 'interrupted', cost_micros: 0.25 * USD },
      { request_id: 'other-in-flight', ts: start + 2_000, key_id: other, key_alias: 'other', app: 'other', status: 'interrupted', cost_micros: 0.1 * USD },
      { request_id: 'queued', ts: start + 1_000, key_id: keyId, key_alias: 'nightly', app: 'nightly', status: 'interrupted', cost_micros: 0.3 * USD },
    ]);
    // Never under the real cost (0.12 + 0.10 + what in-flight used), never over the budget.
    expect(key(db, keyId)).toEqual({ spend: 0.12 * USD + 0.3 * USD + 0.25 * USD, reserved: 0, max: USD });
    expect(key(db, other)).toEqual({ spend: 0.1 * USD, reserved: 0, max: USD });
    expect(db.db.prepare('SELECT count(*) AS n FROM budget_reservations').get()).toEqual({ n: 0 });
  });

  it('keeps key spend and the rollups equal to the raw usage rows', () => {
    const { db, keyId } = crashedRun();
    const { budget, usage } = restart(db);
    chargeInterruptedRequests({ db: db.db, usage, budget });
    const logged = db.db.prepare('SELECT sum(cost_micros) AS cost, count(*) AS n FROM usage_log WHERE key_id = ?').get(keyId);
    expect(logged).toEqual({ cost: key(db, keyId).spend, n: 3 });
    const rollups = () => db.db.prepare('SELECT * FROM usage_daily ORDER BY day, app, key_id, model_group, provider').all();
    const written = rollups();
    db.db.exec('DELETE FROM usage_daily; DELETE FROM usage_hourly;');
    rebuildUsageRollups(db.db);
    expect(rollups()).toEqual(written);
  });

  it('charges nothing twice: a second start finds nothing to charge', () => {
    const { db, keyId } = crashedRun();
    const first = restart(db);
    chargeInterruptedRequests({ db: db.db, usage: first.usage, budget: first.budget });
    const spend = key(db, keyId).spend;
    const second = restart(db);
    expect(chargeInterruptedRequests({ db: db.db, usage: second.usage, budget: second.budget })).toEqual({ requests: 0, chargedMicros: 0 });
    expect(key(db, keyId).spend).toBe(spend);
  });

  it('drops the tombstone of a request settled directly, without charging it again', () => {
    const { db, keyId } = crashedRun();
    createBudgetLedger(db.db, { clock: db.clock }).settle('in-flight', 0.05 * USD);
    const { budget, usage } = restart(db);
    expect(chargeInterruptedRequests({ db: db.db, usage, budget })).toEqual({ requests: 2, chargedMicros: 0.4 * USD });
    expect(key(db, keyId)).toEqual({ spend: 0.12 * USD + 0.05 * USD + 0.3 * USD, reserved: 0, max: USD });
    expect(db.db.prepare('SELECT count(*) AS n FROM budget_reservations').get()).toEqual({ n: 0 });
  });
});
