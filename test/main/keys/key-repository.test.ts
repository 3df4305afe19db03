import { readFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { describeKey } from '../../../main/keys/describe-key.js';
import { KeyError } from '../../../main/keys/key-error.js';
import { createKeyRepository, type KeyChange, type KeyFields, type KeyRepository } from '../../../main/keys/key-repository.js';
import { hashKey } from '../../../main/keys/virtual-keys.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

function setup(): { repo: KeyRepository; db: TempDatabase } {
  opened = openTempDatabase();
  return { repo: createKeyRepository(opened.db, opened.clock), db: opened };
}

function expectKeyError(run: () => unknown, code: KeyError['code'], param?: string): KeyError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyError);
  expect((caught as KeyError).code).toBe(code);
  if (param !== undefined) expect((caught as KeyError).param).toBe(param);
  return caught as KeyError;
}

describe('createKeyRepository', () => {
  it('creates a key, returns its plaintext once, and stores only its hash and last 4 characters', () => {
    const { repo, db } = setup();
    const { key, record } = repo.create({ key_alias: 'cursor', models: ['gpt-4o'], max_budget: 1.5, rpm_limit: 10 });
    expect(key).toMatch(/^sk-/);
    expect(record).toMatchObject({
      keyAlias: 'cursor',
      keyLast4: key.slice(-4),
      models: ['gpt-4o'],
      maxBudgetMicros: 1_500_000,
      spendMicros: 0,
      reservedMicros: 0,
      rpmLimit: 10,
      tpmLimit: null,
      blocked: false,
      createdAt: db.clock.now(),
    });
    expect(record).not.toHaveProperty('keyHash');
    expect(JSON.stringify(record)).not.toContain(key);
    expect(JSON.stringify(record)).not.toContain(hashKey(key));
    const row = db.db.prepare('SELECT key_hash, key_last4 FROM virtual_keys WHERE id = ?').get(record.id);
    expect(row).toEqual({ key_hash: hashKey(key), key_last4: key.slice(-4) });
    expect(repo.info(record.id)).toEqual(record);
    expect(repo.info(key)).toEqual(record);
  });

  it('writes no plaintext key to the database file or its -wal (S8)', () => {
    const { repo, db } = setup();
    const keys = [repo.create({ key_alias: 'a' }).key, repo.create({ key_alias: 'b' }).key];
    keys.push(repo.regenerate(repo.create({ key_alias: 'c' }).record.id).key);
    const scan = (): Buffer[] => [db.file, `${db.file}-wal`].filter(existsSync).map((f) => readFileSync(f));
    const before = scan();
    expect(before.length).toBe(2); // the -wal exists and holds the recent writes
    db.db.close();
    for (const bytes of [...before, ...scan()]) {
      for (const key of keys) {
        expect(bytes.includes(Buffer.from(key))).toBe(false);
        expect(bytes.includes(Buffer.from(key.slice(3)))).toBe(false);
      }
    }
    // The scan itself can find things: the hash is there.
    expect(before.some((b) => b.includes(Buffer.from(hashKey(keys[0] as string))))).toBe(true);
  });

  it('converts LiteLLM fields: budget in USD to micros, budget_duration to a reset time, duration to an expiry', () => {
    const { repo, db } = setup();
    const now = db.clock.now();
    const { record } = repo.create({ max_budget: 0.000001, budget_duration: '30d', duration: '2h', tpm_limit: 1000, max_parallel_requests: 2, metadata: { team: 'ml' } });
    expect(record.maxBudgetMicros).toBe(1);
    expect(record.budgetDuration).toBe('30d');
    expect(record.budgetResetAt).toBe(now + 30 * DAY);
    expect(record.expiresAt).toBe(now + 2 * HOUR);
    expect(record.tpmLimit).toBe(1000);
    expect(record.maxParallelRequests).toBe(2);
    expect(record.metadata).toEqual({ team: 'ml' });
  });

  it('updates only the fields given, and null clears budget, limits and expiry', () => {
    const { repo, db } = setup();
    const { key, record } = repo.create({ key_alias: 'app', max_budget: 5, budget_duration: '1d', rpm_limit: 5, duration: '1d', models: ['a'] });
    db.clock.advance(HOUR);
    const updated = repo.update(key, { rpm_limit: 50, models: [] });
    expect(updated).toMatchObject({ rpmLimit: 50, models: [], maxBudgetMicros: 5_000_000, keyAlias: 'app', updatedAt: db.clock.now() });
    const cleared = repo.update(record.id, { max_budget: null, budget_duration: null, rpm_limit: null, duration: null });
    expect(cleared).toMatchObject({ maxBudgetMicros: null, budgetDuration: null, budgetResetAt: null, rpmLimit: null, expiresAt: null });
    const expiring = repo.update(record.id, { expires: '2030-01-01T00:00:00Z' });
    expect(expiring.expiresAt).toBe(Date.UTC(2030, 0, 1));
  });

  it('refuses a second key with the same alias', () => {
    const { repo } = setup();
    const first = repo.create({ key_alias: 'claude-code' });
    expectKeyError(() => repo.create({ key_alias: 'claude-code' }), 'key_alias_taken', 'key_alias');
    const other = repo.create({ key_alias: 'other' });
    expectKeyError(() => repo.update(other.record.id, { key_alias: 'claude-code' }), 'key_alias_taken');
    expect(repo.list().total).toBe(2);
    expect(repo.info(first.record.id)?.keyAlias).toBe('claude-code');
  });

  it.each<[string, KeyFields, string]>([
    ['a negative budget', { max_budget: -1 }, 'max_budget'],
    ['a budget that is not a number', { max_budget: '10' as unknown as number }, 'max_budget'],
    ['an infinite budget', { max_budget: Number.POSITIVE_INFINITY }, 'max_budget'],
    ['a fractional rpm limit', { rpm_limit: 1.5 }, 'rpm_limit'],
    ['a negative tpm limit', { tpm_limit: -5 }, 'tpm_limit'],
    ['a bad budget_duration', { budget_duration: '30 days' }, 'budget_duration'],
    ['a bad duration', { duration: 'forever' }, 'duration'],
    ['a bad expires', { expires: 'tomorrow' }, 'expires'],
    ['an expires in the past (the clock says 2026-03-15)', { expires: '2026-03-14T00:00:00Z' }, 'expires'],
    ['an alias longer than the shared contract allows', { key_alias: 'a'.repeat(129) }, 'key_alias'],
    ['both duration and expires', { duration: '1d', expires: '2030-01-01T00:00:00Z' }, 'duration'],
    ['models that are not a list', { models: 'gpt-4o' as unknown as string[] }, 'models'],
    ['an empty model name', { models: [''] }, 'models'],
    ['an empty alias', { key_alias: '' }, 'key_alias'],
    ['metadata that is a list', { metadata: [] as unknown as Record<string, unknown> }, 'metadata'],
    ['blocked that is not a boolean', { blocked: 'yes' as unknown as boolean }, 'blocked'],
  ])('rejects %s with invalid_key_input and writes nothing', (_label, fields, param) => {
    const { repo } = setup();
    expectKeyError(() => repo.create(fields), 'invalid_key_input', param);
    expect(repo.list().total).toBe(0);
  });

  it('deletes by keys or by key_aliases, and reports unknown ones without echoing a plaintext key', () => {
    const { repo } = setup();
    const a = repo.create({ key_alias: 'a' });
    const b = repo.create({ key_alias: 'b' });
    const c = repo.create({ key_alias: 'c' });
    const ghost = 'sk-ghostghostghostghostghostghostghostghostWXYZ';
    const result = repo.delete({ keys: [a.key, b.record.id, ghost, 'key_missing'], key_aliases: ['c', 'nobody'] });
    expect(result.deletedIds.sort()).toEqual([a.record.id, b.record.id, c.record.id].sort());
    expect(result.notFound).toEqual(['sk-...WXYZ', 'key_missing', 'nobody']);
    expect(JSON.stringify(result)).not.toContain(ghost);
    expect(repo.list().total).toBe(0);
  });

  it('lists keys newest first, a page at a time, capped at 100 per page', () => {
    const { repo, db } = setup();
    for (let i = 0; i < 7; i++) {
      repo.create({ key_alias: `app-${i}` });
      db.clock.advance(1_000);
    }
    const page1 = repo.list({ page: 1, pageSize: 3 });
    expect(page1).toMatchObject({ total: 7, page: 1, pageSize: 3, totalPages: 3 });
    expect(page1.keys.map((k) => k.keyAlias)).toEqual(['app-6', 'app-5', 'app-4']);
    expect(repo.list({ page: 3, pageSize: 3 }).keys.map((k) => k.keyAlias)).toEqual(['app-0']);
    expect(repo.list({ pageSize: 1_000 }).pageSize).toBe(100);
    expect(repo.list({ keyAlias: 'app-2' }).keys.map((k) => k.keyAlias)).toEqual(['app-2']);
    expectKeyError(() => repo.list({ page: 0 }), 'invalid_key_input', 'page');
  });

  it('regenerates a new secret for the same id, limits and spend; the old secret stops matching', () => {
    const { repo, db } = setup();
    const { key: oldKey, record } = repo.create({ key_alias: 'app', rpm_limit: 7, max_budget: 3 });
    db.db.prepare('UPDATE virtual_keys SET spend_micros = 1234 WHERE id = ?').run(record.id);
    const { key: newKey, record: regenerated } = repo.regenerate(oldKey);
    expect(newKey).not.toBe(oldKey);
    expect(regenerated).toMatchObject({ id: record.id, rpmLimit: 7, maxBudgetMicros: 3_000_000, spendMicros: 1234, keyLast4: newKey.slice(-4) });
    expect(repo.findByHash(hashKey(oldKey))).toBeNull();
    expect(repo.findByHash(hashKey(newKey))?.id).toBe(record.id);
  });

  it('blocks and unblocks a key', () => {
    const { repo } = setup();
    const { key, record } = repo.create();
    expect(repo.block(key).blocked).toBe(true);
    expect(repo.info(record.id)?.blocked).toBe(true);
    expect(repo.unblock(record.id).blocked).toBe(false);
  });

  it.each(['key_nope', 'sk-nope', 'nope', ''])('answers key_not_found for %j', (ref) => {
    const { repo } = setup();
    expect(repo.info(ref)).toBeNull();
    expectKeyError(() => repo.update(ref, { rpm_limit: 1 }), 'key_not_found');
    expectKeyError(() => repo.block(ref), 'key_not_found');
    expectKeyError(() => repo.regenerate(ref), 'key_not_found');
  });

  it('resets due budgets in the sweep and schedules the next reset on the same rhythm', () => {
    const { repo, db } = setup();
    const created = db.clock.now();
    const due = repo.create({ key_alias: 'due', max_budget: 1, budget_duration: '1d' });
    const notDue = repo.create({ key_alias: 'later', max_budget: 1, budget_duration: '30d' });
    db.db.prepare('UPDATE virtual_keys SET spend_micros = 500000').run();
    db.clock.advance(2.5 * DAY);
    expect(repo.resetDueBudgets()).toEqual([due.record.id]);
    expect(repo.info(due.record.id)).toMatchObject({ spendMicros: 0, budgetResetAt: created + 3 * DAY });
    expect(repo.info(notDue.record.id)).toMatchObject({ spendMicros: 500_000, budgetResetAt: created + 30 * DAY });
    expect(repo.resetDueBudgets()).toEqual([]);
  });

  it('tells listeners about every committed change', () => {
    const { repo } = setup();
    const changes: KeyChange[] = [];
    const stop = repo.onChange((c) => changes.push(c));
    const { key, record } = repo.create({ key_alias: 'x' });
    repo.update(key, { rpm_limit: 1 });
    repo.block(key);
    repo.regenerate(record.id);
    repo.delete({ keys: [record.id] });
    expectKeyError(() => repo.update(record.id, {}), 'key_not_found');
    stop();
    repo.create();
    expect(changes.map((c) => c.type)).toEqual(['created', 'updated', 'updated', 'regenerated', 'deleted']);
    expect(new Set(changes.map((c) => c.keyId))).toEqual(new Set([record.id]));
  });

  it('describes a key in LiteLLM shape with a mask and no secret', () => {
    const { repo, db } = setup();
    const { key, record } = repo.create({ key_alias: 'app', max_budget: 2.5, budget_duration: '1d', models: ['m'] });
    const described = describeKey(record);
    expect(described).toMatchObject({
      token: record.id,
      key_name: `sk-...${key.slice(-4)}`,
      key_alias: 'app',
      max_budget: 2.5,
      spend: 0,
      models: ['m'],
      budget_reset_at: new Date(db.clock.now() + DAY).toISOString(),
      expires: null,
      blocked: false,
    });
    const json = JSON.stringify(described);
    expect(json).not.toContain(key);
    expect(json).not.toContain(hashKey(key));
  });
});
