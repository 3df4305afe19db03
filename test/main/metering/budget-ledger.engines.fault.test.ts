// Budget reservation and settlement, run once per engine from one definition: SQLite (one process,
// BEGIN IMMEDIATE) and PostgreSQL (several pooled connections, as several replicas would hold),
// where exactness rests on the conditional UPDATE's row lock alone.
import { describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createBudgetLedger, type ReserveResult } from '../../../main/metering/budget-ledger.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { get, readUnit } from '../../../main/storage/storage-unit.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';

const USD = 1_000_000;
const MINUTE = 60_000;
const engines = useStorageEngines();

async function held(connection: StorageConnection, keyId: string): Promise<{ spend: number; reserved: number; reservations: number }> {
  const row = await bindUnit(connection, readUnit(function* () {
    return (yield* get<{ spend: number; reserved: number; reservations: number }>(
      sql('SELECT spend_micros AS spend, reserved_micros AS reserved, (SELECT count(*) FROM budget_reservations WHERE key_id = ? AND settled = 0) AS reservations FROM virtual_keys WHERE id = ?'),
      [keyId, keyId],
    ))!;
  }))();
  return row;
}

async function setup(engine: EngineName, maxBudgetUsd: number) {
  const database = await engines.open(engine);
  const keyId = (await createKeyRepository(database.connection, database.clock).create({ key_alias: 'app', max_budget: maxBudgetUsd })).record.id;
  return { database, keyId };
}

describe.each(ENGINES)('createBudgetLedger on %s', (engine) => {
  it('admits exactly 7 of 60 concurrent $0.30 reservations from several connections against a $2.10 budget', async () => {
    const { database, keyId } = await setup(engine, 2.1);
    // Three connections to one database, as three replicas (PostgreSQL: pools of 2 clients each).
    const connections = [database.connection, await database.reconnect(), await database.reconnect()];
    const ledgers = connections.map((connection) => createBudgetLedger(connection, { clock: database.clock }));
    const results: ReserveResult[] = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => ledgers[i % ledgers.length]!.reserve(keyId, `req-${i}`, 0.3 * USD)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'budget_exceeded')).toBe(true);
    const money = await held(database.connection, keyId);
    expect(money).toEqual({ spend: 0, reserved: 2.1 * USD, reservations: 7 });
    expect(money.spend + money.reserved).toBeLessThanOrEqual(2.1 * USD);
  });

  it('settles a request exactly once, also when two connections settle it at the same time', async () => {
    const { database, keyId } = await setup(engine, 1);
    const a = createBudgetLedger(database.connection, { clock: database.clock });
    const b = createBudgetLedger(await database.reconnect(), { clock: database.clock });
    expect(await a.reserve(keyId, 'req-1', 0.5 * USD)).toMatchObject({ ok: true });
    const settled = await Promise.all([a.settle('req-1', 0.2 * USD), b.settle('req-1', 0.2 * USD)]);
    expect(settled.filter((s) => s.settled)).toHaveLength(1);
    expect(await a.settle('req-1', 0.2 * USD)).toEqual({ settled: false });
    expect(await held(database.connection, keyId)).toEqual({ spend: 0.2 * USD, reserved: 0, reservations: 0 });
  });

  it('frees a reservation uncharged once its lease has run out, and only then', async () => {
    const { database, keyId } = await setup(engine, 1);
    const ledger = createBudgetLedger(database.connection, { clock: database.clock, leaseMs: 10 * MINUTE });
    expect(await ledger.reserve(keyId, 'dead-replica', 0.6 * USD)).toMatchObject({ ok: true });
    database.clock.advance(5 * MINUTE);
    expect(await ledger.reserve(keyId, 'live', 0.3 * USD)).toMatchObject({ ok: true });
    expect(await ledger.reserve(keyId, 'refused', 0.3 * USD)).toMatchObject({ ok: false, reason: 'budget_exceeded' });
    database.clock.advance(5 * MINUTE);
    // Another replica's sweep: the first hold's lease ended; the second's has 5 minutes left.
    const sweeper = createBudgetLedger(await database.reconnect(), { clock: database.clock, leaseMs: 10 * MINUTE });
    expect(await sweeper.releaseExpired()).toBe(1);
    expect(await sweeper.releaseExpired()).toBe(0);
    expect(await held(database.connection, keyId)).toEqual({ spend: 0, reserved: 0.3 * USD, reservations: 1 });
    expect(await ledger.reserve(keyId, 'admitted-now', 0.6 * USD)).toMatchObject({ ok: true });
    expect(await ledger.settle('dead-replica', 0.6 * USD)).toEqual({ settled: false });
  });

  it('raises a reservation for a fallback within the budget and refuses beyond it, keeping what it holds', async () => {
    const { database, keyId } = await setup(engine, 1);
    const ledger = createBudgetLedger(database.connection, { clock: database.clock });
    expect(await ledger.reserve(keyId, 'req', 0.4 * USD)).toMatchObject({ ok: true });
    expect(await ledger.topUp(keyId, 'req', 0.9 * USD)).toMatchObject({ ok: true, reservedMicros: 0.9 * USD });
    expect(await ledger.topUp(keyId, 'req', 1.1 * USD)).toMatchObject({ ok: false, reason: 'budget_exceeded', reservedMicros: 0 });
    expect(await ledger.release('req')).toBe(true);
    expect(await ledger.status(keyId)).toEqual({ spendMicros: 0, reservedMicros: 0, maxBudgetMicros: USD, resetAt: null });
  });
});
