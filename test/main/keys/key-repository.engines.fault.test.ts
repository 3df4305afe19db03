// The key repository's behaviour, run once per engine from one definition: the same tests against
// SQLite (synchronous) and PostgreSQL (Promise-returning). The SQLite-only file scan (S8) stays in
// key-repository.test.ts.
import { describe, expect, it } from 'vitest';
import { describeKey } from '../../../main/keys/describe-key.js';
import { KeyError } from '../../../main/keys/key-error.js';
import { createKeyRepository, markKeyUsed, type KeyChange, type KeyFields } from '../../../main/keys/key-repository.js';
import { hashKey } from '../../../main/keys/virtual-keys.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { all, run, writeUnit } from '../../../main/storage/storage-unit.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const engines = useStorageEngines();

/** Raw SQL for arranging and inspecting rows the repository does not expose, on either engine. */
async function exec(connection: StorageConnection, text: string, params: unknown[] = []): Promise<void> {
  await bindUnit(connection, writeUnit(function* () {
    yield* run(sql(text), params);
  }))();
}
async function rows<Row>(connection: StorageConnection, text: string, params: unknown[] = []): Promise<Row[]> {
  return bindUnit(connection, writeUnit(function* () {
    return yield* all<Row>(sql(text), params);
  }))();
}

async function setup(engine: EngineName) {
  const database = await engines.open(engine);
  return { repo: createKeyRepository(database.connection, database.clock), database };
}

async function expectKeyError(call: () => unknown, code: KeyError['code'], param?: string): Promise<void> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyError);
  expect((caught as KeyError).code).toBe(code);
  if (param !== undefined) expect((caught as KeyError).param).toBe(param);
}

describe.each(ENGINES)('createKeyRepository on %s', (engine) => {
  it('creates a key, returns its plaintext once, stores only its hash and last 4, and another connection reads it', async () => {
    const { repo, database } = await setup(engine);
    const { key, record } = await repo.create({ key_alias: 'cursor', models: ['gpt-4o'], max_budget: 1.5, rpm_limit: 10 });
    expect(key).toMatch(/^sk-/);
    expect(record).toMatchObject({ keyAlias: 'cursor', keyLast4: key.slice(-4), models: ['gpt-4o'], maxBudgetMicros: 1_500_000, spendMicros: 0, reservedMicros: 0, rpmLimit: 10, tpmLimit: null, blocked: false, createdAt: database.clock.now() });
    expect(JSON.stringify(record)).not.toContain(key);
    expect(JSON.stringify(record)).not.toContain(hashKey(key));
    expect(await rows(database.connection, 'SELECT key_hash, key_last4 FROM virtual_keys WHERE id = ?', [record.id])).toEqual([{ key_hash: hashKey(key), key_last4: key.slice(-4) }]);
    const dump = JSON.stringify(await rows(database.connection, 'SELECT * FROM virtual_keys'));
    expect(dump).not.toContain(key.slice(3));
    expect(await repo.info(record.id)).toEqual(record);
    expect(await repo.info(key)).toEqual(record);
    const other = createKeyRepository(await database.reconnect(), database.clock);
    expect(await other.findByHash(hashKey(key))).toEqual({ ...record, team: null, user: null });
  });

  it('converts LiteLLM fields: budget in USD to micros, budget_duration to a reset time, duration to an expiry', async () => {
    const { repo, database } = await setup(engine);
    const now = database.clock.now();
    const { record } = await repo.create({ max_budget: 0.000001, budget_duration: '30d', duration: '2h', tpm_limit: 1000, max_parallel_requests: 2, metadata: { team: 'ml' } });
    expect(record).toMatchObject({ maxBudgetMicros: 1, budgetDuration: '30d', budgetResetAt: now + 30 * DAY, expiresAt: now + 2 * HOUR, tpmLimit: 1000, maxParallelRequests: 2, metadata: { team: 'ml' } });
  });

  it('updates only the fields given, and null clears budget, limits and expiry', async () => {
    const { repo, database } = await setup(engine);
    const { key, record } = await repo.create({ key_alias: 'app', max_budget: 5, budget_duration: '1d', rpm_limit: 5, duration: '1d', models: ['a'] });
    database.clock.advance(HOUR);
    expect(await repo.update(key, { rpm_limit: 50, models: [] })).toMatchObject({ rpmLimit: 50, models: [], maxBudgetMicros: 5_000_000, keyAlias: 'app', updatedAt: database.clock.now() });
    const cleared = await repo.update(record.id, { max_budget: null, budget_duration: null, rpm_limit: null, duration: null });
    expect(cleared).toMatchObject({ maxBudgetMicros: null, budgetDuration: null, budgetResetAt: null, rpmLimit: null, expiresAt: null });
    expect((await repo.update(record.id, { expires: '2030-01-01T00:00:00Z' })).expiresAt).toBe(Date.UTC(2030, 0, 1));
  });

  it('refuses a second key with the same alias, on create and on update', async () => {
    const { repo } = await setup(engine);
    const first = await repo.create({ key_alias: 'claude-code' });
    await expectKeyError(() => repo.create({ key_alias: 'claude-code' }), 'key_alias_taken', 'key_alias');
    const other = await repo.create({ key_alias: 'other' });
    await expectKeyError(() => repo.update(other.record.id, { key_alias: 'claude-code' }), 'key_alias_taken');
    expect((await repo.list()).total).toBe(2);
    expect((await repo.info(first.record.id))?.keyAlias).toBe('claude-code');
  });

  it.each<[string, KeyFields, string]>([
    ['a negative budget', { max_budget: -1 }, 'max_budget'],
    ['a fractional rpm limit', { rpm_limit: 1.5 }, 'rpm_limit'],
    ['a bad budget_duration', { budget_duration: '30 days' }, 'budget_duration'],
    ['an expires in the past (the clock says 2026-03-15)', { expires: '2026-03-14T00:00:00Z' }, 'expires'],
    ['metadata that is a list', { metadata: [] as unknown as Record<string, unknown> }, 'metadata'],
  ])('rejects %s with invalid_key_input and writes nothing', async (_label, fields, param) => {
    const { repo } = await setup(engine);
    await expectKeyError(() => repo.create(fields), 'invalid_key_input', param);
    expect((await repo.list()).total).toBe(0);
  });

  it('deletes by keys or by key_aliases, and reports unknown ones without echoing a plaintext key', async () => {
    const { repo } = await setup(engine);
    const a = await repo.create({ key_alias: 'a' });
    const b = await repo.create({ key_alias: 'b' });
    const c = await repo.create({ key_alias: 'c' });
    const ghost = 'sk-ghostghostghostghostghostghostghostghostWXYZ';
    const result = await repo.delete({ keys: [a.key, b.record.id, ghost, 'key_missing'], key_aliases: ['c', 'nobody'] });
    expect(result.deletedIds.sort()).toEqual([a.record.id, b.record.id, c.record.id].sort());
    expect(result.notFound).toEqual(['sk-...WXYZ', 'key_missing', 'nobody']);
    expect(JSON.stringify(result)).not.toContain(ghost);
    expect((await repo.list()).total).toBe(0);
  });

  it('lists keys newest first, a page at a time, capped at 100 per page, and by alias', async () => {
    const { repo, database } = await setup(engine);
    for (let i = 0; i < 7; i++) {
      await repo.create({ key_alias: `app-${i}` });
      database.clock.advance(1_000);
    }
    const page1 = await repo.list({ page: 1, pageSize: 3 });
    expect(page1).toMatchObject({ total: 7, page: 1, pageSize: 3, totalPages: 3 });
    expect(page1.keys.map((k) => k.keyAlias)).toEqual(['app-6', 'app-5', 'app-4']);
    expect((await repo.list({ page: 3, pageSize: 3 })).keys.map((k) => k.keyAlias)).toEqual(['app-0']);
    expect((await repo.list({ pageSize: 1_000 })).pageSize).toBe(100);
    expect(await repo.list({ keyAlias: 'app-2' })).toMatchObject({ total: 1, keys: [{ keyAlias: 'app-2' }] });
    await expectKeyError(() => repo.list({ page: 0 }), 'invalid_key_input', 'page');
  });

  it('regenerates a new secret for the same id, limits and spend; the old secret stops matching', async () => {
    const { repo, database } = await setup(engine);
    const { key: oldKey, record } = await repo.create({ key_alias: 'app', rpm_limit: 7, max_budget: 3 });
    await exec(database.connection, 'UPDATE virtual_keys SET spend_micros = 1234 WHERE id = ?', [record.id]);
    const { key: newKey, record: regenerated } = await repo.regenerate(oldKey);
    expect(newKey).not.toBe(oldKey);
    expect(regenerated).toMatchObject({ id: record.id, rpmLimit: 7, maxBudgetMicros: 3_000_000, spendMicros: 1234, keyLast4: newKey.slice(-4) });
    expect(await repo.findByHash(hashKey(oldKey))).toBeNull();
    expect((await repo.findByHash(hashKey(newKey)))?.id).toBe(record.id);
  });

  it('blocks and unblocks a key, seen from another connection (another replica)', async () => {
    const { repo, database } = await setup(engine);
    const { key, record } = await repo.create();
    expect((await repo.block(key)).blocked).toBe(true);
    const other = createKeyRepository(await database.reconnect(), database.clock);
    expect((await other.info(record.id))?.blocked).toBe(true);
    expect((await repo.unblock(record.id)).blocked).toBe(false);
    expect((await other.info(record.id))?.blocked).toBe(false);
  });

  it.each(['key_nope', 'sk-nope', 'nope', ''])('answers key_not_found for %j', async (ref) => {
    const { repo } = await setup(engine);
    expect(await repo.info(ref)).toBeNull();
    await expectKeyError(() => repo.update(ref, { rpm_limit: 1 }), 'key_not_found');
    await expectKeyError(() => repo.block(ref), 'key_not_found');
    await expectKeyError(() => repo.regenerate(ref), 'key_not_found');
  });

  it('resets due budgets in the sweep, once, and schedules the next reset on the same rhythm', async () => {
    const { repo, database } = await setup(engine);
    const created = database.clock.now();
    const due = await repo.create({ key_alias: 'due', max_budget: 1, budget_duration: '1d' });
    const notDue = await repo.create({ key_alias: 'later', max_budget: 1, budget_duration: '30d' });
    await exec(database.connection, 'UPDATE virtual_keys SET spend_micros = 500000');
    database.clock.advance(2.5 * DAY);
    expect(await repo.resetDueBudgets()).toEqual([due.record.id]);
    expect(await repo.info(due.record.id)).toMatchObject({ spendMicros: 0, budgetResetAt: created + 3 * DAY });
    expect(await repo.info(notDue.record.id)).toMatchObject({ spendMicros: 500_000, budgetResetAt: created + 30 * DAY });
    expect(await createKeyRepository(await database.reconnect(), database.clock).resetDueBudgets()).toEqual([]);
  });

  it('tells listeners about every committed change, and nothing about a failed one', async () => {
    const { repo } = await setup(engine);
    const changes: KeyChange[] = [];
    const stop = repo.onChange((c) => changes.push(c));
    const { key, record } = await repo.create({ key_alias: 'x' });
    await repo.update(key, { rpm_limit: 1 });
    await repo.block(key);
    await repo.regenerate(record.id);
    await expectKeyError(() => repo.create({ key_alias: 'x' }), 'key_alias_taken');
    await repo.delete({ keys: [record.id] });
    await expectKeyError(() => repo.update(record.id, {}), 'key_not_found');
    stop();
    await repo.create();
    expect(changes.map((c) => c.type)).toEqual(['created', 'updated', 'updated', 'regenerated', 'deleted']);
    expect(new Set(changes.map((c) => c.keyId))).toEqual(new Set([record.id]));
  });

  it('describes a key in LiteLLM shape with a mask and no secret', async () => {
    const { repo, database } = await setup(engine);
    const { key, record } = await repo.create({ key_alias: 'app', max_budget: 2.5, budget_duration: '1d', models: ['m'] });
    const described = describeKey(record);
    expect(described).toMatchObject({ token: record.id, key_name: `sk-...${key.slice(-4)}`, key_alias: 'app', max_budget: 2.5, spend: 0, models: ['m'], budget_reset_at: new Date(database.clock.now() + DAY).toISOString(), blocked: false });
    expect(JSON.stringify(described)).not.toContain(key);
    expect(JSON.stringify(described)).not.toContain(hashKey(key));
  });
});

describe.each(ENGINES)('markKeyUsed on %s', (engine) => {
  it('stamps last_active forward only, so an older batch flushed late never moves it back', async () => {
    const { repo, database } = await setup(engine);
    const { record } = await repo.create({ key_alias: 'app' });
    expect(record.lastUsedAt).toBeNull();
    const mark = bindUnit(database.connection, writeUnit(markKeyUsed));
    await mark(record.id, 2_000);
    await mark(record.id, 1_000);
    expect((await repo.info(record.id))?.lastUsedAt).toBe(2_000);
    await mark(record.id, 3_000);
    expect(describeKey((await repo.info(record.id))!).last_active).toBe(new Date(3_000).toISOString());
  });
});
