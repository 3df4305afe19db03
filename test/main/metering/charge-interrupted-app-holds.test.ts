// Crash billing of apps' holds (issue 19): a request without a key whose app has a budget held its
// worst case and died with its process before its usage row was written; the next start bills
// the hold as one 'interrupted' row under the app's name, charges the app, and leaves nothing held.
import { afterEach, describe, expect, it } from 'vitest';
import { createAppRepository } from '../../../main/apps/app-repository.js';
import { createAppBudgetLedger } from '../../../main/metering/app-budget-ledger.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { chargeInterruptedRequests } from '../../../main/metering/charge-interrupted-requests.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';

const USD = 1_000_000;
let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

describe('chargeInterruptedRequests with app holds', () => {
  it('bills an app hold left by a dead process as an interrupted row under the app, once', () => {
    opened = openTempDatabase();
    const db = opened;
    const apps = createAppRepository(db.db, db.clock);
    apps.update('sync_notes', { max_budget: 1 });
    const appBudget = createAppBudgetLedger(db.db, { clock: db.clock });
    expect(appBudget.reserve('sync_notes', 'in-flight', 0.3 * USD).ok).toBe(true);

    const usage = createUsageLedger(db.db, { clock: db.clock, log: db.log });
    const charged = chargeInterruptedRequests({ db: db.db, usage, budget: createBudgetLedger(db.db, { clock: db.clock }), appBudget });
    expect(charged).toEqual({ requests: 1, chargedMicros: 0.3 * USD });
    const row = db.db.prepare("SELECT key_id, app, status, cost_micros FROM usage_log WHERE request_id = 'in-flight'").get();
    expect(row).toEqual({ key_id: null, app: 'sync_notes', status: 'interrupted', cost_micros: 0.3 * USD });
    expect(apps.info('sync_notes')).toMatchObject({ spendMicros: 0.3 * USD, reservedMicros: 0 });
    // A second start finds nothing left to bill.
    expect(chargeInterruptedRequests({ db: db.db, usage, budget: createBudgetLedger(db.db, { clock: db.clock }), appBudget })).toEqual({ requests: 0, chargedMicros: 0 });
    usage.close();
  });
});
