// The app budget ledger (issue 19) on both engines from one definition: a hold per request against
// the app's budget, refused once spend + holds would pass it (exact under 20 concurrent reserves),
// raised for a fallback, settled exactly once by the usage row (a replayed row charges nothing),
// every keyless row charged to its app (held or not) while a keyed row is not, a due budget reset
// lazily at admission, and held money recounted after a restart.
import { describe, expect, it } from 'vitest';
import { createAppRepository } from '../../../main/apps/app-repository.js';
import { createAppBudgetLedger } from '../../../main/metering/app-budget-ledger.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { ENGINES, useStorageEngines, type EngineDatabase } from '../storage/storage-engines-kit.js';
import { captureLog } from '../storage/storage-test-kit.js';
import type Database from 'better-sqlite3';
import type { PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { usageRecord } from './usage-test-kit.js';

const engines = useStorageEngines();
const USD = 1_000_000;

async function setUp(database: EngineDatabase) {
  const apps = createAppRepository(database.connection, database.clock);
  const budget = createAppBudgetLedger(database.connection, { clock: database.clock });
  const usage = createUsageLedger(database.connection, { clock: database.clock, log: captureLog(), flushIntervalMs: 60_000 });
  return { apps, budget, usage };
}

describe.each(ENGINES)('createAppBudgetLedger on %s', (engine) => {
  it('admits exactly floor(budget / hold) of 20 concurrent reservations and names the app in the refusal', async () => {
    const database = await engines.open(engine);
    const { apps, budget, usage } = await setUp(database);
    await apps.update('sync_notes', { max_budget: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.resolve(budget.reserve('sync_notes', `r${i}`, 0.3 * USD))));
    expect(answers.filter((a) => a.ok)).toHaveLength(3);
    const refused = answers.find((a) => !a.ok)!;
    expect(refused).toMatchObject({ ok: false, reason: 'budget_exceeded', level: 'app', name: "app 'sync_notes'", maxBudgetMicros: USD, reservedMicros: 0.9 * USD });
    expect((await apps.info('sync_notes'))!.reservedMicros).toBe(0.9 * USD);
    await usage.close();
  });

  it('settles a hold once with its usage row, charges keyless rows held or not, and leaves keyed rows to their key', async () => {
    const database = await engines.open(engine);
    const { apps, budget, usage } = await setUp(database);
    await apps.update('sync_notes', { max_budget: 1 });
    expect((await budget.reserve('sync_notes', 'held', 0.5 * USD)).ok).toBe(true);
    // A fallback to a pricier deployment raises the hold; a lower one keeps it.
    expect(await budget.topUp('sync_notes', 'held', 0.7 * USD)).toMatchObject({ ok: true, reservedMicros: 0.7 * USD });
    expect(await budget.topUp('sync_notes', 'held', 0.2 * USD)).toMatchObject({ ok: true, reservedMicros: 0.7 * USD });
    expect(await budget.topUp('sync_notes', 'held', 1.1 * USD)).toMatchObject({ ok: false, reason: 'budget_exceeded' });
    const ts = database.clock.now();
    usage.record(usageRecord({ requestId: 'held', ts, keyId: null, app: 'sync_notes', costMicros: 0.1 * USD }));
    usage.record(usageRecord({ requestId: 'unheld', ts: ts + 5, keyId: null, app: 'sync_notes', costMicros: 0.05 * USD }));
    usage.record(usageRecord({ requestId: 'keyed', ts: ts + 9, keyId: 'some-key', keyAlias: 'sync_notes', app: 'sync_notes', costMicros: 0.5 * USD }));
    await usage.flush();
    // The same row again (a retry, a second replica): nothing more.
    usage.record(usageRecord({ requestId: 'held', ts, keyId: null, app: 'sync_notes', costMicros: 0.1 * USD }));
    await usage.flush();
    const info = (await apps.info('sync_notes'))!;
    expect(info).toMatchObject({ spendMicros: 0.15 * USD, reservedMicros: 0, lastSeen: ts + 5 });
    if (engine === 'postgresql') {
      // Holds, spend and last_seen change with traffic: they never bump the 'apps' change topic
      // (only the one rule change above did), so replicas do not reload their rules per request.
      const versions = await (database.connection as PostgresConnection).pool.query<{ version: number }>("SELECT version FROM change_versions WHERE topic = 'apps'");
      expect(versions.rows).toEqual([{ version: 1 }]);
    }
    await usage.close();
  });

  it('resets a due budget at admission and recounts what is held after a restart', async () => {
    const database = await engines.open(engine);
    const { apps, budget, usage } = await setUp(database);
    await apps.update('sync_notes', { max_budget: 1, budget_duration: '1d' });
    usage.record(usageRecord({ requestId: 'spent', ts: database.clock.now(), keyId: null, app: 'sync_notes', costMicros: USD }));
    await usage.flush();
    expect((await budget.reserve('sync_notes', 'refused', 1)).ok).toBe(false);
    database.clock.advance(86_400_000 + 1);
    expect((await budget.reserve('sync_notes', 'next-day', 0.4 * USD)).ok).toBe(true);
    expect((await apps.info('sync_notes'))!.spendMicros).toBe(0);
    // A restart: the column (here off by a crash) is recounted from the holds still recorded.
    const drift = "UPDATE apps SET reserved_micros = 7 WHERE app = 'sync_notes'";
    if (engine === 'sqlite') (database.connection as Database.Database).exec(drift);
    else await (database.connection as PostgresConnection).pool.query(drift);
    const again = createAppBudgetLedger(await database.reconnect(), { clock: database.clock });
    await again.recountAfterRestart();
    expect((await apps.info('sync_notes'))!.reservedMicros).toBe(0.4 * USD);
    await usage.close();
  });
});
