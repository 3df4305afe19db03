// The usage ledger writer, run once per engine from one definition: duplicates and two
// replicas flushing at once still leave exactly one row per request id and exact key spend.
import { describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { get, readUnit } from '../../../main/storage/storage-unit.js';
import { silentLog } from '../../support/silent-log.js';
import { ENGINES, useStorageEngines } from '../storage/storage-engines-kit.js';
import { usageRecord } from './usage-test-kit.js';

const engines = useStorageEngines();

async function totals(connection: StorageConnection, keyId: string) {
  return bindUnit(connection, readUnit(function* () {
    return (yield* get<{ rows: number; cost: number; spend: number; reserved: number }>(
      sql('SELECT (SELECT count(*) FROM usage_log) AS rows, (SELECT COALESCE(sum(cost_micros), 0) FROM usage_log WHERE key_id = ?) AS cost, spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys WHERE id = ?'),
      [keyId, keyId],
    ))!;
  }))();
}

describe.each(ENGINES)('createUsageLedger on %s', (engine) => {
  it('writes one row per request id and settles each reservation once, with two replicas flushing at once', async () => {
    const database = await engines.open(engine);
    const keyId = (await createKeyRepository(database.connection, database.clock).create({ key_alias: 'app', max_budget: 100 })).record.id;
    const budget = createBudgetLedger(database.connection, { clock: database.clock });
    const connections = [database.connection, await database.reconnect()];
    const ledgers = connections.map((connection) => createUsageLedger(connection, { clock: database.clock, log: silentLog, flushIntervalMs: 60_000 }));
    for (let i = 0; i < 300; i++) {
      await budget.reserve(keyId, `r-${i}`, 5_000);
      const record = usageRecord({ requestId: `r-${i}`, keyId, costMicros: 1_000 + i });
      ledgers[0]!.record(record);
      ledgers[1]!.record(record); // the same request recorded by both replicas
    }
    const inserted = await Promise.all(ledgers.map((ledger) => ledger.flush()));
    expect(Number(inserted[0]) + Number(inserted[1])).toBe(300);
    const t = await totals(database.connection, keyId);
    expect(Number(t.rows)).toBe(300);
    expect(Number(t.spend)).toBe(Number(t.cost));
    expect(Number(t.reserved)).toBe(0);
    for (const ledger of ledgers) await ledger.close();
  });
});
